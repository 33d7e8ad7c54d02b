#include "fit_command.hpp"
#include "fit_description.hpp"
#include "model_options.hpp"
#include "plugins_command.hpp"
#include "refine_options.hpp"

#include <cellfit/units/quantity.hpp>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <sstream>

namespace cellfit::cli {

namespace {

// The K best distinct samples of a results file (or its best parameters).
std::vector<std::map<std::string, double>> starts_from(const fit_results& r, std::size_t k) {
    std::vector<std::map<std::string, double>> starts;
    const auto best = r.best_distinct(k);
    if (r.best_is_refined() || best.empty()) starts.push_back(r.best_params());
    for (std::size_t i : best) {
        if (starts.size() >= k) break;
        std::map<std::string, double> p;
        for (std::size_t j = 0; j < r.parameter_names.size(); ++j) p[r.parameter_names[j]] = r.samples[i].params[j];
        starts.push_back(std::move(p));
    }
    return starts;
}

int run_refine(const po::variables_map& vm, io& io) {
    fit_description d = read_fit_description(vm, false);
    const fit_options fit = read_fit_options(vm, d);
    refine_options options = read_refine_options(vm, fit);
    if (options.bounds.empty())
        throw usage_error("give the refined parameters' bounds (--bound NAME=LOW,HIGH, as for fit)");
    // --param: a start value for a bounded parameter, a fixed value for the others.
    std::map<std::string, double> start;
    for (const auto& [name, value] : d.param_values) {
        if (options.bounds.count(name))
            start[name] = value;
        else
            d.settings.fixed_parameters[name] = value;
    }
    if (vm.count("from")) {
        const std::string file = vm["from"].as<std::string>();
        const fit_results r = read_results(file);
        options.starts = starts_from(r, options.top);
        if (options.starts.empty() || options.starts.front().empty())
            throw input_error(file + " has no sample with a finite error to start from");
        for (auto& s : options.starts)
            for (const auto& [name, value] : start) s[name] = value;  // --param wins
    } else {
        options.starts = {start};
    }
    for (const auto& p : values(vm, "results")) {  // checked before the work, not after it
        if (!p.ends_with(".json")) throw usage_error("--results " + p + ": a refinement is written as JSON (.json)");
        check_output_file(vm, "--results", p);
    }
    const plugin_registry registry = load_plugins(vm, io.err);
    fitter f(d.target, d.spec, d.data, d.settings, registry);
    for (const auto& w : f.setup_warnings()) io.err << "cellfit refine: warning: " << w << "\n";
    std::istringstream notes(refine_notes(vm, fit));
    for (std::string line; std::getline(notes, line);) io.err << "cellfit refine: note: " << line << "\n";
    const refine_record r = f.refine(options);
    print_refine(io.out, r, NAN, r.error_unit);
    for (const auto& w : r.warnings) io.err << "cellfit refine: warning: " << w << "\n";
    for (const auto& p : values(vm, "results")) {
        if (p.ends_with(".csv"))
            throw usage_error("--results " + p + ": a refinement is written as JSON (.json)");
        write_results_json(f.results(), p);
        io.out << "wrote " << p << "\n";
    }
    return 0;
}

} // namespace

command refine_command() {
    return {
        "refine",
        "Polish parameters by bounded least squares on recorded traces, with standard errors (the flags or INI of fit).",
        "cellfit refine [fit flags] (--from results.json | --param NAME=Q...) [--gradient fd|discrete|sensitivity]\n"
        "                      [--max-nfev N] [--refine-top K] [--results FILE.json]",
        [](po::options_description& options) {
            add_fit_options(options);
            add_refine_options(options);
            options.add_options()
                ("from", po::value<std::string>()->value_name("FILE"),
                 "a results file of cellfit fit: start from its best parameters (or its K best samples)")
                ("results", po::value<std::vector<std::string>>()->value_name("FILE.json"),
                 "write the refinement (best_params, refine: params, stderr, correlation, cost, ...)")
                ("iteration", po::value<whole_number>()->value_name("N"),
                 "the value of `iteration` during the refinement (default 1000000000, as brian2modelfitting)");
            accept_fit_flags(options);
        },
        run_refine,
    };
}

} // namespace cellfit::cli
