#include "fit_command.hpp"
#include "fit_description.hpp"
#include "model_options.hpp"
#include "plugins_command.hpp"
#include "table_options.hpp"

#include <cellfit/units/quantity.hpp>

#include <ostream>

namespace cellfit::cli {

namespace {

int run_generate(const po::variables_map& vm, io& io) {
    const fit_description d = read_fit_description(vm, false);
    if (!vm.count("out")) throw usage_error("--out PREFIX is required: where to write the generated traces");
    std::map<std::string, double> params;
    if (vm.count("from")) {
        const std::string file = vm["from"].as<std::string>();
        const fit_results r = read_results(file);
        params = r.best_params();
        if (params.empty()) throw input_error(file + " has no sample with a finite error, so no best parameters");
        for (std::size_t k = 0; k < r.parameter_names.size(); ++k) {
            const model_variable* p = d.m.find(r.parameter_names[k]);
            if (!p) throw input_error(file + ": '" + r.parameter_names[k] + "' is not a parameter of this model");
            if (unit_name(p->dim) != r.parameter_units[k])
                throw input_error(file + ": " + r.parameter_names[k] + " is in " + r.parameter_units[k] + ", but the model's is in " +
                                  unit_name(p->dim));
        }
    }
    for (const auto& [name, value] : d.param_values) params[name] = value;  // --param wins
    std::vector<std::string> variables;
    for (const auto& text : values(vm, "record"))
        for (auto& name : split_top_level(text)) variables.push_back(name);
    if (variables.empty()) {
        if (d.target == fit_target::spikes)
            variables.push_back("spikes");
        else
            for (const auto& o : d.data.outputs) variables.push_back(o.variable);
    }
    for (const auto& v : variables) check_output_file(vm, "--out", vm["out"].as<std::string>() + "_" + v + ".csv");
    const plugin_registry registry = load_plugins(vm, io.err);
    fitter f(d.target, d.spec, d.data, d.settings, registry);
    for (const auto& w : f.setup_warnings()) io.err << "cellfit generate: warning: " << w << "\n";
    std::optional<std::size_t> iteration;
    if (vm.count("iteration")) iteration = read_whole_number(vm, "iteration", 0, 1000000000000);
    write_generated(vm["out"].as<std::string>(), f.generate(variables, params, {}, iteration), io.out);
    return 0;
}

} // namespace

command generate_command() {
    return {
        "generate",
        "Simulate given or fitted parameters for a fit description (the flags or INI file of `fit`).",
        "cellfit generate [fit flags] (--from results.json | --param NAME=Q...) --out PREFIX [--record VAR,...]",
        [](po::options_description& options) {
            add_fit_options(options);
            options.add_options()
                ("from", po::value<std::string>()->value_name("FILE"),
                 "a results file of cellfit fit (.json or .csv): simulate its best parameters (--param overrides)")
                ("out", po::value<std::string>()->value_name("PREFIX"),
                 "write PREFIX_<var>.csv (one row per trace, SI units) and PREFIX_spikes.csv (seconds)")
                ("record", po::value<std::vector<std::string>>()->value_name("VAR,..."),
                 "variables to write, or 'spikes' (default: the fit's outputs)")
                ("iteration", po::value<whole_number>()->value_name("N"), "the value of `iteration` (default 1000000000)");
            accept_fit_flags(options);
        },
        run_generate,
    };
}

} // namespace cellfit::cli
