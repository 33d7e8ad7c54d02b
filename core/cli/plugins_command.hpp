#pragma once

#include "command_line.hpp"

#include <cellfit/registry.hpp>

namespace cellfit::cli {

// `cellfit plugins`: every plugin found, with its options.
command plugins_command();

// The --plugin-dir option, for every command that loads plugins.
void add_plugin_dir_option(po::options_description& options);

// Loads the plugins from the default search path plus --plugin-dir folders
// (which must exist) and prints what went wrong with any library to err.
// With `kinds`, only libraries of those kinds are opened (registry.only_kinds).
plugin_registry load_plugins(const po::variables_map& vm, std::ostream& err, std::vector<plugin_kind> kinds = {});

} // namespace cellfit::cli
