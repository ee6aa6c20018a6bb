#!/usr/bin/env bash
# explore on 1, 2 and 4 MPI ranks beside a plain run, on the synthetic chain of n steps, in one
# run (issue 12): wall time of the whole job and peak resident memory of each rank, and a check
# that every run printed the same JSON.
#
#   bench/mpi_explore_ranks.sh [N [RANKS...]]     (default: 20, ranks 1 2 4)
#   FAULTS=1 bench/mpi_explore_ranks.sh 16        (the chain with up to 1 fault a run)
#
# Every rank runs on one thread (--threads 1), so the ranks are the only parallelism. Runs under
# mpirun --allow-run-as-root --oversubscribe (root and 2 cores, as CI). SVCSIM: the svcsim binary
# (default build/release/cli/svcsim). Prints one Markdown table; exit 1 when the outputs differ.
set -Eeuo pipefail
trap 'echo "mpi_explore_ranks: failed at line $LINENO" >&2; exit 1' ERR

root="$(cd "$(dirname "$0")/.." && pwd)"
svcsim="${SVCSIM:-$root/build/release/cli/svcsim}"
n="${1:-20}"
shift || true
ranks=("$@")
((${#ranks[@]} > 0)) || ranks=(1 2 4)
[[ -x "$svcsim" ]] || { echo "mpi_explore_ranks: $svcsim is missing: build the release preset" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "mpi_explore_ranks: /usr/bin/time is missing (Debian package time)" >&2; exit 1; }
command -v mpirun >/dev/null || { echo "mpi_explore_ranks: mpirun is missing (Debian package openmpi-bin)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scenario="$work/chain-$n.yaml"
generator="${SVCSIM_BENCH_DIR:-$root/build/release/bench}/svcsim_synthetic_chain"
[[ -x "$generator" ]] || { echo "mpi_explore_ranks: $generator is missing: build the release preset" >&2; exit 1; }
faults="${FAULTS:-0}"
"$generator" "$n" "$faults" > "$scenario"
arguments=(explore "$scenario" --threads 1 --faults "$faults" --format json --no-timing)
format='%e %M'

echo "| run | wall (s) | peak RSS per rank (MiB) |"
echo "| --- | --- | --- |"
/usr/bin/time -o "$work/plain.time" -f "$format" "$svcsim" "${arguments[@]}" > "$work/plain.json" || true
read -r wall rss < <(tail -n 1 "$work/plain.time")  # after "Command exited with ..." if any
printf '| plain, 1 thread | %s | %.0f |\n' "$wall" "$(echo "$rss / 1024" | bc -l)"
for count in "${ranks[@]}"; do
  start=$(date +%s.%N)
  # Each rank times itself into its own file, named by the rank mpirun gives it. The rank
  # exits 0 whatever explore said (1 when it found failures, as one fault a run does): mpirun
  # kills the other ranks when one exits non-zero, sometimes before they wrote their file. The
  # JSON, compared below, is what says whether the run was right.
  mpirun --allow-run-as-root --oversubscribe --quiet -np "$count" \
    bash -c '/usr/bin/time -o "$0/rank-$OMPI_COMM_WORLD_RANK.time" -f "$1" "${@:2}"; exit 0' \
    "$work" "$format" "$svcsim" "${arguments[@]}" > "$work/np$count.json" 2>/dev/null || true
  end=$(date +%s.%N)
  per_rank=()
  for ((rank = 0; rank < count; ++rank)); do
    read -r _ rss < <(tail -n 1 "$work/rank-$rank.time")
    per_rank+=("$(printf '%.0f' "$(echo "$rss / 1024" | bc -l)")")
  done
  rm -f "$work"/rank-*.time
  same="same JSON"
  cmp -s "$work/plain.json" "$work/np$count.json" || same="JSON DIFFERS"
  printf '| mpirun -np %s (%s) | %.2f | %s |\n' "$count" "$same" "$(echo "$end - $start" | bc -l)" \
    "$(IFS=,; echo "${per_rank[*]}" | sed 's/,/, /g')"
  [[ "$same" == "same JSON" ]] || exit 1
done
