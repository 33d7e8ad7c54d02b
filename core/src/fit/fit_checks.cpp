#include "fit_checks.hpp"

#include <cellfit/error.hpp>
#include <cellfit/suggest.hpp>

#include <algorithm>
#include <cmath>

namespace cellfit::detail {

namespace {

bool is_parameter(const model& m, const std::string& name) {
    return std::any_of(m.parameters.begin(), m.parameters.end(), [&](const auto& p) { return p.name == name; });
}

std::vector<std::string> parameter_names(const model& m) {
    std::vector<std::string> names;
    for (const auto& p : m.parameters)
        if (p.name != iteration_name) names.push_back(p.name);
    return names;
}

std::string not_a_parameter(const model& m, const std::string& name, const std::string& where) {
    const auto names = parameter_names(m);
    const auto close = closest_names(name, names);
    return where + ": '" + name + "' is not a parameter of the model" +
           (close.empty() ? "" : " (did you mean '" + close.front() + "'?)") +
           "; its parameters: " + (names.empty() ? std::string("none") : join_alternatives(names, ", "));
}

bool is_state_or_subexpression(const model& m, const std::string& name) {
    return std::any_of(m.states.begin(), m.states.end(), [&](const auto& v) { return v.name == name; }) ||
           std::any_of(m.subexpressions.begin(), m.subexpressions.end(), [&](const auto& v) { return v.name == name; });
}

std::string recordable(const model& m) {
    std::vector<std::string> names;
    for (const auto& v : m.states) names.push_back(v.name);
    for (const auto& v : m.subexpressions) names.push_back(v.name);
    return join_alternatives(names, ", ");
}

// values: rows of `steps` values, the first being trace first_trace + 1.
void check_finite(const std::vector<double>& values, std::size_t steps, const std::string& what,
                  std::size_t first_trace = 0) {
    for (std::size_t k = 0; k < values.size(); ++k)
        if (!std::isfinite(values[k]))
            throw input_error(what + ", trace " + std::to_string(first_trace + k / steps + 1) + ", step " + std::to_string(k % steps + 1) +
                              " is " + (std::isnan(values[k]) ? "NaN" : "infinite") +
                              "; cellfit needs every recorded value (cut the trace or fill the gap)");
}

} // namespace

model_spec with_iteration(model_spec spec) {
    const parsed_equations parsed = parse_equations(spec.equations, spec.origin);
    const bool declared = std::any_of(parsed.equations.begin(), parsed.equations.end(),
                                      [](const equation& e) { return e.name == iteration_name; });
    if (!declared) spec.equations += std::string("\n") + iteration_name + " : integer (constant, shared)\n";
    return spec;
}

fit_shape check_fit_data(fit_target target, const model& m, const fit_data& data, const fitter_settings& settings) {
    if (!(data.dt > 0) || !std::isfinite(data.dt)) throw input_error("dt must be a positive duration (the recording's sampling interval)");
    if (settings.n_samples == 0) throw input_error("the number of samples per round must be at least 1");
    fit_shape shape;
    std::size_t input_steps = 0;
    std::string input_name;
    for (const auto& [name, table] : data.inputs) {
        if (table.rows == 0 || table.steps == 0 || table.values.size() != table.rows * table.steps)
            throw input_error("the input '" + name + "' is empty or not a full traces x steps table");
        check_finite(table.values, table.steps, "the input '" + name + "'");
        if (input_steps && table.steps != input_steps)
            throw input_error("the input '" + name + "' has " + std::to_string(table.steps) + " steps, '" + input_name + "' " +
                              std::to_string(input_steps) + "; every input needs the same number of steps");
        input_steps = table.steps;
        input_name = name;
        shape.n_traces = std::max(shape.n_traces, table.rows);
    }
    if (target == fit_target::spikes) {
        if (!m.threshold) throw input_error("fitting spike times needs a threshold condition (--threshold, e.g. 'v > -50*mV')");
        if (data.spikes.empty()) throw input_error("no recorded spike times: give one row of spike times (seconds) per trace");
        if (!data.outputs.empty()) throw input_error("a spike fit compares spike times only; recorded traces are not used");
        shape.n_traces = std::max(shape.n_traces, data.spikes.size());
        shape.n_steps = data.n_steps ? data.n_steps : input_steps;
    } else {
        if (data.outputs.empty()) throw input_error("no recorded output: give at least one traces x steps table of an output variable");
        if (!data.spikes.empty()) throw input_error("a trace fit compares traces only; spike times are not used");
        for (const auto& o : data.outputs) {
            if (!is_state_or_subexpression(m, o.variable))
                throw input_error("the output '" + o.variable + "' is not a variable of the model; choose from " + recordable(m));
            if (std::count_if(data.outputs.begin(), data.outputs.end(), [&](const auto& x) { return x.variable == o.variable; }) > 1)
                throw input_error("the output '" + o.variable + "' is given twice");
            if (o.traces.empty()) throw input_error("the recording of '" + o.variable + "' has no traces");
            shape.n_traces = std::max(shape.n_traces, o.traces.size());
        }
        shape.n_steps = data.n_steps ? data.n_steps : data.outputs.front().traces.front().size();
        for (const auto& o : data.outputs) {
            if (o.traces.size() != shape.n_traces)
                throw input_error("the recording of '" + o.variable + "' has " + std::to_string(o.traces.size()) +
                                  " traces, the inputs " + std::to_string(shape.n_traces) + "; give one recorded trace per input trace");
            for (std::size_t r = 0; r < o.traces.size(); ++r) {
                if (o.traces[r].size() != shape.n_steps)
                    throw input_error("the recording of '" + o.variable + "', trace " + std::to_string(r + 1) + ", has " +
                                      std::to_string(o.traces[r].size()) + " steps, not " + std::to_string(shape.n_steps) +
                                      "; every recorded trace needs as many steps as the inputs");
                check_finite(o.traces[r], o.traces[r].size(), "the recording of '" + o.variable + "'", r);
            }
        }
        if (input_steps && input_steps != shape.n_steps)
            throw input_error("the inputs have " + std::to_string(input_steps) + " steps, the recording " +
                              std::to_string(shape.n_steps) + "; they must cover the same steps at the same dt");
    }
    if (shape.n_steps == 0) throw input_error("the duration is unknown: give inputs, or the number of steps to simulate");
    if (shape.n_traces == 0) shape.n_traces = 1;
    for (const auto& [name, table] : data.inputs)
        if (table.rows != 1 && table.rows != shape.n_traces)
            throw input_error("the input '" + name + "' has " + std::to_string(table.rows) + " traces, the recording " +
                              std::to_string(shape.n_traces) + "; give one input trace per recorded trace");
    if (target == fit_target::spikes) {
        if (data.spikes.size() != shape.n_traces)
            throw input_error(std::to_string(data.spikes.size()) + " rows of spike times for " + std::to_string(shape.n_traces) +
                              " input traces; give one row per trace");
        const double duration = static_cast<double>(shape.n_steps) * data.dt;
        std::size_t total = 0;
        for (std::size_t r = 0; r < data.spikes.size(); ++r) {
            const auto& row = data.spikes[r];
            total += row.size();
            for (std::size_t k = 0; k < row.size(); ++k) {
                const std::string where = "spike time " + std::to_string(k + 1) + " of trace " + std::to_string(r + 1);
                if (!std::isfinite(row[k]) || row[k] < 0 || row[k] > duration)
                    throw input_error(where + " (" + std::to_string(row[k]) + " s) is outside the recording (0 to " +
                                      std::to_string(duration) + " s); spike times are in seconds");
                if (k > 0 && row[k] < row[k - 1])
                    throw input_error(where + " comes before the one before it; give each trace's spike times in increasing order");
            }
        }
        if (total == 0) throw input_error("the recording has no spikes at all; a spike fit needs recorded spikes");
    }
    for (const auto& [name, value] : settings.fixed_parameters) {
        if (!is_parameter(m, name) || name == iteration_name) throw input_error(not_a_parameter(m, name, "a fixed value"));
        if (!std::isfinite(value)) throw input_error("the fixed value of " + name + " is not finite");
    }
    if (!settings.penalty.empty()) check_penalty(m, settings.penalty);
    return shape;
}

std::vector<std::string> check_bounds(const model& m, const std::map<std::string, fit_bound>& bounds,
                                      const std::map<std::string, double>& fixed) {
    for (const auto& [name, b] : bounds) {
        if (!is_parameter(m, name) || name == iteration_name) throw input_error(not_a_parameter(m, name, "a bound"));
        if (fixed.count(name))
            throw input_error("the parameter " + name + " has both a bound (fitted) and a fixed value; give one of them");
        if (!std::isfinite(b.lower) || !std::isfinite(b.upper) || !(b.lower < b.upper))
            throw input_error("the bounds of " + name + " must be finite with lower < upper");
        if (b.log_scale && !(b.lower > 0))
            throw input_error("the bounds of " + name + " must be positive to search it on a log scale");
    }
    std::vector<std::string> fitted;
    for (const auto& p : m.parameters) {
        if (p.name == iteration_name) continue;
        if (bounds.count(p.name))
            fitted.push_back(p.name);
        else if (!fixed.count(p.name))
            throw input_error("the parameter " + p.name + " has neither bounds nor a value: fit it (--bound " + p.name +
                              "=LOW,HIGH) or fix it (--param " + p.name + "=VALUE)");
    }
    if (fitted.empty()) throw input_error("nothing to fit: give bounds for at least one parameter (--bound NAME=LOW,HIGH)");
    return fitted;
}

void check_penalty(const model& m, const std::string& name) {
    if (!is_state_or_subexpression(m, name))
        throw input_error("the penalty '" + name + "' is not a state variable or subexpression of the model; choose from " +
                          recordable(m));
}

void check_all_parameters_set(const model& m, const std::map<std::string, std::vector<double>>& values) {
    for (const auto& p : m.parameters)
        if (p.name != iteration_name && !values.count(p.name))
            throw input_error("the parameter " + p.name + " has no value; give it (--param " + p.name + "=VALUE)");
    for (const auto& [name, v] : values)
        if (!is_parameter(m, name)) throw input_error(not_a_parameter(m, name, "a parameter value"));
}

} // namespace cellfit::detail
