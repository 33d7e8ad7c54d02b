#include <cellfit/error.hpp>
#include <cellfit/plugin_object.hpp>

#include <utility>

namespace cellfit {

// Out-of-line destructors anchor each type's vtable and typeinfo in the core,
// so that an exception thrown in a plugin is caught by its type in the host.
error::~error() = default;
input_error::~input_error() = default;
option_error::~option_error() = default;
plugin_contract_error::~plugin_contract_error() = default;
plugin_object::~plugin_object() = default;

plugin_error::plugin_error(std::filesystem::path path, const std::string& reason)
    : error("plugin library " + path.string() + ": " + reason),
      path_(std::move(path)),
      reason_(reason) {}

plugin_error::~plugin_error() = default;

abi_mismatch::abi_mismatch(std::filesystem::path path, const std::string& expected,
                           const std::string& found)
    : plugin_error(std::move(path),
                   "built for plugin ABI " + found + ", but this cellfit uses plugin ABI " +
                       expected + "; rebuild the plugin against this cellfit's SDK"),
      expected_(expected),
      found_(found) {}

abi_mismatch::~abi_mismatch() = default;

} // namespace cellfit
