#include "simulate_command.hpp"
#include "fit_description.hpp"
#include "model_options.hpp"
#include "plugins_command.hpp"
#include "table_options.hpp"

#include <cellfit/io/csv.hpp>
#include <cellfit/io/numbers.hpp>
#include <cellfit/sim/simulation.hpp>
#include <cellfit/suggest.hpp>

#include <cmath>
#include <ostream>

namespace cellfit::cli {

namespace {

int run_simulate(const po::variables_map& vm, io& io) {
    model_spec spec = read_model_spec(vm);
    std::vector<table_flag> inputs, arrays;
    for (const auto& text : values(vm, "input")) inputs.push_back(split_table_flag("input", text));
    for (const auto& text : values(vm, "timed-array")) arrays.push_back(split_table_flag("timed-array", text));
    // Declare inputs in the unit's base form; their values are read below.
    for (const auto& t : inputs)
        spec.inputs.emplace_back(t.name, unit_name(evaluate_quantity(t.unit, "--input " + t.name + " unit").dim));
    for (const auto& t : arrays)
        spec.timed_arrays.emplace_back(t.name, unit_name(evaluate_quantity(t.unit, "--timed-array " + t.name + " unit").dim));
    const model m = build_model(spec);

    simulation_setup setup;
    setup.method = read_method(vm);
    setup.dt = vm.count("dt") ? read_duration(vm, "dt", m) : 1e-4;
    std::size_t input_rows = 0, input_steps = 0;
    for (const auto* list : {&inputs, &arrays})
        for (const auto& t : *list) {
            dimension dim;
            setup.lookups[t.name] = read_table(t, list == &inputs ? "input" : "timed-array", m, dim);
            const lookup_table& table = setup.lookups[t.name];
            if (input_rows && (table.rows != input_rows || table.steps != input_steps))
                throw input_error(t.file + " has " + std::to_string(table.rows) + " x " + std::to_string(table.steps) +
                                  " values, the other inputs " + std::to_string(input_rows) + " x " +
                                  std::to_string(input_steps) + "; give every input the same traces and steps");
            input_rows = table.rows;
            input_steps = table.steps;
        }
    if (vm.count("duration")) {
        const double steps = std::round(read_duration(vm, "duration", m) / setup.dt);
        if (!(steps >= 1) || steps > 1e12)
            throw usage_error("--duration " + vm["duration"].as<std::string>() + " is " + format_number(steps) +
                              " steps of dt; give from 1 to 1e12 steps");
        setup.n_steps = static_cast<std::size_t>(steps);
    }
    else if (input_steps)
        setup.n_steps = input_steps;
    else
        throw usage_error("give --duration (or an --input, whose length is then the duration)");
    setup.n_traces = input_rows ? input_rows : 1;

    for (const auto& text : values(vm, "param")) {
        const auto [name, list] = split_flag("param", text, '=', "gl=10*nS,20*nS");
        const model_variable* p = m.find(name);
        std::vector<double> si;
        for (const auto& item : split_top_level(list)) {
            const quantity q = evaluate_quantity(item, "--param " + name, m.constants);
            if (p && !(q.dim == p->dim))
                throw input_error("--param " + name + "=" + item + ": has unit " + unit_name(q.dim) + ", but " + name +
                                  " has unit " + unit_name(p->dim));
            si.push_back(q.value);
        }
        setup.parameters[name] = std::move(si);
    }
    std::size_t per_neuron = 0;
    for (const auto& [name, v] : setup.parameters) per_neuron = std::max(per_neuron, v.size() > 1 ? v.size() : 0);
    for (const auto& text : values(vm, "init")) {
        const auto [name, list] = split_flag("init", text, '=', "v=-65*mV");
        auto parts = split_top_level(list);
        if (parts.size() > 1) per_neuron = std::max(per_neuron, parts.size());
        setup.initial_values.emplace_back(name, std::move(parts));
    }
    setup.n_neurons = vm.count("neurons") ? read_whole_number(vm, "neurons", 1, 1000000000)
                                          : std::max({per_neuron, setup.n_traces, std::size_t{1}});
    for (const auto& text : values(vm, "record"))
        for (auto& name : split_top_level(text)) setup.record.push_back(name);
    setup.threads = read_threads(vm);
    // Nothing recorded: long blocks cost no memory and return to the host
    // less often (the records, when there are any, need neurons x block).
    if (setup.record.empty()) setup.block_steps = 1024;
    setup.random_seed = vm["seed"].as<std::uint64_t>();
    setup.backend = read_backend(vm);

    // Files it will write: never one of its own inputs (checked before the run).
    if (vm.count("out")) {
        const std::string prefix = vm["out"].as<std::string>();
        for (const auto& var : setup.record) check_output_file(vm, "--out", prefix + "_" + var + ".csv");
        if (m.threshold)
            for (const char* suffix : {"_spikes.csv", "_spike_steps.csv"}) check_output_file(vm, "--out", prefix + suffix);
    }
    // The recorded values are kept whole until written: say so before
    // asking for more memory than the machine has.
    check_memory(static_cast<double>(setup.record.size()) * static_cast<double>(setup.n_neurons) *
                     static_cast<double>(setup.n_steps) * sizeof(double),
                 "to keep the recorded values (" + std::to_string(setup.record.size()) + " variables x " +
                     std::to_string(setup.n_neurons) + " neurons x " + std::to_string(setup.n_steps) + " steps)",
                 "record fewer variables or neurons, or a shorter duration");
    const plugin_registry registry = load_plugins(vm, io.err, {plugin_kind::integrator, plugin_kind::backend});
    const recorded_simulation result = simulate(m, setup, registry);

    std::size_t spikes = 0, diverged = 0;
    for (const auto& s : result.spike_steps) spikes += s.size();
    for (bool d : result.summary.diverged) diverged += d;
    io.out << "simulated " << setup.n_neurons << " neurons x " << setup.n_steps << " steps of " << format_quantity({setup.dt, dimension::of(dimension::time)})
           << " with " << result.summary.method << " (" << result.summary.backend << ") in " << result.run_seconds
           << " s (prepared in " << result.prepare_seconds << " s); " << spikes << " spikes\n";
    for (const auto& w : result.summary.warnings) io.err << "cellfit simulate: warning: " << w << "\n";
    if (diverged)
        io.err << "cellfit simulate: warning: " << diverged << " neuron(s) diverged (a state became NaN or infinite)\n";

    if (vm.count("out")) {
        const std::string prefix = vm["out"].as<std::string>();
        for (std::size_t r = 0; r < setup.record.size(); ++r) {
            std::vector<const double*> rows;
            for (std::size_t n = 0; n < setup.n_neurons; ++n) rows.push_back(result.values[r].data() + n * setup.n_steps);
            write_csv(prefix + "_" + setup.record[r] + ".csv", rows, std::vector<std::size_t>(setup.n_neurons, setup.n_steps));
            io.out << "wrote " << prefix << "_" << setup.record[r] << ".csv\n";
        }
        if (m.threshold) {
            std::vector<std::vector<double>> times(setup.n_neurons), steps(setup.n_neurons);
            for (std::size_t n = 0; n < setup.n_neurons; ++n)
                for (std::size_t k : result.spike_steps[n]) {
                    steps[n].push_back(static_cast<double>(k));
                    times[n].push_back(static_cast<double>(k) * setup.dt);
                }
            for (const auto& [suffix, table] : {std::pair{"_spikes.csv", &times}, std::pair{"_spike_steps.csv", &steps}}) {
                std::vector<const double*> rows;
                std::vector<std::size_t> lengths;
                for (const auto& row : *table) {
                    rows.push_back(row.data());
                    lengths.push_back(row.size());
                }
                write_csv(prefix + suffix, rows, lengths);
                io.out << "wrote " << prefix << suffix << "\n";
            }
        }
    }
    return 0;
}

} // namespace

command simulate_command() {
    return {
        "simulate",
        "Simulate a model for many neurons at once and write the recorded traces and spikes as CSV.",
        "cellfit simulate --model FILE [model flags] [--param NAME=Q[,Q...]]... [--init VAR=EXPR[,EXPR...]]...\n"
        "                        [--input VAR=FILE.csv:UNIT]... [--timed-array NAME=FILE.csv:UNIT]... [--dt Q]\n"
        "                        [--duration Q] [--neurons N] [--record VAR,...] [--out PREFIX] [--threads N]\n"
        "                        [--seed N]",
        [](po::options_description& options) {
            add_model_options(options);
            options.add_options()
                ("param", po::value<std::vector<std::string>>()->value_name("NAME=Q[,Q...]"),
                 "parameter values: one for all neurons or one per neuron, e.g. gl=10*nS,20*nS (repeatable)")
                ("init", po::value<std::vector<std::string>>()->value_name("VAR=EXPR[,EXPR...]"),
                 "initial values, in order: one expression for all neurons or one per neuron; commas inside "
                 "parentheses belong to the expression (repeatable)")
                ("input", po::value<std::vector<std::string>>()->value_name("VAR=FILE.csv:UNIT"),
                 "an input variable the model uses but does not define: rows = traces, columns = steps (repeatable)")
                ("timed-array", po::value<std::vector<std::string>>()->value_name("NAME=FILE.csv:UNIT"),
                 "a function NAME(t, i) as Brian's TimedArray: rows = neurons or traces, columns = steps (repeatable)")
                ("dt", po::value<std::string>()->value_name("Q"), "time step (default 0.1*ms)")
                ("duration", po::value<std::string>()->value_name("Q"), "simulated time (default: the inputs' length)")
                ("neurons", po::value<whole_number>()->value_name("N"),
                 "number of neurons (default: the per-neuron values, else the input traces, else 1)")
                ("record", po::value<std::vector<std::string>>()->value_name("VAR,..."),
                 "state variables and subexpressions to record at the start of each step")
                ("out", po::value<std::string>()->value_name("PREFIX"),
                 "write PREFIX_<var>.csv (rows = neurons, columns = steps, SI), PREFIX_spikes.csv (seconds) and "
                 "PREFIX_spike_steps.csv")
                ("seed", po::value<std::uint64_t>()->default_value(1)->value_name("N"),
                 "key of the random draws (rand(), randn(), xi): the same seed gives the same numbers, whatever "
                 "--threads and --backend")
                ;
            add_backend_options(options);
            add_plugin_dir_option(options);
        },
        run_simulate,
    };
}

} // namespace cellfit::cli
