// Fits examples/hh-traces from C++: four conductances and the capacitance of
// a Hodgkin-Huxley model to the traces in ../shared/data/hh, with trace_fitter.
#include <cellfit/fit/data_files.hpp>
#include <cellfit/fit/fitter.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/units/quantity.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) try {
    if (argc != 3) return std::cerr << "usage: cellfit-embed-fit MODEL.eqs DATA_FOLDER\n", 2;
    std::stringstream equations;
    equations << std::ifstream(argv[1]).rdbuf();
    const cellfit::model_spec spec{.equations = equations.str(), .origin = argv[1],
        .constants = {{"El", "-65*mV"}, {"EK", "-90*mV"}, {"ENa", "50*mV"}, {"VT", "-63*mV"}}, .inputs = {{"I", "amp"}}};
    const std::string folder = argv[2];
    cellfit::fit_data data{.dt = cellfit::quantity_in_si("0.01*ms", "second"),
        .inputs = {{"I", cellfit::read_input_table(folder + "/input_amp.csv", "amp")}},
        .outputs = {cellfit::read_trace_output("v", folder + "/output_mV.csv", "mV")}};
    cellfit::plugin_registry plugins;
    plugins.load_directories(cellfit::default_plugin_search_path());
    cellfit::trace_fitter fitter(spec, data, {.n_samples = 60, .method = "exponential_euler",
                                              .param_init = {{"v", "El"}}}, plugins);
    cellfit::fit_options options{.metrics = {{"", "mse", {{"t_start", "5*ms"}}}}, .n_rounds = 40};
    for (const auto& [name, low, high, unit] : {std::tuple{"gl", "1*nS", "100*nS", "siemens"},
             {"g_na", "2*uS", "200*uS", "siemens"}, {"g_kd", "0.6*uS", "60*uS", "siemens"}, {"Cm", "20*pF", "400*pF", "farad"}})
        options.bounds[name] = {cellfit::quantity_in_si(low, unit), cellfit::quantity_in_si(high, unit)};
    const cellfit::fit_outcome outcome = fitter.fit(options);
    for (const auto& warning : outcome.warnings) std::cerr << "warning: " << warning << "\n";
    const auto unit_of = [&](const std::string& name) { return fitter.fitted_model().find(name)->dim; };
    std::cout << "best error: " << cellfit::format_quantity({outcome.best_error, unit_of("v").pow(2)}) << "\n";
    for (const auto& [name, value] : outcome.best_params)
        std::cout << name << " = " << cellfit::format_quantity({value, unit_of(name)}) << "\n";
} catch (const std::exception& e) {
    return std::cerr << "cellfit-embed-fit: " << e.what() << "\n", 1;
}
