#include <cellfit/error.hpp>
#include <cellfit/io/numbers.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/units/quantity.hpp>
#include <cellfit/options.hpp>
#include <cellfit/suggest.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace cellfit {

namespace {

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

std::string lowercase(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string describe(const option_spec& spec) {
    std::string text = spec.name + " (" + std::string(to_string(spec.type));
    if (!spec.unit.empty()) text += " in " + spec.unit;
    for (std::size_t k = 0; k < spec.choices.size(); ++k) text += (k == 0 ? ": " : "|") + spec.choices[k];
    text += ", default " + (spec.default_value.empty() ? std::string("\"\"") : spec.default_value) + ")";
    return text;
}

std::string list_valid(const plugin_info& info) {
    if (info.options.empty()) return info.full_name() + " takes no options";
    std::string text = "valid options of " + info.full_name() + ": ";
    for (std::size_t k = 0; k < info.options.size(); ++k) {
        if (k > 0) text += "; ";
        text += describe(info.options[k]);
    }
    return text;
}

std::string expected_form(const option_spec& spec) {
    switch (spec.type) {
    case option_type::integer: return "an integer";
    case option_type::real:
        return spec.unit.empty() ? "a real number"
                                 : "a quantity in " + spec.unit + " (e.g. 5*m" + spec.unit + ", or a number in " +
                                       spec.unit + ")";
    case option_type::boolean: return "true or false";
    case option_type::string: return "one of " + join_alternatives(spec.choices);
    }
    return "a value";
}

// A real option with a unit, written as a quantity ("2*ms"): its value in
// SI, after checking its unit against the option's.
std::optional<option_value> parse_quantity_option(const plugin_info& info, const option_spec& spec,
                                                  const std::string& text) {
    const std::string where = "option '" + spec.name + "' of " + info.full_name();
    quantity q;
    try {
        q = evaluate_quantity(text, where);
    } catch (const input_error& e) {
        throw option_error(where + " expects " + expected_form(spec) + ", got '" + text + "' (" + e.what() + ")");
    }
    const dimension unit = evaluate_quantity(spec.unit, info.full_name() + " metadata").dim;
    if (!(q.dim == unit))
        throw option_error(where + " is in " + spec.unit + ", but '" + text + "' is in " + unit_name(q.dim) +
                           "; write e.g. " + spec.name + "=5*m" + spec.unit);
    if (std::isnan(q.value)) return std::nullopt;
    return option_value{q.value};
}

// An option's unit, as the plugin declares it: an SI unit (value 1) of a
// real option, so that a plain number means the same as a quantity.
void check_unit_metadata(const plugin_info& info, const option_spec& spec) {
    const std::string where = info.full_name() + ": option '" + spec.name + "' declares the unit '" + spec.unit + "'";
    if (spec.type != option_type::real) throw plugin_contract_error(where + ", but only real options have units");
    quantity unit;
    try {
        unit = evaluate_quantity(spec.unit, where);
    } catch (const input_error& e) {
        throw plugin_contract_error(where + ", which is not a unit: " + e.what());
    }
    if (unit.value != 1)
        throw plugin_contract_error(where + ", which is not an SI unit (it is " + format_quantity(unit) +
                                    "); declare the SI unit and give the default in it");
}

const option_spec* find_spec(const plugin_info& info, std::string_view name) {
    for (const auto& spec : info.options)
        if (spec.name == name) return &spec;
    return nullptr;
}

} // namespace

std::optional<option_value> parse_option_value(option_type type, std::string_view text) {
    text = trim(text);
    switch (type) {
    case option_type::integer: {
        std::int64_t value = 0;
        if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
        return option_value{value};
    }
    case option_type::real: {
        const auto value = parse_number(text);
        if (!value || std::isnan(*value)) return std::nullopt;
        return option_value{*value};
    }
    case option_type::boolean: {
        const std::string word = lowercase(text);
        if (word == "true" || word == "yes" || word == "on" || word == "1") return option_value{true};
        if (word == "false" || word == "no" || word == "off" || word == "0") return option_value{false};
        return std::nullopt;
    }
    case option_type::string: return option_value{std::string(text)};
    }
    return std::nullopt;
}

std::pair<std::string, std::string> split_option(std::string_view text) {
    const auto eq = text.find('=');
    if (eq == std::string_view::npos || trim(text.substr(0, eq)).empty())
        throw option_error("option '" + std::string(text) + "' is not of the form KEY=VALUE (e.g. seed=42)");
    return {std::string(trim(text.substr(0, eq))), std::string(trim(text.substr(eq + 1)))};
}

plugin_options validate_options(const plugin_info& info, const raw_options& raw) {
    plugin_options result;
    for (const auto& spec : info.options) {
        if (!spec.unit.empty()) check_unit_metadata(info, spec);
        auto value = parse_option_value(spec.type, spec.default_value);
        if (!value && !spec.unit.empty()) value = parse_quantity_option(info, spec, spec.default_value);
        // A default that does not parse is the plugin's bug; say so plainly.
        if (!value)
            throw plugin_contract_error(info.full_name() + ": the default '" + spec.default_value +
                                        "' of option '" + spec.name + "' is not " + expected_form(spec));
        result.values_[spec.name] = std::move(*value);
    }
    for (const auto& [name, text] : raw) {
        const option_spec* spec = find_spec(info, name);
        if (!spec) {
            std::vector<std::string> names;
            for (const auto& s : info.options) names.push_back(s.name);
            const auto close = closest_names(name, names);
            throw option_error(info.full_name() + " has no option '" + name + "'" +
                               (close.empty() ? "" : " (did you mean '" + close.front() + "'?)") + "; " +
                               list_valid(info));
        }
        if (std::find(result.given_.begin(), result.given_.end(), name) != result.given_.end())
            throw option_error("option '" + name + "' of " + info.full_name() +
                               " is given twice; give it once");
        auto value = parse_option_value(spec->type, text);
        if (!value && spec->type == option_type::real && !spec->unit.empty())
            value = parse_quantity_option(info, *spec, text);
        const bool bad_choice =
            value && !spec->choices.empty() &&
            std::find(spec->choices.begin(), spec->choices.end(), std::get<std::string>(*value)) ==
                spec->choices.end();
        if (!value || bad_choice)
            throw option_error("option '" + name + "' of " + info.full_name() + " expects " +
                               expected_form(*spec) + ", got '" + text + "'; " + list_valid(info));
        result.values_[name] = std::move(*value);
        result.given_.push_back(name);
    }
    return result;
}

const option_value& plugin_options::at(std::string_view name, option_type wanted) const {
    auto it = values_.find(name);
    if (it == values_.end())
        throw plugin_contract_error("a plugin read option '" + std::string(name) +
                                    "', which its metadata does not declare");
    static constexpr option_type index_to_type[] = {option_type::integer, option_type::real,
                                                    option_type::boolean, option_type::string};
    if (index_to_type[it->second.index()] != wanted)
        throw plugin_contract_error("a plugin read option '" + std::string(name) + "' as " +
                                    std::string(to_string(wanted)) + ", but it is declared " +
                                    std::string(to_string(index_to_type[it->second.index()])));
    return it->second;
}

std::int64_t plugin_options::integer(std::string_view name) const {
    return std::get<std::int64_t>(at(name, option_type::integer));
}
double plugin_options::real(std::string_view name) const {
    return std::get<double>(at(name, option_type::real));
}
bool plugin_options::boolean(std::string_view name) const {
    return std::get<bool>(at(name, option_type::boolean));
}
const std::string& plugin_options::string(std::string_view name) const {
    return std::get<std::string>(at(name, option_type::string));
}
bool plugin_options::given(std::string_view name) const {
    return std::find(given_.begin(), given_.end(), name) != given_.end();
}

} // namespace cellfit
