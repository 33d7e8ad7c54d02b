# cellfit_add_plugin(<name> KIND <optimizer|metric|integrator|backend>
#                    SOURCES <file>...
#                    [LINK_LIBRARIES <lib>...]
#                    [OUTPUT_DIRECTORY <dir>]
#                    [INSTALL_DESTINATION <dir>])
#
# Builds a cellfit plugin library: a MODULE library named
# libcellfit-<kind>-<name>.so (target cellfit-<kind>-<name>) with hidden
# visibility, linked to cellfit::sdk. The library may register several plugins,
# of any kind; KIND only names the file. Point `cellfit --plugin-dir` or
# CELLFIT_PLUGIN_PATH at OUTPUT_DIRECTORY (default: the current binary dir), or
# install it into <prefix>/lib/cellfit/plugins.
#
# The same function builds the plugins that ship with cellfit, so a third-party
# plugin goes through exactly the path the built-in ones do.
function(cellfit_add_plugin name)
  set(kinds optimizer metric integrator backend)
  cmake_parse_arguments(PARSE_ARGV 1 arg ""
    "KIND;OUTPUT_DIRECTORY;INSTALL_DESTINATION" "SOURCES;LINK_LIBRARIES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "cellfit_add_plugin(${name}): unknown arguments "
      "'${arg_UNPARSED_ARGUMENTS}'; expected KIND, SOURCES, LINK_LIBRARIES, "
      "OUTPUT_DIRECTORY, INSTALL_DESTINATION")
  endif()
  if(NOT arg_KIND IN_LIST kinds)
    message(FATAL_ERROR "cellfit_add_plugin(${name}): KIND '${arg_KIND}' is not "
      "one of: ${kinds}")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "cellfit_add_plugin(${name}): SOURCES is empty")
  endif()
  if(NOT TARGET cellfit::sdk)
    message(FATAL_ERROR "cellfit_add_plugin(${name}): target cellfit::sdk is "
      "missing; call find_package(cellfit) first")
  endif()

  set(target "cellfit-${arg_KIND}-${name}")
  add_library(${target} MODULE ${arg_SOURCES})
  target_link_libraries(${target} PRIVATE cellfit::sdk ${arg_LINK_LIBRARIES})
  target_compile_features(${target} PRIVATE cxx_std_20)
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    # Report missing symbols when the plugin is linked, not when it is loaded.
    target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  endif()
  if(arg_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES
      LIBRARY_OUTPUT_DIRECTORY "${arg_OUTPUT_DIRECTORY}")
  endif()
  if(arg_INSTALL_DESTINATION)
    install(TARGETS ${target} LIBRARY DESTINATION "${arg_INSTALL_DESTINATION}")
  endif()
endfunction()
