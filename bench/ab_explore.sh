#!/usr/bin/env bash
# Two builds of svcsim on one exploration, in alternating runs: the before-and-after measure
# every explorer change needs ("a change must not make the explorer slower"). On this
# project's shared 2-core VM a minute can slow one run by a third, so runs of the two builds
# take turns (old, new, old, new, ...) and a busy minute slows both alike; the medians are what
# to quote, with the spread. It also checks that both builds print the same JSON (with
# --no-timing, which zeroes the time and memory figures), and exits 1 when they do not.
#
#   bench/ab_explore.sh OLD_SVCSIM NEW_SVCSIM SCENARIO [EXPLORE OPTIONS...]
#   ROUNDS=7 bench/ab_explore.sh /tmp/base/svcsim build/release/cli/svcsim \
#     scenarios/synthetic/chain-20.yaml --threads 2
#
# ROUNDS: runs of each build (default 5). Keep a copy of the old build's binary before
# rebuilding (cp build/release/cli/svcsim /tmp/base/). Instructions, which do not move with the
# machine's load: valgrind --tool=cachegrind --cache-sim=no SVCSIM explore ... (README.md
# "Performance" quotes both).
set -euo pipefail

(($# >= 3)) || { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
old="$1"
new="$2"
shift 2
rounds="${ROUNDS:-5}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "ab_explore: ROUNDS must be a positive integer, not '$rounds'" >&2; exit 2; }
for binary in "$old" "$new"; do
  [[ -x "$binary" ]] || { echo "ab_explore: $binary is not an executable" >&2; exit 2; }
done
[[ -r "$1" ]] || { echo "ab_explore: $1: cannot read the scenario" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "ab_explore: /usr/bin/time is missing (Debian package time)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# explore exits 1 when some run ends in a failing class, 3 when it stopped at a limit and 10 on
# an invariant violation: answers, the same for both builds (the JSON check says so). Anything
# else (2: bad arguments or scenario) stops the script.
run() {
  local name="$1" binary="$2"
  shift 2
  local status=0
  /usr/bin/time -a -o "$work/$name.time" -f '%e %U %S %M' "$binary" explore "$@" \
    > "$work/$name.out" 2> "$work/$name.err" || status=$?
  if ((status != 0 && status != 1 && status != 3 && status != 10)); then
    echo "ab_explore: $binary explore $* exited $status: $(head -n 1 "$work/$name.err")" >&2
    exit 2
  fi
}

for ((round = 1; round <= rounds; ++round)); do
  run old "$old" "$@"
  run new "$new" "$@"
done

# One row per build: every run's wall time in order, then the medians (user + system CPU, and
# the largest peak RSS).
summary() {
  local name="$1"
  # GNU time writes "Command exited with non-zero status N" before the figures of such a run.
  grep -v '^Command' "$work/$name.time" | awk -v name="$name" '
    function median(values, count,    sorted, i, j, swap) {
      for (i = 1; i <= count; ++i) sorted[i] = values[i]
      for (i = 2; i <= count; ++i)
        for (j = i; j > 1 && sorted[j - 1] > sorted[j]; --j) {
          swap = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = swap
        }
      return count % 2 ? sorted[(count + 1) / 2] : (sorted[count / 2] + sorted[count / 2 + 1]) / 2
    }
    { ++count; wall[count] = $1; cpu[count] = $2 + $3; walls = walls (count > 1 ? ", " : "") $1
      if ($4 > rss) rss = $4 }
    END { printf "| %s | %s | %.2f | %.2f | %.0f |\n", name, walls, median(wall, count),
                 median(cpu, count), rss / 1024 }'
}

echo "| build | wall s, run by run | median wall s | median CPU s | peak RSS MiB |"
echo "| --- | --- | --- | --- | --- |"
summary old
summary new

# The same options but --format, which the check sets.
json_options=()
skip=0
for option in "${@:2}"; do
  if ((skip)); then skip=0; continue; fi
  case "$option" in
    --format) skip=1 ;;
    --format=*) ;;
    *) json_options+=("$option") ;;
  esac
done
"$old" explore "$1" "${json_options[@]}" --format json --no-timing > "$work/old.json" 2> /dev/null || true
"$new" explore "$1" "${json_options[@]}" --format json --no-timing > "$work/new.json" 2> /dev/null || true
if cmp -s "$work/old.json" "$work/new.json"; then
  echo "same JSON (--no-timing) from both builds; $rounds alternating runs each; old: $old; new: $new"
else
  echo "ab_explore: THE JSON DIFFERS between $old and $new (explore $* --format json --no-timing)" >&2
  exit 1
fi
