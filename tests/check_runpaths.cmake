# Every ELF file (executable or shared library) under DIRS (folders or files): its RUNPATH and
# RPATH may hold only absolute folders or folders from $ORIGIN. An empty
# entry is the current directory, and a relative one depends on it: either
# lets a file in the user's working folder run as part of cellfit.
#
# Inputs: DIRS (a ;-list of folders); READELF (optional, default readelf).

if(NOT DEFINED DIRS)
  message(FATAL_ERROR "check_runpaths.cmake needs -DDIRS=...")
endif()
if(NOT DEFINED READELF)
  set(READELF readelf)
endif()

set(checked 0)
foreach(dir IN LISTS DIRS)
  if(IS_DIRECTORY "${dir}")
    file(GLOB_RECURSE files LIST_DIRECTORIES false "${dir}/*")
  else()
    set(files "${dir}")
  endif()
  foreach(file IN LISTS files)
    if(IS_SYMLINK "${file}")
      continue()
    endif()
    file(READ "${file}" magic LIMIT 4 HEX)
    if(NOT magic STREQUAL "7f454c46")
      continue()
    endif()
    execute_process(COMMAND "${READELF}" -d "${file}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      continue()  # an object file or something readelf cannot read as a dynamic object
    endif()
    math(EXPR checked "${checked} + 1")
    string(REGEX MATCHALL "\\((RUNPATH|RPATH)\\)[^\n]*\\[[^]\n]*\\]" lines "${out}")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE ".*\\[([^]]*)\\].*" "\\1" path "${line}")
      string(REPLACE ":" ";" entries "${path}")
      # "a::b" and a trailing ":" are empty entries, which a ;-list drops.
      if(path MATCHES "(^:|::|:$)" OR path STREQUAL "")
        message(FATAL_ERROR "${file}: its run path '${path}' has an empty entry, which the loader reads as the current directory")
      endif()
      foreach(entry IN LISTS entries)
        if(NOT entry MATCHES "^(/|\\$ORIGIN|\\$\\{ORIGIN\\})")
          message(FATAL_ERROR "${file}: its run path '${path}' has the relative entry '${entry}'")
        endif()
      endforeach()
    endforeach()
  endforeach()
endforeach()
if(checked EQUAL 0)
  message(FATAL_ERROR "no ELF files found under ${DIRS}")
endif()
message(STATUS "checked the run paths of ${checked} ELF files")
