#include "fit_diagnostics.hpp"

#include <cellfit/expr/ast.hpp>
#include <cellfit/units/quantity.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>

namespace cellfit::detail {

namespace {

const dimension volt = dimension::si(2, 1, -3, -1);
const dimension amp = dimension::of(dimension::current);

// The plausible magnitudes of a recording, in SI, where its unit tells them:
// membrane potentials and currents of single cells. `mistake` is the usual
// way to get them wrong.
struct plausible_range {
    double low, high;
    const char* what;
    const char* mistake;
    bool zero_is_plausible;  // no current injected; a membrane potential is never 0 throughout
};

std::optional<plausible_range> plausible_range_of(const dimension& dim) {
    if (dim == volt)
        return plausible_range{1e-4, 1.0, "a membrane potential", "a file in mV declared in volts is read 1000 times too large",
                               false};
    if (dim == amp)
        return plausible_range{1e-15, 1e-6, "a current into one cell", "a file in nA declared in amps is read 1e9 times too large",
                               true};
    return std::nullopt;
}

// The median and the largest magnitude, from at most a million values.
std::pair<double, double> magnitudes(const std::vector<const std::vector<double>*>& rows) {
    std::size_t total = 0;
    for (const auto* r : rows) total += r->size();
    const std::size_t stride = std::max<std::size_t>(1, total / 1000000);
    std::vector<double> seen;
    double largest = 0;
    std::size_t k = 0;
    for (const auto* r : rows)
        for (double v : *r) {
            largest = std::max(largest, std::abs(v));
            if (k++ % stride == 0) seen.push_back(std::abs(v));
        }
    if (seen.empty()) return {0, 0};
    std::nth_element(seen.begin(), seen.begin() + static_cast<std::ptrdiff_t>(seen.size() / 2), seen.end());
    return {seen[seen.size() / 2], largest};
}

// Too large: most values (the median) beyond the range, so that one artefact
// does not count; too small: every value below it.
std::string check_range(const std::string& what, const dimension& dim, const std::vector<const std::vector<double>*>& rows) {
    const auto range = plausible_range_of(dim);
    if (!range) return {};
    const auto [median, largest] = magnitudes(rows);
    if (median > range->high)
        return what + " is mostly beyond " + format_quantity({range->high, dim}, 3) + " (median magnitude " +
               format_quantity({median, dim}, 3) + "), implausible for " + range->what +
               ": check the unit given with its file (" + range->mistake + ")";
    if (largest < range->low && !(largest == 0 && range->zero_is_plausible))
        return what + " never exceeds " + format_quantity({largest, dim}, 3) + " in magnitude, implausibly small for " +
               range->what + ": check the unit given with its file";
    return {};
}

// A name that usually holds a resting or leak potential: El, E_L, EL,
// E_leak, Vrest, V_rest, v_rest, Erest, u_rest.
bool looks_like_rest_value(const std::string& name) {
    std::string plain;
    for (char c : name)
        if (c != '_') plain += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return plain == "el" || plain == "eleak" || plain == "vl" || plain.find("rest") != std::string::npos;
}

} // namespace

std::vector<std::string> data_unit_warnings(const model& m, const fit_data& data) {
    std::vector<std::string> warnings;
    const auto add = [&](std::string w) {
        if (!w.empty()) warnings.push_back(std::move(w));
    };
    for (const auto& out : data.outputs) {
        const model_variable* v = m.find(out.variable);
        if (!v) continue;
        std::vector<const std::vector<double>*> rows;
        for (const auto& trace : out.traces) rows.push_back(&trace);
        add(check_range("the recorded " + out.variable, v->dim, rows));
    }
    for (const auto& input : data.inputs) {
        const std::string& name = input.first;
        const lookup_table& table = input.second;
        const model_variable* v = m.find(name);
        const auto f = std::find_if(m.timed_arrays.begin(), m.timed_arrays.end(),
                                    [&name](const model_variable& a) { return a.name == name; });
        if (v)
            add(check_range("the input " + name, v->dim, {&table.values}));
        else if (f != m.timed_arrays.end())
            add(check_range("the timed array " + name, f->dim, {&table.values}));
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
        const auto rest = std::find_if(candidates.begin(), candidates.end(), looks_like_rest_value);
        warnings.push_back(s.name + " starts at " + format_quantity({0.0, s.dim}) + " (the default), but its equation uses " +
                           list + ": if the recording starts at rest, give the initial value (--init " + s.name + "=" +
                           (rest != candidates.end() ? *rest : std::string("VALUE")) + ", param_init in the C++ API)");
    }
    return warnings;
}

std::vector<std::string> bound_warnings(const model& m, const std::map<std::string, fit_bound>& bounds,
                                        const std::map<std::string, double>& params, const std::string& what) {
    std::vector<std::string> warnings;
    for (const auto& entry : bounds) {
        const std::string& name = entry.first;
        const fit_bound& b = entry.second;
        const auto it = params.find(name);
        const model_variable* v = m.find(name);
        if (it == params.end() || !v || !(b.upper > b.lower)) continue;
        const double x = it->second;
        const bool log_scale = b.log_scale;
        const auto scaled = [log_scale](double value) { return log_scale ? std::log(value) : value; };
        if (!std::isfinite(x) || (b.log_scale && !(x > 0))) continue;
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
            "plausible values" +
            (method == "exponential_euler" || method == "exact"
                 ? std::string(" (the integration step is the recording's dt)")
                 : ", or integrate with a more stable --method than " + method +
                       " (exponential_euler for conductance-based models)")};
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
