#!/usr/bin/env bash
# Runs a `svcsim` subcommand (compare, explore) once as a plain process (no launcher, so no MPI),
# then under mpirun on 1, 2 and 4 ranks and on 2 ranks of 2 threads each, and checks that every
# run exits as the plain one did (0, or 1 for a scenario's expectations missed), writes nothing
# on stderr and prints the same bytes. Used by the MPI tests of
# tests/mpi_tests.cmake.
#
#   mpi_identical.sh SVCSIM WORKDIR MPIRUN-WITH-FLAGS... -- SUBCOMMAND ARGS...
set -u

if (($# < 4)); then
  echo "usage: mpi_identical.sh SVCSIM WORKDIR MPIRUN [FLAG...] -- SUBCOMMAND ARGS..." >&2
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
  echo "mpi_identical.sh: no -- before the subcommand" >&2
  exit 2
fi
shift
subcommand="$1"
shift
arguments=("$@")

rm -rf "$work"
mkdir -p "$work"
problems=()

# run NAME COMMAND...: stdout to NAME.out, stderr to NAME.err; the plain run's exit code (0 or 1)
# and an empty stderr expected.
expected_code=""
run() {
  local name="$1"
  shift
  "$@" >"$work/$name.out" 2>"$work/$name.err"
  local code=$?
  if [[ -z "$expected_code" ]]; then expected_code=$code; fi
  if ((expected_code > 1)); then problems+=("$name: exit code $code, expected 0 or 1"); fi
  if ((code != expected_code)); then problems+=("$name: exit code $code, expected $expected_code as plain"); fi
  if [[ -s "$work/$name.err" ]]; then problems+=("$name: wrote on stderr"); fi
}

run plain "$svcsim" "$subcommand" "${arguments[@]}"
if [[ ! -s "$work/plain.out" ]]; then problems+=("plain: printed nothing"); fi
for ranks in 1 2 4; do
  run "np$ranks" "${mpirun[@]}" -np "$ranks" "$svcsim" "$subcommand" "${arguments[@]}"
done
run np2-threads2 "${mpirun[@]}" -np 2 "$svcsim" "$subcommand" "${arguments[@]}" --threads 2

for name in np1 np2 np4 np2-threads2; do
  if ! cmp -s "$work/plain.out" "$work/$name.out"; then
    problems+=("$name: stdout differs from the plain run's (diff $work/plain.out $work/$name.out)")
  fi
done

if ((${#problems[@]} > 0)); then
  printf 'mpi_identical.sh: %s\n' "${problems[@]}"
  for name in plain np1 np2 np4 np2-threads2; do
    printf -- '--- %s stderr ---\n' "$name"
    cat "$work/$name.err" 2>/dev/null
  done
  exit 1
fi
echo "mpi_identical.sh: $subcommand: plain, 1, 2 and 4 ranks and 2 ranks x 2 threads: $(wc -c <"$work/plain.out") identical bytes"
exit 0
