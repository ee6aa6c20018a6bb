#!/usr/bin/env bash
# The project's test command: release build + CTest, then the whole suite again under the
# address and undefined-behaviour sanitizers, then (when SVCSIM_FUZZ_SECONDS > 0) every libFuzzer
# target for that many seconds. Stops at the first failure.
#
#   scripts/test.sh           everything above
#   scripts/test.sh --quick   release build + CTest only (for developers)
set -euo pipefail

cd "$(dirname "$0")/.."

quick=0
for argument in "$@"; do
  case "$argument" in
    --quick) quick=1 ;;
    -h | --help)
      sed -n '2,8p' "$0"
      exit 0
      ;;
    *)
      echo "test: unknown argument '$argument' (expected --quick)" >&2
      exit 2
      ;;
  esac
done

# A fresh clone has no build tree yet; setup.sh installs the packages and configures it.
if [[ ! -f build/release/build.ninja ]]; then
  echo "test: no build/release/build.ninja; running scripts/setup.sh first"
  scripts/setup.sh
fi

# configure, build and run CTest for one preset.
run_preset() {
  local preset="$1"
  echo "test: [$preset] configure"
  cmake --preset "$preset"
  echo "test: [$preset] build"
  cmake --build --preset "$preset"
  echo "test: [$preset] ctest"
  ctest --preset "$preset"
}

run_preset release
if ((quick)); then
  echo "test: --quick: skipping the asan and fuzz presets"
  exit 0
fi

run_preset asan

fuzz_seconds="${SVCSIM_FUZZ_SECONDS:-0}"
if ! [[ "$fuzz_seconds" =~ ^[0-9]+$ ]]; then
  echo "test: SVCSIM_FUZZ_SECONDS must be a whole number of seconds, got '$fuzz_seconds'" >&2
  exit 2
fi
if ((fuzz_seconds == 0)); then
  echo "test: SVCSIM_FUZZ_SECONDS unset or 0: not fuzzing"
elif [[ ! -f fuzz/run.sh ]]; then
  echo "test: fuzz/run.sh does not exist yet: not fuzzing"
else
  echo "test: [fuzz] configure"
  cmake --preset fuzz
  echo "test: [fuzz] build"
  cmake --build --preset fuzz
  mapfile -t fuzz_targets < <(bash fuzz/run.sh --list)
  if ((${#fuzz_targets[@]} == 0)); then
    echo "test: fuzz/run.sh --list printed no targets" >&2
    exit 1
  fi
  for target in "${fuzz_targets[@]}"; do
    [[ -n "$target" ]] || continue
    echo "test: [fuzz] $target for ${fuzz_seconds}s"
    bash fuzz/run.sh "$target" "$fuzz_seconds"
  done
fi

echo "test: all presets passed"
