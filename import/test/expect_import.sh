#!/usr/bin/env bash
# Runs `svcsim import ...` with TMPDIR pointing at a fresh folder and checks what it did:
#
#   expect_import.sh --golden FILE -- COMMAND...   exit 0, standard output equal to FILE
#   expect_import.sh --refused REGEX -- COMMAND... exit 2, nothing on standard output, exactly one
#                                                  line on standard error, matching REGEX (grep -E)
#
# Either way the private extraction folder must be gone afterwards: TMPDIR must be empty again.
set -u

if (($# < 4)) || [[ "$3" != "--" ]]; then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
mode="$1"
expected="$2"
shift 3

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/tmp"
TMPDIR="$scratch/tmp" "$@" >"$scratch/stdout" 2>"$scratch/stderr"
code=$?

problems=()
case "$mode" in
  --golden)
    [[ "$code" == 0 ]] || problems+=("exit code $code, expected 0")
    if ! diff -u "$expected" "$scratch/stdout" >"$scratch/diff"; then
      problems+=("standard output differs from $expected (diff below)")
    fi
    ;;
  --refused)
    [[ "$code" == 2 ]] || problems+=("exit code $code, expected 2")
    [[ ! -s "$scratch/stdout" ]] || problems+=("standard output is not empty")
    lines="$(wc -l <"$scratch/stderr")"
    [[ "$lines" == 1 ]] || problems+=("standard error has $lines lines, expected 1")
    grep -Eq -- "$expected" "$scratch/stderr" || problems+=("standard error does not match: $expected")
    ;;
  *)
    echo "expect_import.sh: unknown mode '$mode'" >&2
    exit 2
    ;;
esac
leftovers="$(find "$scratch/tmp" -mindepth 1 | head -5)"
[[ -z "$leftovers" ]] || problems+=("the temporary folder was not removed: $leftovers")

if ((${#problems[@]} > 0)); then
  printf 'expect_import.sh: %s\n' "${problems[@]}"
  printf 'command: %q' "$1"
  printf ' %q' "${@:2}"
  printf '\n--- stdout ---\n'
  cat "$scratch/stdout"
  printf -- '--- stderr ---\n'
  cat "$scratch/stderr"
  [[ -f "$scratch/diff" ]] && { printf -- '--- diff ---\n'; cat "$scratch/diff"; }
  exit 1
fi
exit 0
