// The fitter: checks the model and data once, then runs rounds of
// ask (optimizer) -> simulate and score (batch_evaluator) -> tell.

#include "fit_diagnostics.hpp"
#include "fitter_state.hpp"

#include <cellfit/error.hpp>
#include <cellfit/fit/fitter.hpp>
#include <cellfit/fit/multistart.hpp>
#include <cellfit/fit/optimizer_choice.hpp>
#include <cellfit/fit/round_exchange.hpp>
#include <cellfit/optimizer.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/sim/integrator_choice.hpp>
#include <cellfit/sim/lower.hpp>
#include <cellfit/suggest.hpp>
#include <cellfit/io/numbers.hpp>
#include <cellfit/units/quantity.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <cmath>
#include <limits>

namespace cellfit {


model build_fit_model(const model_spec& spec) { return build_model(detail::with_iteration(spec)); }

fitter::fitter(fit_target target, const model_spec& spec, fit_data data, fitter_settings settings,
               const plugin_registry& registry) {
    model m = build_fit_model(spec);
    const auto shape = detail::check_fit_data(target, m, data, settings);
    // A spike fit integrates with exponential Euler unless told otherwise, as
    // brian2modelfitting's SpikeFitter does.
    const bool default_spike_method = target == fit_target::spikes && settings.method.empty();
    if (default_spike_method) settings.method = "exponential_euler";
    state_ = std::make_unique<state>(target, std::move(m), std::move(data), std::move(settings), registry);
    state_->n_traces = shape.n_traces;
    state_->n_steps = shape.n_steps;
    state_->data.n_steps = shape.n_steps;
    // The integrator is chosen once, here, so that a fit can name it before
    // it runs; an integrator that cannot run the model fails here too.
    const simulation_setup setup = state_->base_setup(state_->n_traces);
    const ode_system system = ode_system_of(state_->m, setup);  // its own errors (--init) stand as they are
    try {
        state_->method = choose_integrator(system, setup.method, registry).name;
    } catch (const input_error& e) {
        if (!default_spike_method) throw;
        throw input_error(std::string(e.what()) + ". A spike fit integrates with exponential_euler unless told "
                                                  "otherwise, as brian2modelfitting's SpikeFitter; choose one of "
                                                  "those with --method (method in the C++ API)");
    }
    state_->method_origin = default_spike_method ? "the spike fitter's default, as brian2modelfitting's SpikeFitter"
                            : state_->settings.method.empty() ? "Brian's default choice"
                                                              : "given";
    // Brian falls back to euler where exponential Euler would do better (a
    // conductance-based model): the choice is Brian's, but say so.
    if (state_->settings.method.empty() && state_->method == "euler" &&
        registry.find(plugin_kind::integrator, "exponential_euler") &&
        registry.create<integrator>("exponential_euler")->cannot_integrate(system).empty())
        state_->method_origin += "; exponential_euler can integrate this model too and is more stable for "
                                 "conductance-based models: --method exponential_euler";
    // The integrator named is the one that runs.
    if (state_->method != "none") state_->settings.method = state_->method;
    state_->data_warnings = detail::data_unit_warnings(state_->m, state_->data);
    for (auto& w : detail::default_initial_value_warnings(state_->m, state_->settings))
        state_->data_warnings.push_back(std::move(w));
}

fitter::~fitter() = default;
fitter::fitter(fitter&&) noexcept = default;

const fit_results& fitter::results() const noexcept { return state_->results; }
const model& fitter::fitted_model() const noexcept { return state_->m; }
std::size_t fitter::n_traces() const noexcept { return state_->n_traces; }
std::size_t fitter::n_steps() const noexcept { return state_->n_steps; }
double fitter::dt() const noexcept { return state_->data.dt; }
void fitter::stop() noexcept { state_->stop_requested.store(true); }
void fitter::seed_random_draws(std::uint64_t seed) noexcept { state_->random_seed = seed; }

void fitter::describe_results(std::string json_object) {
    state_->description = std::move(json_object);
    state_->results.description = state_->description;
}
const std::string& fitter::method() const noexcept { return state_->method; }
const std::string& fitter::optimizer_name() const noexcept { return state_->optimizer_name; }
const std::vector<std::pair<std::string, std::string>>& fitter::optimizer_options() const noexcept {
    return state_->optimizer_options;
}
const std::string& fitter::method_origin() const noexcept { return state_->method_origin; }
std::size_t fitter::population_size() const noexcept { return state_->population; }
std::string fitter::population_note() const { return state_->opt ? state_->opt->population_note() : std::string(); }

std::vector<std::string> fitter::setup_warnings() const {
    const state& s = *state_;
    std::vector<std::string> warnings = s.data_warnings;
    if (!s.started) return warnings;
    warnings.insert(warnings.end(), s.start_warnings.begin(), s.start_warnings.end());
    if (s.population != s.settings.n_samples) {
        const std::string why = s.opt->population_note();
        warnings.push_back("optimizer." + s.optimizer_name + " uses " + std::to_string(s.population) +
                           " samples per round, not " + std::to_string(s.settings.n_samples) +
                           (why.empty() ? "" : ": " + why));
    }
    return warnings;
}

simulation_setup fitter::state::base_setup(std::size_t n_neurons) const {
    simulation_setup setup;
    setup.backend = settings.backend;
    setup.method = settings.method;
    setup.dt = data.dt;
    setup.n_steps = n_steps;
    setup.n_neurons = n_neurons;
    setup.n_traces = n_traces;
    setup.threads = settings.threads;
    // Short blocks keep the recorded values in cache for the metrics
    // (measured on the HH example: 64 steps ~10 % faster than 256).
    setup.block_steps = 64;
    setup.lookups = data.inputs;
    for (const auto& [name, value] : settings.fixed_parameters) setup.parameters[name] = {value};
    setup.parameters[detail::iteration_name] = {0.0};
    setup.random_seed = random_seed;
    for (const auto& [name, text] : settings.param_init) setup.initial_values.push_back({name, {text}});
    return setup;
}

std::vector<bound_metric> fitter::state::make_metrics(const fit_options& options, std::vector<dimension>& dims) const {
    std::vector<std::string> outputs;
    if (target == fit_target::spikes)
        outputs.push_back("spikes");
    else
        for (const auto& o : data.outputs) outputs.push_back(o.variable);
    for (const auto& c : options.metrics)
        if (!c.output.empty() && std::find(outputs.begin(), outputs.end(), c.output) == outputs.end())
            throw input_error("a metric is given for '" + c.output + "', which is not an output of this fit (outputs: " +
                              join_alternatives(outputs, ", ") + ")");
    std::vector<bound_metric> metrics;
    for (std::size_t k = 0; k < outputs.size(); ++k) {
        const metric_choice* c = detail::choice_for(options.metrics, outputs[k]);
        bound_metric bm;
        bm.output = outputs[k];
        bm.name = c ? detail::plain_name(c->name, "metric") : target == fit_target::spikes ? "gamma" : "mse";
        if (c) bm.options = c->options;
        if (target == fit_target::online_traces && bm.name != "mse")
            throw input_error("the online trace fitter accumulates the mean squared error as it simulates; metric." +
                              bm.name + " is for the trace fitter");
        bm.scorer = registry.create<metric>(bm.name, bm.options);
        if (target == fit_target::spikes && !bm.scorer->uses_spikes())
            throw input_error("metric." + bm.name + " compares traces; a fit to spike times needs a spike metric such as "
                              "gamma (or fit traces with --output)");
        if (target != fit_target::spikes && !bm.scorer->uses_traces())
            throw input_error("metric." + bm.name + " compares spike trains; give the recorded spike times (--spikes) to "
                              "use it, or a trace metric such as mse for --output " + outputs[k]);
        bm.setup.n_samples = share_count;
        bm.setup.n_traces = n_traces;
        bm.setup.n_steps = n_steps;
        bm.setup.dt = data.dt;
        if (target == fit_target::spikes)
            bm.setup.target_spikes = data.spikes;
        else
            bm.setup.target_traces = data.outputs[k].traces;
        const dimension output_dim = target == fit_target::spikes ? dimension{} : m.find(outputs[k])->dim;
        dims.push_back(output_dim.pow(rational(bm.scorer->error_unit_power())));
        metrics.push_back(std::move(bm));
    }
    return metrics;
}

void fitter::state::check_continuation(const fit_options& options) const {
    const char* fix = "; pass restart = true (cellfit fit --resume FILE --restart) to start over with it";
    if (!options.optimizer.empty() &&
        (detail::plain_name(options.optimizer, "optimizer") != optimizer_name || options.optimizer_options != optimizer_options))
        throw input_error("the optimizer differs from the one this fit started with (" + optimizer_name + ")" + fix);
    if (!options.metrics.empty()) {
        for (const auto& c : options.metrics) {
            const metric_choice* old = detail::choice_for(metric_choices, c.output);
            if (!old || detail::plain_name(old->name, "metric") != detail::plain_name(c.name, "metric") || old->options != c.options)
                throw input_error("the metric differs from the one this fit started with" + std::string(fix));
        }
    }
    if (!options.bounds.empty()) {
        bool same = options.bounds.size() == bounds.size();
        for (const auto& [name, b] : options.bounds) {
            auto it = bounds.find(name);
            same = same && it != bounds.end() && it->second.lower == b.lower && it->second.upper == b.upper &&
                   it->second.log_scale == b.log_scale;
        }
        if (!same) throw input_error("the bounds differ from those this fit started with" + std::string(fix));
    }
}

void fitter::state::start(const fit_options& options) {
    fitted = detail::check_bounds(m, options.bounds, settings.fixed_parameters);
    fitted_dims.clear();
    for (const auto& name : fitted) fitted_dims.push_back(m.find(name)->dim);
    penalty = options.penalty.value_or(settings.penalty);
    if (!penalty.empty()) detail::check_penalty(m, penalty);

    if (options.optimizer.empty()) {
        // None named: chosen from the budget; options given override the choice's.
        const optimizer_choice choice =
            choose_optimizer(options, settings.n_samples, fitted.size(),
                             {.spike_fit = target == fit_target::spikes,
                              .online = target == fit_target::online_traces,
                              .has_penalty = !penalty.empty(),
                              .reads_neuron_index = reads_neuron_index(m, settings.param_init)});
        optimizer_name = detail::plain_name(choice.name, "optimizer");
        optimizer_options = merge_options(choice.options, options.optimizer_options);
    } else {
        optimizer_name = detail::plain_name(options.optimizer, "optimizer");
        optimizer_options = options.optimizer_options;
    }
    multistart.reset();
    multistart_warnings.clear();
    if (is_multistart(optimizer_name)) {
        optimizer_name = "multistart";
        // Its starts: a randomly shifted Sobol design over the bounds.
        if (!registry.find(plugin_kind::optimizer, "random"))
            throw input_error("optimizer multistart draws its starts with optimizer.random (sampling=sobol), which is "
                              "not among the loaded plugins; check the plugin folders (cellfit plugins)");
        opt = registry.create<optimizer>("random", {{"sampling", "sobol"}});
    } else {
        opt = registry.create<optimizer>(optimizer_name, optimizer_options);
    }
    optimizer_setup os;
    for (const auto& name : fitted) {
        const fit_bound& b = options.bounds.at(name);
        os.parameters.push_back({name, b.lower, b.upper, b.log_scale});
    }
    os.population_size = settings.n_samples;
    os.budget = settings.n_samples * options.n_rounds;
    os.seed = options.seed;
    if (options.multi_objective) {
        os.n_objectives = (target == fit_target::spikes ? 1 : data.outputs.size()) + (penalty.empty() ? 0 : 1);
        if (os.n_objectives < 2)
            throw input_error("a multi-objective fit needs two objectives or more (outputs, or an output and a penalty); "
                              "this fit has one");
    }
    multi_objective = options.multi_objective;
    population = opt->initialize(os);
    const auto [first, last] = settings.exchange ? share_of(population, settings.exchange->rank(), settings.exchange->size())
                                                 : std::pair<std::size_t, std::size_t>{0, population};
    share_first = first;
    share_count = last - first;

    std::vector<dimension> dims;
    auto metrics = make_metrics(options, dims);
    results = fit_results{};
    results.parameter_names = fitted;
    for (const auto& d : fitted_dims) results.parameter_units.push_back(unit_name(d));
    for (std::size_t k = 0; k < metrics.size(); ++k) {
        results.objective_names.push_back(metrics[k].output);
        results.objective_units.push_back(unit_name(dims[k]));
        const dimension output_dim = target == fit_target::spikes ? dimension{} : m.find(metrics[k].output)->dim;
        results.objective_raw_factors.push_back(metrics[k].scorer->raw_error_factor());
        results.objective_raw_units.push_back(unit_name(output_dim.pow(rational(metrics[k].scorer->raw_error_unit_power()))));
    }
    const bool same_units = std::all_of(dims.begin(), dims.end(), [&](const dimension& d) { return d == dims.front(); });
    error_dim = same_units ? dims.front() : dimension{};
    start_warnings.clear();
    if (!same_units) {
        std::string list;
        for (std::size_t k = 0; k < metrics.size(); ++k)
            list += (list.empty() ? "" : ", ") + metrics[k].output + " in " + unit_name(dims[k]);
        start_warnings.push_back("the outputs' errors have different units (" + list +
                                 ") and are summed as plain SI numbers; give each output's metric a normalization "
                                 "(e.g. --metric-opt v.normalization=0.001) to weigh them");
    }
    if (!penalty.empty()) {
        const dimension pd = m.find(penalty)->dim;
        if (!(pd == error_dim))
            throw input_error("the penalty '" + penalty + "' has unit " + unit_name(pd) + ", but it is added to an error in " +
                              unit_name(error_dim) + "; declare it in " + unit_name(error_dim));
        results.objective_names.push_back("penalty");
        results.objective_units.push_back(unit_name(pd));
        results.objective_raw_factors.push_back(1.0);
        results.objective_raw_units.push_back(unit_name(pd));
    }
    results.error_unit = unit_name(error_dim);
    results.n_samples = population;

    random_seed = options.seed;
    simulation_setup setup = base_setup(share_count * n_traces);
    setup.first_neuron = share_first * n_traces;
    setup.total_neurons = population * n_traces;
    for (const auto& name : fitted) setup.parameters[name] = {options.bounds.at(name).lower};
    evaluator.reset();
    metric_choices = options.metrics;
    bounds = options.bounds;
    if (optimizer_name == "multistart") plan_multistart(options);
    if (share_count > 0)
        evaluator = std::make_unique<batch_evaluator>(m, std::move(setup), std::move(metrics), penalty,
                                                      detail::batch_layout{share_count, n_traces, n_steps, data.dt},
                                                      registry);
    iteration = options.start_iteration.value_or(0);
    results.first_iteration = iteration;
    results.optimizer_start_round = 0;
    results.description = description;
    round = 0;
    started = true;
}

std::string fitter::state::describe(const std::map<std::string, double>& params) const {
    std::string text;
    for (std::size_t k = 0; k < fitted.size(); ++k) {
        auto it = params.find(fitted[k]);
        if (it == params.end()) continue;
        text += (text.empty() ? "" : ", ") + fitted[k] + " = " + format_quantity({it->second, fitted_dims[k]}, 4);
    }
    return text;
}

matrix fitter::state::evaluate_share(const std::function<double(std::size_t, std::size_t)>& value,
                                     std::size_t round_iteration, std::uint64_t random_stream) {
    if (share_count == 0) return matrix(0, results.objective_names.size());
    std::map<std::string, std::vector<double>> values;
    for (std::size_t p = 0; p < fitted.size(); ++p) {
        auto& v = values[fitted[p]];
        v.resize(share_count * n_traces);
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = value(share_first + i / n_traces, p);
    }
    values[detail::iteration_name] = {static_cast<double>(round_iteration)};
    return evaluator->evaluate(values, random_stream);
}

matrix fitter::state::evaluate_round(const matrix& asked) {
    // The batch always has `population` samples (the compiled kernel is
    // built for that many neurons): fewer rows are padded with the last.
    const auto value = [&](std::size_t sample, std::size_t p) { return asked(std::min(sample, asked.rows() - 1), p); };
    round_exchange* exchange = settings.exchange && settings.exchange->size() > 1 ? settings.exchange.get() : nullptr;
    const std::size_t n_params = fitted.size(), n_objectives = results.objective_names.size();
    if (exchange) {
        round_message message{population, n_params, iteration, round, {}, false};
        message.samples.resize(population * n_params);
        for (std::size_t i = 0; i < population; ++i)
            for (std::size_t p = 0; p < n_params; ++p) message.samples[i * n_params + p] = value(i, p);
        exchange->send_round(message);
    }
    if (!exchange) return evaluate_share(value, iteration, round);
    // Every process's answer is received before any error is thrown: one
    // left unreceived would wait in its send, and the fit could not end.
    matrix objectives(population, n_objectives);
    std::exception_ptr failure;
    try {
        const matrix own = evaluate_share(value, iteration, round);
        std::copy(own.data(), own.data() + own.rows() * own.cols(), objectives.data() + share_first * n_objectives);
    } catch (...) {
        failure = std::current_exception();
    }
    for (std::size_t r = 1; r < exchange->size(); ++r) {
        try {
            const auto [first, last] = share_of(population, r, exchange->size());
            const std::vector<double> theirs = exchange->receive_objectives(r);
            if (theirs.size() != (last - first) * n_objectives)
                throw error("process " + std::to_string(r) + " returned " + std::to_string(theirs.size()) +
                            " objective values for " + std::to_string(last - first) + " samples x " +
                            std::to_string(n_objectives) + " objectives");
            std::copy(theirs.begin(), theirs.end(), objectives.data() + first * n_objectives);
        } catch (...) {
            if (!failure) failure = std::current_exception();
        }
    }
    if (failure) std::rethrow_exception(failure);
    return objectives;
}

void fitter::serve(const fit_options& options) {
    state& s = *state_;
    round_exchange* exchange = s.settings.exchange.get();
    if (!exchange || exchange->rank() == 0)
        throw input_error("fitter::serve is for the processes after the first of a round exchange; the first runs fit()");
    try {
        s.prepared.reset();
        s.started = false;
        s.start(options);
    } catch (const std::exception& e) {
        refuse_rounds(*exchange, e.what());
        throw;
    }
    while (const auto round = exchange->receive_round()) {
        try {
            if (round->descents) {
                if (!s.multistart)
                    throw input_error("the first process sent multistart descents to a fit set up with optimizer." +
                                      s.optimizer_name + "; every process must be given the same fit");
                const std::size_t n_params = s.fitted.size();
                if (round->n_parameters != n_params || round->samples.size() != round->population * n_params)
                    throw input_error("this process set up a multistart fit of " + std::to_string(n_params) +
                                      " parameters, the first process sent another; every process must be given "
                                      "the same fit");
                matrix starts(round->population, n_params);
                std::copy(round->samples.begin(), round->samples.end(), starts.data());
                const auto [first, last] = share_of(round->population, exchange->rank(), exchange->size());
                exchange->send_objectives(detail::flatten_records(s.run_starts(starts, first, last, round->iteration)), "");
                continue;
            }
            if (round->population != s.population || round->n_parameters != s.fitted.size())
                throw input_error("this process set up " + std::to_string(s.population) + " samples of " +
                                  std::to_string(s.fitted.size()) + " parameters per round, the first process " +
                                  std::to_string(round->population) + " of " + std::to_string(round->n_parameters) +
                                  "; every process must be given the same fit");
            const std::size_t n_params = s.fitted.size();
            const matrix own = s.evaluate_share(
                [&](std::size_t sample, std::size_t p) { return round->samples[sample * n_params + p]; },
                round->iteration, round->random_stream);
            exchange->send_objectives(std::vector<double>(own.data(), own.data() + own.rows() * own.cols()), "");
        } catch (const std::exception& e) {
            exchange->send_objectives({}, e.what());
        }
    }
}

namespace {

// Whether fit() may run what prepare() set up: everything start() reads from
// the options is the same (the callback is not compared: it is only called).
bool same_setup(const fit_options& a, const fit_options& b) {
    const auto same_metrics = [](const std::vector<metric_choice>& x, const std::vector<metric_choice>& y) {
        return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const metric_choice& m, const metric_choice& n) {
            return m.output == n.output && m.name == n.name && m.options == n.options;
        });
    };
    const auto same_bounds = [](const std::map<std::string, fit_bound>& x, const std::map<std::string, fit_bound>& y) {
        return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const auto& m, const auto& n) {
            return m.first == n.first && m.second.lower == n.second.lower && m.second.upper == n.second.upper &&
                   m.second.log_scale == n.second.log_scale;
        });
    };
    return a.optimizer == b.optimizer && a.optimizer_options == b.optimizer_options && same_metrics(a.metrics, b.metrics) &&
           a.n_rounds == b.n_rounds && a.start_iteration == b.start_iteration && a.penalty == b.penalty &&
           same_bounds(a.bounds, b.bounds) && a.seed == b.seed && a.multi_objective == b.multi_objective;
}

} // namespace

void fitter::prepare(const fit_options& options) {
    state& s = *state_;
    if (options.n_rounds == 0) throw input_error("the number of rounds must be at least 1");
    s.prepared.reset();
    if (!s.started || options.restart) {
        s.started = false;
        s.start(options);
        s.prepared = options;
    } else {
        s.check_continuation(options);
    }
}

fit_outcome fitter::fit(const fit_options& options) {
    state& s = *state_;
    if (options.n_rounds == 0) throw input_error("the number of rounds must be at least 1");
    // A fit prepared with these options runs as prepared; prepared with
    // others, no round has run since, so it starts again with these.
    const bool prepared = s.prepared && s.started && same_setup(*s.prepared, options);
    const bool fresh_start = s.prepared.has_value();
    s.prepared.reset();
    if (prepared) {
        // set up by prepare()
    } else if (!s.started || options.restart || fresh_start) {
        s.started = false;
        s.start(options);
    } else {
        s.check_continuation(options);
        if (options.start_iteration) s.iteration = *options.start_iteration;
    }
    // A stop asked for while the fit was starting (a kernel compiling) counts
    // too: the flag is cleared only when this fit() returns.
    struct clear_stop {
        std::atomic<bool>& flag;
        ~clear_stop() { flag.store(false); }
    } const clear{s.stop_requested};
    fit_outcome outcome;
    outcome.error_unit = s.results.error_unit;
    outcome.warnings = setup_warnings();

    for (std::size_t r = 0; r < options.n_rounds; ++r) {
        const auto round_start = std::chrono::steady_clock::now();
        matrix asked, objectives;  // the round's samples and their objectives
        matrix starts, start_errors;  // multistart's descents: their starts, and each one's lowest error
        std::size_t reused = 0;       // of those, the starts that are not new design points
        const bool descents = s.multistart && s.round > s.results.optimizer_start_round;  // after its screen
        if (descents) {
            reused = s.multistart_starts(s.results.samples, s.round, s.results.optimizer_start_round, starts);
            const auto records = s.run_multistart_round(starts);
            asked = matrix(records.size(), s.fitted.size());
            objectives = matrix(records.size(), s.results.objective_names.size());
            start_errors = matrix(starts.rows(), 1, std::numeric_limits<double>::infinity());
            for (std::size_t i = 0; i < records.size(); ++i) {
                std::copy(records[i].params.begin(), records[i].params.end(), asked.row(i).begin());
                std::copy(records[i].objectives.begin(), records[i].objectives.end(), objectives.row(i).begin());
                double total = 0;
                for (double e : records[i].objectives) total += e;
                if (total < start_errors(records[i].start, 0)) start_errors(records[i].start, 0) = total;
            }
        } else {
            asked = s.opt->ask(s.population);
            objectives = s.evaluate_round(asked);
        }

        matrix errors(asked.rows(), s.multi_objective ? objectives.cols() : 1);
        std::vector<double> totals(asked.rows());
        for (std::size_t i = 0; i < asked.rows(); ++i) {
            sample_record rec;
            rec.round = s.round;
            rec.params.assign(asked.row(i).begin(), asked.row(i).end());
            rec.objectives.assign(objectives.row(i).begin(), objectives.row(i).end());
            double total = 0;
            for (double e : rec.objectives) total += e;
            rec.error = std::isnan(total) ? std::numeric_limits<double>::infinity() : total;
            totals[i] = rec.error;
            if (s.multi_objective)
                for (std::size_t k = 0; k < objectives.cols(); ++k) errors(i, k) = rec.objectives[k];
            else
                errors(i, 0) = rec.error;
            s.results.samples.push_back(std::move(rec));
        }
        s.results.n_rounds = s.round + 1;
        if (descents)
            s.tell_design(starts, start_errors, reused);
        else
            s.opt->tell(asked, errors);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - round_start).count();
        s.results.round_seconds.push_back(seconds);
        // Diverged: a state became NaN or infinite, or the error overflowed.
        const auto n_diverged = static_cast<std::size_t>(
            std::count_if(totals.begin(), totals.end(), [](double e) { return !std::isfinite(e); }));
        s.results.round_diverged.push_back(n_diverged);
        ++s.iteration;
        ++s.round;
        ++outcome.rounds_run;

        if (options.callback) {
            const auto best = s.results.best_params();
            round_report report;
            report.round = s.round - 1;
            report.n_rounds = options.n_rounds;
            report.parameter_names = &s.fitted;
            report.samples = &asked;
            report.errors = &totals;
            report.best_params = &best;
            report.best_error = s.results.best_error();
            report.error_unit = s.results.error_unit;
            report.best_params_text = s.describe(best);
            report.best_error_text = std::isfinite(report.best_error)
                                         ? format_quantity({report.best_error, s.error_dim}, 4)
                                         : std::string("inf (every sample diverged)");
            report.seconds = seconds;
            report.diverged = n_diverged;
            if (options.callback(report)) {
                outcome.stopped = true;
                break;
            }
        }
        if (s.stop_requested.load()) {
            outcome.stopped = true;
            break;
        }
    }
    if (s.evaluator)
        for (const auto& w : s.evaluator->warnings()) outcome.warnings.push_back(w);
    outcome.warnings.insert(outcome.warnings.end(), s.multistart_warnings.begin(), s.multistart_warnings.end());
    outcome.best_params = s.results.best_params();
    outcome.best_error = s.results.best_error();
    for (auto& w : detail::divergence_warnings(s.results, s.method)) outcome.warnings.push_back(std::move(w));
    for (auto& w : detail::bound_warnings(s.m, s.bounds, outcome.best_params, "the best"))
        outcome.warnings.push_back(std::move(w));
    return outcome;
}

void fitter::resume(const fit_results& recorded, const fit_options& options) {
    state& s = *state_;
    s.prepared.reset();
    s.started = false;
    s.start(options);
    const char* fix = "; resume a fit with the set-up that made the file";
    if (recorded.parameter_names != s.results.parameter_names)
        throw input_error("the recorded fit has the parameters " + join_alternatives(recorded.parameter_names, ", ") +
                          ", this one " + join_alternatives(s.results.parameter_names, ", ") + fix);
    if (recorded.objective_names != s.results.objective_names)
        throw input_error("the recorded fit has the objectives " + join_alternatives(recorded.objective_names, ", ") +
                          ", this one " + join_alternatives(s.results.objective_names, ", ") + fix);
    if (!recorded.samples.empty() && recorded.n_samples != s.population)
        throw input_error("the recorded fit ran " + std::to_string(recorded.n_samples) + " samples per round, this one " +
                          std::to_string(s.population) + fix);
    // The recorded rounds, in order: round r's samples are contiguous.
    std::vector<std::pair<std::size_t, std::size_t>> rounds;  // [begin, end) of each round
    for (std::size_t k = 0; k < recorded.samples.size(); ++k) {
        const std::size_t r = recorded.samples[k].round;
        if (r == rounds.size() && (rounds.empty() || rounds.back().second == k))
            rounds.emplace_back(k, k + 1);
        else if (!rounds.empty() && r + 1 == rounds.size() && rounds.back().second == k)
            rounds.back().second = k + 1;
        else
            throw input_error("the recorded samples are not in rounds 0, 1, 2, ... (sample " + std::to_string(k + 1) +
                              " is in round " + std::to_string(r) + "); the file cannot be resumed");
    }
    if (recorded.optimizer_start_round > rounds.size())
        throw input_error("the recorded optimizer_start_round (" + std::to_string(recorded.optimizer_start_round) +
                          ") is after its last round (" + std::to_string(rounds.size()) + "); the file cannot be resumed");
    if (!options.restart) {
        const std::size_t n_params = s.fitted.size();
        for (std::size_t r = recorded.optimizer_start_round; r < rounds.size(); ++r) {
            if (s.multistart && r > recorded.optimizer_start_round) {  // its descents, after the screen
                s.replay_multistart_round(recorded, rounds[r].first, rounds[r].second, r);
                continue;
            }
            const auto [begin, end] = rounds[r];
            const matrix asked = s.opt->ask(s.population);
            bool same = asked.rows() == end - begin;
            for (std::size_t i = 0; same && i < asked.rows(); ++i)
                for (std::size_t p = 0; p < n_params; ++p)
                    same = same && detail::bit_equal(asked(i, p), recorded.samples[begin + i].params[p]);
            if (!same)
                throw input_error("optimizer." + s.optimizer_name + " does not propose the recorded samples in round " +
                                  std::to_string(r) + " (it proposes " + std::to_string(asked.rows()) +
                                  (asked.rows() == 0 ? std::string()
                                                     : ", first " + detail::sample_text(s.fitted, std::vector<double>(asked.row(0).begin(),
                                                                                                               asked.row(0).end()))) +
                                  "; the file records " + std::to_string(end - begin) + ", first " +
                                  detail::sample_text(s.fitted, recorded.samples[begin].params) +
                                  "): the file was made with another seed or set-up, or the optimizer cannot be replayed; "
                                  "--restart keeps the file's samples and starts a fresh optimizer");
            matrix errors(asked.rows(), s.multi_objective ? s.results.objective_names.size() : 1);
            for (std::size_t i = 0; i < asked.rows(); ++i) {
                const sample_record& rec = recorded.samples[begin + i];
                if (s.multi_objective)
                    for (std::size_t k = 0; k < errors.cols(); ++k) errors(i, k) = rec.objectives[k];
                else
                    errors(i, 0) = rec.error;
            }
            s.opt->tell(asked, errors);
        }
    }
    s.results.samples = recorded.samples;
    s.results.n_rounds = rounds.size();
    s.results.round_seconds = recorded.round_seconds;
    s.results.round_diverged = recorded.round_diverged;
    s.results.round_seconds.resize(rounds.size(), 0.0);
    s.results.round_diverged.resize(rounds.size(), 0);
    s.round = rounds.size();  // the random streams continue
    if (options.restart) {  // a fresh optimizer from the next round on
        s.results.optimizer_start_round = rounds.size();
        s.results.first_iteration = options.start_iteration.value_or(0);
        s.iteration = s.results.first_iteration;
    } else {
        s.results.optimizer_start_round = recorded.optimizer_start_round;
        s.results.first_iteration = recorded.first_iteration;
        s.iteration = recorded.first_iteration + (rounds.size() - recorded.optimizer_start_round);
    }
}

fitter::generated fitter::generate(const std::vector<std::string>& variables,
                                   const std::optional<std::map<std::string, double>>& params,
                                   const std::vector<std::pair<std::string, std::string>>& param_init,
                                   std::optional<std::size_t> iteration) const {
    const state& s = *state_;
    std::map<std::string, double> chosen;
    if (params) {
        chosen = *params;
    } else {
        chosen = s.results.best_params();
        if (chosen.empty()) throw input_error("nothing to generate: no fit has evaluated a finite sample yet; give parameters");
    }
    simulation_setup setup = s.base_setup(s.n_traces);
    for (const auto& [name, value] : chosen) {
        if (name == detail::iteration_name) continue;
        setup.parameters[name] = {value};
    }
    detail::check_all_parameters_set(s.m, setup.parameters);
    setup.parameters[detail::iteration_name] = {static_cast<double>(iteration.value_or(1000000000))};
    if (!param_init.empty()) {
        setup.initial_values.clear();
        for (const auto& [name, text] : param_init) setup.initial_values.push_back({name, {text}});
    }
    bool spikes = false;
    for (const auto& v : variables) {
        if (v == "spikes") {
            if (!s.m.threshold) throw input_error("cannot generate spikes: the model has no threshold (--threshold)");
            spikes = true;
        } else {
            setup.record.push_back(v);
        }
    }
    const recorded_simulation sim = simulate(s.m, setup, s.registry);
    generated out;
    for (std::size_t r = 0; r < setup.record.size(); ++r) {
        auto& rows = out.traces[setup.record[r]];
        for (std::size_t n = 0; n < s.n_traces; ++n)
            rows.emplace_back(sim.values[r].begin() + static_cast<std::ptrdiff_t>(n * s.n_steps),
                              sim.values[r].begin() + static_cast<std::ptrdiff_t>((n + 1) * s.n_steps));
    }
    if (spikes) {
        out.spikes.resize(s.n_traces);
        for (std::size_t n = 0; n < s.n_traces; ++n)
            for (std::size_t k : sim.spike_steps[n]) out.spikes[n].push_back(static_cast<double>(k) * s.data.dt);
    }
    return out;
}

} // namespace cellfit
