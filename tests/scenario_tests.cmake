# End-to-end tests through the `svcsim` executable: every shipped scenario must meet its own
# `expect` block (exit 0), and bad input must give exit 2 with one clear line on stderr.
# Exit codes and output are checked by tests/expect_exit.sh.

find_program(SVCSIM_BASH bash REQUIRED)
set(svcsim_expect_exit ${SVCSIM_BASH} ${PROJECT_SOURCE_DIR}/tests/expect_exit.sh)
set(svcsim_scenario_dir ${PROJECT_SOURCE_DIR}/scenarios)
set(svcsim_test_data_dir ${PROJECT_SOURCE_DIR}/tests/data)

# svcsim_cli_test(NAME CODE [STDERR regex] [STDOUT regex] [NOT_STDOUT regex] [ONE_LINE]
#                 ARGS arg...): runs `svcsim ARGS...` from the source tree and expects exit CODE
# and the given output; ONE_LINE: stderr is exactly one line.
function(svcsim_cli_test name code)
  # PARSE_ARGV keeps a regex's ';' inside its argument; it then travels as @SEMICOLON@ (a CMake
  # list would split there, and the test would check only the part before it).
  cmake_parse_arguments(PARSE_ARGV 2 arg "ONE_LINE" "STDERR;STDOUT;NOT_STDOUT" "ARGS")
  foreach(regex STDERR STDOUT NOT_STDOUT)
    if(DEFINED arg_${regex})
      string(REPLACE ";" "@SEMICOLON@" arg_${regex} "${arg_${regex}}")
    endif()
  endforeach()
  set(checks)
  if(arg_ONE_LINE)
    list(APPEND checks --stderr-lines 1)
  endif()
  if(DEFINED arg_STDERR)
    list(APPEND checks --stderr ${arg_STDERR})
  endif()
  if(DEFINED arg_STDOUT)
    list(APPEND checks --stdout ${arg_STDOUT})
  endif()
  if(DEFINED arg_NOT_STDOUT)
    list(APPEND checks --not-stdout ${arg_NOT_STDOUT})
  endif()
  add_test(NAME ${name}
           COMMAND ${svcsim_expect_exit} ${code} ${checks} -- $<TARGET_FILE:svcsim> ${arg_ARGS}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endfunction()

# Every shipped scenario meets every expectation it states (documented order, each
# expect.orders entry, expect.explore): `svcsim check`, one line per file. Relative paths, so
# that a printed reproduce line is the one a user would type in the source tree.
set(svcsim_shipped_scenarios
  kb5086672-online
  kb5086672-method1
  kb5086672-install-wim
  server2016-ssu-gate
  kb5054156-25h2-enablement
  install-wim-dotnet-before-cleanup
  boot-wim-checkpoint-after-reset-base
  uninstall-after-reset-base
  winpe-1607-step-ssu
  revert-pending-after-interrupted-restart
  install-wim-method1-dry-run
  media-refresh-24h2
  media-refresh-osdbuilder
  media-refresh-careless-script
  install-wim-older-checkpoint-readded
  kb5079391-defect-replaced-by-kb5086672
  corrupt-store-every-cu-fails
  cu-rolls-back-at-every-boot
  kb5082142-dc-regression
  kb5091575-oob-fix
  container-dotnet-never-reboots
  reset-base-before-the-owed-reboot
  winre-combined-cu-then-safeos-du
  winre-safeos-du-needs-ssu-first
  install-wim-arrives-pended
  server2016-every-cu-rolls-back
  kb2919355-reboot-between
  prevent-pending-on-a-pended-image
  kb5034439-update-loop
  kb5074109-on-a-device-owing-a-reboot
  win10-22h2-combined-cu-fails-after-its-ssu
  future-two-checkpoint-chain
  server2016-image-every-servicing-stack
  april-2026-server-oob)
foreach(scenario IN LISTS svcsim_shipped_scenarios)
  svcsim_cli_test(scenario.${scenario} 0
    STDOUT "^PASS  scenarios/${scenario}.yaml "
    ARGS check scenarios/${scenario}.yaml)
endforeach()
# The list above names every file in scenarios/ (no file(GLOB): a new file is added on purpose).
string(REPLACE ";" " " svcsim_listed_scenarios "${svcsim_shipped_scenarios}")
add_test(NAME scenario.every_file_listed
         COMMAND ${SVCSIM_BASH} -c "diff <(cd scenarios && ls *.yaml | sed 's/\\.yaml$//' | sort) <(printf '%s\\n' ${svcsim_listed_scenarios} | sort)"
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
# The example of scenarios/README.md is a real file that meets its own expectations, and explore
# on it exits 0 (it allows the class its one-fault runs reach). The README shows the file
# verbatim: the block after its "example:" marker must equal the file.
svcsim_cli_test(scenario.readme_example 0
  STDOUT "^PASS  scenarios/examples/first-scenario.yaml "
  ARGS check scenarios/examples/first-scenario.yaml)
svcsim_cli_test(scenario.readme_example_explore 0
  STDOUT "^found:    success 1, clean_failure 5, false_success 1$"
  ARGS explore scenarios/examples/first-scenario.yaml)
add_test(NAME scenario.readme_example_verbatim
         COMMAND ${SVCSIM_BASH} -c "diff <(sed -n '/^<!-- example: scenarios\\/examples\\/first-scenario.yaml -->$/,/^```$/p' scenarios/README.md | sed '1,2d;$d') scenarios/examples/first-scenario.yaml"
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
# The user's documentation lives in the repository: no README points outside it.
add_test(NAME docs.no_links_outside_the_repository
         COMMAND ${SVCSIM_BASH} -c "! grep -n '\\.\\./shared' README.md scenarios/README.md"
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
# The install rule (scripts/setup.sh runs it) puts a working svcsim under PREFIX/bin.
add_test(NAME cli.install_rule
         COMMAND ${SVCSIM_BASH} -c "rm -rf install-test && ${CMAKE_COMMAND} --install . --prefix install-test >/dev/null && install-test/bin/svcsim --version"
         WORKING_DIRECTORY ${PROJECT_BINARY_DIR})

# The documented order's JSON trace names its class (run's stable keys).
svcsim_cli_test(scenario.kb5086672-online.json 0
  STDOUT "\"class\": \"success\""
  ARGS run scenarios/kb5086672-online.yaml --format json)
svcsim_cli_test(scenario.media-refresh-24h2.json 0
  STDOUT "\"name\": \"install\","
  ARGS run scenarios/media-refresh-24h2.yaml --format json)
svcsim_cli_test(check.wrong_expectations 1
  STDOUT "^      explore.orders: expected 3, actual 2$"
  ARGS check tests/data/wrong-expect.yaml tests/data/wrong-explore-expect.yaml)
svcsim_cli_test(check.bad_scenario 2
  STDERR "^tests/data/unknown-key.yaml:10:5: "
  ARGS check scenarios/kb5086672-online.yaml tests/data/unknown-key.yaml)

# What the traces show.
svcsim_cli_test(cli.documented_order_given 0
  STDOUT "^order: +KB5043080, KB5086672 \\(documented order\\)$"
  ARGS run scenarios/kb5086672-online.yaml --order KB5043080,KB5086672)
svcsim_cli_test(cli.method1_one_reboot 0
  STDOUT "^step 2  reboot \\(inserted after exit 3010\\)$"
  NOT_STDOUT "^step 3"
  ARGS run scenarios/kb5086672-method1.yaml)
svcsim_cli_test(cli.install_wim_no_reboot 0
  STDOUT "DISM /Image:C:.mount /Add-Package"
  NOT_STDOUT "reboot"
  ARGS run scenarios/kb5086672-install-wim.yaml)
# A run ending in a class the scenario does not allow fails (exit 1) unless --fail-on says
# otherwise; the text says which classes are allowed and what this run found.
svcsim_cli_test(cli.fault_false_success 1
  STDOUT "\"class\": \"false_success\""
  ARGS run scenarios/kb5086672-online.yaml --fault 4:startup_failure --format json)
svcsim_cli_test(cli.fail_on_text 1
  STDOUT "^classes:   allowed success, clean_failure; fail on false_success, regressed, drift, stuck: FAIL, this run ends false_success$"
  ARGS run scenarios/kb5086672-online.yaml --fault 4:startup_failure)
svcsim_cli_test(cli.fail_on_json 1
  STDOUT "\"fails\": true"
  ARGS run scenarios/kb5086672-online.yaml --fault 4:startup_failure --format json)
svcsim_cli_test(cli.fail_on_none 0
  STDOUT "^classes:   allowed success, clean_failure, false_success, regressed, drift, stuck; fail on none \\(--fail-on\\)$"
  ARGS run scenarios/kb5086672-online.yaml --fault 4:startup_failure --fail-on none)
svcsim_cli_test(cli.fail_on_chosen 1
  STDOUT "FAIL, this run ends clean_failure$"
  ARGS run scenarios/kb5086672-online.yaml --order KB5086672,KB5043080 --fail-on clean_failure,stuck)
svcsim_cli_test(cli.fail_on_allowed_class 0
  ARGS run scenarios/kb5086672-online.yaml --order KB5086672,KB5043080)
svcsim_cli_test(cli.fail_on_unknown_class 2
  STDERR "^svcsim: --fail-on 'bogus': unknown outcome class 'bogus' \\(expected one of: success, "
  ONE_LINE
  ARGS run scenarios/kb5086672-online.yaml --fail-on bogus)
# A fault that cannot strike is a mistake in the command line (exit 2), not a run to report.
svcsim_cli_test(cli.fault_not_struck 2
  STDERR "^svcsim: --fault '1:startup_failure': startup_failure cannot strike at step 1 \\(KB5043080\\); faults that can strike there: execute_failure, power_loss_staging, disk_full, payload_missing$"
  ONE_LINE
  ARGS run scenarios/kb5086672-online.yaml --fault 1:startup_failure)
svcsim_cli_test(cli.fault_past_last_step 2
  STDERR "^svcsim: --fault '9:disk_full': the run has 4 steps \\(inserted reboots included\\), so step 9 never runs$"
  ONE_LINE
  ARGS run scenarios/kb5086672-online.yaml --fault 9:disk_full)
svcsim_cli_test(cli.fault_after_stop 2
  STDERR "^svcsim: --fault '2:startup_failure': the run stops after step 1 \\(on_error: stop\\), so step 2 never runs$"
  ONE_LINE
  ARGS run scenarios/kb5086672-online.yaml --fault 1:execute_failure --fault 2:startup_failure)
svcsim_cli_test(cli.two_faults_one_step 2
  STDERR "^svcsim: --fault '1:disk_full' and --fault '1:execute_failure': two faults at step 1; a step runs once and takes at most one fault$"
  ONE_LINE
  ARGS run scenarios/kb5086672-online.yaml --fault 1:disk_full --fault 1:execute_failure)
# (add_test, not svcsim_cli_test: a list drops the empty argument.)
add_test(NAME cli.order_empty
         COMMAND ${svcsim_expect_exit} 2 --stderr "^svcsim: --order is empty" --stderr-lines 1
                 -- $<TARGET_FILE:svcsim> run scenarios/kb5086672-online.yaml --order ""
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
svcsim_cli_test(cli.order_multi_line 2
  STDERR "^svcsim: --order holds a line break at character 11: give the steps on one line, separated by commas$"
  ONE_LINE
  ARGS run scenarios/kb5086672-online.yaml --order "KB5043080,\nKB5086672")
svcsim_cli_test(cli.help 0
  STDOUT "--fault"
  ARGS run --help)
svcsim_cli_test(cli.help_fail_on 0
  STDOUT "--fail-on CLASS,...\\|none"
  ARGS run --help)
svcsim_cli_test(cli.help_exit_codes 0
  STDOUT "^Exit codes: 0 "
  ARGS --help)

# A scenario whose expectation is deliberately wrong: exit 1.
svcsim_cli_test(cli.wrong_expect 1
  STDOUT "end_state ubr 1742: MISMATCH, actual 8117"
  ARGS run tests/data/wrong-expect.yaml)

# Bad input: exit 2 with one line on stderr naming where.
svcsim_cli_test(cli.malformed_yaml 2
  STDERR "^tests/data/malformed\\.yaml:[0-9]+:[0-9]+: "
  ARGS run tests/data/malformed.yaml)
svcsim_cli_test(cli.unknown_key 2
  STDERR "^tests/data/unknown-key\\.yaml:10:5: .*revison"
  ARGS run tests/data/unknown-key.yaml)
svcsim_cli_test(cli.missing_file 2
  STDERR "^tests/data/does-not-exist\\.yaml: "
  ARGS run tests/data/does-not-exist.yaml)
svcsim_cli_test(cli.unknown_order_step 2
  STDERR "^svcsim: --order: unknown step 'KB0000000'"
  ONE_LINE
  ARGS run scenarios/kb5086672-online.yaml --order KB0000000)
svcsim_cli_test(cli.fault_step_zero 2
  STDERR "^svcsim: --fault '0:disk_full': step 0 is the device: 'disk_full' must be defect\\(ID\\)"
  ARGS run scenarios/kb5086672-online.yaml --fault 0:disk_full)
# v2: step 0 is the device; a run on it names its defect, and an unknown property is refused.
svcsim_cli_test(cli.fault_device_defect 0
  STDOUT "first error 0x80073712 ERROR_SXS_COMPONENT_STORE_CORRUPT at step 1"
  ARGS run scenarios/kb5079391-defect-replaced-by-kb5086672.yaml --fault "0:defect(KB5079391)")
svcsim_cli_test(cli.fault_device_unknown 2
  STDERR "^svcsim: --fault '0:defect\\(KB5086672\\)': step 0 is the device"
  ARGS run scenarios/kb5079391-defect-replaced-by-kb5086672.yaml --fault "0:defect(KB5086672)")
# A defect at commit: DISM and the reboot report S_OK; the trace names the code Windows Update's
# history shows (servicing-model.md v2 §4.3).
svcsim_cli_test(cli.commit_defect_history_code 1
  STDOUT "note    the device's defect of KB5050009 struck at commit: Windows Update's history shows 0x800F0922 for it"
  ARGS run scenarios/cu-rolls-back-at-every-boot.yaml)
svcsim_cli_test(cli.unnamed_code 0
  STDOUT "result  0x80070643 \\(unnamed\\), exit 1603"
  ARGS run tests/data/unnamed-code.yaml)
svcsim_cli_test(cli.unknown_fault_kind 2
  STDERR "^svcsim: --fault '2:bogus': unknown fault kind 'bogus' \\(expected one of: execute_failure, "
  ARGS run scenarios/kb5086672-online.yaml --fault 2:bogus)
svcsim_cli_test(cli.bad_format 2
  STDERR "xml"
  ARGS run scenarios/kb5086672-online.yaml --format xml)
svcsim_cli_test(cli.no_subcommand 2
  STDERR "^svcsim: a subcommand is required \\(subcommands: run, explore, check, import, compare, replay, dism; see svcsim --help\\)$"
  ARGS)
svcsim_cli_test(cli.unknown_subcommand 2
  STDERR "^svcsim: unknown subcommand 'frobnicate' \\(subcommands: run, explore, check, import, compare, replay, dism\\); see svcsim --help$"
  ONE_LINE
  ARGS frobnicate)
svcsim_cli_test(cli.subcommand_in_capitals 2
  STDERR "^svcsim: unknown subcommand 'RUN' \\(subcommands: run, explore, check, import, compare, replay, dism\\); subcommands are lower case: did you mean 'run'\\?$"
  ONE_LINE
  ARGS RUN scenarios/kb5086672-online.yaml)
svcsim_cli_test(cli.version 0
  STDOUT "^svcsim [0-9]+\\.[0-9]+\\.[0-9]+ \\(git [^ ]+\\)$"
  ARGS --version)
svcsim_cli_test(cli.unknown_option 2
  ARGS run scenarios/kb5086672-online.yaml --bogus)

# The poor messages of issue 8: one line each, saying what is wrong and where.
svcsim_cli_test(cli.unclosed_quote 2
  STDERR "^tests/data/unclosed-quote\\.yaml:1:7: invalid YAML: the quote \" opened here is never closed$"
  ONE_LINE
  ARGS run tests/data/unclosed-quote.yaml)
svcsim_cli_test(cli.deep_nesting 2
  STDERR "^tests/data/deep-nesting\\.yaml:3:40: mappings and lists nest deeper than 32 levels here"
  ONE_LINE
  ARGS run tests/data/deep-nesting.yaml)
svcsim_cli_test(cli.binary_input 2
  STDERR "^tests/data/binary-input\\.yaml:1:1: control character U\\+007F in the file \\(a scenario file is UTF-8 YAML text; is this a binary file\\?\\)$"
  ONE_LINE
  ARGS run tests/data/binary-input.yaml)
svcsim_cli_test(cli.invalid_utf8 2
  STDERR "^tests/data/invalid-utf8\\.yaml:2:10: not UTF-8 text: byte 0xE9"
  ONE_LINE
  ARGS run tests/data/invalid-utf8.yaml)
svcsim_cli_test(cli.merge_key 2
  STDERR "^tests/data/merge-key\\.yaml:5:5: merge keys \\('<<'\\) are not supported"
  ONE_LINE
  ARGS run tests/data/merge-key.yaml)

# Hostile names: refused where Windows refuses them, quoted or escaped where it allows them.
svcsim_cli_test(cli.forged_line_refused 2
  STDERR "^tests/data/forged-step\\.yaml:7:11: file '.*' is not a valid Windows file name: it contains U\\+000A"
  ONE_LINE
  ARGS run tests/data/forged-step.yaml)
svcsim_cli_test(cli.file_name_quoted_for_cmd 0
  STDOUT "^        DISM /Online /Add-Package /PackagePath:\"C:\\\\Packages\\\\kb5043080\\.msu & calc\\.exe\" /NoRestart$"
  ARGS run tests/data/hostile-names.yaml)
svcsim_cli_test(cli.percent_doubled_for_cmd 0
  STDOUT "/PackagePath:\"C:\\\\Packages\\\\50%%PATH%% \\^\\(x\\); it's \\$\\(calc\\)\\.msu\""
  ARGS run tests/data/hostile-names.yaml)
svcsim_cli_test(explore.junit_escapes_names 1
  STDOUT "<testsuite name=\"KB5086672 &lt;&amp;&gt; &quot;quoted&quot; &apos;single&apos; \\\\ backslash\""
  ARGS explore tests/data/hostile-names.yaml --format junit)
svcsim_cli_test(explore.dot_escapes_names 0
  STDOUT "^label=\"KB5086672 <&> \\\\\"quoted\\\\\" 'single' \\\\\\\\ backslash\";$"
  ARGS explore tests/data/hostile-names.yaml --format dot --fail-on none)

# `svcsim explore`: output formats and limits.
# kb5086672-online.yaml has runs that end false_success and stuck with one fault, which it
# does not allow: explore exits 1, as its JUnit fails (--fail-on none: 0).
svcsim_cli_test(explore.json_stable_keys 1
  STDOUT "\"command\": \"svcsim run scenarios/kb5086672-online.yaml --order KB5086672,KB5043080\""
  ARGS explore scenarios/kb5086672-online.yaml --format json --no-timing)
svcsim_cli_test(explore.json_failing_classes 1
  STDOUT "^  \"failing_classes\": .$"
  ARGS explore scenarios/kb5086672-online.yaml --format json --no-timing)
svcsim_cli_test(explore.junit 1
  STDOUT "<testcase classname=\"svcsim.explore.scenarios/kb5086672-online.yaml\" name=\"no run ends stuck \\(up to 1 faults\\)\" time=\"0\">"
  ARGS explore scenarios/kb5086672-online.yaml --format junit)
svcsim_cli_test(explore.junit_names_witness 1
  STDOUT "shortest witness: svcsim run scenarios/kb5086672-online.yaml --order KB5043080,KB5086672 --fault 4:commit_interrupted"
  ARGS explore scenarios/kb5086672-online.yaml --format junit)
svcsim_cli_test(explore.json_orders_decimal_string 0
  STDOUT "^  \"orders\": \"2\",$"
  ARGS explore scenarios/kb5086672-online.yaml --format json --no-timing --fail-on none)
svcsim_cli_test(explore.fail_on_default 1
  STDOUT "^found:    success 2, clean_failure 6, false_success 1, stuck 1: FAIL \\(false_success, stuck\\)$"
  ARGS explore scenarios/kb5086672-online.yaml)
svcsim_cli_test(explore.fail_on_allowed_text 1
  STDOUT "^classes:  allowed success, clean_failure; fail on false_success, regressed, drift, stuck$"
  ARGS explore scenarios/kb5086672-online.yaml)
svcsim_cli_test(explore.fail_on_none 0
  STDOUT "^found:    success 2, clean_failure 6, false_success 1, stuck 1$"
  ARGS explore scenarios/kb5086672-online.yaml --fail-on none)
svcsim_cli_test(explore.fail_on_chosen 0
  ARGS explore scenarios/kb5086672-online.yaml --fail-on drift)
svcsim_cli_test(explore.help 0
  STDOUT "--fail-on CLASS,...\\|none"
  ARGS explore --help)
svcsim_cli_test(explore.help_memory_limit 0
  STDOUT "half of physical memory"
  ARGS explore --help)
svcsim_cli_test(explore.dot 0
  STDOUT "^digraph G \\{"
  ARGS explore scenarios/kb5086672-method1.yaml --format dot --fail-on none)
# Over its 5000-state cap DOT draws the first 5000 states and says so (not bad input).
svcsim_cli_test(explore.dot_truncated 0
  STDOUT "^// truncated: the first 5000 of 39744 states"
  STDERR "^svcsim: explore: scenarios/synthetic/chain-12\\.yaml: the state graph has 39744 states; --format dot drew the first 5000"
  ONE_LINE
  ARGS explore scenarios/synthetic/chain-12.yaml --format dot)
svcsim_cli_test(explore.no_faults 0
  STDOUT "^  total +2$"
  NOT_STDOUT "1 fault"
  ARGS explore scenarios/kb5086672-online.yaml --faults 0)
svcsim_cli_test(explore.max_states_incomplete 3
  STDOUT "status:   incomplete: --max-states reached"
  STDERR "^svcsim: explore: scenarios/kb5086672-online\\.yaml: stopped at --max-states 1; the result is incomplete"
  ONE_LINE
  ARGS explore scenarios/kb5086672-online.yaml --max-states 1)
svcsim_cli_test(explore.max_states_unlimited 0
  ARGS explore scenarios/kb5086672-online.yaml --max-states unlimited --fail-on none)
svcsim_cli_test(explore.max_memory_unlimited 0
  ARGS explore scenarios/kb5086672-online.yaml --max-memory-mib unlimited --fail-on none)
svcsim_cli_test(explore.max_memory_incomplete 3
  STDERR "^svcsim: explore: scenarios/synthetic/chain-20\\.yaml: stopped at --max-memory-mib 20; the result is incomplete \\(raise it with --max-memory-mib N, or use --max-memory-mib unlimited\\)$"
  ONE_LINE
  ARGS explore scenarios/synthetic/chain-20.yaml --max-memory-mib 20)
# Limits of 0, negative, empty or past 2^64 are refused: 0 must not silently mean unlimited.
svcsim_cli_test(explore.max_states_zero 2
  STDERR "^svcsim: --max-states must be a whole number from 1 to 18446744073709551615 or 'unlimited', not 0 \\(0 does not mean unlimited: say 'unlimited'\\)$"
  ONE_LINE
  ARGS explore scenarios/kb5086672-online.yaml --max-states 0)
svcsim_cli_test(explore.max_states_negative 2
  STDERR "not '-5'$"
  ONE_LINE
  ARGS explore scenarios/kb5086672-online.yaml --max-states -5)
add_test(NAME explore.max_states_empty
         COMMAND ${svcsim_expect_exit} 2 --stderr "not empty$" --stderr-lines 1
                 -- $<TARGET_FILE:svcsim> explore scenarios/kb5086672-online.yaml --max-states ""
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
svcsim_cli_test(explore.max_states_past_2_64 2
  STDERR "not '18446744073709551616' \\(too large\\)$"
  ONE_LINE
  ARGS explore scenarios/kb5086672-online.yaml --max-states 18446744073709551616)
svcsim_cli_test(explore.max_memory_zero 2
  STDERR "^svcsim: --max-memory-mib must be a whole number from 1 to 17592186044415 or 'unlimited', not 0"
  ONE_LINE
  ARGS explore scenarios/kb5086672-online.yaml --max-memory-mib 0)
svcsim_cli_test(explore.max_memory_past_2_64_bytes 2
  STDERR "not '17592186044416' \\(too large\\)$"
  ONE_LINE
  ARGS explore scenarios/kb5086672-online.yaml --max-memory-mib 17592186044416)
svcsim_cli_test(check.max_states_zero 2
  STDERR "^svcsim: --max-states must be a whole number"
  ONE_LINE
  ARGS check scenarios/kb5086672-online.yaml --max-states 0)
# --faults has the bound faults.max has in a file.
svcsim_cli_test(explore.faults_bound 2
  STDERR "Value 9 not in range 0 to 8"
  ONE_LINE
  ARGS explore scenarios/kb5086672-online.yaml --faults 9)
# Running out of memory is exit 3 (incomplete), not 2 (bad input). An address-space limit makes
# the allocation fail; ASan needs far more address space than that, so not under SVCSIM_SANITIZE.
if(NOT SVCSIM_SANITIZE)
  add_test(NAME explore.out_of_memory
           COMMAND ${SVCSIM_BASH} -c "ulimit -v 120000 && exec \"$0\" \"$@\""
                   ${svcsim_expect_exit} 3 --stderr "out of memory \\(--max-memory-mib unlimited\\); the result is incomplete" --stderr-lines 1
                   -- $<TARGET_FILE:svcsim> explore scenarios/synthetic/chain-20.yaml --max-memory-mib unlimited
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endif()
svcsim_cli_test(explore.wrong_expectation 1
  STDOUT "explore.orders 3: MISMATCH \\(got 2\\)"
  ARGS explore tests/data/wrong-explore-expect.yaml)
svcsim_cli_test(explore.bad_format 2
  STDERR "^svcsim: "
  ARGS explore scenarios/kb5086672-online.yaml --format xml)
svcsim_cli_test(explore.bad_scenario 2
  STDERR "tests/data/unknown-key.yaml:[0-9]+:[0-9]+: "
  ARGS explore tests/data/unknown-key.yaml)

# Determinism: the same scenario gives byte-identical JSON (timing zeroed by --no-timing), for
# run and for explore.
add_test(NAME explore.deterministic_json
         COMMAND ${SVCSIM_BASH} -c "diff <('$<TARGET_FILE:svcsim>' explore scenarios/kb5086672-online.yaml --format json --no-timing) <('$<TARGET_FILE:svcsim>' explore scenarios/kb5086672-online.yaml --format json --no-timing)"
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
add_test(NAME scenario.deterministic_json
         COMMAND ${SVCSIM_BASH} -c "diff <('$<TARGET_FILE:svcsim>' run scenarios/kb5086672-online.yaml --format json) <('$<TARGET_FILE:svcsim>' run scenarios/kb5086672-online.yaml --format json)"
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})

# explore --threads: the same JSON bytes on 1, 2 and 4 threads. A chain of 12 has layers wide
# enough (over 4096 nodes) to be built in chunks; simulator/test/explorer_threads_test.cpp forces
# chunks onto every shipped scenario.
foreach(threads 2 4)
  add_test(NAME explore.threads_${threads}_same_json
           COMMAND ${SVCSIM_BASH} -c "diff <('$<TARGET_FILE:svcsim>' explore scenarios/synthetic/chain-12.yaml --format json --no-timing --threads 1) <('$<TARGET_FILE:svcsim>' explore scenarios/synthetic/chain-12.yaml --format json --no-timing --threads ${threads})"
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endforeach()
svcsim_cli_test(explore.threads_bound 2
  STDERR "--threads: Value 0 not in range 1 to 256"
  ONE_LINE
  ARGS explore scenarios/kb5086672-online.yaml --threads 0)

# The synthetic chains (scenarios/synthetic/, written by bench/svcsim_synthetic_chain): the
# smallest explores in well under a second; --progress reports on stderr even off a terminal.
svcsim_cli_test(explore.synthetic_progress 0
  STDERR "^explore: layer [0-9]+/12 \\([0-9]+% of layers\\)  [0-9]+ states "
  STDOUT "^orders:   479001600$"
  ARGS explore scenarios/synthetic/chain-12.yaml --progress)

# `svcsim compare` (issue 9): it runs on every shipped scenario; the same seed gives the same JSON
# bytes on 1, 2 and 3 threads; --output is written whole, leaving no temporary file; bad input is
# one line and exit 2.
foreach(scenario IN LISTS svcsim_shipped_scenarios)
  svcsim_cli_test(compare.${scenario} 0
    STDOUT "^strategy,order,"
    ARGS compare scenarios/${scenario}.yaml --devices 300 --format csv)
endforeach()
add_test(NAME compare.threads_give_identical_json
         COMMAND ${SVCSIM_BASH} -c "set -e; svcsim=$<TARGET_FILE:svcsim>; f=scenarios/april-2026-server-oob.yaml; \
$svcsim compare $f --devices 4001 --seed 7 --format json --threads 1 > $0.1.json; \
$svcsim compare $f --devices 4001 --seed 7 --format json --threads 2 > $0.2.json; \
$svcsim compare $f --devices 4001 --seed 7 --format json --threads 3 > $0.3.json; \
cmp $0.1.json $0.2.json; cmp $0.1.json $0.3.json; grep -q '\"regressed_device_days\"' $0.1.json" ${CMAKE_CURRENT_BINARY_DIR}/compare-threads
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
add_test(NAME compare.output_written_atomically
         COMMAND ${SVCSIM_BASH} -c "set -e; d=$0; rm -rf $d; mkdir -p $d; \
$<TARGET_FILE:svcsim> compare scenarios/kb5086672-online.yaml --devices 500 --format json --output $d/report.json; \
test -z \"$(find $d -name '*.tmp.*')\"; tail -c 3 $d/report.json | grep -q '}'; \
! $<TARGET_FILE:svcsim> compare scenarios/kb5086672-online.yaml --devices 5 --output $d/missing-folder/report.json 2>/dev/null; \
test ! -e $d/missing-folder" ${CMAKE_CURRENT_BINARY_DIR}/compare-output
         WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
svcsim_cli_test(compare.seed_four_text 0
  STDOUT "^  patch_now +1.00 .* 0 +[0-9]+$"
  ARGS compare scenarios/april-2026-server-oob.yaml --strategies patch_now,autopatch --devices 2000)
svcsim_cli_test(compare.unknown_strategy 2 ONE_LINE
  STDERR "^svcsim: --strategies: unknown strategy 'bogus' \\(expected one of: method1, "
  ARGS compare scenarios/kb5086672-online.yaml --strategies method2,bogus)
svcsim_cli_test(compare.zero_devices 2 ONE_LINE
  STDERR "^svcsim: --devices 0: "
  ARGS compare scenarios/kb5086672-online.yaml --devices 0)
svcsim_cli_test(compare.bad_ring_shares 2 ONE_LINE
  STDERR "^tests/data/bad-fleet-shares.yaml:17:9: the ring shares add up to 0.9, not 1 \\(fleet.rollouts\\[0\\].rings\\)$"
  ARGS compare tests/data/bad-fleet-shares.yaml)
svcsim_cli_test(compare.bad_fleet_fault 2 ONE_LINE
  STDERR "^tests/data/bad-fleet-fault.yaml:11:35: unknown fault kind 'disk_ful' .*\\(fleet.faults.disk_ful\\)$"
  ARGS compare tests/data/bad-fleet-fault.yaml)
svcsim_cli_test(compare.html_page 0
  STDOUT "^<script type=\"application/json\" id=\"svcsim-report\">$"
  NOT_STDOUT "src="
  ARGS compare scenarios/kb5086672-online.yaml --devices 200 --format html)
svcsim_cli_test(compare.bad_order_rule 2 ONE_LINE
  STDERR "^tests/data/bad-fleet-strategy.yaml:12:30: unknown order rule 'ssu_last' \\(expected one of: method1, .*\\(fleet.strategies\\[0\\].order\\)$"
  ARGS compare tests/data/bad-fleet-strategy.yaml)

# svcsim replay and svcsim dism at the command line (the end-to-end proofs over ssh are in
# tests/replay_ssh_test.cpp). Without --execute nothing runs: the plan is printed, exit 0, and a
# value that needs it is quoted for cmd.exe.
svcsim_cli_test(cli.replay_plan_only 0
  STDOUT "dism.exe /English /Online /Add-Package /PackagePath:\"C:\\\\Packages & more\\\\KB5043080\\\\windows11.0-kb5043080-x64.msu\" /NoRestart"
  ARGS replay scenarios/kb5086672-online.yaml --target tests/data/replay/windows-vm.yaml)
svcsim_cli_test(cli.replay_bad_target_file 2
  STDERR "^tests/data/replay/bad-port.yaml:5:9: ssh.port must be a whole number from 1 to 65535 \\(ssh.port\\)$"
  ONE_LINE
  ARGS replay scenarios/kb5086672-online.yaml --target tests/data/replay/bad-port.yaml)
svcsim_cli_test(cli.replay_unknown_order_step 2
  STDERR "^svcsim: --order: unknown step 'KB1'$"
  ONE_LINE
  ARGS replay scenarios/kb5086672-online.yaml --target tests/data/replay/windows-vm.yaml --order KB1)
svcsim_cli_test(cli.dism_without_state 2
  STDERR "^svcsim dism: no emulator state in .*state.json: start with svcsim dism --init SCENARIO.yaml$"
  ONE_LINE
  ARGS dism --state-dir ${CMAKE_CURRENT_BINARY_DIR}/no-such-emulator-state /Online /Get-Packages)
svcsim_cli_test(cli.replay_snapshot_hook_fails 5
  STDOUT "step 4  reboot: not run\nresult: unreachable: the snapshot hook \\(/nonexistent/revert-snapshot\\) failed"
  ARGS replay scenarios/kb5086672-online.yaml --target tests/data/replay/broken-snapshot.yaml
       --execute --journal ${CMAKE_CURRENT_BINARY_DIR}/snapshot-hook-fails.journal)
svcsim_cli_test(cli.replay_snapshot_hook_fails_json 5
  STDOUT "\"result\": \"unreachable\""
  ARGS replay scenarios/kb5086672-online.yaml --target tests/data/replay/broken-snapshot.yaml
       --execute --format json --journal ${CMAKE_CURRENT_BINARY_DIR}/snapshot-hook-fails.journal)
