#include "fit_description.hpp"
#include "model_options.hpp"
#include "plugins_command.hpp"
#include "table_options.hpp"

#include <cellfit/io/csv.hpp>
#include <cellfit/units/quantity.hpp>

#include <algorithm>

namespace cellfit::cli {

void add_fit_options(po::options_description& options) {
    add_model_options(options);
    options.add_options()
        ("param", po::value<std::vector<std::string>>()->value_name("NAME=Q"),
         "a parameter that is not fitted, e.g. Cm=200*pF (repeatable); for generate, any parameter's value")
        ("init", po::value<std::vector<std::string>>()->value_name("VAR=EXPR"),
         "initial value of a state variable, in order; may use parameters and constants, e.g. v=El (repeatable)")
        ("input", po::value<std::vector<std::string>>()->value_name("VAR=FILE.csv:UNIT"),
         "an input the model uses but does not define: one row per trace, one column per step (repeatable)")
        ("timed-array", po::value<std::vector<std::string>>()->value_name("NAME=FILE.csv:UNIT"),
         "a function NAME(t, i) as Brian's TimedArray: one row per trace (repeatable)")
        ("output", po::value<std::vector<std::string>>()->value_name("VAR=FILE.csv:UNIT"),
         "a recorded variable to fit: one row per trace, one column per step (repeatable)")
        ("spikes", po::value<std::string>()->value_name("FILE.csv"),
         "recorded spike times to fit instead: one row per trace, seconds")
        ("online", switch_value(),
         "the online trace fitter: mean squared error accumulated during the simulation")
        ("dt", po::value<std::string>()->value_name("Q"), "the recording's sampling interval, e.g. 0.01*ms (required)")
        ("duration", po::value<std::string>()->value_name("Q"),
         "simulated time, for spike fits without inputs (default: the inputs' length)")
        ("optimizer", po::value<std::string>()->value_name("NAME"),
         "the optimizer plugin, e.g. pagmo.cmaes (default: chosen from the budget and printed: pagmo.de with variant=3 "
         "F=0.5 for rounds of 10 samples or more, 3 or more per parameter, except over 30 rounds of an mse error; "
         "else pagmo.cmaes; pagmo.nsga2 with --multi-objective; list: cellfit plugins --kind optimizer)")
        ("opt", po::value<std::vector<std::string>>()->value_name("KEY=VALUE"), "an option of the --optimizer named (repeatable)")
        ("metric", po::value<std::vector<std::string>>()->value_name("[VAR=]NAME"),
         "the metric for every output, or VAR=NAME for one (default: mse for traces, gamma for spikes)")
        ("metric-opt", po::value<std::vector<std::string>>()->value_name("[VAR.]KEY=VALUE"),
         "a metric option for every output, or for one, e.g. t_start=0.005 or v.t_start=0.005 (repeatable)")
        ("bound", po::value<std::vector<std::string>>()->value_name("NAME=LOW,HIGH[,log]"),
         "a fitted parameter and its interval, e.g. gl=1*nS,100*nS; ',log' searches it on a log scale (repeatable)")
        ("samples", po::value<whole_number>()->default_value(whole_number{30}, "30")->value_name("N"), "parameter samples per round")
        ("rounds", po::value<whole_number>()->default_value(whole_number{10}, "10")->value_name("N"), "optimization rounds (with --resume: rounds more, and 0 only refines or generates)")
        ("seed", po::value<std::uint64_t>()->default_value(1)->value_name("N"),
         "random seed of the optimizer and of the model's random draws (rand(), randn(), xi)")
        ("multi-objective", switch_value(),
         "tell the optimizer each output's error (and the penalty) instead of their sum: for pagmo.nsga2")
        ("penalty", po::value<std::string>()->value_name("VAR"),
         "a variable or subexpression whose final value, averaged over the traces, is added to the error (in the "
         "error's unit)")
        ("start-iteration", po::value<whole_number>()->value_name("N"), "the value of `iteration` in the first round (default 0)");
    add_backend_options(options);
    add_plugin_dir_option(options);
}

fit_description read_fit_description(const po::variables_map& vm, bool params_are_fixed, const model_spec* model) {
    fit_description d;
    d.spec = model ? *model : read_model_spec(vm);
    std::vector<table_flag> inputs, arrays, outputs;
    for (const auto& text : values(vm, "input")) inputs.push_back(split_table_flag("input", text));
    for (const auto& text : values(vm, "timed-array")) arrays.push_back(split_table_flag("timed-array", text));
    for (const auto& text : values(vm, "output")) outputs.push_back(split_table_flag("output", text));
    for (const auto& t : inputs)
        d.spec.inputs.emplace_back(t.name, unit_name(evaluate_quantity(t.unit, "--input " + t.name + " unit").dim));
    for (const auto& t : arrays)
        d.spec.timed_arrays.emplace_back(t.name, unit_name(evaluate_quantity(t.unit, "--timed-array " + t.name + " unit").dim));
    d.m = build_fit_model(d.spec);

    if (!vm.count("dt")) throw usage_error("--dt is required: the sampling interval of the recording, e.g. --dt 0.01*ms");
    d.data.dt = read_duration(vm, "dt", d.m);
    if (vm.count("duration"))
        d.data.n_steps = static_cast<std::size_t>(std::llround(read_duration(vm, "duration", d.m) / d.data.dt));
    for (const auto* list : {&inputs, &arrays})
        for (const auto& t : *list) {
            dimension dim;
            d.data.inputs[t.name] = read_table(t, list == &inputs ? "input" : "timed-array", d.m, dim);
        }
    const bool spikes = vm.count("spikes") > 0;
    if (spikes && !outputs.empty()) throw usage_error("give --output (traces) or --spikes (spike times), not both");
    if (!spikes && outputs.empty())
        throw usage_error("nothing to fit to: give --output VAR=FILE.csv:UNIT (recorded traces) or --spikes FILE.csv");
    for (const auto& t : outputs) {
        const model_variable* v = d.m.find(t.name);
        dimension dim;
        const lookup_table table = read_table(t, "output", d.m, dim);
        if (v && !(v->dim == dim))
            throw usage_error("--output " + t.name + "=" + t.file + ":" + t.unit + ": the unit " + t.unit + " is not a unit of " +
                              t.name + ", which is in " + unit_name(v->dim));
        trace_output o{t.name, {}};
        for (std::size_t r = 0; r < table.rows; ++r)
            o.traces.emplace_back(table.values.begin() + static_cast<std::ptrdiff_t>(r * table.steps),
                                  table.values.begin() + static_cast<std::ptrdiff_t>((r + 1) * table.steps));
        d.data.outputs.push_back(std::move(o));
    }
    if (spikes) {
        const std::string file = vm["spikes"].as<std::string>();
        d.data.spikes = read_csv(file, true).rows;
        if (d.data.spikes.empty()) throw input_error(file + " holds no rows of spike times (--spikes); give one row per trace, seconds");
        d.target = fit_target::spikes;
        if (vm["online"].as<bool>()) throw usage_error("--online fits traces (--output); spike fits stream already");
    } else {
        d.target = vm["online"].as<bool>() ? fit_target::online_traces : fit_target::traces;
    }

    for (const auto& text : values(vm, "param")) {
        const auto [name, value] = split_flag("param", text, '=', "Cm=200*pF");
        const model_variable* p = d.m.find(name);
        const quantity q = evaluate_quantity(value, "--param " + name, d.m.constants);
        if (p && !(q.dim == p->dim))
            throw usage_error("--param " + text + ": has unit " + unit_name(q.dim) + ", but " + name + " is in " + unit_name(p->dim));
        d.param_values[name] = q.value;
    }
    if (params_are_fixed) d.settings.fixed_parameters = d.param_values;
    for (const auto& text : values(vm, "init")) d.settings.param_init.push_back(split_flag("init", text, '=', "v=-65*mV"));
    d.settings.method = read_method(vm);
    d.settings.backend = read_backend(vm);
    d.settings.threads = read_threads(vm);
    d.settings.n_samples = read_whole_number(vm, "samples", 1, 10000000);
    if (vm.count("penalty")) d.settings.penalty = vm["penalty"].as<std::string>();
    return d;
}

fit_options read_fit_options(const po::variables_map& vm, const fit_description& d) {
    fit_options o;
    if (vm.count("optimizer")) o.optimizer = vm["optimizer"].as<std::string>();
    for (const auto& text : values(vm, "opt")) o.optimizer_options.push_back(split_flag("opt", text, '=', "popsize=40"));
    // Metrics: one for all outputs and/or VAR=NAME for one; options likewise.
    std::string all_metric;
    std::map<std::string, std::string> metric_of;
    for (const auto& text : values(vm, "metric")) {
        const auto eq = text.find('=');
        if (eq == std::string::npos) {
            if (!all_metric.empty()) throw usage_error("--metric " + text + ": a metric for every output is already given (" + all_metric + ")");
            all_metric = text;
        } else {
            const auto [var, name] = split_flag("metric", text, '=', "v=mse");
            metric_of[var] = name;
        }
    }
    raw_options all_options;
    std::map<std::string, raw_options> options_of;
    for (const auto& text : values(vm, "metric-opt")) {
        const auto [key, value] = split_flag("metric-opt", text, '=', "t_start=0.005");
        const auto dot = key.find('.');
        if (dot == std::string::npos)
            all_options.emplace_back(key, value);
        else
            options_of[key.substr(0, dot)].emplace_back(key.substr(dot + 1), value);
    }
    std::vector<std::string> outputs;
    if (d.target == fit_target::spikes)
        outputs.push_back("spikes");
    else
        for (const auto& out : d.data.outputs) outputs.push_back(out.variable);
    for (const auto* keyed : {&metric_of})
        for (const auto& [var, name] : *keyed)
            if (std::find(outputs.begin(), outputs.end(), var) == outputs.end())
                throw usage_error("--metric " + var + "=" + name + ": '" + var + "' is not an output of this fit");
    for (const auto& [var, opts] : options_of)
        if (std::find(outputs.begin(), outputs.end(), var) == outputs.end())
            throw usage_error("--metric-opt " + var + "." + opts.front().first + ": '" + var + "' is not an output of this fit");
    const std::string fallback = d.target == fit_target::spikes ? "gamma" : "mse";
    for (const auto& out : outputs) {
        metric_choice c;
        c.output = out;
        c.name = metric_of.count(out) ? metric_of[out] : all_metric.empty() ? fallback : all_metric;
        c.options = all_options;
        for (const auto& kv : options_of[out]) c.options.push_back(kv);
        o.metrics.push_back(std::move(c));
    }
    for (const auto& text : values(vm, "bound")) {
        const auto [name, range] = split_flag("bound", text, '=', "gl=1*nS,100*nS");
        auto parts = split_top_level(range);
        bool log_scale = false;
        if (parts.size() == 3 && parts[2].find_first_not_of(" ") != std::string::npos &&
            parts[2].substr(parts[2].find_first_not_of(" ")) == "log") {
            log_scale = true;
            parts.pop_back();
        }
        if (parts.size() != 2)
            throw usage_error("--bound " + text + ": expected NAME=LOW,HIGH or NAME=LOW,HIGH,log, e.g. --bound gl=1*nS,100*nS");
        const model_variable* p = d.m.find(name);
        if (!p) {
            fit_bound b;  // the fitter names the parameters
            b.lower = 0;
            b.upper = 1;
            o.bounds[name] = b;
            continue;
        }
        if (o.bounds.count(name)) throw usage_error("--bound " + name + " is given twice");
        fit_bound b;
        b.lower = read_quantity(parts[0], "--bound " + name, d.m, p->dim);
        b.upper = read_quantity(parts[1], "--bound " + name, d.m, p->dim);
        b.log_scale = log_scale;
        o.bounds[name] = b;
    }
    // A resumed fit may run no more rounds (it then only refines or generates).
    o.n_rounds = read_whole_number(vm, "rounds", vm.count("resume") ? 0 : 1, 1000000000);
    o.multi_objective = vm["multi-objective"].as<bool>();
    o.seed = vm["seed"].as<std::uint64_t>();
    if (vm.count("start-iteration")) o.start_iteration = read_whole_number(vm, "start-iteration", 0, 1000000000000);
    return o;
}

void check_output_file(const po::variables_map& vm, const std::string& flag, const std::string& path) {
    // The folder is made now, so that one that cannot be fails before the work.
    if (const std::filesystem::path folder = std::filesystem::path(path).parent_path(); !folder.empty()) {
        std::error_code ec;
        if (std::filesystem::exists(folder, ec) && !std::filesystem::is_directory(folder, ec))
            throw usage_error(flag + " " + path + ": " + folder.string() + " is not a folder");
        if (!std::filesystem::is_directory(folder, ec) && !std::filesystem::create_directories(folder, ec))
            throw input_error(flag + " " + path + ": cannot create the folder " + folder.string() + ": " + ec.message());
    }
    std::vector<std::pair<std::string, std::string>> data;  // flag, file
    if (vm.count("model")) data.emplace_back("--model", vm["model"].as<std::string>());
    if (vm.count("spikes")) data.emplace_back("--spikes", vm["spikes"].as<std::string>());
    if (vm.count("from")) data.emplace_back("--from", vm["from"].as<std::string>());
    for (const char* table : {"input", "timed-array", "output"})
        for (const auto& text : values(vm, table)) data.emplace_back(std::string("--") + table, split_table_flag(table, text).file);
    for (const auto& [data_flag, file] : data) {
        std::error_code ec;
        if (std::filesystem::equivalent(path, file, ec))
            throw usage_error(flag + " " + path + ": this is the file given to " + data_flag +
                              "; writing it would destroy the data. Choose another name");
    }
}

} // namespace cellfit::cli
