#include "fit_summary.hpp"
#include "model_options.hpp"
#include "table_options.hpp"

#include <cellfit/fit/multistart.hpp>
#include <cellfit/options.hpp>
#include <cellfit/units/quantity.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace cellfit::cli {

namespace {

std::string plural(std::size_t n, const std::string& one, const std::string& many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string seconds(double s, int digits = 4) { return format_quantity({s, dimension::of(dimension::time)}, digits); }

std::string option_text(const option_spec& spec, const option_value& value) {
    if (const auto* real = std::get_if<double>(&value)) {
        if (spec.unit.empty()) return format_quantity({*real, dimension{}}, 6);
        const std::string text = format_quantity({*real, evaluate_quantity(spec.unit, "unit").dim}, 6);
        // A unit without a name of its own (volt/second) reads better as declared.
        if (text.find(" kg") == std::string::npos && text.find("m^") == std::string::npos) return text;
        return format_quantity({*real, dimension{}}, 6) + " " + spec.unit;
    }
    if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
    if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
    const std::string& text = std::get<std::string>(value);
    return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

std::string initial_values(const fit_description& d, const model& m) {
    std::string text;
    for (const auto& s : m.states) {
        const auto it = std::find_if(d.settings.param_init.begin(), d.settings.param_init.end(),
                                     [&](const auto& init) { return init.first == s.name; });
        text += (text.empty() ? "" : ", ") + s.name + " = ";
        if (it != d.settings.param_init.end())
            text += it->second + " (given)";
        else
            text += format_quantity({0.0, s.dim}) + " (default)";
    }
    return text.empty() ? "none (no state variables)" : text;
}

std::string files_of(const po::variables_map& vm, const char* flag, const std::string& name) {
    for (const auto& text : values(vm, flag)) {
        const table_flag t = split_table_flag(flag, text);
        if (t.name == name) return t.file + ", " + t.unit;
    }
    return "given by the caller";
}

std::string recording(const po::variables_map& vm, const fit_description& d, const fitter& f) {
    if (d.target == fit_target::spikes) {
        std::size_t spikes = 0;
        for (const auto& train : d.data.spikes) spikes += train.size();
        return "spike times of " + plural(f.n_traces(), "trace", "traces") + " (" + vm["spikes"].as<std::string>() +
               ": " + plural(spikes, "spike", "spikes") + ")";
    }
    std::string text;
    for (const auto& o : d.data.outputs)
        text += (text.empty() ? "" : "; ") + o.variable + ": " + plural(o.traces.size(), "trace", "traces") + " (" +
                files_of(vm, "output", o.variable) + ")";
    return text;
}

} // namespace

std::string describe_plugin_options(const plugin_registry& registry, plugin_kind kind, const std::string& name,
                                    const raw_options& given) {
    const registered_plugin* plugin = registry.find(kind, name);
    const plugin_info* info = plugin ? &plugin->info
                              : kind == plugin_kind::optimizer && is_multistart(name) ? &multistart_info()
                                                                                       : nullptr;
    if (!info) return {};
    const plugin_options options = validate_options(*info, given);
    std::string text;
    for (const auto& spec : info->options) {
        if (spec.type == option_type::string && !options.given(spec.name)) continue;
        const auto it = options.values().find(spec.name);
        if (it == options.values().end()) continue;
        text += (text.empty() ? "" : ", ") + spec.name + " = " + option_text(spec, it->second);
    }
    return text;
}

std::string describe_fit(const po::variables_map& vm, const fit_description& d, const fit_options& o, const fitter& f,
                         const plugin_registry& registry) {
    const model& m = f.fitted_model();
    std::ostringstream out;
    std::string names;
    for (const auto& p : m.parameters)
        if (o.bounds.count(p.name)) names += (names.empty() ? "" : ", ") + p.name;
    out << "fitting " << plural(o.bounds.size(), "parameter", "parameters") << " (" << names << ") to "
        << recording(vm, d, f) << "\n";
    out << "  model: " << vm["model"].as<std::string>() << ", integrated by " << f.method() << " (" << f.method_origin()
        << ")\n";
    out << "  initial values: " << initial_values(d, m) << "\n";
    out << "  time: dt = " << seconds(f.dt()) << ", " << plural(f.n_steps(), "step", "steps") << " ("
        << seconds(f.dt() * static_cast<double>(f.n_steps())) << ") per trace\n";
    if (!d.data.inputs.empty()) {
        std::string inputs;
        for (const auto& input : d.data.inputs) {
            const std::string& name = input.first;
            const lookup_table& table = input.second;
            const char* flag = std::any_of(m.timed_arrays.begin(), m.timed_arrays.end(),
                                           [&name](const auto& a) { return a.name == name; })
                                   ? "timed-array"
                                   : "input";
            inputs += (inputs.empty() ? "" : "; ") + name + ": " + plural(table.rows, "trace", "traces") + " (" +
                      files_of(vm, flag, name) + ")";
        }
        out << "  inputs: " << inputs << "\n";
    }
    if (!d.settings.fixed_parameters.empty()) {
        std::string fixed;
        for (const auto& p : m.parameters)  // in the model's order
            if (const auto it = d.settings.fixed_parameters.find(p.name); it != d.settings.fixed_parameters.end())
                fixed += (fixed.empty() ? "" : ", ") + p.name + " = " + format_quantity({it->second, p.dim}, 6);
        out << "  fixed parameters: " << fixed << "\n";
    }
    for (const auto& c : o.metrics) {
        const std::string name = plugin_name(c.name, "metric");
        const std::string options = describe_plugin_options(registry, plugin_kind::metric, name, c.options);
        const std::string details =
            (d.target == fit_target::online_traces ? "online" + std::string(options.empty() ? "" : "; ") : "") + options;
        out << "  metric: " << (d.target == fit_target::spikes ? std::string() : c.output + ": ") << "metric." << name
            << (details.empty() ? "" : " (" + details + ")") << "\n";
    }
    if (!d.settings.penalty.empty()) out << "  penalty: the final value of " << d.settings.penalty << "\n";
    return out.str();
}

std::string describe_optimizer(const fit_options& o, const fitter& f, const plugin_registry& registry) {
    std::ostringstream out;
    const std::string optimizer = plugin_name(o.optimizer, "optimizer");  // chosen by now
    const std::string options = describe_plugin_options(registry, plugin_kind::optimizer, optimizer, o.optimizer_options);
    const std::size_t population = f.population_size();
    out << "  optimizer: optimizer." << optimizer << (options.empty() ? "" : " (" + options + ")") << ", seed " << o.seed
        << ": " << plural(population, "sample", "samples") << " per round x " << plural(o.n_rounds, "round", "rounds")
        << " = " << population * o.n_rounds << " samples\n";
    return out.str();
}

} // namespace cellfit::cli
