#!/usr/bin/env bash
# Runs a command and checks its exit code and, optionally, regexes (grep -E) on its output; used by
# the CLI tests in scenario_tests.cmake. On a mismatch it prints what it got.
#
#   expect_exit.sh CODE [--stderr REGEX] [--stdout REGEX] [--not-stdout REGEX]
#                  [--stderr-lines N] -- COMMAND...
set -u

if (($# < 3)); then
  echo "usage: expect_exit.sh CODE [--stderr REGEX] [--stdout REGEX] [--not-stdout REGEX] [--stderr-lines N] -- COMMAND..." >&2
  exit 2
fi
expected_code="$1"
shift
stderr_regex=""
stdout_regex=""
not_stdout_regex=""
stderr_lines=""
while (($# > 0)); do
  case "$1" in
    # CMake lists split at ';', so scenario_tests.cmake sends a regex's ';' as @SEMICOLON@.
    --stderr) stderr_regex="${2//@SEMICOLON@/;}"; shift 2 ;;
    --stdout) stdout_regex="${2//@SEMICOLON@/;}"; shift 2 ;;
    --not-stdout) not_stdout_regex="${2//@SEMICOLON@/;}"; shift 2 ;;
    --stderr-lines) stderr_lines="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "expect_exit.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if (($# == 0)); then
  echo "expect_exit.sh: no command after --" >&2
  exit 2
fi

stdout_file="$(mktemp)"
stderr_file="$(mktemp)"
trap 'rm -f "$stdout_file" "$stderr_file"' EXIT

"$@" >"$stdout_file" 2>"$stderr_file"
code=$?

problems=()
if [[ "$code" != "$expected_code" ]]; then
  problems+=("exit code $code, expected $expected_code")
fi
if [[ -n "$stderr_regex" ]] && ! grep -Eq -- "$stderr_regex" "$stderr_file"; then
  problems+=("stderr does not match: $stderr_regex")
fi
if [[ -n "$stdout_regex" ]] && ! grep -Eq -- "$stdout_regex" "$stdout_file"; then
  problems+=("stdout does not match: $stdout_regex")
fi
if [[ -n "$not_stdout_regex" ]] && grep -Eq -- "$not_stdout_regex" "$stdout_file"; then
  problems+=("stdout matches what it must not: $not_stdout_regex")
fi
if [[ -n "$stderr_lines" ]]; then
  actual_lines="$(wc -l <"$stderr_file")"
  if [[ "$actual_lines" != "$stderr_lines" ]]; then
    problems+=("stderr has $actual_lines lines, expected $stderr_lines")
  fi
fi

if ((${#problems[@]} > 0)); then
  printf 'expect_exit.sh: %s\n' "${problems[@]}"
  printf 'command: %q' "$1"
  printf ' %q' "${@:2}"
  printf '\n--- stdout ---\n'
  cat "$stdout_file"
  printf -- '--- stderr ---\n'
  cat "$stderr_file"
  exit 1
fi
exit 0
