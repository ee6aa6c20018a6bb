#!/usr/bin/env bash
# Explores every shipped scenario (scenarios/*.yaml) as a plain process and under mpirun on RANKS
# ranks, as JSON without timings, and checks that both exit alike and print the same bytes: the
# counts, witnesses and figures of `explore` do not depend on the rank count. One mpirun per
# scenario (about half a second each here). Used by tests/mpi_tests.cmake.
#
#   mpi_explore_library.sh SVCSIM WORKDIR RANKS MPIRUN-WITH-FLAGS...
set -u

if (($# < 4)); then
  echo "usage: mpi_explore_library.sh SVCSIM WORKDIR RANKS MPIRUN [FLAG...]" >&2
  exit 2
fi
svcsim="$1"
work="$2"
ranks="$3"
shift 3
mpirun=("$@")

rm -rf "$work"
mkdir -p "$work"
problems=()
checked=0
for scenario in scenarios/*.yaml; do
  name="$(basename "$scenario" .yaml)"
  "$svcsim" explore "$scenario" --format json --no-timing >"$work/$name.plain" 2>"$work/$name.plain.err"
  plain_code=$?
  "${mpirun[@]}" -np "$ranks" "$svcsim" explore "$scenario" --format json --no-timing \
    >"$work/$name.ranks" 2>"$work/$name.ranks.err"
  ranks_code=$?
  if ((plain_code > 1)); then problems+=("$name: the plain run exited $plain_code"); fi
  if ((ranks_code != plain_code)); then
    problems+=("$name: exit $ranks_code on $ranks ranks, $plain_code plain ($(head -c 300 "$work/$name.ranks.err"))")
  fi
  if ! cmp -s "$work/$name.plain" "$work/$name.ranks"; then
    problems+=("$name: the JSON differs (diff $work/$name.plain $work/$name.ranks)")
  fi
  checked=$((checked + 1))
done

if ((checked < 20)); then problems+=("only $checked scenarios found under scenarios/"); fi
if ((${#problems[@]} > 0)); then
  printf 'mpi_explore_library.sh: %s\n' "${problems[@]}"
  exit 1
fi
echo "mpi_explore_library.sh: $checked scenarios, the same JSON plain and on $ranks ranks"
exit 0
