#!/usr/bin/env bash
# Runs `svcsim compare` once as a plain process (no launcher, so no MPI), then under mpirun on 1, 2
# and 4 ranks and on 2 ranks of 2 threads each, and checks that every run exits 0, writes nothing
# on stderr and prints the same bytes. Used by the MPI tests of tests/mpi_tests.cmake.
#
#   mpi_compare_identical.sh SVCSIM WORKDIR MPIRUN-WITH-FLAGS... -- COMPARE-ARGS...
set -u

if (($# < 4)); then
  echo "usage: mpi_compare_identical.sh SVCSIM WORKDIR MPIRUN [FLAG...] -- COMPARE-ARGS..." >&2
  exit 2
fi
svcsim="$1"
work="$2"
shift 2
mpirun=()
while (($# > 0)) && [[ "$1" != "--" ]]; do
  mpirun+=("$1")
  shift
done
if (($# == 0)); then
  echo "mpi_compare_identical.sh: no -- before the compare arguments" >&2
  exit 2
fi
shift
arguments=("$@")

rm -rf "$work"
mkdir -p "$work"
problems=()

# run NAME COMMAND...: stdout to NAME.out, stderr to NAME.err; exit 0 and an empty stderr expected.
run() {
  local name="$1"
  shift
  "$@" >"$work/$name.out" 2>"$work/$name.err"
  local code=$?
  if ((code != 0)); then problems+=("$name: exit code $code, expected 0"); fi
  if [[ -s "$work/$name.err" ]]; then problems+=("$name: wrote on stderr"); fi
}

run plain "$svcsim" compare "${arguments[@]}"
if [[ ! -s "$work/plain.out" ]]; then problems+=("plain: printed nothing"); fi
for ranks in 1 2 4; do
  run "np$ranks" "${mpirun[@]}" -np "$ranks" "$svcsim" compare "${arguments[@]}"
done
run np2-threads2 "${mpirun[@]}" -np 2 "$svcsim" compare "${arguments[@]}" --threads 2

for name in np1 np2 np4 np2-threads2; do
  if ! cmp -s "$work/plain.out" "$work/$name.out"; then
    problems+=("$name: stdout differs from the plain run's (diff $work/plain.out $work/$name.out)")
  fi
done

if ((${#problems[@]} > 0)); then
  printf 'mpi_compare_identical.sh: %s\n' "${problems[@]}"
  for name in plain np1 np2 np4 np2-threads2; do
    printf -- '--- %s stderr ---\n' "$name"
    cat "$work/$name.err" 2>/dev/null
  done
  exit 1
fi
echo "mpi_compare_identical.sh: plain, 1, 2 and 4 ranks and 2 ranks x 2 threads: $(wc -c <"$work/plain.out") identical bytes"
exit 0
