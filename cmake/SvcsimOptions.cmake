# Warnings and sanitizers travel through INTERFACE targets, never through global CMAKE_CXX_FLAGS,
# so that a consumer of svcsim's libraries does not inherit our warning policy.
add_library(svcsim_warnings INTERFACE)
add_library(svcsim::warnings ALIAS svcsim_warnings)
target_compile_options(svcsim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference
  -Wimplicit-fallthrough)

add_library(svcsim_sanitizers INTERFACE)
add_library(svcsim::sanitizers ALIAS svcsim_sanitizers)
if(SVCSIM_SANITIZE)
  target_compile_options(svcsim_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(svcsim_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
# The fuzz build (fuzz/README.md) instruments every library for libFuzzer's coverage feedback
# (fuzzer-no-link: the instrumentation without libFuzzer's main) and checks it with ASan and
# UBSan, so a crash deep in model/ is found, not just one in the fuzz target itself. Only the
# fuzzer executables link libFuzzer (fuzz/CMakeLists.txt).
if(SVCSIM_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SVCSIM_BUILD_FUZZ needs clang (libFuzzer), but the C++ compiler is "
                        "${CMAKE_CXX_COMPILER_ID}; use the fuzz preset: cmake --preset fuzz")
  endif()
  if(NOT SVCSIM_BUILD_TESTS)
    message(FATAL_ERROR
            "SVCSIM_BUILD_FUZZ needs SVCSIM_BUILD_TESTS=ON (fuzz/ is built with the tests)")
  endif()
  target_compile_options(svcsim_sanitizers INTERFACE
    -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
  target_link_options(svcsim_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# Profile-guided optimisation (scripts/setup.sh, README "Performance"): the explorer's inner loop
# is a few hot functions whose speed turns on branch layout and inlining, which GCC guesses
# better from a real run. SVCSIM_PGO=generate instruments the build to write profiles into
# SVCSIM_PGO_DIR; scripts/pgo_train.sh runs that svcsim on shipped scenarios; SVCSIM_PGO=use
# rebuilds the same tree from the profiles (the same build directory: GCC names a profile after
# its object file's path). Only speed changes: every result is the same with or without it.
#   use: -fprofile-partial-training keeps code the training did not run optimised as usual, not
#   for size; a source edited since the training has a stale profile, which GCC then ignores for
#   the functions that changed (-Wno-coverage-mismatch) instead of failing the build.
set(SVCSIM_PGO OFF CACHE STRING "Profile-guided optimisation: OFF, generate or use (scripts/setup.sh)")
set_property(CACHE SVCSIM_PGO PROPERTY STRINGS OFF generate use)
set(SVCSIM_PGO_DIR "${CMAKE_BINARY_DIR}/pgo" CACHE PATH "Where SVCSIM_PGO writes and reads profiles")
add_library(svcsim_pgo INTERFACE)
if(SVCSIM_PGO STREQUAL "generate")
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    message(FATAL_ERROR "SVCSIM_PGO needs GCC (the profiles are GCC's), not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  # atomic: the training runs explore on two threads, whose counters would otherwise race.
  target_compile_options(svcsim_pgo INTERFACE
    -fprofile-generate=${SVCSIM_PGO_DIR} -fprofile-update=atomic)
  target_link_options(svcsim_pgo INTERFACE -fprofile-generate=${SVCSIM_PGO_DIR})
elseif(SVCSIM_PGO STREQUAL "use")
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    message(FATAL_ERROR "SVCSIM_PGO needs GCC (the profiles are GCC's), not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  target_compile_options(svcsim_pgo INTERFACE
    -fprofile-use=${SVCSIM_PGO_DIR} -fprofile-partial-training -Wno-missing-profile
    -Wno-coverage-mismatch)
elseif(SVCSIM_PGO)
  message(FATAL_ERROR "SVCSIM_PGO is '${SVCSIM_PGO}'; expected OFF, generate or use")
endif()

# svcsim_add_library(NAME FOLDER SOURCES...): one library per folder, public headers under
# <folder>/include/svcsim/<folder>/, private headers beside the sources.
function(svcsim_add_library name)
  cmake_parse_arguments(arg "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${arg_SOURCES})
  add_library(svcsim::${name} ALIAS ${name})
  target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                     PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${arg_PUBLIC_DEPS} svcsim_sanitizers svcsim_pgo
                                PRIVATE ${arg_PRIVATE_DEPS} svcsim_warnings)
endfunction()

# svcsim_add_test(NAME SOURCES... DEPS ...): a GoogleTest executable discovered by CTest.
function(svcsim_add_test name)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE ${arg_DEPS} GTest::gtest GTest::gtest_main svcsim_warnings)
  target_compile_definitions(${name} PRIVATE SVCSIM_SOURCE_DIR_FALLBACK="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "SVCSIM_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
