#!/usr/bin/env bash
# The project's test command: release build + CTest, then the whole suite again under the
# address and undefined-behaviour sanitizers, then (when SVCSIM_TSAN=1) the threaded explorer's
# and fleet's tests under the thread sanitizer, then (when SVCSIM_FUZZ_SECONDS > 0) every
# libFuzzer target for that many seconds. Stops at the first failure. Ends with one summary line per preset
# (tests passed and failed, seconds) and the total time.
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

started_s=$SECONDS
summary=()

# The summary, printed last whatever happened, so the end of a long log says how it went.
print_summary() {
  echo "test: summary"
  local line
  for line in "${summary[@]}"; do echo "test:   $line"; done
  echo "test: total $((SECONDS - started_s)) s"
}
trap print_summary EXIT

# configure, build and run CTest for one preset; one summary line from CTest's own count.
run_preset() {
  local preset="$1"
  local preset_started_s=$SECONDS
  local log
  log="$(mktemp)"
  echo "test: [$preset] configure and build"
  if ! cmake --preset "$preset" || ! cmake --build --preset "$preset"; then
    summary+=("$(printf '%-8s configure or build FAILED, %d s' "$preset" $((SECONDS - preset_started_s)))")
    rm -f "$log"
    return 1
  fi
  echo "test: [$preset] ctest"
  local status=0
  ctest --preset "$preset" | tee "$log" || status=$?
  # "100% tests passed, 0 tests failed out of 548"
  local counts
  counts="$(grep -Eo '[0-9]+ tests failed out of [0-9]+' "$log" | tail -1 || true)"
  rm -f "$log"
  local failed="${counts%% tests failed*}"
  local total="${counts##* out of }"
  if [[ -z "$counts" ]]; then
    summary+=("$(printf '%-8s ctest did not finish, %d s' "$preset" $((SECONDS - preset_started_s)))")
  else
    summary+=("$(printf '%-8s %d tests, %d passed, %d failed, %d s' "$preset" "$total" \
      $((total - failed)) "$failed" $((SECONDS - preset_started_s)))")
  fi
  ((status == 0)) || return 1
}

run_preset release
if ((quick)); then
  echo "test: --quick: skipping the asan and fuzz presets"
  exit 0
fi

run_preset asan

# The thread sanitizer on the tests whose names say Threads or Fleet (the tsan preset builds
# only the simulator's test binary): opt-in, it adds about six minutes on 2 cores.
if [[ "${SVCSIM_TSAN:-0}" == 1 ]]; then
  run_preset tsan
else
  echo "test: SVCSIM_TSAN unset: not running the thread sanitizer"
fi

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
  fuzz_started_s=$SECONDS
  mapfile -t fuzz_targets < <(bash fuzz/run.sh --list)
  if ((${#fuzz_targets[@]} == 0)); then
    echo "test: fuzz/run.sh --list printed no targets" >&2
    exit 1
  fi
  fuzzed=0
  for target in "${fuzz_targets[@]}"; do
    [[ -n "$target" ]] || continue
    echo "test: [fuzz] $target for ${fuzz_seconds}s"
    if ! bash fuzz/run.sh "$target" "$fuzz_seconds"; then
      summary+=("$(printf '%-8s %s FAILED (see above), %d s' fuzz "$target" \
        $((SECONDS - fuzz_started_s)))")
      exit 1
    fi
    fuzzed=$((fuzzed + 1))
  done
  summary+=("$(printf '%-8s %d targets, %d s each, no crash, %d s' fuzz "$fuzzed" "$fuzz_seconds" \
    $((SECONDS - fuzz_started_s)))")
fi

echo "test: all presets passed"
