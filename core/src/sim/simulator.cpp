// The simulator: lowers the model once, hands the step program to a backend,
// sets time 0 (parameters and initial values, evaluated here), and drives the
// backend block by block, passing records and spikes (in step order) to the
// consumer. It touches no simulation memory itself.

#include <cellfit/error.hpp>
#include <cellfit/expr/transform.hpp>
#include <cellfit/random_stream.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/sim/integrator_choice.hpp>
#include <cellfit/sim/lower.hpp>
#include <cellfit/sim/simulation.hpp>

#include <algorithm>
#include <chrono>
#include <map>

namespace cellfit {

simulation_consumer::~simulation_consumer() = default;

struct simulator::state {
    const model& m;
    simulation_setup setup;  // the simulator's own copy: the backend reads its tables
    std::string method;
    step_program program;
    std::shared_ptr<cellfit::backend> engine;
    std::vector<std::string> warnings;

    state(const model& model, const simulation_setup& s) : m(model), setup(s) {}

    backend_setup engine_setup() const {
        return {setup.n_neurons, setup.dt, setup.threads, &setup.lookups, setup.first_neuron,
                setup.total_neurons ? setup.total_neurons : setup.n_neurons};
    }

    // Time 0: parameters, initial values and bookkeeping slots set afresh.
    void reset_engine();
};

namespace {

// The backend the setup names, prepared; the interpreter, with a warning,
// when the compiled one is unavailable here (no compiler).
std::shared_ptr<backend> prepared_backend(const plugin_registry& registry, const std::string& name,
                                          const step_program& program, const backend_setup& setup,
                                          std::vector<std::string>& warnings) {
    auto engine = registry.create<backend>(name);
    const std::string unavailable = engine->prepare(program, setup);
    if (unavailable.empty()) return engine;
    // Only the default falls back: a backend asked for by name runs or fails.
    if (name != "compiled") throw error("the backend " + name + " is unavailable here: " + unavailable);
    warnings.push_back("the " + name + " backend is unavailable (" + unavailable + "); using the interpreter, which is slower");
    engine = registry.create<backend>("interp");
    if (const std::string reason = engine->prepare(program, setup); !reason.empty())
        throw error("the interpreter backend is unavailable: " + reason);
    return engine;
}

} // namespace

simulator::simulator(const model& m, const simulation_setup& setup, const plugin_registry& registry)
    : state_(std::make_unique<state>(m, setup)) {
    state& s = *state_;
    check_simulation_setup(m, setup);
    const auto chosen = choose_integrator(ode_system_of(m, setup), setup.method, registry);
    s.method = chosen.name;
    s.program = lower(m, setup, chosen.method.get());
    s.engine = prepared_backend(registry, setup.backend, s.program, s.engine_setup(), s.warnings);
    s.reset_engine();
}

simulator::simulator(const model& m, const simulation_setup& setup, std::shared_ptr<const integrator> integ,
                     const std::string& method, std::shared_ptr<cellfit::backend> engine)
    : state_(std::make_unique<state>(m, setup)) {
    state& s = *state_;
    check_simulation_setup(m, setup);
    s.method = integ ? method : "none";
    s.program = lower(m, setup, integ.get());
    s.engine = std::move(engine);
    if (const std::string unavailable = s.engine->prepare(s.program, s.engine_setup()); !unavailable.empty())
        throw error("the " + s.engine->label() + " backend is unavailable: " + unavailable);
    s.reset_engine();
}

void simulator::state::reset_engine() {
    const std::size_t n_neurons = setup.n_neurons;
    // The slots initial values may read, per neuron; unset slots are 0.
    std::map<slot_index, std::vector<double>> values;
    auto all = [&](double x) { return std::vector<double>(n_neurons, x); };
    values[program.dt] = all(setup.dt);
    values[program.N] = all(static_cast<double>(setup.total_neurons ? setup.total_neurons : n_neurons));
    values[program.i].resize(n_neurons);
    for (std::size_t n = 0; n < n_neurons; ++n) values[program.i][n] = static_cast<double>(setup.first_neuron + n);
    values[program.not_refractory] = all(1.0);
    values[program.lastspike] = all(-1e4);
    for (const auto& [name, given] : setup.parameters)
        values[program.slots.at(name)] = given.size() == 1 ? all(given[0]) : given;
    auto& key_hi = values[program.slots.at("_rng_key_hi")];
    auto& key_lo = values[program.slots.at("_rng_key_lo")];
    for (std::size_t n = 0; n < n_neurons; ++n) {
        const std::uint64_t index = setup.first_neuron + n;
        const std::uint64_t key = random_stream_key(setup.random_seed, setup.random_stream,
                                                    setup.common_random_numbers ? index % setup.n_traces : index);
        key_hi.push_back(random_key_high(key));
        key_lo.push_back(random_key_low(key));
    }
    // Initial values, in order, each neuron on its own (t = 0).
    for (const auto& init : program.initial) {
        if (!values.count(init.slot)) values[init.slot] = all(0.0);
        for (const auto& [target, d] : init.derivatives)
            if (!values.count(target)) values[target] = all(0.0);
        for (std::size_t n = 0; n < n_neurons; ++n) {
            auto value_of = [&](const expr::ptr& e) {
                return expr::evaluate(e, [&](const std::string& id) -> double {
                    if (id == "t") return 0.0;
                    if (auto it = program.slots.find(id); it != program.slots.end()) {
                        const auto v = values.find(it->second);
                        return v == values.end() ? 0.0 : v->second[n];
                    }
                    if (double x = 0; constant_value(m, id, x)) return x;
                    throw input_error("the initial value of " + init.name + " cannot use '" + id + "'");
                });
            };
            // Derivatives first: they read the values before this assignment.
            for (const auto& [target, d] : init.derivatives) values[target][n] = value_of(d.size() == 1 ? d[0] : d[n]);
            values[init.slot][n] = value_of(init.values.size() == 1 ? init.values[0] : init.values[n]);
        }
    }
    // A value the same for every neuron goes as one, so that a backend fills
    // its padding with it too (dt, N, refractoriness, shared parameters):
    // padding lanes then compute with sane numbers, never 0/0.
    std::vector<slot_values> initial;
    for (auto& entry : values) {
        std::vector<double>& v = entry.second;
        const double first = v[0];
        const bool uniform = entry.first != program.i && std::all_of(v.begin(), v.end(), [first](double x) { return x == first; });
        initial.push_back({entry.first, uniform ? std::vector<double>{first} : std::move(v)});
    }
    engine->reset(initial);
}

void simulator::restart(const std::map<std::string, std::vector<double>>& parameters,
                        std::optional<std::uint64_t> random_stream) {
    if (random_stream) state_->setup.random_stream = *random_stream;
    simulation_setup changed = state_->setup;
    for (const auto& [name, values] : parameters) changed.parameters[name] = values;
    check_simulation_setup(state_->m, changed);
    state_->setup.parameters = std::move(changed.parameters);
    state_->reset_engine();
}

simulator::~simulator() = default;
simulator::simulator(simulator&&) noexcept = default;

const std::string& simulator::method() const noexcept { return state_->method; }

std::string simulator::backend() const { return state_->engine->description(); }

simulation_summary simulator::run(simulation_consumer& consumer) {
    state& s = *state_;
    const simulation_setup& setup = s.setup;
    const std::size_t n_neurons = setup.n_neurons;
    const std::size_t block = std::max<std::size_t>(1, setup.block_steps);
    std::vector<std::vector<double>> buffers(s.program.record_slots.size(), std::vector<double>(n_neurons * block));
    simulation_summary summary;
    summary.method = s.method;
    summary.backend = s.engine->label();
    summary.warnings = s.warnings;
    summary.diverged.assign(n_neurons, false);
    block_output out;
    for (auto& b : buffers) out.records.push_back(b.data());
    std::vector<const double*> views(out.records.begin(), out.records.end());

    for (std::size_t k0 = 0; k0 < setup.n_steps; k0 += block) {
        const std::size_t k1 = std::min(setup.n_steps, k0 + block);
        out.spikes.clear();
        s.engine->run_block(k0, k1, out);
        consumer.block(k0, k1 - k0, views);
        std::sort(out.spikes.begin(), out.spikes.end());
        for (const auto& [step, neuron] : out.spikes) consumer.spike(neuron, step);
        // A neuron whose state is no longer finite is flagged and runs on.
        s.engine->mark_diverged(summary.diverged);
    }
    for (std::size_t k = 0; k < s.program.state_slots.size(); ++k)
        summary.final_state[s.program.state_names[k]] = s.engine->read(s.program.state_slots[k]);
    if (s.program.has_refractory) {
        summary.final_state["lastspike"] = s.engine->read(s.program.lastspike);
        summary.final_state["not_refractory"] = s.engine->read(s.program.not_refractory);
    }
    return summary;
}

recorded_simulation simulate(const model& m, const simulation_setup& setup, const plugin_registry& registry) {
    struct recorder final : simulation_consumer {
        recorded_simulation& out;
        std::size_t n_neurons, n_steps;
        recorder(recorded_simulation& o, std::size_t n, std::size_t steps) : out(o), n_neurons(n), n_steps(steps) {}
        void block(std::size_t first, std::size_t len, const std::vector<const double*>& values) override {
            for (std::size_t r = 0; r < values.size(); ++r)
                for (std::size_t n = 0; n < n_neurons; ++n)
                    std::copy_n(values[r] + n * len, len, out.values[r].begin() + static_cast<std::ptrdiff_t>(n * n_steps + first));
        }
        void spike(std::size_t neuron, std::size_t step) override { out.spike_steps[neuron].push_back(step); }
    };
    const auto start = std::chrono::steady_clock::now();
    simulator sim(m, setup, registry);
    const auto prepared = std::chrono::steady_clock::now();
    recorded_simulation result;
    // One vector per recorded variable, and nothing when nothing is recorded.
    result.values.resize(setup.record.size());
    for (auto& v : result.values) v.assign(setup.n_neurons * setup.n_steps, 0.0);
    result.spike_steps.resize(setup.n_neurons);
    recorder r(result, setup.n_neurons, setup.n_steps);
    result.summary = sim.run(r);
    result.prepare_seconds = std::chrono::duration<double>(prepared - start).count();
    result.run_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - prepared).count();
    return result;
}

} // namespace cellfit
