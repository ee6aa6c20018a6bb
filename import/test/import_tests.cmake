# Tests of svcsim_import. The .msu files they read are built at test time by make_fixtures.sh
# (gcab, wimlib-imagex) into the build tree: CTest runs it first as the fixture
# svcsim_import_fixtures. Included from import/CMakeLists.txt.
find_program(SVCSIM_BASH bash REQUIRED)
find_program(SVCSIM_GCAB gcab REQUIRED)
find_program(SVCSIM_WIMLIB_IMAGEX wimlib-imagex REQUIRED)

set(svcsim_import_test_dir ${CMAKE_CURRENT_SOURCE_DIR}/test)
set(svcsim_import_fixture_dir ${SVCSIM_IMPORT_FIXTURE_DIR})

add_test(NAME import.fixtures
         COMMAND ${SVCSIM_BASH} ${svcsim_import_test_dir}/make_fixtures.sh ${svcsim_import_fixture_dir})
set_tests_properties(import.fixtures PROPERTIES FIXTURES_SETUP svcsim_import_fixtures)

# Unit tests of the parsers, golden tests of every extracted field, hostile files.
add_executable(svcsim_import_tests
  ${svcsim_import_test_dir}/parser_test.cpp
  ${svcsim_import_test_dir}/import_test.cpp)
target_link_libraries(svcsim_import_tests
  PRIVATE svcsim_import GTest::gtest GTest::gtest_main svcsim_warnings)
target_compile_definitions(svcsim_import_tests
  PRIVATE SVCSIM_IMPORT_FIXTURE_DIR="${svcsim_import_fixture_dir}")
gtest_discover_tests(svcsim_import_tests DISCOVERY_TIMEOUT 60
                     PROPERTIES FIXTURES_REQUIRED svcsim_import_fixtures)

# svcsim_import_cli_test(NAME MODE EXPECTED ARGS...): `svcsim import ARGS...` through
# expect_import.sh, which also checks that the private folder is gone afterwards.
#   MODE golden:  exit 0 and the scenario equals test/golden/EXPECTED
#   MODE refused: exit 2 and one line on stderr matching the regex EXPECTED
function(svcsim_import_cli_test name mode expected)
  if(mode STREQUAL "golden")
    set(expected ${svcsim_import_test_dir}/golden/${expected})
  endif()
  add_test(NAME import.${name}
           COMMAND ${SVCSIM_BASH} ${svcsim_import_test_dir}/expect_import.sh --${mode} ${expected}
                   -- $<TARGET_FILE:svcsim> import ${ARGN})
  set_tests_properties(import.${name} PROPERTIES FIXTURES_REQUIRED svcsim_import_fixtures)
endfunction()

set(fixtures ${svcsim_import_fixture_dir})
svcsim_import_cli_test(golden.kb5086672 golden kb5086672-set.yaml ${fixtures}/kb5086672)
svcsim_import_cli_test(golden.lcu_with_ssu golden lcu-with-ssu.yaml
                       ${fixtures}/wim/windows11.0-kb5094126-x64.msu)
svcsim_import_cli_test(golden.checkpoint golden checkpoint-alone.yaml
                       ${fixtures}/wim/windows11.0-kb5043080-x64.msu)
svcsim_import_cli_test(golden.ssu_only golden ssu-only.yaml
                       ${fixtures}/wim/windows11.0-kb5095000-x64.msu)
svcsim_import_cli_test(golden.classic golden classic.yaml
                       ${fixtures}/classic/windows10.0-kb5035845-x64.msu --product client)
svcsim_import_cli_test(golden.install_wim golden wim-folder-install-wim.yaml ${fixtures}/wim
                       --target install_wim --ubr 1742 --ssu-version 1742 --product server)

# Hostile input: one line naming the file, exit 2.
foreach(case
    "truncated-wim|unreadable WIM"
    "truncated-cab|cannot extract .*truncated"
    "not-an-msu|neither a WIM .* nor a cabinet"
    "empty|too short to be an .msu"
    "dotdot-classic|climbs out of its folder"
    "dotdot-wim|climbs out of its folder"
    "huge-size|declares 4294967040 bytes"
    "huge-size-wim|declares 1000000000 bytes"
    "cab-loop|cabinets nested deeper than 3 levels"
    "billion-laughs|is not a version a.b.c.d"
    "deep-nesting|nested deeper than 64 levels")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 file)
  list(GET parts 1 message)
  svcsim_import_cli_test(refused.${file} refused
                         "^svcsim: import: [^ ]*/hostile/${file}\\.msu: .*${message}"
                         ${fixtures}/hostile/${file}.msu)
endforeach()
svcsim_import_cli_test(refused.two_branches refused "disagree on the branch of @TargetBuildInfo"
                       ${fixtures}/hostile/two-branches)
svcsim_import_cli_test(refused.product refused
                       "windows10.0-kb5035845-x64\\.msu: .*names client products, not --product server"
                       ${fixtures}/classic/windows10.0-kb5035845-x64.msu --product server)
svcsim_import_cli_test(refused.missing_file refused "^svcsim: import: .*/absent\\.msu: no such file"
                       ${fixtures}/absent.msu)
add_test(NAME import.refused.bad_product
         COMMAND ${SVCSIM_BASH} ${PROJECT_SOURCE_DIR}/tests/expect_exit.sh 2 --stderr "--product"
                 -- $<TARGET_FILE:svcsim> import ${fixtures}/kb5086672 --product desktop)

# Done means: the imported KB5086672 set explores to the counts of the hand-written scenario.
add_test(NAME import.kb5086672_explores_like_the_hand_written_scenario
         COMMAND ${SVCSIM_BASH} ${svcsim_import_test_dir}/compare_explore.sh $<TARGET_FILE:svcsim>
                 ${PROJECT_SOURCE_DIR}/scenarios/kb5086672-online.yaml ${fixtures}/kb5086672)
set_tests_properties(import.kb5086672_explores_like_the_hand_written_scenario
                     PROPERTIES FIXTURES_REQUIRED svcsim_import_fixtures)
