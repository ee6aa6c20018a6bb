#!/usr/bin/env bash
# Imports .msu files and explores the result beside a hand-written scenario: the exact counts of
# `svcsim explore --format json` (`orders` and every `runs[j]`) must be the same.
#
#   compare_explore.sh SVCSIM HAND_WRITTEN.yaml IMPORT_ARGUMENT...
set -euo pipefail

if (($# < 3)); then
  sed -n '2,5p' "$0" >&2
  exit 2
fi
svcsim="$1"
hand_written="$2"
shift 2

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
"$svcsim" import "$@" -o "$scratch/imported.yaml"

# The counts: the `orders` line and the `runs` array, as the JSON writer lays them out (stable
# keys, two-space indent; scenarios.md).
counts() {
  # Counts only: runs in classes the scenario does not allow are not this test's concern.
  "$svcsim" explore "$1" --format json --no-timing --fail-on none >"$scratch/explore.json"
  sed -n '/^  "orders": /p; /^  "runs": \[/,/^  \],/p' "$scratch/explore.json"
}
counts "$scratch/imported.yaml" >"$scratch/imported.counts"
counts "$hand_written" >"$scratch/hand-written.counts"
if [[ ! -s "$scratch/hand-written.counts" ]]; then
  echo "compare_explore.sh: no counts in the explore output of $hand_written" >&2
  exit 1
fi
if ! diff -u "$scratch/hand-written.counts" "$scratch/imported.counts"; then
  echo "compare_explore.sh: the imported scenario explores to other counts than $hand_written" >&2
  echo "--- imported scenario ---" >&2
  cat "$scratch/imported.yaml" >&2
  exit 1
fi
echo "compare_explore.sh: same counts as $hand_written:"
cat "$scratch/imported.counts"
