# Shows that the tests over the reference cases (tag [cases]) fail on a
# damaged corpus instead of passing with nothing checked: once with no case
# folders at all, once with an extra case folder that has no model.json.
# Run by CTest as `reference_tests_fail_on_a_damaged_corpus`:
#   cmake -DTEST_EXE=... -DREFERENCE_DIR=... -DWORK_DIR=... -P damaged_corpus.cmake
cmake_minimum_required(VERSION 3.25)

file(GLOB real_cases LIST_DIRECTORIES true "${REFERENCE_DIR}/cases/*")
list(LENGTH real_cases real_count)
if(real_count EQUAL 0)
  message(FATAL_ERROR "no reference cases in ${REFERENCE_DIR}/cases to damage")
endif()
foreach(damage no_cases case_without_model)
  set(root "${WORK_DIR}/${damage}")
  file(REMOVE_RECURSE "${root}")
  file(MAKE_DIRECTORY "${root}/cases")
  file(CREATE_LINK "${REFERENCE_DIR}/syntax" "${root}/syntax" SYMBOLIC)
  if(damage STREQUAL "case_without_model")
    foreach(case IN LISTS real_cases)
      get_filename_component(name "${case}" NAME)
      file(CREATE_LINK "${case}" "${root}/cases/${name}" SYMBOLIC)
    endforeach()
    file(MAKE_DIRECTORY "${root}/cases/zz_new_case")
    file(WRITE "${root}/cases/zz_new_case/out_v.csv" "0,1\n")
  endif()
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env "CELLFIT_TEST_REFERENCE_DIR=${root}" "${TEST_EXE}" "[cases]"
    OUTPUT_VARIABLE output ERROR_VARIABLE output RESULT_VARIABLE result)
  # Catch2 prints "test cases: N | N failed" when every selected test failed.
  if(result EQUAL 0 OR NOT output MATCHES "test cases: +([0-9]+) \\| +([0-9]+) failed")
    message(FATAL_ERROR "with ${damage}, the [cases] tests did not all fail (exit ${result}):\n${output}")
  endif()
  if(NOT CMAKE_MATCH_1 EQUAL 3 OR NOT CMAKE_MATCH_2 EQUAL 3)
    message(FATAL_ERROR "with ${damage}, expected the 3 [cases] tests to fail:\n${output}")
  endif()
  # ...and for the damage, not for another reason.
  if(damage STREQUAL "no_cases")
    set(reason "REQUIRE\\( names == expected_reference_cases \\)")
  else()
    set(reason "zz_new_case has no model.json: the corpus is damaged")
  endif()
  string(REGEX MATCHALL "${reason}" reasons "${output}")
  list(LENGTH reasons reason_count)
  if(NOT reason_count EQUAL 3)
    message(FATAL_ERROR "with ${damage}, the [cases] tests did not all fail on the damage ('${reason}'):\n${output}")
  endif()
  message(STATUS "${damage}: all 3 [cases] tests fail, as they must")
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
