#pragma once

// One batch of a fit: a population of parameter samples simulated against
// every input trace at once, scored as it streams by the metrics, one
// objective per metric (mean over traces) plus the penalty.

#include <cellfit/fit/fitter.hpp>
#include <cellfit/metric.hpp>
#include <cellfit/sim/simulation.hpp>

#include <memory>
#include <string>
#include <vector>

namespace cellfit::detail {

// A metric bound to what it scores.
struct bound_metric {
    std::string output;   // the recorded variable, or "spikes"
    std::string name;     // plugin name
    raw_options options;
    std::shared_ptr<metric> scorer;
    metric_setup setup;   // targets and shape; must outlive the scoring
};

struct batch_layout {
    std::size_t n_samples = 0;  // neurons = n_samples * n_traces
    std::size_t n_traces = 0;
    std::size_t n_steps = 0;
    double dt = 0;
};

class batch_evaluator {
public:
    // Prepares the simulator (the compiled kernel is built or loaded once).
    // `parameters` holds every parameter's initial values; `record` the
    // variables the metrics read.
    batch_evaluator(const model& m, simulation_setup setup, std::vector<bound_metric> metrics,
                    std::string penalty, const batch_layout& layout, const plugin_registry& registry);

    // Objective errors, n_samples rows x (metrics + penalty) columns; +inf
    // for a sample whose simulation diverged (a NaN or infinite state).
    // parameters: name -> one value per neuron (or one for all); the random
    // draws come from `random_stream` (the round).
    matrix evaluate(const std::map<std::string, std::vector<double>>& parameters, std::uint64_t random_stream);

    const std::vector<bound_metric>& metrics() const noexcept { return metrics_; }
    const std::string& method() const;
    std::vector<std::string> warnings() const { return warnings_; }

private:
    const model& m_;
    std::vector<bound_metric> metrics_;
    std::vector<std::size_t> record_index_;  // per metric: its variable's column in the recording (traces)
    std::string penalty_;
    batch_layout layout_;
    std::map<std::string, std::vector<double>> parameters_;  // every parameter's current values
    simulator sim_;
    std::vector<std::string> warnings_;
};

// The value of a state variable or subexpression at the end of a
// simulation, per neuron, from the final state and the parameters.
std::vector<double> final_values(const model& m, const std::string& variable, const simulation_summary& summary,
                                 const std::map<std::string, std::vector<double>>& parameters, std::size_t n_neurons,
                                 double t_end);

} // namespace cellfit::detail
