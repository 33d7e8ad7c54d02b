#include "fit_report.hpp"

#include "../report/report_page.hpp"

#include <cellfit/io/atomic_file.hpp>
#include <cellfit/units/quantity.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

namespace cellfit::cli {

void check_report_path(const po::variables_map& vm, const std::string& flag, const std::string& path) {
    const std::string ext = std::filesystem::path(path).extension().string();
    if (ext != ".html" && ext != ".htm")
        throw usage_error(flag + " " + path + ": the page's file name must end in .html (a web page any browser opens)");
    check_output_file(vm, flag, path);
}

void write_report(const std::string& path, const std::string& title, const fit_results& results, const fitter& f,
                  const fit_description& d, std::vector<std::string> notes, std::ostream& out) {
    report::report_input in;
    in.title = title;
    in.results = &results;
    if (!results.description.empty()) try {
            in.description = nlohmann::ordered_json::parse(results.description);
        } catch (const nlohmann::json::exception&) {
            notes.push_back("the results file's description of the fit is damaged; the page shows the samples only");
        }
    in.dt = f.dt();
    in.duration = static_cast<double>(f.n_steps()) * f.dt();
    const model& m = f.fitted_model();
    for (const auto& [name, value] : d.settings.fixed_parameters)
        if (const model_variable* p = m.find(name)) in.units[name] = unit_name(p->dim);

    std::vector<std::string> variables;
    if (d.target == fit_target::spikes)
        variables.push_back("spikes");
    else
        for (const auto& o : d.data.outputs) variables.push_back(o.variable);
    fitter::generated best;
    const auto params = results.best_params();
    if (params.empty()) {
        notes.push_back("no sample has a finite error, so there is no best fit to draw");
    } else {
        try {
            best = f.generate(variables, params);
        } catch (const std::exception& e) {
            notes.push_back(std::string("the best parameters could not be simulated again: ") + e.what());
        }
    }
    for (const auto& o : d.data.outputs) {
        report::trace_pair pair;
        pair.variable = o.variable;
        const model_variable* v = m.find(o.variable);
        pair.unit = v ? unit_name(v->dim) : "1";
        pair.recorded = o.traces;
        if (best.traces.count(o.variable)) pair.fitted = best.traces.at(o.variable);
        in.traces.push_back(std::move(pair));
    }
    if (d.target == fit_target::spikes) {
        in.recorded_spikes = d.data.spikes;
        in.fitted_spikes = best.spikes;
    }
    in.notes = std::move(notes);
    const std::string page = report::render_report(in);
    atomic_file file(path);
    file.write(page);
    file.commit();
    out << "wrote " << path << " (the fit's report, " << format_quantity({static_cast<double>(page.size()) / 1e6, {}}, 2)
        << " MB)\n";
}

} // namespace cellfit::cli
