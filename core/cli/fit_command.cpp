#include "fit_command.hpp"
#include "fit_description.hpp"
#include "fit_summary.hpp"
#include "model_options.hpp"
#include "plugins_command.hpp"
#include "refine_options.hpp"
#include "table_options.hpp"

#include <cellfit/registry.hpp>
#include <cellfit/units/quantity.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <ostream>
#include <sstream>
#include <unistd.h>

namespace cellfit::cli {

namespace {

// Ctrl-C, SIGTERM (a job scheduler, kill) and SIGHUP (a closed terminal)
// ask the running fit to stop after its round; the results so far are then
// written as usual and the exit code is 128 + the signal. A second signal
// of the same kind ends the process.
// A signal the process inherited as ignored (nohup, background jobs) stays
// ignored, and the previous actions come back when the fit ends.
std::atomic<fitter*> interruptible{nullptr};
std::atomic<int> stopping_signal{0};
constexpr int stopping_signals[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void on_stop_signal(int number) {
    stopping_signal.store(number);
    if (fitter* f = interruptible.load()) f->stop();
    std::signal(number, SIG_DFL);
}

struct interrupt_guard {
    struct sigaction previous[3] {};
    bool installed[3] = {false, false, false};
    explicit interrupt_guard(fitter& f) {
        interruptible.store(&f);
        for (int k = 0; k < 3; ++k) {
            struct sigaction current {};
            if (::sigaction(stopping_signals[k], nullptr, &current) != 0 || current.sa_handler == SIG_IGN) continue;
            struct sigaction handler {};
            handler.sa_handler = on_stop_signal;
            sigemptyset(&handler.sa_mask);
            installed[k] = ::sigaction(stopping_signals[k], &handler, &previous[k]) == 0;
        }
    }
    ~interrupt_guard() {
        for (int k = 0; k < 3; ++k)
            if (installed[k]) ::sigaction(stopping_signals[k], &previous[k], nullptr);
        interruptible.store(nullptr);
    }
};

std::vector<std::string> results_paths(const po::variables_map& vm) {
    std::vector<std::string> paths = values(vm, "results");
    for (const auto& p : paths) {
        const std::filesystem::path path(p);
        const std::string ext = path.extension().string();
        if (ext != ".csv" && ext != ".json")
            throw usage_error("--results " + p + ": the file name must end in .csv or .json");
        check_output_file(vm, "--results", p);
    }
    return paths;
}

void write_results(const fit_results& results, const std::vector<std::string>& paths, std::ostream& out) {
    for (const auto& p : paths) {
        if (p.ends_with(".csv"))
            write_results_csv(results, p);
        else
            write_results_json(results, p);
        out << "wrote " << p << " (" << results.samples.size() << " samples)\n";
    }
}

fit_callback choose_callback(const po::variables_map& vm, std::ostream& err) {
    std::string kind = vm.count("callback") ? vm["callback"].as<std::string>() : (isatty(STDERR_FILENO) ? "progress" : "text");
    if (kind == "text") return text_callback(err);
    if (kind == "progress") return progress_callback(err);
    if (kind == "none") return {};
    throw usage_error("--callback " + kind + ": use text (a line per round), progress (a progress bar) or none");
}

// "30 rounds x 30 samples (889 evaluations: 11 points the optimizer had
// already evaluated were not simulated again)".
std::string rounds_and_evaluations(const fit_results& results, std::size_t rounds_run) {
    const std::size_t planned = results.n_samples * results.n_rounds;
    const std::size_t evaluated = results.samples.size();
    std::string text = std::to_string(rounds_run) + (rounds_run == 1 ? " round x " : " rounds x ") +
                       std::to_string(results.n_samples) + (results.n_samples == 1 ? " sample (" : " samples (") +
                       std::to_string(evaluated) + (evaluated == 1 ? " evaluation" : " evaluations");
    if (evaluated < planned)
        text += ", not " + std::to_string(planned) + ": the optimizer proposed " + std::to_string(planned - evaluated) +
                " fewer new points; a point it has already evaluated is not simulated again";
    return text + ")";
}

// A round simulates samples x traces neurons; the recorded outputs pass
// through blocks of 64 steps, except for metric.features, which keeps whole
// traces. Refused up front when that is more than the machine has.
void check_fit_memory(const fit_description& d, const fit_options& o) {
    std::size_t traces = 1, steps = 1;
    for (const auto& out : d.data.outputs)
        if (!out.traces.empty()) traces = out.traces.size(), steps = out.traces.front().size();
    if (!d.data.spikes.empty()) traces = d.data.spikes.size();
    const bool whole_traces = std::any_of(o.metrics.begin(), o.metrics.end(), [](const auto& m) { return m.name == "features"; });
    const double neurons = static_cast<double>(d.settings.n_samples) * static_cast<double>(traces);
    const double outputs = static_cast<double>(std::max<std::size_t>(1, d.data.outputs.size()));
    const double per_neuron = 8.0 * (64 + (whole_traces ? static_cast<double>(steps) : 64.0) * outputs);
    check_memory(neurons * per_neuron, "for a round of " + std::to_string(d.settings.n_samples) + " samples x " +
                                           std::to_string(traces) + " traces",
                 "give fewer --samples");
}

int run_fit(const po::variables_map& vm, io& io) {
    const fit_description d = read_fit_description(vm, true);
    fit_options options = read_fit_options(vm, d);
    options.callback = choose_callback(vm, io.err);
    const auto paths = results_paths(vm);
    if (vm.count("generate")) {
        const std::string prefix = vm["generate"].as<std::string>();
        if (d.target == fit_target::spikes)
            check_output_file(vm, "--generate", prefix + "_spikes.csv");
        for (const auto& o : d.data.outputs) check_output_file(vm, "--generate", prefix + "_" + o.variable + ".csv");
    }
    if (vm["refine"].as<bool>() && d.target == fit_target::spikes)
        throw usage_error("--refine fits traces by least squares; a spike fit (--spikes) has none");
    check_fit_memory(d, options);
    const plugin_registry registry = load_plugins(vm, io.err);
    fitter f(d.target, d.spec, d.data, d.settings, registry);

    const auto start = std::chrono::steady_clock::now();
    fit_outcome outcome;
    std::vector<std::string> setup_warnings;
    try {
        interrupt_guard guard(f);
        io.out << describe_fit(vm, d, options, f, registry) << std::flush;
        f.prepare(options);
        io.out << describe_optimizer(options, f, registry) << std::flush;
        setup_warnings = f.setup_warnings();
        for (const auto& w : setup_warnings) io.err << "cellfit fit: warning: " << w << "\n";
        outcome = f.fit(options);
    } catch (const std::exception& e) {
        // Keep what was computed: the rounds finished before the error.
        if (!f.results().samples.empty() && !paths.empty()) {
            io.err << "cellfit fit: the fit stopped with an error after " << f.results().n_rounds
                   << " round(s); writing the samples evaluated so far\n";
            write_results(f.results(), paths, io.out);
        }
        throw;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const fit_results& results = f.results();
    const std::size_t best = results.best_index();
    io.out << (outcome.stopped ? "stopped after " : "") << rounds_and_evaluations(results, outcome.rounds_run) << " in "
           << format_quantity({seconds, dimension::of(dimension::time)}, 3) << "\n";
    if (best == results.samples.size()) {
        io.err << "cellfit fit: every sample diverged (NaN or infinite state); narrow the bounds or check the model\n";
        write_results(results, paths, io.out);
        return 1;
    }
    const model& m = f.fitted_model();
    io.out << "best error: " << format_quantity({outcome.best_error, evaluate_quantity(results.error_unit, "error unit").dim}, 6)
           << "\n";
    if (results.objective_names.size() > 1)
        for (std::size_t k = 0; k < results.objective_names.size(); ++k) {
            const quantity unit = evaluate_quantity(results.objective_units[k], "error unit");
            io.out << "  error " << results.objective_names[k] << ": "
                   << format_quantity({results.samples[best].objectives[k], unit.dim}, 6) << "\n";
        }
    io.out << "best parameters:\n";
    for (const auto& name : results.parameter_names)
        io.out << "  " << name << " = " << format_quantity({outcome.best_params.at(name), m.find(name)->dim}, 6) << "\n";
    // fit_outcome.warnings begins with the set-up's, printed before the rounds.
    for (std::size_t k = setup_warnings.size(); k < outcome.warnings.size(); ++k)
        io.err << "cellfit fit: warning: " << outcome.warnings[k] << "\n";
    if (vm["refine"].as<bool>() && !outcome.stopped) {
        std::ostringstream quiet;
        write_results(results, paths, quiet);  // the fit's samples first: a refinement may be interrupted
        try {
            const refine_record r = f.refine(read_refine_options(vm, options));
            print_refine(io.out, r, outcome.best_error, results.error_unit);
            for (const auto& w : r.warnings) io.err << "cellfit fit: warning: " << w << "\n";
        } catch (const std::exception&) {
            write_results(results, paths, io.out);  // the fit's samples are not lost
            throw;
        }
    }
    write_results(results, paths, io.out);

    if (vm.count("generate")) {
        const std::string prefix = vm["generate"].as<std::string>();
        std::vector<std::string> variables;
        if (d.target == fit_target::spikes)
            variables.push_back("spikes");
        else
            for (const auto& o : d.data.outputs) variables.push_back(o.variable);
        write_generated(prefix, f.generate(variables), io.out);
    }
    if (outcome.stopped) {
        const int number = stopping_signal.load();
        io.err << "cellfit fit: interrupted" << (number == SIGTERM ? " (SIGTERM)" : number == SIGHUP ? " (SIGHUP)" : "")
               << "; the results above are those of the finished rounds\n";
        return 128 + (number ? number : SIGINT);
    }
    return 0;
}

} // namespace

command fit_command() {
    return {
        "fit",
        "Fit a model's parameters to recorded traces or spike times.",
        "cellfit fit --model FILE --dt Q (--output VAR=FILE.csv:UNIT... | --spikes FILE.csv) --bound NAME=LOW,HIGH...\n"
        "                   [--input VAR=FILE.csv:UNIT]... [--param NAME=Q]... [--init VAR=EXPR]... [--optimizer NAME]\n"
        "                   [--metric [VAR=]NAME] [--samples N] [--rounds N] [--results FILE.csv|.json] [--generate PREFIX]",
        [](po::options_description& options) {
            add_fit_options(options);
            options.add_options()
                ("callback", po::value<std::string>()->value_name("KIND"),
                 "progress after each round: text (a line), progress (a bar; the default on a terminal) or none")
                ("results", po::value<std::vector<std::string>>()->value_name("FILE"),
                 "write every evaluated sample: FILE.csv (units in the header) or FILE.json (best parameters, units, "
                 "samples); repeatable. Written also when the fit stops early")
                ("generate", po::value<std::string>()->value_name("PREFIX"),
                 "simulate the best parameters and write PREFIX_<var>.csv (SI) or PREFIX_spikes.csv (seconds)")
                ("refine", switch_value(),
                 "after the fit, refine the best sample by least squares on the traces (with standard errors)");
            add_refine_options(options);
        },
        run_fit,
    };
}

} // namespace cellfit::cli
