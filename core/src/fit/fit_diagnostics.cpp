#include "fit_diagnostics.hpp"

#include <cellfit/expr/ast.hpp>
#include <cellfit/units/quantity.hpp>

#include <algorithm>
#include <cmath>
#include <optional>

namespace cellfit::detail {

namespace {

const dimension volt = dimension::si(2, 1, -3, -1);
const dimension amp = dimension::of(dimension::current);

// The plausible range of the largest |value| of a recording, in SI, where
// the unit tells one: membrane potentials and currents of single cells.
struct plausible_range {
    double low, high;
    const char* what;
};

std::optional<plausible_range> plausible_range_of(const dimension& dim) {
    if (dim == volt) return plausible_range{1e-4, 1.0, "a membrane potential"};
    if (dim == amp) return plausible_range{1e-15, 1e-6, "a current into one cell"};
    return std::nullopt;
}

double largest_magnitude(const std::vector<double>& values) {
    double m = 0;
    for (double v : values) m = std::max(m, std::abs(v));
    return m;
}

std::string check_range(const std::string& what, const dimension& dim, double largest) {
    const auto range = plausible_range_of(dim);
    if (!range || largest == 0) return {};
    const quantity q{largest, dim};
    if (largest > range->high)
        return what + " reaches " + format_quantity(q, 3) + ", implausible for " + range->what + " (at most " +
               format_quantity({range->high, dim}, 3) + "): check the unit given with its file (a file in mV " +
               "declared in volts is read 1000 times too large)";
    if (largest < range->low)
        return what + " never exceeds " + format_quantity(q, 3) + ", implausibly small for " + range->what +
               " (at least " + format_quantity({range->low, dim}, 3) + " somewhere): check the unit given with its file";
    return {};
}

} // namespace

std::vector<std::string> data_unit_warnings(const model& m, const fit_data& data) {
    std::vector<std::string> warnings;
    for (const auto& out : data.outputs) {
        const model_variable* v = m.find(out.variable);
        if (!v) continue;
        double largest = 0;
        for (const auto& trace : out.traces) largest = std::max(largest, largest_magnitude(trace));
        const std::string w = check_range("the recorded " + out.variable, v->dim, largest);
        if (!w.empty()) warnings.push_back(w);
    }
    for (const auto& [name, table] : data.inputs) {
        const model_variable* v = m.find(name);
        if (!v) continue;  // a timed array: its unit is the function's, checked the same way
        const std::string w = check_range("the input " + name, v->dim, largest_magnitude(table.values));
        if (!w.empty()) warnings.push_back(w);
    }
    for (const auto& f : m.timed_arrays) {
        const auto it = data.inputs.find(f.name);
        if (it == data.inputs.end()) continue;
        const std::string w = check_range("the timed array " + f.name, f.dim, largest_magnitude(it->second.values));
        if (!w.empty()) warnings.push_back(w);
    }
    return warnings;
}

std::vector<std::string> default_initial_value_warnings(const model& m, const fitter_settings& settings) {
    std::vector<std::string> warnings;
    for (const auto& s : m.states) {
        const bool given = std::any_of(settings.param_init.begin(), settings.param_init.end(),
                                       [&](const auto& init) { return init.first == s.name; });
        if (given || s.dim.is_dimensionless()) continue;
        // Quantities of the variable's unit that its equation uses: constants
        // with their value, fixed or fitted parameters by name.
        std::vector<std::string> candidates, described;
        for (const auto& id : expr::identifiers(s.rhs_substituted)) {
            if (id == s.name || std::find(candidates.begin(), candidates.end(), id) != candidates.end()) continue;
            for (const auto& c : m.constants)
                if (c.name == id && c.value.dim == s.dim && c.value.value != 0) {
                    candidates.push_back(id);
                    described.push_back(id + " = " + format_quantity(c.value, 4));
                }
            for (const auto& p : m.parameters)
                if (p.name == id && p.dim == s.dim) {
                    const auto fixed = settings.fixed_parameters.find(id);
                    if (fixed != settings.fixed_parameters.end() && fixed->second == 0) continue;
                    candidates.push_back(id);
                    described.push_back(fixed == settings.fixed_parameters.end()
                                            ? id
                                            : id + " = " + format_quantity({fixed->second, s.dim}, 4));
                }
        }
        if (candidates.empty()) continue;
        std::string list;
        for (const auto& d : described) list += (list.empty() ? "" : ", ") + d;
        warnings.push_back(s.name + " starts at " + format_quantity({0.0, s.dim}) + " (the default), but its equation uses " + list +
                           ": if the recording starts at rest, give the initial value (--init " + s.name + "=" +
                           candidates.front() + ", param_init in the C++ API)");
    }
    return warnings;
}

std::vector<std::string> bound_warnings(const model& m, const std::map<std::string, fit_bound>& bounds,
                                        const std::map<std::string, double>& params, const std::string& what) {
    std::vector<std::string> warnings;
    for (const auto& [name, b] : bounds) {
        const auto it = params.find(name);
        const model_variable* v = m.find(name);
        if (it == params.end() || !v || !(b.upper > b.lower)) continue;
        const double x = it->second;
        const auto scaled = [&](double value) { return b.log_scale ? std::log(value) : value; };
        if (b.log_scale && !(x > 0)) continue;
        const double width = scaled(b.upper) - scaled(b.lower);
        const double from_low = (scaled(x) - scaled(b.lower)) / width;
        const double from_high = (scaled(b.upper) - scaled(x)) / width;
        if (from_low > 0.01 && from_high > 0.01) continue;
        const bool low = from_low <= from_high;
        warnings.push_back(what + " " + name + " = " + format_quantity({x, v->dim}, 4) + " is within 1 % of its " +
                           (low ? "lower" : "upper") + " bound " + format_quantity({low ? b.lower : b.upper, v->dim}, 4) +
                           (b.log_scale ? " (on the log scale)" : "") +
                           ": the best value may lie beyond it; widen the bound (--bound " + name + "=LOW,HIGH)");
    }
    return warnings;
}

std::vector<std::string> divergence_warnings(const fit_results& results, const std::string& method) {
    std::size_t diverged = 0, rounds = 0;
    for (std::size_t n : results.round_diverged) {
        diverged += n;
        rounds += n > 0;
    }
    if (diverged == 0) return {};
    return {std::to_string(diverged) + " of " + std::to_string(results.samples.size()) + " samples (in " +
            std::to_string(rounds) + " of " + std::to_string(results.round_diverged.size()) +
            " rounds) diverged: a state became NaN or infinite, and they scored +inf. Narrow the bounds around "
            "plausible values, or integrate with a smaller dt or a more stable --method than " + method};
}

std::vector<std::string> identifiability_warnings(const refine_record& r) {
    std::vector<std::string> warnings;
    for (std::size_t j = 0; j < r.parameter_names.size() && j < r.standard_errors.size(); ++j) {
        const double se = r.standard_errors[j];
        const double x = r.params[j];
        if (std::isfinite(se) && se <= std::abs(x)) continue;
        const dimension dim = evaluate_quantity(r.parameter_units[j], "unit").dim;
        warnings.push_back(r.parameter_names[j] + " is not identifiable from these data: " +
                           (std::isfinite(se) ? "its standard error " + format_quantity({se, dim}, 3) +
                                                    " is larger than its value " + format_quantity({x, dim}, 4)
                                              : std::string("its standard error is undetermined (the error does not "
                                                            "change with it)")) +
                           ". Fix it (--param " + r.parameter_names[j] +
                           "=VALUE), or fit data that depend on it (other stimuli, a longer recording)");
    }
    return warnings;
}

} // namespace cellfit::detail
