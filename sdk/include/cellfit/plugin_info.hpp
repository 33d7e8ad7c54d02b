#pragma once

#include <cellfit/export.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cellfit {

// The families of plugins the core knows how to use.
enum class plugin_kind { optimizer, metric, integrator, backend };

inline constexpr plugin_kind all_plugin_kinds[] = {
    plugin_kind::optimizer, plugin_kind::metric, plugin_kind::integrator, plugin_kind::backend};

CELLFIT_API std::string_view to_string(plugin_kind kind) noexcept;
CELLFIT_API std::optional<plugin_kind> parse_plugin_kind(std::string_view text) noexcept;

enum class option_type { integer, real, boolean, string };

CELLFIT_API std::string_view to_string(option_type type) noexcept;

// One option a plugin accepts, as shown by `cellfit plugins` and checked
// before the plugin is created.
struct option_spec {
    std::string name;
    option_type type = option_type::string;
    std::string default_value;         // written as a user would type it
    std::string help;                  // one line
    std::vector<std::string> choices;  // for strings: the only values allowed (empty: any)
    // For a real option holding a physical value: its SI unit ("second").
    // The user may then write a quantity ("5*ms"); a plain number is SI.
    std::string unit = {};  // "= {}": designated initializers may leave it out
};

// What a plugin says about itself. The name may contain dots
// ("pagmo.de"); the plugin is addressed as "<kind>.<name>".
struct plugin_info {
    plugin_kind kind = plugin_kind::optimizer;
    std::string name;
    std::string version;
    std::string description;  // one line
    std::vector<option_spec> options;

    std::string full_name() const { return std::string(to_string(kind)) + "." + name; }
};

} // namespace cellfit
