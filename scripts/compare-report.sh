#!/usr/bin/env bash
# Regenerates docs/compare-report.html, the example HTML report of `svcsim compare` committed with
# the sources: the seed-004 fleet (scenarios/april-2026-server-oob.yaml), seed 1, 20,000 devices.
# The same seed gives the same JSON, and the same gnuplot version the same charts, so a rerun
# changes the file only when svcsim's results or the report's layout change.
#
#   scripts/compare-report.sh [path/to/svcsim]   (default: build/release/cli/svcsim)
set -euo pipefail

cd "$(dirname "$0")/.."
svcsim="${1:-build/release/cli/svcsim}"
"$svcsim" compare scenarios/april-2026-server-oob.yaml --seed 1 --devices 20000 \
  --strategies patch_now,autopatch,wait_for_oob,pilot_then_broad \
  --format html --output docs/compare-report.html
echo "wrote docs/compare-report.html ($(wc -c < docs/compare-report.html) bytes)"
