#!/usr/bin/env bash
# The training run of profile-guided optimisation (scripts/setup.sh, cmake/SvcsimOptions.cmake):
# runs an svcsim built with SVCSIM_PGO=generate on the work it is tuned for, and GCC's
# instrumentation writes the profiles the SVCSIM_PGO=use build reads.
#
#   scripts/pgo_train.sh BUILD_DIR      e.g. build/release, configured with -DSVCSIM_PGO=generate
#
# What it runs, about a minute on this project's 2-core machine:
#   - explore on the synthetic chains (n = 20 with no fault, n = 16 with one) on 1 and 2 threads:
#     the explorer's inner loop, both of its instantiations, and the threaded layer build;
#   - explore with one fault on every shipped scenario: the multi-target worlds, the fault
#     variants and the model's rules;
#   - compare on one shipped fleet scenario, on 2 threads: the fleet engine.
# Exit codes 0, 1 and 3 of explore and compare are results (a scenario may well have runs in a
# class it flags); anything else stops the training.
set -euo pipefail
cd "$(dirname "$0")/.."

(($# == 1)) || { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
build="$1"
svcsim="$build/cli/svcsim"
[[ -x "$svcsim" ]] || { echo "pgo_train: $svcsim is not built" >&2; exit 2; }
grep -q '^SVCSIM_PGO:STRING=generate$' "$build/CMakeCache.txt" ||
  { echo "pgo_train: $build is not configured with -DSVCSIM_PGO=generate" >&2; exit 2; }

# A run whose exit code says it ran: 0 (as expected), 1 (a class flagged), 3 (incomplete).
train() {
  local status=0
  "$svcsim" "$@" >/dev/null 2>&1 || status=$?
  case "$status" in
    0 | 1 | 3) ;;
    *) echo "pgo_train: svcsim $* exited $status" >&2; exit 1 ;;
  esac
}

started_s=$SECONDS
train explore scenarios/synthetic/chain-20.yaml --threads 2
train explore scenarios/synthetic/chain-20.yaml --threads 1
train explore scenarios/synthetic/chain-16-one-fault.yaml --threads 2
train explore scenarios/synthetic/chain-16-one-fault.yaml --threads 1
for scenario in scenarios/*.yaml; do
  train explore "$scenario" --faults 1 --threads 1
done
train compare scenarios/april-2026-server-oob.yaml --threads 2 --devices 200000
echo "pgo_train: profiles written in $((SECONDS - started_s)) s"
