#include "fit_command.hpp"
#include "fit_description.hpp"
#include "fit_record.hpp"
#include "fit_report.hpp"
#include "fit_summary.hpp"
#include "model_options.hpp"
#include "plugins_command.hpp"
#include "processes.hpp"
#include "stop_signals.hpp"
#include "refine_options.hpp"
#include "table_options.hpp"

#include <cellfit/fit/multistart.hpp>
#include <cellfit/fit/optimizer_choice.hpp>
#include <cellfit/fit/round_exchange.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/units/quantity.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <csignal>
#include <filesystem>
#include <memory>
#include <ostream>
#include <sstream>
#include <unistd.h>

namespace cellfit::cli {

namespace {

// Makes `f` the fit a stop signal stops, for the guard's lifetime.
struct interrupt_guard {
    stop_signal_guard signals;
    explicit interrupt_guard(fitter& f) { stop_on_signal(&f); }
    ~interrupt_guard() { stop_on_signal(nullptr); }
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

// "30 rounds x 30 samples (889 evaluations, not 900: ...)": the rounds this
// run evaluated, from sample `first` of the results on (a resumed fit's
// recorded samples come before).
std::string rounds_and_evaluations(const fit_results& results, std::size_t rounds_run, std::size_t first,
                                   bool multistart) {
    const std::size_t planned = results.n_samples * rounds_run;
    const std::size_t evaluated = results.samples.size() - first;
    std::string text = std::to_string(rounds_run) + (rounds_run == 1 ? " round x " : " rounds x ") +
                       std::to_string(results.n_samples) + (results.n_samples == 1 ? " sample (" : " samples (") +
                       std::to_string(evaluated) + (evaluated == 1 ? " evaluation" : " evaluations");
    if (multistart && evaluated < planned)
        text += " recorded: the screen's points and the descents' residual evaluations; their Jacobians are not "
                "recorded, and a descent that converges leaves the rest of its share unspent";
    else if (evaluated < planned)
        text += ", not " + std::to_string(planned) + ": the optimizer proposed " + std::to_string(planned - evaluated) +
                " fewer new points; a point it has already evaluated is not simulated again";
    if (first > 0) text += "; " + std::to_string(results.samples.size()) + " in all with the recorded ones";
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

// The results file a fit continues from (--resume), and what a resumed fit
// takes from it unless given again: the optimizer, its options, the seed and
// the rounds planned (the budget the optimizer was set up with).
struct resume_source {
    std::string file;
    fit_results recorded;
    ordered_json description;
    std::size_t planned_rounds = 0;  // the budget the recorded optimizer was set up with
};

std::optional<resume_source> read_resume(const po::variables_map& vm, fit_options& options) {
    if (!vm.count("resume")) {
        if (vm["restart"].as<bool>())
            throw usage_error("--restart starts a fresh optimizer after a recorded fit: give the fit's results with "
                              "--resume FILE.json");
        return std::nullopt;
    }
    resume_source r;
    r.file = vm["resume"].as<std::string>();
    if (!r.file.ends_with(".json")) throw usage_error("--resume " + r.file + ": give the fit's JSON results file");
    r.recorded = read_results(r.file);
    if (r.recorded.description.empty())
        throw input_error(r.file + " holds no description of its fit (a file of results format 1, written before "
                                   "cellfit 0.2, or of cellfit refine), so it cannot be checked against this fit; it "
                                   "cannot be resumed");
    try {
        r.description = ordered_json::parse(r.recorded.description);
        const ordered_json& opt = r.description.at("optimizer");
        raw_options recorded_options;
        for (const auto& kv : opt.at("options"))
            recorded_options.emplace_back(kv.at(0).get<std::string>(), kv.at(1).get<std::string>());
        if (!vm.count("optimizer")) {
            // The recorded optimizer (perhaps chosen from the budget), with any --opt over its options.
            options.optimizer = opt.at("name").get<std::string>();
            options.optimizer_options = merge_options(recorded_options, options.optimizer_options);
        } else if (!vm.count("opt")) {
            options.optimizer_options = recorded_options;
        }
        if (vm["seed"].defaulted()) options.seed = r.description.at("seed").get<std::uint64_t>();
        r.planned_rounds = r.description.at("planned_rounds").get<std::size_t>();
        if (r.planned_rounds < 1 || r.planned_rounds > 1000000000)
            throw input_error(r.file + ": the fit's planned_rounds, " + std::to_string(r.planned_rounds) +
                              ", is not a number of rounds from 1 to 1000000000");
    } catch (const nlohmann::json::exception& e) {
        throw input_error(r.file + ": the fit's description (\"fit\") is damaged: " + e.what());
    }
    return r;
}

// Why a fit stopped early on its own (--max-seconds, --target-error).
struct stop_rule {
    std::optional<double> max_seconds;
    std::optional<double> target_error;
    std::string reason;  // set when the rule stopped the fit
};

double read_seconds(const po::variables_map& vm, const char* flag) {
    const std::string text = vm[flag].as<std::string>();
    const quantity q = evaluate_quantity(text, std::string("--") + flag);
    if (!(q.dim == dimension{} || q.dim == dimension::of(dimension::time)) || !(q.value >= 0) || !std::isfinite(q.value))
        throw usage_error(std::string("--") + flag + " " + text + ": give a duration of 0 or more, in seconds (10) or "
                                                                  "with a unit (5*minute)");
    return q.value;
}

// The set-up a resumed fit starts its optimizer with: the recorded budget,
// unless it restarts.
fit_options resumed_setup(fit_options options, const resume_source& resume, bool restart) {
    if (!restart) options.n_rounds = resume.planned_rounds;
    options.restart = restart;
    return options;
}

// No --optimizer and none recorded: the one chosen from the budget (--opt
// alone is refused: its optimizer would depend on the budget). Returns why,
// for the fit's output ("" when the optimizer was named or recorded). Every
// process of an MPI job chooses the same.
std::string choose_default_optimizer(fit_options& options, const fit_description& d) {
    if (!options.optimizer.empty()) return {};
    const optimizer_choice choice =
        choose_optimizer(options, d.settings.n_samples, options.bounds.size(),
                         {.spike_fit = d.target == fit_target::spikes,
                          .online = d.target == fit_target::online_traces,
                          .has_penalty = !options.penalty.value_or(d.settings.penalty).empty(),
                          .reads_neuron_index = reads_neuron_index(d.m, d.settings.param_init)});
    // Options belong to an optimizer: which one would change with the budget.
    if (!options.optimizer_options.empty())
        throw usage_error("--opt " + options.optimizer_options.front().first + "=" + options.optimizer_options.front().second +
                          " without --optimizer: the optimizer is chosen from the budget (here " + choice.name +
                          ", for " + choice.reason + "); name the optimizer the options are for, e.g. --optimizer " +
                          choice.name);
    options.optimizer = choice.name;
    options.optimizer_options = choice.options;
    return choice.reason;
}

// The first process of an MPI job ends the others' serve() however run_fit
// ends (they wait for its rounds).
struct finish_exchange {
    std::shared_ptr<round_exchange> exchange;
    ~finish_exchange() {
        if (exchange) exchange->finish();
    }
};

// A process after the first of an MPI job: the same fit set up from the
// same flags, simulating its share of each round the first process sends.
// Its errors reach the first process, which reports them; it stays quiet.
int serve_fit(const po::variables_map& vm) {
    ignore_stop_signals();  // the first process ends the rounds
    const std::shared_ptr<round_exchange> exchange = processes().exchange();
    bool serving = false;
    try {
        fit_description d = read_fit_description(vm, true);
        d.settings.exchange = exchange;
        fit_options options = read_fit_options(vm, d);
        const auto resume = read_resume(vm, options);
        choose_default_optimizer(options, d);
        if (resume) options = resumed_setup(options, *resume, vm["restart"].as<bool>());  // as the first process sets it up
        std::ostringstream quiet;
        const plugin_registry registry = load_plugins(vm, quiet);
        fitter f(d.target, d.spec, d.data, d.settings, registry);
        serving = true;
        f.serve(options);
    } catch (const std::exception& e) {
        if (!serving) refuse_rounds(*exchange, e.what());
    }
    return 0;
}

// The JSON file among the --results files (the one that can be resumed), if any.
std::optional<std::string> json_results(const std::vector<std::string>& paths) {
    const auto json_file = std::find_if(paths.begin(), paths.end(), [](const std::string& p) { return p.ends_with(".json"); });
    return json_file != paths.end() ? std::optional<std::string>(*json_file) : std::nullopt;
}

// --report: the page of the fit's results, titled by its JSON file's name.
void write_report_if_asked(const po::variables_map& vm, const std::vector<std::string>& paths, const fit_description& d,
                           const fitter& f, io& io) {
    if (!vm.count("report")) return;
    const auto json_file = json_results(paths);
    const std::string title = json_file ? std::filesystem::path(*json_file).filename().string()
                                        : "fit of " + std::filesystem::path(d.spec.origin).filename().string();
    write_report(vm["report"].as<std::string>(), title, f.results(), f, d, {}, io.out);
}

// A fit resumed with --rounds 0: the recorded fit's outcome, for refine and generate.
fit_outcome recorded_outcome(const fitter& f) {
    fit_outcome outcome;
    outcome.best_params = f.results().best_params();
    outcome.best_error = f.results().best_error();
    outcome.error_unit = f.results().error_unit;
    outcome.warnings = f.setup_warnings();
    return outcome;
}

int run_fit(const po::variables_map& vm, io& io, bool spread) {
    if (spread) refuse_unjoined_copies("cellfit fit");
    if (spread && processes().rank() > 0) return serve_fit(vm);
    const finish_exchange finish{spread ? processes().exchange() : nullptr};
    fit_description d = read_fit_description(vm, true);
    d.settings.exchange = finish.exchange;
    fit_options options = read_fit_options(vm, d);
    if (options.n_rounds == 0 && vm["restart"].as<bool>())
        throw usage_error("--rounds 0 with --restart: a restarted optimizer needs rounds to run; give --rounds N");
    const fit_callback progress = choose_callback(vm, io.err);
    auto resume = read_resume(vm, options);
    const std::string chosen_because = choose_default_optimizer(options, d);
    const bool restart = vm["restart"].as<bool>();
    auto paths = results_paths(vm);
    if (resume && paths.empty()) paths.push_back(resume->file);  // the file is the checkpoint: it grows
    if (vm.count("generate")) {
        const std::string prefix = vm["generate"].as<std::string>();
        if (d.target == fit_target::spikes)
            check_output_file(vm, "--generate", prefix + "_spikes.csv");
        for (const auto& o : d.data.outputs) check_output_file(vm, "--generate", prefix + "_" + o.variable + ".csv");
    }
    if (vm.count("report")) check_report_path(vm, "--report", vm["report"].as<std::string>());
    if (vm["refine"].as<bool>() && d.target == fit_target::spikes)
        throw usage_error("--refine fits traces by least squares; a spike fit (--spikes) has none");
    const double checkpoint_seconds = read_seconds(vm, "checkpoint-seconds");
    stop_rule rule;
    if (vm.count("max-seconds")) rule.max_seconds = read_seconds(vm, "max-seconds");
    check_fit_memory(d, options);
    const plugin_registry registry = load_plugins(vm, io.err);
    fitter f(d.target, d.spec, d.data, d.settings, registry);

    ordered_json description = describe_fit_record(vm, d, options, f);
    if (resume) {
        std::vector<std::string> differences;
        try {
            differences = record_differences(resume->description, description, restart);
        } catch (const nlohmann::json::exception& e) {
            throw input_error(resume->file + ": the fit's description (\"fit\") is damaged: " + e.what());
        }
        if (!differences.empty()) {
            std::string list;
            for (const auto& line : differences) list += "\n  " + line;
            throw input_error(resume->file + " records another fit; it differs from this one in:" + list +
                              "\nResume it with the settings that made it" +
                              (restart ? std::string(".") : std::string(", or keep its samples and start a fresh "
                                                                        "optimizer with --restart.")));
        }
        if (!restart) {
            description["planned_rounds"] = resume->planned_rounds;
            // iteration continues from the file: a --start-iteration (from a shared INI, say) must agree.
            if (options.start_iteration && *options.start_iteration != resume->recorded.first_iteration)
                throw usage_error("--start-iteration " + std::to_string(*options.start_iteration) + ": the recorded fit "
                                  "started at " + std::to_string(resume->recorded.first_iteration) +
                                  ", and a resumed fit continues its iteration; give --restart to start a fresh "
                                  "optimizer from another iteration");
            options.start_iteration.reset();
        }
    }
    f.describe_results(description.dump());

    const auto start = std::chrono::steady_clock::now();
    // The results file is rewritten whole (it stays one readable JSON file),
    // so a write costs more as the fit grows (about 2 us per sample here).
    // A write waits until the time since the last one is at least 49 times
    // what it is expected to take (the last write's cost per sample, times
    // the samples now), which keeps checkpoints under 2 % of the fit's time
    // whatever --checkpoint-seconds says, except 0 (every round, as asked).
    const auto after = [](double seconds) {  // a duration, at most ~30 years
        return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(std::min(seconds, 1e9)));
    };
    auto last_checkpoint = start;
    double seconds_per_sample = 2e-6;
    std::size_t checkpoints = 0;
    double checkpoint_time = 0;
    options.callback = [&](const round_report& report) {
        bool stop = progress && progress(report);
        const auto now = std::chrono::steady_clock::now();
        const double samples = static_cast<double>(f.results().samples.size());
        const double wait = checkpoint_seconds == 0 ? 0 : std::max(checkpoint_seconds, 49 * seconds_per_sample * samples);
        if (!paths.empty() && now >= last_checkpoint + after(wait)) {
            std::ostringstream quiet;
            write_results(f.results(), paths, quiet);
            last_checkpoint = std::chrono::steady_clock::now();
            const double took = std::chrono::duration<double>(last_checkpoint - now).count();
            if (samples > 0) seconds_per_sample = took / samples;
            ++checkpoints;
            checkpoint_time += took;
        }
        if (rule.max_seconds && std::chrono::duration<double>(now - start).count() >= *rule.max_seconds) {
            rule.reason = "--max-seconds " + vm["max-seconds"].as<std::string>() + " passed";
            stop = true;
        }
        if (rule.target_error && report.best_error <= *rule.target_error) {
            rule.reason = "the best error reached --target-error " + vm["target-error"].as<std::string>();
            stop = true;
        }
        return stop;
    };
    fit_outcome outcome;
    std::vector<std::string> setup_warnings;
    try {
        interrupt_guard guard(f);
        io.out << describe_fit(vm, d, options, f, registry) << std::flush;
        if (resume) {
            f.resume(resume->recorded, resumed_setup(options, *resume, restart));
            io.out << (restart ? "restarted after " : "resumed after ") << f.results().n_rounds << " recorded rounds ("
                   << f.results().samples.size() << " samples) of " << resume->file << "\n";
        } else {
            f.prepare(options);
        }
        io.out << describe_optimizer(options, f, registry);
        if (!chosen_because.empty()) io.out << "    chosen for " << chosen_because << " (--optimizer to choose another)\n";
        io.out << std::flush;
        if (vm.count("target-error")) {
            const quantity target = evaluate_quantity(vm["target-error"].as<std::string>(), "--target-error");
            const dimension error_dim = evaluate_quantity(f.results().error_unit, "error unit").dim;
            if (!(target.dim == dimension{} || target.dim == error_dim))
                throw usage_error("--target-error " + vm["target-error"].as<std::string>() + ": the error is in " +
                                  f.results().error_unit + "; give the target in it, or as a number in SI");
            rule.target_error = target.value;
        }
        setup_warnings = f.setup_warnings();
        for (const auto& w : setup_warnings) io.err << "cellfit fit: warning: " << w << "\n";
        outcome = options.n_rounds == 0 ? recorded_outcome(f) : f.fit(options);
        if (finish.exchange) finish.exchange->finish();  // the other processes are done
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
    io.out << (outcome.stopped ? "stopped after " : "")
           << rounds_and_evaluations(results, outcome.rounds_run, resume ? resume->recorded.samples.size() : 0,
                                     is_multistart(f.optimizer_name())) << " in "
           << format_quantity({seconds, dimension::of(dimension::time)}, 3) << "\n";
    if (checkpoints > 0)
        io.out << "checkpoints: " << checkpoints << (checkpoints == 1 ? " write" : " writes") << " of the results in "
               << format_quantity({checkpoint_time, dimension::of(dimension::time)}, 3) << " ("
               << format_quantity({100 * checkpoint_time / seconds, dimension{}}, 2) << " % of the fit)\n";
    if (best == results.samples.size()) {
        io.err << "cellfit fit: every sample diverged (NaN or infinite state); narrow the bounds or check the model\n";
        write_results(results, paths, io.out);
        write_report_if_asked(vm, paths, d, f, io);
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
    if (vm["refine"].as<bool>() && (!outcome.stopped || !rule.reason.empty())) {  // not after an interrupt
        std::ostringstream quiet;
        write_results(results, paths, quiet);  // the fit's samples first: a refinement may be interrupted
        try {
            std::istringstream notes(refine_notes(vm, options));
            for (std::string line; std::getline(notes, line);)
                if (!line.starts_with("--optimizer")) io.err << "cellfit fit: note: " << line << "\n";
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
    write_report_if_asked(vm, paths, d, f, io);
    if (outcome.stopped && !rule.reason.empty()) {
        const auto json_file = json_results(paths);
        io.out << "stopped: " << rule.reason
               << (json_file ? "; continue with --resume " + *json_file
                                            : std::string("; to continue later, give --results FILE.json (a CSV file "
                                                          "cannot be resumed)"))
               << "\n";
        return 0;
    }
    if (outcome.stopped) {
        const int number = received_stop_signal();
        io.err << "cellfit fit: interrupted" << (number == SIGTERM ? " (SIGTERM)" : number == SIGHUP ? " (SIGHUP)" : "")
               << "; the results above are those of the finished rounds\n";
        return 128 + (number ? number : SIGINT);
    }
    return 0;
}

} // namespace

int run_fit_in_this_process(const po::variables_map& vm, io& io) { return run_fit(vm, io, false); }

void accept_fit_flags(po::options_description& options) {
    po::options_description fit_options;
    fit_command().add_options(fit_options);
    for (const auto& o : fit_options.options()) {
        const std::string& name = o->long_name();
        if (options.find_nothrow(name, false)) continue;
        // The same kind of value as fit's, so that the file's entry still parses.
        const po::value_semantic* kind = o->semantic().get();
        const char* unused = "(a fit's; not used here)";
        if (dynamic_cast<const po::typed_value<bool>*>(kind))
            options.add_options()(name.c_str(), switch_value(), unused);
        else if (dynamic_cast<const po::typed_value<whole_number>*>(kind))
            options.add_options()(name.c_str(), po::value<whole_number>(), unused);
        else if (dynamic_cast<const po::typed_value<std::vector<std::string>>*>(kind))
            options.add_options()(name.c_str(), po::value<std::vector<std::string>>(), unused);
        else
            options.add_options()(name.c_str(), po::value<std::string>(), unused);
    }
}

command fit_command() {
    return {
        "fit",
        "Fit a model's parameters to recorded traces or spike times.",
        "cellfit fit --model FILE --dt Q (--output VAR=FILE.csv:UNIT... | --spikes FILE.csv) --bound NAME=LOW,HIGH...\n"
        "                   [--input VAR=FILE.csv:UNIT]... [--param NAME=Q]... [--init VAR=EXPR]... [--optimizer NAME]\n"
        "                   [--metric [VAR=]NAME] [--samples N] [--rounds N] [--results FILE.csv|.json] [--generate PREFIX]\n"
        "                   [--report FILE.html]",
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
                ("report", po::value<std::string>()->value_name("FILE.html"),
                 "write the fit's report page: the fitted traces or spikes against the data, convergence, every "
                 "parameter against the error, correlations (cellfit report makes it again from a results file)")
                ("refine", switch_value(),
                 "after the fit, refine the best sample by least squares on the traces (with standard errors)")
                ("iteration", po::value<whole_number>(), "(refine and generate only)")
                ("resume", po::value<std::string>()->value_name("FILE.json"),
                 "continue the fit recorded in this results file for --rounds more rounds (the optimizer is rebuilt by "
                 "replaying its samples); the file must record this fit, and is rewritten unless --results is given")
                ("restart", switch_value(),
                 "with --resume: keep the file's samples but start a fresh optimizer (iteration from --start-iteration, "
                 "else 0)")
                ("checkpoint-seconds", po::value<std::string>()->default_value("10")->value_name("S"),
                 "write the --results files at most every S seconds during the fit, and when it stops for any reason; "
                 "writes are spaced to cost under 2 % of the fit's time (0: after every round, whatever it costs)")
                ("max-seconds", po::value<std::string>()->value_name("S"),
                 "stop after the round that passes S seconds (e.g. 3600, or 55*minute); the results can be resumed")
                ("target-error", po::value<std::string>()->value_name("E"),
                 "stop once the best error is at most E (in the error's unit, e.g. 1.1*mV**2, or a number in SI)");
            add_refine_options(options);
        },
        [](const po::variables_map& vm, io& io) { return run_fit(vm, io, true); },
    };
}

} // namespace cellfit::cli
