cmake_policy(SET CMP0007 NEW)
# Checks that CTest runs exactly the test cases Catch2 has, each once, under
# its own name. catch_discover_tests splits a name at ';' into entries that
# match no test; such an entry would run nothing and (without --warn NoTests)
# pass. Run by CTest as the test `ctest_lists_every_catch_test`:
#   cmake -DTEST_EXE=... -DBUILD_DIR=... -DCTEST=... -DNOT_CATCH=<the one entry
#         that runs TEST_EXE on purpose with a name Catch2 lacks> -P ctest_matches_catch.cmake

execute_process(COMMAND "${TEST_EXE}" --list-test-names-only
  OUTPUT_VARIABLE catch_output RESULT_VARIABLE catch_result)
if(catch_result LESS 0 OR catch_output STREQUAL "")
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
math(EXPR last "${ctest_count} - 1")
foreach(k RANGE ${last})
  string(JSON exe GET "${ctest_json}" tests ${k} command 0)
  string(JSON name GET "${ctest_json}" tests ${k} name)
  if("${exe}" STREQUAL "${TEST_EXE}" AND NOT name STREQUAL NOT_CATCH)
    list(APPEND ctest_names "${name}")
  endif()
endforeach()
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
message(STATUS "CTest runs all ${catch_count} Catch2 tests, each once")
