#!/usr/bin/env bash
# SPIN 6.5.2 beside svcsim's explorer on the same synthetic chain, in one run (issue 12).
#
#   bench/spin_side_by_side.sh [N...]      (default: 16 18 20)
#   ROUNDS=R bench/spin_side_by_side.sh ... (default 1)
#
# For each n: svcsim_synthetic_chain writes the chain, bench/spin/synthetic_chain_pml.py turns it
# into Promela, `spin -a -o2` and `gcc -O2 -DSAFETY -DNOREDUCE -DMEMLIM=<MiB>` build pan, and
# `pan -w<bits> -m<depth>` searches it with a hash table of 2^bits >= the state count; right
# after, svcsim_explore_scaling explores the same chain. Both run under /usr/bin/time -v. With
# ROUNDS=R each n runs R rounds of the three (SPIN, svcsim on 1 thread, on every core) in turn,
# and each row is the best wall time of its rounds: a busy minute on a shared machine then slows
# every tool alike instead of one. Prints one Markdown table; bench/README.md says what it
# measures and its caveats.
#
# SVCSIM_BENCH_DIR: where svcsim_explore_scaling and svcsim_synthetic_chain are (default
# build/release/bench). Exit 2 (one line) when spin is not installed; 1 on any other failure.
set -Eeuo pipefail
# Exit 2 means only "spin is not installed" (bench.spin_smoke skips on it), so any other failure,
# a helper's exit 2 included, is exit 1.
trap 'echo "spin_side_by_side: failed at line $LINENO" >&2; exit 1' ERR

root="$(cd "$(dirname "$0")/.." && pwd)"
bench_dir="${SVCSIM_BENCH_DIR:-$root/build/release/bench}"
generator="$root/bench/spin/synthetic_chain_pml.py"

fail() {
  echo "spin_side_by_side: $*" >&2
  exit 1
}

if ! command -v spin >/dev/null 2>&1; then
  echo "spin_side_by_side: spin is not installed (Debian package spin; scripts/setup.sh installs it)" >&2
  exit 2
fi
[[ -x /usr/bin/time ]] || fail "/usr/bin/time is missing (Debian package time; scripts/setup.sh installs it)"
command -v gcc >/dev/null 2>&1 || fail "gcc is missing (it compiles SPIN's pan.c)"
command -v python3 >/dev/null 2>&1 || fail "python3 is missing (it writes the Promela model)"
for tool in svcsim_explore_scaling svcsim_synthetic_chain; do
  [[ -x "$bench_dir/$tool" ]] ||
    fail "$bench_dir/$tool is missing: build it (cmake --build build/release --target $tool) or set SVCSIM_BENCH_DIR"
done

rounds="${ROUNDS:-1}"
[[ "$rounds" =~ ^[0-9]+$ ]] && ((rounds >= 1 && rounds <= 20)) || fail "ROUNDS must be a whole number from 1 to 20, got '$rounds'"
sizes=("$@")
((${#sizes[@]} > 0)) || sizes=(16 18 20)
for n in "${sizes[@]}"; do
  # 31: the Promela done mask is one unsigned field.
  [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 31)) || fail "n must be a whole number from 1 to 31, got '$n'"
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# pan stops at MEMLIM (in MiB, not bytes) rather than let the kernel swap or kill it: nine tenths
# of the memory available now.
available_kib="$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)"
memlim_mib=$((available_kib * 9 / 10 / 1024))

# "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.35" -> 62.35; "Maximum resident set size
# (kbytes): N" -> MiB.
wall_seconds() {
  awk -F': ' '/Elapsed \(wall clock\)/ {
    n = split($2, part, ":"); s = 0
    for (i = 1; i <= n; i++) s = s * 60 + part[i]
    printf "%.2f", s }' "$1"
}
rss_mib() {
  awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"
}
# The svcsim_explore_scaling row of `threads`:
#   | n | k | threads | states | transitions | model states | seconds | ...
scaling_field() {
  awk -F'|' -v n="$2" -v field="$3" -v threads="${4:-1}" \
    '$2 + 0 == n && $3 + 0 == 0 && $4 + 0 == threads { gsub(/ /, "", $field); print $field }' "$1"
}

# The best of `rounds` runs of one tool (KEY: 0 for SPIN, else svcsim's thread count): its wall
# time in best_wall[KEY], and that run's files kept as $dir/bestKEY.{out,time}.
keep_if_best() {  # keep_if_best KEY WALL OUT TIME
  if [[ -z "${best_wall[$1]:-}" ]] || awk -v a="$2" -v b="${best_wall[$1]}" 'BEGIN { exit !(a < b) }'; then
    best_wall[$1]="$2"
    cp "$3" "$dir/best$1.out"
    cp "$4" "$dir/best$1.time"
  fi
}
# svcsim on one thread (SPIN's pan is single-threaded), then on every core (explore's default).
thread_counts=(1)
[[ "$(nproc)" == 1 ]] || thread_counts+=("$(nproc)")

# "Spin Version 6.5.2 -- 6 December 2019" -> "SPIN 6.5.2"
spin_name="SPIN $(spin -V | awk '{print $3; exit}')"
rows=()
notes=()
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
  dir="$work/n$n"
  mkdir "$dir"
  "$bench_dir/svcsim_synthetic_chain" "$n" >"$dir/chain.yaml"
  python3 "$generator" "$dir/chain.yaml" >"$dir/chain.pml"

  # Sizing (not timed): the hash table is sized to the state count, which svcsim knows exactly;
  # SPIN stores that many plus two per end state (bench/README.md).
  "$bench_dir/svcsim_explore_scaling" --from "$n" --to "$n" --repeat 1 --brute-force-to 0 >"$dir/sizing.out" ||
    fail "n = $n: svcsim_explore_scaling failed (sizing pass)"
  expected="$(scaling_field "$dir/sizing.out" "$n" 5)"
  [[ "$expected" =~ ^[0-9]+$ ]] || fail "n = $n: no state count in svcsim_explore_scaling's output"
  bits=10
  while (((1 << bits) < expected)); do bits=$((bits + 1)); done
  depth=$((n + 10))  # a run is n steps, then SPIN's two end moves

  # spin -o2 keeps write-only variables in the state vector: by default SPIN drops them, and the
  # SSU's record is one (written, never read), so SPIN would merge states svcsim keeps apart.
  compile_started="$EPOCHREALTIME"
  (cd "$dir" && spin -a -o2 chain.pml >spin.out 2>&1) || fail "n = $n: spin -a failed: $(tail -1 "$dir/spin.out")"
  (cd "$dir" && gcc -O2 -DSAFETY -DNOREDUCE -DMEMLIM="$memlim_mib" -o pan pan.c >gcc.out 2>&1) ||
    fail "n = $n: gcc could not compile pan.c: $(tail -1 "$dir/gcc.out")"
  compile_s="$(awk -v a="$compile_started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"

  best_wall=()  # this n's best wall time per tool (keep_if_best)
  for ((round = 1; round <= rounds; round++)); do
    (cd "$dir" && /usr/bin/time -v -o pan.time ./pan -w"$bits" -m"$depth" >pan.out 2>&1) ||
      fail "n = $n: pan failed: $(tail -3 "$dir/pan.out" | tr '\n' ' ')"
    if ! grep -q 'errors: 0' "$dir/pan.out" || grep -qE 'max search depth too small|MEMLIM|out of memory' "$dir/pan.out"; then
      fail "n = $n: pan's search is not complete: $(grep -E 'errors:|depth|MEMLIM|memory' "$dir/pan.out" | head -3 | tr '\n' ' ')"
    fi
    keep_if_best 0 "$(wall_seconds "$dir/pan.time")" "$dir/pan.out" "$dir/pan.time"
    for threads in "${thread_counts[@]}"; do
      /usr/bin/time -v -o "$dir/svcsim.time" "$bench_dir/svcsim_explore_scaling" --from "$n" --to "$n" \
        --repeat 1 --brute-force-to 0 --threads "$threads" >"$dir/svcsim.out" ||
        fail "n = $n: svcsim_explore_scaling failed"
      keep_if_best "$threads" "$(wall_seconds "$dir/svcsim.time")" "$dir/svcsim.out" "$dir/svcsim.time"
    done
  done

  spin_states="$(awk '/states, stored$/ {print $1}' "$dir/best0.out")"
  spin_transitions="$(awk '/transitions \(= stored\+matched\)/ {print $1}' "$dir/best0.out")"
  spin_wall="${best_wall[0]}"
  # pan prints nonsense (1.7e+07 s) for a search shorter than its clock's tick.
  spin_own="$(awk -v wall="$spin_wall" '/^pan: elapsed time/ { print ($4 > wall + 1) ? "n/a" : $4 }' "$dir/best0.out")"
  rows+=("| $n | $spin_name | $spin_states | $spin_transitions | $spin_wall | $spin_own | $(rss_mib "$dir/best0.time") | |")
  for threads in "${thread_counts[@]}"; do
    svcsim_states="$(scaling_field "$dir/best$threads.out" "$n" 5 "$threads")"
    svcsim_transitions="$(scaling_field "$dir/best$threads.out" "$n" 6 "$threads")"
    svcsim_own="$(scaling_field "$dir/best$threads.out" "$n" 8 "$threads")"
    svcsim_wall="${best_wall[$threads]}"
    ratio="$(awk -v a="$spin_wall" -v b="$svcsim_wall" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a (svcsim under 0.01 s)" }')"
    rows+=("| $n | svcsim, $threads thread(s) | $svcsim_states | $svcsim_transitions | $svcsim_wall | $svcsim_own | $(rss_mib "$dir/best$threads.time") | $ratio |")
  done
  notes+=("n = $n: pan -w$bits -m$depth; spin -a and gcc took $compile_s s (not counted); SPIN stored $((spin_states - svcsim_states)) more states than svcsim")
  rm -rf "$dir"
done

echo "| n | tool | states stored | transitions | wall s | own clock s | peak RSS MiB | SPIN/svcsim wall |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "$spin_name: spin -a -o2; gcc -O2 -DSAFETY -DNOREDUCE -DMEMLIM=$memlim_mib (MiB); each row the best wall time of $rounds round(s)"
printf '%s\n' "${notes[@]}"
echo "load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
