#include "report_command.hpp"
#include "fit_command.hpp"
#include "fit_description.hpp"
#include "fit_from_record.hpp"
#include "fit_report.hpp"
#include "model_options.hpp"
#include "plugins_command.hpp"

#include <cellfit/units/quantity.hpp>

#include <filesystem>
#include <ostream>

namespace cellfit::cli {

namespace {

using json = nlohmann::ordered_json;

// The results file: the one .json among the words and --results (a fit's INI
// file names its results there).
std::string results_file(const po::variables_map& vm) {
    std::vector<std::string> json_files;
    for (const auto& f : values(vm, "results"))
        if (f.ends_with(".json")) json_files.push_back(f);
    if (json_files.empty())
        throw usage_error("give the fit's results file: cellfit report RESULTS.json (a CSV results file does not describe its fit)");
    if (json_files.size() > 1)
        throw usage_error("give one results file, not " + std::to_string(json_files.size()) + " (" + json_files[0] + ", " +
                          json_files[1] + (json_files.size() > 2 ? ", ..." : "") + ")");
    return json_files.front();
}

int run_report(const po::variables_map& vm, io& io) {
    const std::string file = results_file(vm);
    const std::string out =
        vm.count("out") ? vm["out"].as<std::string>() : std::filesystem::path(file).replace_extension(".html").string();
    check_report_path(vm, "--out", out);
    const fit_results results = read_results(file);
    json description;
    if (!results.description.empty()) try {
            description = json::parse(results.description);
        } catch (const json::exception& e) {
            throw input_error(file + ": the fit's description (\"fit\") is damaged: " + e.what());
        }

    std::vector<std::string> notes;
    fit_description d;
    if (vm.count("model")) {
        // The fit's flags, given: they say where the data are now.
        d = read_fit_description(vm, true);
        for (auto& line : data_differences(description, vm)) notes.push_back(std::move(line) + "; the page shows the data given");
        const json recorded_text = description.is_object() && description.contains("model") && description.at("model").is_object()
                                       ? description.at("model").value("text", json())
                                       : json();
        if (recorded_text.is_string() && recorded_text != d.spec.equations)
            notes.push_back("the model's equations (--model " + d.spec.origin + ") differ from those the fit recorded");
    } else {
        if (description.is_null())
            throw input_error(file + " holds no description of its fit (a file of results format 1, or of cellfit refine); give "
                                     "the fit's flags: --config FILE.ini (the fit's INI file) or --model and the data flags");
        const recorded_fit recorded = recorded_fit_of(description, file);
        po::options_description options;
        add_fit_options(options);
        po::variables_map flags;
        po::store(po::command_line_parser(recorded.arguments).options(options).run(), flags);
        // Plugins from where the user says, not from the file.
        for (const char* name : {"plugin-dir", "backend", "threads"})
            if (vm.count(name) && !vm[name].defaulted()) {
                flags.erase(name);  // the parser stored its default
                flags.emplace(name, vm[name]);
            }
        po::notify(flags);
        d = read_fit_description(flags, true, &recorded.model);
        d.settings.fixed_parameters = recorded.fixed_parameters;
    }
    for (std::size_t k = 0; k < results.parameter_names.size(); ++k) {
        const model_variable* p = d.m.find(results.parameter_names[k]);
        if (!p) throw input_error(file + ": '" + results.parameter_names[k] + "' is not a parameter of the model");
    }
    const plugin_registry registry = load_plugins(vm, io.err);
    fitter f(d.target, d.spec, d.data, d.settings, registry);
    // The model's random draws as in the fit: the best traces come out the same.
    if (description.is_object() && description.contains("seed") && description.at("seed").is_number_unsigned())
        f.seed_random_draws(description.at("seed").get<std::uint64_t>());
    for (const auto& n : notes) io.err << "cellfit report: note: " << n << "\n";
    write_report(out, std::filesystem::path(file).filename().string(), results, f, d, std::move(notes), io.out);
    return 0;
}

} // namespace

command report_command() {
    command c{
        "report",
        "Write a fit's report: one HTML page with its traces or spikes, convergence, parameters and correlations.",
        "cellfit report RESULTS.json [--out FILE.html] [--config fit.ini | the fit's flags, when its data files have moved]",
        [](po::options_description& options) {
            options.add_options()
                ("out", po::value<std::string>()->value_name("FILE.html"),
                 "the page to write (default: the results file's name with .html)")
                ("results", po::value<std::vector<std::string>>()->value_name("FILE.json"),
                 "the fit's results file (or give it as the first word); a fit's INI file names it here");
            add_fit_options(options);
            accept_fit_flags(options);
        },
        run_report,
        {"fit"},
    };
    c.positional = "results";
    return c;
}

} // namespace cellfit::cli
