# Tests of svcsim_import. The .msu files they read are built at test time by make_fixtures.sh
# (gcab, wimlib-imagex) into the build tree: CTest runs it first as the fixture
# svcsim_import_fixtures. Included from import/CMakeLists.txt.
find_program(SVCSIM_BASH bash REQUIRED)
find_program(SVCSIM_GCAB gcab REQUIRED)
find_program(SVCSIM_WIMLIB_IMAGEX wimlib-imagex REQUIRED)

set(svcsim_import_test_dir ${CMAKE_CURRENT_SOURCE_DIR}/test)
set(svcsim_import_fixture_dir ${CMAKE_CURRENT_BINARY_DIR}/fixtures)

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
