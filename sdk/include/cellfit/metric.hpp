#pragma once

#include <cellfit/export.hpp>
#include <cellfit/matrix.hpp>
#include <cellfit/plugin_info.hpp>
#include <cellfit/plugin_object.hpp>

#include <cstddef>
#include <vector>

namespace cellfit {

// What a metric compares against, and how the simulated neurons are laid
// out: neuron i carries sample i / n_traces and is driven by trace
// i % n_traces.
struct metric_setup {
    std::size_t n_samples = 0;
    std::size_t n_traces = 0;
    std::size_t n_steps = 0;
    double dt = 0;  // seconds
    // Recorded traces, n_traces rows of n_steps values in SI (for trace metrics).
    std::vector<std::vector<double>> target_traces;
    // Recorded spike times in seconds, one sorted list per trace (for spike metrics).
    std::vector<std::vector<double>> target_spikes;
};

// Scores a simulation as it streams: blocks of one recorded variable, and
// spike events in step order. One error per sample and trace.
class CELLFIT_API metric : public plugin_object {
public:
    static constexpr plugin_kind kind = plugin_kind::metric;

    // What the metric consumes; the fitter records and routes accordingly.
    virtual bool uses_traces() const = 0;
    virtual bool uses_spikes() const = 0;

    // Called before each simulation; throws input_error for targets the
    // metric cannot use (a spike train without spikes, say). The setup must
    // stay alive until errors() has been called.
    virtual void start(const metric_setup& setup) = 0;

    // values[n * n_steps_in_block + s]: the variable of neuron n at step first_step + s.
    virtual void block(std::size_t first_step, std::size_t n_steps_in_block, const double* values) = 0;
    virtual void spike(std::size_t neuron, std::size_t step) = 0;

    // n_samples x n_traces errors; NaN or +inf where a simulation diverged.
    virtual matrix errors() const = 0;

    // The errors' unit: the recorded variable's unit to this power (2 for a
    // mean squared error in the output's unit); 0 for a pure number.
    virtual int error_unit_power() const { return 0; }

    // What turns an error back into the raw, unnormalised one (the results
    // keep both): raw = error * raw_error_factor(), in the recorded
    // variable's unit to raw_error_unit_power(). 1 and error_unit_power()
    // when nothing is normalised; NaN when a normalisation cannot be undone.
    virtual double raw_error_factor() const { return 1; }
    virtual int raw_error_unit_power() const { return error_unit_power(); }
};

} // namespace cellfit
