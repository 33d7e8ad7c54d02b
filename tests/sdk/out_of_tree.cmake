# The SDK as a plugin author and an embedding program meet it: install cellfit
# into a temporary prefix, build examples/third-party-plugin and
# examples/embed-optimizer against the installed package (not the build
# tree), then check that the installed `cellfit plugins --plugin-dir` lists
# the new plugin and that the embedding program creates and drives it.
#
# Inputs: BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER

foreach(var BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "out_of_tree.cmake needs -D${var}=...")
  endif()
endforeach()

# Only what the test names may be found.
unset(ENV{CELLFIT_PLUGIN_PATH})
unset(ENV{CMAKE_PREFIX_PATH})

function(run)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "OUTPUT" "COMMAND")
  message(STATUS "running: ${arg_COMMAND}")
  execute_process(COMMAND ${arg_COMMAND} RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${arg_COMMAND}\n--- stdout\n${out}\n--- stderr\n${err}")
  endif()
  if(arg_OUTPUT)
    set(${arg_OUTPUT} "${out}" PARENT_SCOPE)
  endif()
endfunction()

function(expect text what)
  string(FIND "${text}" "${what}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected to find '${what}' in:\n${text}")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

run(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
# The installed binaries and plugins search no relative folder for libraries.
run(COMMAND ${CMAKE_COMMAND} "-DDIRS=${prefix}" -P "${SOURCE_DIR}/tests/check_runpaths.cmake")

foreach(example third-party-plugin embed-optimizer embed-fit)
  run(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples/${example}" -B "${WORK_DIR}/${example}"
      -G "${GENERATOR}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
      -DCMAKE_PREFIX_PATH=${prefix})
  run(COMMAND ${CMAKE_COMMAND} --build "${WORK_DIR}/${example}")
endforeach()
set(plugin_dir "${WORK_DIR}/third-party-plugin")

# The installed command finds its own plugins in <prefix>/lib/cellfit/plugins
# and the new one through --plugin-dir.
run(COMMAND "${prefix}/bin/cellfit" plugins --json --plugin-dir "${plugin_dir}" OUTPUT listing)
string(JSON n LENGTH "${listing}" plugins)
math(EXPR last "${n} - 1")
set(found_example OFF)
set(found_random OFF)
foreach(k RANGE ${last})
  string(JSON name GET "${listing}" plugins ${k} full_name)
  string(JSON library GET "${listing}" plugins ${k} library)
  if(name STREQUAL "optimizer.example.hillclimb")
    set(found_example ON)
    string(JSON n_options LENGTH "${listing}" plugins ${k} options)
    if(NOT n_options EQUAL 2)
      message(FATAL_ERROR "optimizer.example.hillclimb lists ${n_options} options, expected 2")
    endif()
    expect("${library}" "${plugin_dir}")
  elseif(name STREQUAL "optimizer.random")
    set(found_random ON)
    expect("${library}" "${prefix}/lib/cellfit/plugins")
  endif()
endforeach()
if(NOT found_example OR NOT found_random)
  message(FATAL_ERROR "installed cellfit did not list both plugins:\n${listing}")
endif()
string(JSON n_problems LENGTH "${listing}" diagnostics)
if(NOT n_problems EQUAL 0)
  message(FATAL_ERROR "loading reported problems:\n${listing}")
endif()

# A program built against the installed package creates the plugin with
# options and runs it; the hill climber must improve on its first round.
run(COMMAND "${WORK_DIR}/embed-optimizer/cellfit-embed-optimizer"
    --plugin-dir "${plugin_dir}" --optimizer example.hillclimb --opt step=0.3 --rounds 30 --samples 50
    OUTPUT fit)
expect("${fit}" "optimizer.example.hillclimb, 30 rounds of 50 samples")
string(REGEX MATCH "round +1  best RMS error ([0-9.e+-]+) mV" _ "${fit}")
set(first "${CMAKE_MATCH_1}")
string(REGEX MATCH "round +30  best RMS error ([0-9.e+-]+) mV" _ "${fit}")
set(final "${CMAKE_MATCH_1}")
if(first STREQUAL "" OR final STREQUAL "" OR NOT final LESS first)
  message(FATAL_ERROR "the hill climber did not improve (first ${first}, final ${final}):\n${fit}")
endif()

# A bad option reaches the plugin's own validation and fails cleanly.
execute_process(COMMAND "${WORK_DIR}/embed-optimizer/cellfit-embed-optimizer"
    --plugin-dir "${plugin_dir}" --optimizer example.hillclimb --opt shrink=2
    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "shrink=2 should exit 2, got ${rc}: ${err}")
endif()
expect("${err}" "shrink must be in (0, 1)")

# The fitter embedded in under 40 lines (examples/embed-fit) fits the HH
# data as `cellfit fit --config examples/hh-traces/fit.ini` does: to the
# least-squares optimum, gl within 0.5 % of the truth (10 nS) and the error
# at the noise floor (1.005 mV^2; ../shared/data/hh/README.md).
file(READ "${SOURCE_DIR}/examples/embed-fit/main.cpp" source)
string(REGEX MATCHALL "\n" newlines "${source}")
list(LENGTH newlines n_lines)
if(n_lines GREATER_EQUAL 40)
  message(FATAL_ERROR "examples/embed-fit/main.cpp has ${n_lines} lines; it shows a fit in under 40")
endif()
run(COMMAND "${WORK_DIR}/embed-fit/cellfit-embed-fit" "${SOURCE_DIR}/examples/models/hh_traub.eqs"
    "${SOURCE_DIR}/../shared/data/hh" OUTPUT embedded)
string(REGEX MATCH "gl = ([0-9.]+) nS" _ "${embedded}")
set(gl "${CMAKE_MATCH_1}")
string(REGEX MATCH "best error: ([0-9.]+) mV\\^2" _ "${embedded}")
set(mse "${CMAKE_MATCH_1}")
if(gl STREQUAL "" OR gl LESS 9.95 OR gl GREATER 10.05 OR mse STREQUAL "" OR mse LESS 0.99 OR mse GREATER 1.015)
  message(FATAL_ERROR "examples/embed-fit did not reach the optimum (gl ${gl} nS, error ${mse} mV^2):\n${embedded}")
endif()

# The installed SDK is honest: a plugin that includes one of core's headers
# does not build (core's headers are not on cellfit::sdk's include path).
set(dishonest "${WORK_DIR}/dishonest-plugin")
file(WRITE "${dishonest}/CMakeLists.txt" "cmake_minimum_required(VERSION 3.20)
project(dishonest CXX)
find_package(cellfit REQUIRED)
cellfit_add_plugin(dishonest KIND optimizer SOURCES plugin.cpp)
")
file(WRITE "${dishonest}/plugin.cpp" "#include <cellfit/plugin.hpp>\n#include <cellfit/model/model.hpp>\n")
run(COMMAND ${CMAKE_COMMAND} -S "${dishonest}" -B "${dishonest}/build" -G "${GENERATOR}"
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_PREFIX_PATH=${prefix})
execute_process(COMMAND ${CMAKE_COMMAND} --build "${dishonest}/build" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "a plugin including <cellfit/model/model.hpp> built against the installed SDK")
endif()
expect("${out}${err}" "cellfit/model/model.hpp")

message(STATUS "out-of-tree plugin and embedding program work against the installed SDK\n${fit}")
