# Tests of svcsim_import. Included from import/CMakeLists.txt.
set(svcsim_import_test_dir ${CMAKE_CURRENT_SOURCE_DIR}/test)

# Unit tests of the parsers.
add_executable(svcsim_import_tests ${svcsim_import_test_dir}/parser_test.cpp)
target_link_libraries(svcsim_import_tests
  PRIVATE svcsim_import GTest::gtest GTest::gtest_main svcsim_warnings)
gtest_discover_tests(svcsim_import_tests DISCOVERY_TIMEOUT 60)
