#pragma once

#include <cellfit/backend.hpp>
#include <cellfit/export.hpp>
#include <cellfit/integrator.hpp>
#include <cellfit/lookup_table.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/step_program.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cellfit {

class plugin_registry;

// How derivatives with respect to parameters are computed, in simulations
// and refinements alike: finite_differences, by simulating perturbed
// parameters (the simulation itself carries none); discrete, the exact
// derivative of each step's statements carried with the simulation;
// sensitivity, the continuous sensitivity equations integrated with the model.
enum class gradient_kind { finite_differences, discrete, sensitivity };

struct simulation_setup {
    // The backend plugin that runs the step: "compiled" (C++ generated from
    // the model and compiled; the interpreter takes over, with a warning,
    // when no compiler works), "interp" (needs no compiler), or any other.
    std::string backend = "compiled";
    std::string method;          // integrator name; empty: exact, then euler, then heun, as Brian chooses
    double dt = 1e-4;            // seconds
    std::size_t n_steps = 0;
    std::size_t n_neurons = 1;
    std::size_t n_traces = 1;    // neuron i is driven by trace i % n_traces
    // Parameter values in SI: one for all neurons, or one per neuron.
    std::map<std::string, std::vector<double>> parameters;
    // Initial values, assigned in this order: one expression for all
    // neurons, or one per neuron. They may use parameters, constants,
    // subexpressions and variables set before. Unlisted variables start at 0.
    std::vector<std::pair<std::string, std::vector<std::string>>> initial_values;
    std::map<std::string, lookup_table> lookups;  // inputs and timed arrays, by name
    std::vector<std::string> record;              // state variables and subexpressions
    unsigned threads = 1;
    std::size_t block_steps = 256;                // steps per streamed block
    // With sensitivities, `record` may name S_<var>__<param>: the derivative of
    // a state variable or subexpression with respect to the parameter
    // (0 where it is structurally zero).
    gradient_kind sensitivity = gradient_kind::finite_differences;
    std::vector<std::string> sensitivity_parameters;
    // rand(), randn() and xi: neuron n draws from the stream keyed by
    // (random_seed, random_stream, first_neuron + n), the same whatever the
    // threads, backend or split of neurons across processes. A fit passes its
    // round as the stream. With common_random_numbers, the neurons of one
    // trace share a stream (key index (first_neuron + n) % n_traces): samples
    // then differ by their parameters only, as finite differences need.
    std::uint64_t random_seed = 0;
    std::uint64_t random_stream = 0;
    std::uint64_t first_neuron = 0;
    bool common_random_numbers = false;
    // The neurons of the whole run when this simulation is a share of it
    // (a fit's round split across processes; 0: n_neurons). The model sees
    // N = total_neurons and i = first_neuron + n, as in one process.
    std::uint64_t total_neurons = 0;
};

// Receives the simulation as it runs, block by block.
class CELLFIT_API simulation_consumer {
public:
    virtual ~simulation_consumer();
    // values[r][n * block + s]: recorded variable r of neuron n at step first_step + s.
    virtual void block(std::size_t first_step, std::size_t n_steps, const std::vector<const double*>& values) = 0;
    // A spike of `neuron` at step `step` (time step*dt), in step order.
    virtual void spike(std::size_t neuron, std::size_t step) = 0;
};

struct simulation_summary {
    std::string method;                    // the integrator used
    std::string backend;                   // the backend's label: "compiled", "interpreter", ...
    std::vector<std::string> warnings;     // e.g. the fallback to the interpreter
    std::vector<bool> diverged;            // per neuron: a state became NaN or infinite
    std::map<std::string, std::vector<double>> final_state;  // every state variable (and lastspike), after the last step
};

// Drives a backend through the step program: time 0, blocks of steps, the
// records and spikes to a consumer, divergence and the final state.
class CELLFIT_API simulator {
public:
    // Checks the setup, chooses the integrator (setup.method, or Brian's
    // choice) and the backend (setup.backend) from the registry, lowers the
    // model and prepares the backend. Throws input_error (bad setup),
    // model_error (bad initial value).
    simulator(const model& m, const simulation_setup& setup, const plugin_registry& registry);
    // The same with the integrator (named `method`; null when the model has
    // no ODE) and the backend given; setup.method and setup.backend are not
    // read. The simulator prepares the backend, which then reads the
    // simulator's own tables: give each simulator a backend of its own. Throws
    // error when the backend is unavailable here, or the model has ODEs and
    // no integrator is given.
    simulator(const model& m, const simulation_setup& setup, std::shared_ptr<const integrator> integ,
              const std::string& method, std::shared_ptr<cellfit::backend> engine);
    ~simulator();
    simulator(simulator&&) noexcept;

    const std::string& method() const noexcept;
    // The backend, with details: "compiled (<library path>)", "interpreter".
    std::string backend() const;
    // Simulates from the current state: from time 0 after construction or
    // restart(), on from the last step after a run.
    simulation_summary run(simulation_consumer& consumer);

    // Back to time 0 with new values for some parameters (the others keep
    // theirs) and the initial values evaluated again. The update program and
    // compiled kernel are kept: this is how a fit runs round after round.
    // Throws input_error as the constructor does. A random_stream replaces
    // the setup's (a fit's next round draws new noise).
    void restart(const std::map<std::string, std::vector<double>>& parameters,
                 std::optional<std::uint64_t> random_stream = std::nullopt);

private:
    struct state;
    std::unique_ptr<state> state_;
};

// Everything recorded, in memory: values[r][n * n_steps + k].
struct recorded_simulation {
    std::vector<std::vector<double>> values;
    std::vector<std::vector<std::size_t>> spike_steps;  // per neuron
    simulation_summary summary;
    double prepare_seconds = 0;  // integrator, kernel generation and compilation (or cache load)
    double run_seconds = 0;
};

CELLFIT_API recorded_simulation simulate(const model& m, const simulation_setup& setup,
                                         const plugin_registry& registry);

} // namespace cellfit
