#include "check_command.hpp"
#include "model_options.hpp"
#include "plugins_command.hpp"

#include <cellfit/expr/printer.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/sim/integrator_choice.hpp>
#include <cellfit/sim/lower.hpp>
#include <cellfit/suggest.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace cellfit::cli {

namespace {

std::string unit_text(const model_variable& v) {
    if (v.type != value_type::floating) return std::string(to_string(v.type));
    return unit_name(v.dim);
}

nlohmann::json variable_json(const model_variable& v) {
    return {{"name", v.name}, {"unit", unit_text(v)}, {"dimensions", v.dim.to_string()},
            {"type", std::string(to_string(v.type))}};
}

std::string refractory_text(const refractoriness& r) {
    switch (r.type) {
    case refractoriness::kind::none: return "";
    case refractoriness::kind::duration: return format_quantity({r.seconds, dimension::of(dimension::time)});
    case refractoriness::kind::duration_expression: return expr::to_string(r.expression) + " (a duration per neuron)";
    case refractoriness::kind::condition: return expr::to_string(r.expression) + " (refractory while true)";
    }
    return "";
}

std::string assignment_symbol(assignment how) {
    switch (how) {
    case assignment::set: return "=";
    case assignment::add: return "+=";
    case assignment::subtract: return "-=";
    case assignment::multiply: return "*=";
    case assignment::divide: return "/=";
    }
    return "=";
}

std::vector<const model_variable*> all_variables(const model& m) {
    std::vector<const model_variable*> all;
    for (const auto& v : m.states) all.push_back(&v);
    for (const auto& v : m.parameters) all.push_back(&v);
    for (const auto& v : m.subexpressions) all.push_back(&v);
    for (const auto& v : m.inputs) all.push_back(&v);
    return all;
}

// The integration method: the one asked for, or the one Brian's default
// choice takes (empty for a model without ODEs).
struct method_choice {
    std::string name;
    bool is_default = false;
};

nlohmann::json summary_json(const model& m, const std::string& file, const std::vector<std::string>& outputs,
                            const method_choice& method) {
    nlohmann::json states = nlohmann::json::array(), params = nlohmann::json::array(),
                   subexprs = nlohmann::json::array(), inputs = nlohmann::json::array(),
                   arrays = nlohmann::json::array(), constants = nlohmann::json::array(),
                   reset = nlohmann::json::array();
    for (const auto& s : m.states) {
        auto j = variable_json(s);
        j["rhs"] = expr::to_string(s.rhs);
        j["rhs_substituted"] = expr::to_string(s.rhs_substituted);
        j["unless_refractory"] = s.unless_refractory;
        j["depends_on"] = s.depends_on;
        states.push_back(j);
    }
    for (const auto& p : m.parameters) {
        auto j = variable_json(p);
        j["constant"] = p.constant;
        j["shared"] = p.shared;
        params.push_back(j);
    }
    for (const auto& s : m.subexpressions) {
        auto j = variable_json(s);
        j["rhs"] = expr::to_string(s.rhs);
        j["shared"] = s.shared;
        j["constant_over_dt"] = s.constant_over_dt;
        j["depends_on"] = s.depends_on;
        subexprs.push_back(j);
    }
    for (const auto& v : m.inputs) inputs.push_back(variable_json(v));
    for (const auto& v : m.timed_arrays) arrays.push_back(variable_json(v));
    for (const auto& c : m.constants)
        constants.push_back({{"name", c.name}, {"value", c.value.value}, {"unit", unit_name(c.value.dim)},
                             {"readable", format_quantity(c.value)}});
    for (const auto& r : m.reset)
        reset.push_back(r.target + " " + assignment_symbol(r.how) + " " + expr::to_string(r.rhs));
    nlohmann::json j = {{"model", file},          {"state_variables", states}, {"parameters", params},
                        {"subexpressions", subexprs}, {"inputs", inputs},       {"timed_arrays", arrays},
                        {"constants", constants},  {"reset", reset},           {"stochastic", m.stochastic},
                        {"random_functions", m.random_functions}, {"outputs", outputs},
                        {"warnings", m.warnings}};
    j["threshold"] = m.threshold ? nlohmann::json(expr::to_string(*m.threshold)) : nlohmann::json(nullptr);
    j["refractory"] = m.refractory.type == refractoriness::kind::none ? nlohmann::json(nullptr)
                                                                        : nlohmann::json(refractory_text(m.refractory));
    j["method"] = method.name.empty() ? nlohmann::json(nullptr) : nlohmann::json(method.name);
    j["method_is_default"] = method.is_default;
    nlohmann::json per_neuron = nlohmann::json::array(), shared = nlohmann::json::array();
    for (const auto* v : all_variables(m)) (m.per_neuron(v->name) ? per_neuron : shared).push_back(v->name);
    j["per_neuron"] = per_neuron;
    j["shared"] = shared;
    return j;
}

void print_summary(std::ostream& out, const model& m, const std::string& file, const std::vector<std::string>& outputs,
                   const method_choice& method) {
    out << "model " << file << ": OK\n";
    auto deps = [](const std::vector<std::string>& d) { return d.empty() ? std::string("nothing") : join_alternatives(d, ", "); };
    if (!m.states.empty()) {
        out << "state variables:\n";
        for (const auto& s : m.states)
            out << "  " << s.name << " : " << unit_text(s) << (s.unless_refractory ? " (unless refractory)" : "")
                << "\n    d" << s.name << "/dt = " << expr::to_string(s.rhs) << "\n    depends on " << deps(s.depends_on)
                << "\n";
    }
    if (!m.parameters.empty()) {
        out << "parameters:\n";
        for (const auto& p : m.parameters)
            out << "  " << p.name << " : " << unit_text(p) << (p.constant ? " (constant)" : "")
                << (p.shared ? " (shared)" : "") << "\n";
    }
    if (!m.subexpressions.empty()) {
        out << "subexpressions, in evaluation order:\n";
        for (const auto& s : m.subexpressions)
            out << "  " << s.name << " = " << expr::to_string(s.rhs) << " : " << unit_text(s)
                << (s.constant_over_dt ? " (constant over dt)" : "") << (s.shared ? " (shared)" : "")
                << "\n    depends on " << deps(s.depends_on) << "\n";
    }
    for (const auto& v : m.inputs) out << "input: " << v.name << " : " << unit_text(v) << " (one value per trace and step)\n";
    for (const auto& v : m.timed_arrays) out << "timed array: " << v.name << "(t, i) : " << unit_text(v) << "\n";
    if (!m.constants.empty()) {
        out << "constants:\n";
        for (const auto& c : m.constants) out << "  " << c.name << " = " << format_quantity(c.value) << "\n";
    }
    if (m.threshold) out << "threshold: " << expr::to_string(*m.threshold) << "\n";
    for (const auto& r : m.reset)
        out << "reset: " << r.target << " " << assignment_symbol(r.how) << " " << expr::to_string(r.rhs) << "\n";
    if (m.refractory.type != refractoriness::kind::none) out << "refractory: " << refractory_text(m.refractory) << "\n";
    std::vector<std::string> shared;
    for (const auto* v : all_variables(m))
        if (!m.per_neuron(v->name)) shared.push_back(v->name);
    if (!shared.empty()) out << "shared (one value for all neurons): " << join_alternatives(shared, ", ") << "\n";
    if (!outputs.empty()) out << "outputs: " << join_alternatives(outputs, ", ") << "\n";
    if (m.stochastic) out << "stochastic: xi (white noise); euler takes additive noise, heun and milstein multiplicative\n";
    if (!method.name.empty())
        out << "method: " << method.name << (method.is_default ? " (Brian's default choice)" : "") << "\n";
}

int run_check(const po::variables_map& vm, io& io) {
    model_spec spec = read_model_spec(vm);
    spec.input_hint = "an input (--input NAME:UNIT)";
    const std::string& file = spec.origin;
    for (const auto& c : values(vm, "input")) spec.inputs.push_back(split_flag("input", c, ':', "I:amp"));
    for (const auto& c : values(vm, "timed-array"))
        spec.timed_arrays.push_back(split_flag("timed-array", c, ':', "I_in:amp"));
    const std::string requested_method = read_method(vm);

    const model m = build_model(spec);
    for (const auto& w : m.warnings) io.err << "cellfit check: warning: " << w << "\n";
    // The integrator plugins decide whether the method can integrate the
    // model (or which one Brian's default choice takes): an error here is the
    // one a fit or simulation would give.
    method_choice method{requested_method};
    if (!m.states.empty() || !requested_method.empty()) {  // a method given is checked even without ODEs
        const plugin_registry registry = load_plugins(vm, io.err, {plugin_kind::integrator});
        const chosen_integrator chosen = choose_integrator(ode_system_of(m, simulation_setup{}), requested_method, registry);
        if (requested_method.empty() && chosen.method) method = {chosen.name, true};
    }
    const auto outputs = values(vm, "output");
    for (const auto& name : outputs) {
        const model_variable* v = m.find(name);
        const bool recordable = v && std::none_of(m.parameters.begin(), m.parameters.end(),
                                                  [&](const auto& p) { return p.name == name; });
        if (!recordable) {
            std::vector<std::string> names;
            for (const auto& s : m.states) names.push_back(s.name);
            for (const auto& s : m.subexpressions) names.push_back(s.name);
            throw input_error("--output " + name + ": not a state variable or subexpression of the model; choose from " +
                              join_alternatives(names, ", "));
        }
    }
    if (vm["json"].as<bool>())
        io.out << summary_json(m, file, outputs, method).dump(2) << "\n";
    else
        print_summary(io.out, m, file, outputs, method);
    return 0;
}

} // namespace

command check_command() {
    return {
        "check",
        "Parse and check a model (Brian 2 equations with units): names, units, flags, threshold, reset, "
        "refractoriness; print its summary.",
        "cellfit check --model FILE [--threshold EXPR] [--reset CODE] [--refractory R] [--method NAME]\n"
        "                     [--const NAME=QUANTITY]... [--input VAR:UNIT]... [--timed-array NAME:UNIT]...\n"
        "                     [--output VAR]... [--json]",
        [](po::options_description& options) {
            add_model_options(options);
            add_plugin_dir_option(options);
            options.add_options()
                ("input", po::value<std::vector<std::string>>()->value_name("VAR:UNIT"),
                 "a variable the fit supplies per trace and step, e.g. I:amp (repeatable)")
                ("timed-array", po::value<std::vector<std::string>>()->value_name("NAME:UNIT"),
                 "a function NAME(t, i) giving the input, e.g. I_in:amp (repeatable)")
                ("output", po::value<std::vector<std::string>>()->value_name("VAR"),
                 "a variable that will be compared with recordings (repeatable)")
                ("json", switch_value(), "print the summary as JSON");
        },
        run_check,
    };
}

} // namespace cellfit::cli
