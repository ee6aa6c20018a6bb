# End-to-end tests through the `svcsim` executable: every shipped scenario must meet its own
# `expect` block (exit 0), and bad input must give exit 2 with one clear line on stderr.
# Exit codes and output are checked by tests/expect_exit.sh.

find_program(SVCSIM_BASH bash REQUIRED)
set(svcsim_expect_exit ${SVCSIM_BASH} ${PROJECT_SOURCE_DIR}/tests/expect_exit.sh)
set(svcsim_scenario_dir ${PROJECT_SOURCE_DIR}/scenarios)
set(svcsim_test_data_dir ${PROJECT_SOURCE_DIR}/tests/data)

# svcsim_cli_test(NAME CODE [STDERR regex] [STDOUT regex] [NOT_STDOUT regex] ARGS arg...):
# runs `svcsim ARGS...` from the source tree and expects exit CODE and the given output.
function(svcsim_cli_test name code)
  cmake_parse_arguments(arg "" "STDERR;STDOUT;NOT_STDOUT" "ARGS" ${ARGN})
  set(checks)
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
  reset-base-before-the-owed-reboot)
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
svcsim_cli_test(cli.fault_false_success 0
  STDOUT "\"class\": \"false_success\""
  ARGS run scenarios/kb5086672-online.yaml --fault 4:startup_failure --format json)
svcsim_cli_test(cli.fault_not_struck 0
  STDOUT "^unstruck:  1:startup_failure"
  ARGS run scenarios/kb5086672-online.yaml --fault 1:startup_failure)
svcsim_cli_test(cli.help 0
  STDOUT "--fault"
  ARGS run --help)

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
  STDERR "^svcsim: --order 'KB0000000': unknown step 'KB0000000'"
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
  ARGS)
svcsim_cli_test(cli.unknown_option 2
  ARGS run scenarios/kb5086672-online.yaml --bogus)

# `svcsim explore`: output formats and limits.
svcsim_cli_test(explore.json_stable_keys 0
  STDOUT "\"command\": \"svcsim run scenarios/kb5086672-online.yaml --order KB5086672,KB5043080\""
  ARGS explore scenarios/kb5086672-online.yaml --format json --no-timing)
svcsim_cli_test(explore.junit 0
  STDOUT "<testcase classname=\"svcsim.explore.scenarios/kb5086672-online.yaml\" name=\"no run ends stuck \\(up to 1 faults\\)\" time=\"0\">"
  ARGS explore scenarios/kb5086672-online.yaml --format junit)
svcsim_cli_test(explore.junit_names_witness 0
  STDOUT "shortest witness: svcsim run scenarios/kb5086672-online.yaml --order KB5043080,KB5086672 --fault 4:commit_interrupted"
  ARGS explore scenarios/kb5086672-online.yaml --format junit)
svcsim_cli_test(explore.json_orders_decimal_string 0
  STDOUT "^  \"orders\": \"2\",$"
  ARGS explore scenarios/kb5086672-online.yaml --format json --no-timing)
svcsim_cli_test(explore.dot 0
  STDOUT "^digraph G \\{"
  ARGS explore scenarios/kb5086672-method1.yaml --format dot)
svcsim_cli_test(explore.no_faults 0
  STDOUT "^  total +2$"
  NOT_STDOUT "1 fault"
  ARGS explore scenarios/kb5086672-online.yaml --faults 0)
svcsim_cli_test(explore.max_states_incomplete 3
  STDOUT "status:   incomplete: --max-states reached"
  ARGS explore scenarios/kb5086672-online.yaml --max-states 1)
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

# The synthetic chains (scenarios/synthetic/, written by bench/svcsim_synthetic_chain): the
# smallest explores in well under a second; --progress reports on stderr even off a terminal.
svcsim_cli_test(explore.synthetic_progress 0
  STDERR "^explore: layer [0-9]+/12 "
  STDOUT "^orders:   479001600$"
  ARGS explore scenarios/synthetic/chain-12.yaml --progress)
