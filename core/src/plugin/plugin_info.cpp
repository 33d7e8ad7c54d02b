#include <cellfit/plugin_info.hpp>

namespace cellfit {

std::string_view to_string(plugin_kind kind) noexcept {
    switch (kind) {
    case plugin_kind::optimizer: return "optimizer";
    case plugin_kind::metric: return "metric";
    case plugin_kind::integrator: return "integrator";
    case plugin_kind::backend: return "backend";
    }
    return "unknown";
}

std::optional<plugin_kind> parse_plugin_kind(std::string_view text) noexcept {
    for (plugin_kind kind : all_plugin_kinds)
        if (to_string(kind) == text) return kind;
    return std::nullopt;
}

std::string_view to_string(option_type type) noexcept {
    switch (type) {
    case option_type::integer: return "integer";
    case option_type::real: return "real";
    case option_type::boolean: return "boolean";
    case option_type::string: return "string";
    }
    return "unknown";
}

} // namespace cellfit
