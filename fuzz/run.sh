#!/usr/bin/env bash
# Runs one libFuzzer target of the fuzz preset for a while, on a scratch copy of its checked-in
# corpus, and fails (printing the input and how to reproduce it) if libFuzzer finds a crash.
#
#   fuzz/run.sh --list            the target names, one per line
#   fuzz/run.sh TARGET SECONDS    fuzz build/fuzz/fuzz/TARGET_fuzzer for SECONDS seconds
#
# Needs the fuzz preset: cmake --preset fuzz && cmake --build --preset fuzz
set -euo pipefail

cd "$(dirname "$0")/.."

# Keep in step with svcsim_fuzz_targets in fuzz/CMakeLists.txt.
targets=(scenario_loader order_fault_parser operation_sequence
  compdb_parser pkg_properties_parser unattend_parser update_mum_parser name_validator
  dism_console_parser get_packages_parser)

build_dir=build/fuzz
binary_dir="$build_dir/fuzz"

usage() {
  sed -n '2,8p' "$0" >&2
  exit 2
}

if [[ $# -eq 1 && "$1" == "--list" ]]; then
  printf '%s\n' "${targets[@]}"
  exit 0
fi
if [[ $# -eq 1 && ("$1" == "-h" || "$1" == "--help") ]]; then
  sed -n '2,8p' "$0"
  exit 0
fi
[[ $# -eq 2 ]] || usage

target="$1"
seconds="$2"
known=0
for name in "${targets[@]}"; do
  [[ "$name" == "$target" ]] && known=1
done
if ((!known)); then
  echo "fuzz: unknown target '$target' (targets: ${targets[*]})" >&2
  exit 2
fi
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || ((seconds == 0)); then
  echo "fuzz: SECONDS must be a whole number of seconds above 0, got '$seconds'" >&2
  exit 2
fi

fuzzer="$binary_dir/${target}_fuzzer"
replay="$binary_dir/${target}_replay"
if [[ ! -x "$fuzzer" ]]; then
  echo "fuzz: $fuzzer does not exist; build the fuzz preset first:" >&2
  echo "  cmake --preset fuzz && cmake --build --preset fuzz" >&2
  exit 2
fi

# libFuzzer adds what it finds to its first corpus directory: give it a scratch copy, so the
# checked-in corpus changes only when someone decides to add a file to it.
corpus_dir="$build_dir/corpus-work/$target"
artifact_dir="$build_dir/artifacts/$target"
rm -rf "$corpus_dir" "$artifact_dir"
mkdir -p "$corpus_dir" "$artifact_dir"
cp -R "fuzz/corpus/$target/." "$corpus_dir/"

echo "fuzz: $target for ${seconds}s (corpus copy in $corpus_dir, artifacts in $artifact_dir)"
status=0
# One in-process worker, libFuzzer's default: CI has two cores and runs the targets one after
# another. (-jobs=1 is not the same: it forks a child that logs to ./fuzz-0.log instead.)
"$fuzzer" "$corpus_dir" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
  -print_final_stats=1 -artifact_prefix="$artifact_dir/" || status=$?

# crash-, leak-, timeout- and oom- inputs; slow-unit- files are only a note, not a failure.
mapfile -t artifacts < <(find "$artifact_dir" -type f ! -name 'slow-unit-*' | sort)
if ((status != 0)); then
  echo "fuzz: $target FAILED (libFuzzer exit $status)" >&2
  for artifact in "${artifacts[@]}"; do
    echo "  input:     $artifact" >&2
    echo "  reproduce: $replay $artifact" >&2
  done
  if ((${#artifacts[@]} == 0)); then
    echo "  (no input was written; see libFuzzer's output above)" >&2
  fi
  echo "  Add the input to fuzz/corpus/$target/ (it becomes a regression test) before fixing." >&2
  exit 1
fi
echo "fuzz: $target: no crash in ${seconds}s"
