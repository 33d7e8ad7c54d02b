#pragma once

#include <cellfit/export.hpp>
#include <cellfit/plugin_info.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace cellfit {

// Options as the user wrote them: `--opt popsize=40` gives {"popsize", "40"}.
using raw_options = std::vector<std::pair<std::string, std::string>>;

using option_value = std::variant<std::int64_t, double, bool, std::string>;

// The options a plugin is created with: every option of its metadata, typed,
// with the defaults filled in. Built only by validate_options, so a plugin
// never sees an unknown name or a value of the wrong type.
class CELLFIT_API plugin_options {
public:
    std::int64_t integer(std::string_view name) const;
    double real(std::string_view name) const;
    bool boolean(std::string_view name) const;
    const std::string& string(std::string_view name) const;

    // True when the user gave this option (not the default).
    bool given(std::string_view name) const;

    const std::map<std::string, option_value, std::less<>>& values() const noexcept { return values_; }

private:
    friend CELLFIT_API plugin_options validate_options(const plugin_info&, const raw_options&);
    const option_value& at(std::string_view name, option_type wanted) const;

    std::map<std::string, option_value, std::less<>> values_;
    std::vector<std::string> given_;
};

// Checks raw options against a plugin's metadata. Throws option_error for an
// unknown name, a repeated name, a value of the wrong type or a value outside
// the choices; the message lists the valid options.
CELLFIT_API plugin_options validate_options(const plugin_info& info, const raw_options& raw);

// Parses one value as the given type; nullopt when it does not parse.
// Booleans: true/false, yes/no, on/off, 1/0. Integers: decimal, no fraction.
CELLFIT_API std::optional<option_value> parse_option_value(option_type type, std::string_view text);

// Splits "key=value" (the form of --opt); throws option_error without '='.
CELLFIT_API std::pair<std::string, std::string> split_option(std::string_view text);

} // namespace cellfit
