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

abi_mismatch::abi_mismatch(std::filesystem::path path, const std::string& expected, const std::string& found)
    : abi_mismatch(std::move(path), expected, found, "") {}

abi_mismatch::abi_mismatch(std::filesystem::path path, const std::string& expected, const std::string& found,
                           const std::string& why)
    : plugin_error(std::move(path), "built for plugin ABI " + found + ", but this cellfit uses plugin ABI " + expected +
                                        (why.empty() ? "; rebuild the plugin against this cellfit's SDK" : why)),
      expected_(expected),
      found_(found) {}

abi_mismatch::~abi_mismatch() = default;

model_error::model_error(source_location where, const std::string& message)
    : input_error([&] {
          std::string text = where.origin;
          if (where.line > 0) text += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
          text += ": " + message;
          if (!where.line_text.empty()) {
              text += "\n    " + where.line_text + "\n    ";
              // Keep tabs so the caret lines up under the same characters.
              for (int k = 0; k + 1 < where.column && k < static_cast<int>(where.line_text.size()); ++k)
                  text += where.line_text[k] == '\t' ? '\t' : ' ';
              text += "^";
          }
          return text;
      }()),
      where_(std::move(where)),
      message_(message) {}

model_error::~model_error() = default;

compile_error::compile_error(const std::string& message, std::string log, std::filesystem::path source)
    : error(message), log_(std::move(log)), source_(std::move(source)) {}

compile_error::~compile_error() = default;

internal_error::internal_error(const std::string& what)
    : error("internal error (a bug in cellfit; please report it): " + what) {}

internal_error::~internal_error() = default;

} // namespace cellfit
