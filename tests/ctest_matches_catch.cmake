# Checks that CTest runs exactly the test cases Catch2 has, each once, under
# its own name, with --warn NoTests, and that every CTest entry has a
# TIMEOUT. catch_discover_tests splits a name at ';' into entries that match
# no test; without --warn NoTests such an entry runs nothing and passes.
# Also checks that Catch2 fails a filter that matches nothing.
# Run by CTest as the test `ctest_lists_every_catch_test`:
#   cmake -DTEST_EXE=... -DBUILD_DIR=... -DCTEST=... -P ctest_matches_catch.cmake
cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND "${TEST_EXE}" --list-test-names-only
  OUTPUT_VARIABLE catch_output RESULT_VARIABLE catch_result)
# Catch2 exits with the number of tests listed (at most 255); a crash gives text.
if(NOT catch_result MATCHES "^[0-9]+$" OR catch_output STREQUAL "")
  message(FATAL_ERROR "${TEST_EXE} --list-test-names-only failed: ${catch_result}")
endif()
string(FIND "${catch_output}" ";" semicolon)
if(NOT semicolon EQUAL -1)
  string(REGEX MATCH "[^\n]*;[^\n]*" offender "${catch_output}")
  message(FATAL_ERROR "A Catch2 test name holds ';', which CTest splits into tests that run nothing: "
    "'${offender}'. Write the name without ';'.")
endif()
string(REPLACE "\n" ";" catch_names "${catch_output}")
list(FILTER catch_names EXCLUDE REGEX "^$")
list(LENGTH catch_names catch_count)

execute_process(COMMAND "${CTEST}" --test-dir "${BUILD_DIR}" --show-only=json-v1
  OUTPUT_VARIABLE ctest_json RESULT_VARIABLE ctest_result)
if(NOT ctest_result EQUAL 0)
  message(FATAL_ERROR "ctest --show-only=json-v1 failed: ${ctest_result}")
endif()
string(JSON ctest_count LENGTH "${ctest_json}" tests)
set(ctest_names)
set(problems)
math(EXPR last "${ctest_count} - 1")
foreach(k RANGE ${last})
  string(JSON name GET "${ctest_json}" tests ${k} name)
  string(JSON command GET "${ctest_json}" tests ${k} command)
  string(JSON exe GET "${ctest_json}" tests ${k} command 0)
  # Every entry has a deadline.
  set(timeout "")
  string(JSON n_properties LENGTH "${ctest_json}" tests ${k} properties)
  math(EXPR last_property "${n_properties} - 1")
  foreach(p RANGE ${last_property})
    string(JSON property GET "${ctest_json}" tests ${k} properties ${p} name)
    if(property STREQUAL "TIMEOUT")
      string(JSON timeout GET "${ctest_json}" tests ${k} properties ${p} value)
    endif()
  endforeach()
  if(NOT timeout OR timeout LESS_EQUAL 0)
    list(APPEND problems "'${name}' has no TIMEOUT")
  endif()
  if("${exe}" STREQUAL "${TEST_EXE}")
    list(APPEND ctest_names "${name}")
    if(NOT command MATCHES "\"--warn\",[ \t\r\n]*\"NoTests\"")
      list(APPEND problems "'${name}' runs without --warn NoTests")
    endif()
  endif()
endforeach()
if(problems)
  string(REPLACE ";" "\n  " problems "${problems}")
  message(FATAL_ERROR "CTest entries without their safeguards:\n  ${problems}")
endif()
list(LENGTH ctest_names ctest_catch_count)

set(missing ${catch_names})
list(REMOVE_ITEM missing ${ctest_names})
set(extra ${ctest_names})
list(REMOVE_ITEM extra ${catch_names})
set(unique ${ctest_names})
list(REMOVE_DUPLICATES unique)
list(LENGTH unique unique_count)
if(missing OR extra OR NOT unique_count EQUAL ctest_catch_count OR NOT ctest_catch_count EQUAL catch_count)
  string(REPLACE ";" "\n  " missing "${missing}")
  string(REPLACE ";" "\n  " extra "${extra}")
  message(FATAL_ERROR "CTest and Catch2 disagree: Catch2 has ${catch_count} tests, CTest runs ${ctest_catch_count} "
    "entries of ${TEST_EXE} (${unique_count} distinct).\nNot in CTest:\n  ${missing}\nIn CTest but not Catch2:\n  ${extra}\n"
    "Rebuild to rediscover the tests.")
endif()

# A filter that matches nothing fails under --warn NoTests (exit code 2).
execute_process(COMMAND "${TEST_EXE}" "no test has this name" --warn NoTests
  OUTPUT_VARIABLE output ERROR_VARIABLE output RESULT_VARIABLE result)
if(NOT result EQUAL 2 OR NOT output MATCHES "No test cases matched")
  message(FATAL_ERROR "a filter that matches nothing did not fail with exit code 2 (got ${result}):\n${output}")
endif()
message(STATUS "CTest runs all ${catch_count} Catch2 tests, each once, with --warn NoTests; all ${ctest_count} entries have a TIMEOUT")
