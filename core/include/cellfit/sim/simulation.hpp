#pragma once

#include <cellfit/export.hpp>
#include <cellfit/model/model.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cellfit {

class plugin_registry;

// Values of an input variable or timed array: rows x steps, SI units. Row r
// drives neuron i when rows == number of neurons (r = i), or, for fits, when
// rows == number of traces (r = i % n_traces).
struct lookup_table {
    std::size_t rows = 0;
    std::size_t steps = 0;
    std::vector<double> values;  // row-major
};

// How the step runs: C++ generated from the model and compiled (the
// default; falls back to the interpreter, with a warning, when no compiler
// works), or the interpreter, which needs no compiler.
enum class simulation_backend { compiled, interpreter };

// Derivatives of the simulation with respect to parameters (for gradients):
// discrete carries the exact derivative of each step's statements;
// continuous integrates the sensitivity equations with the model.
enum class sensitivity_kind { none, discrete, continuous };

struct simulation_setup {
    simulation_backend backend = simulation_backend::compiled;
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
    sensitivity_kind sensitivity = sensitivity_kind::none;
    std::vector<std::string> sensitivity_parameters;
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
    std::string backend;                   // "compiled" or "interpreter"
    std::vector<std::string> warnings;     // e.g. the fallback to the interpreter
    std::vector<bool> diverged;            // per neuron: a state became NaN or infinite
    std::map<std::string, std::vector<double>> final_state;  // every state variable (and lastspike), after the last step
};

class CELLFIT_API simulator {
public:
    // Checks the setup against the model and prepares the update program.
    // Throws input_error (bad setup), model_error (bad initial value).
    simulator(const model& m, const simulation_setup& setup, const plugin_registry& registry);
    ~simulator();
    simulator(simulator&&) noexcept;

    const std::string& method() const noexcept;
    // "compiled" (with the library's path) or "interpreter".
    std::string backend() const;
    // Simulates from the current state: from time 0 after construction or
    // restart(), on from the last step after a run.
    simulation_summary run(simulation_consumer& consumer);

    // Back to time 0 with new values for some parameters (the others keep
    // theirs) and the initial values evaluated again. The update program and
    // compiled kernel are kept: this is how a fit runs round after round.
    // Throws input_error as the constructor does.
    void restart(const std::map<std::string, std::vector<double>>& parameters);

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
