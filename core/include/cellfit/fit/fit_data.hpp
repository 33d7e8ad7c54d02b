#pragma once

// What a fitter is given: the inputs and the recording (fit_data), and its
// fixed choices (fitter_settings: brian2modelfitting's constructor arguments).

#include <cellfit/lookup_table.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cellfit {

class round_exchange;

// A recorded variable to fit: one row per input trace, one value per step, SI.
struct trace_output {
    std::string variable{};  // a state variable or subexpression of the model
    std::vector<std::vector<double>> traces{};
};

// What the fit is given besides the model: the inputs and the recording.
struct fit_data {
    double dt = 0;            // seconds: the sampling interval of the recording
    std::size_t n_steps = 0;  // 0: the length of the inputs
    // Inputs and timed arrays by name: one row per trace (or one for all).
    std::map<std::string, lookup_table> inputs{};
    std::vector<trace_output> outputs{};          // traces to fit (TraceFitter, OnlineTraceFitter)
    std::vector<std::vector<double>> spikes{};    // spike times in seconds, one list per trace (SpikeFitter)
};

// The fitter's fixed choices (brian2modelfitting's constructor arguments
// besides the model and data).
struct fitter_settings {
    std::size_t n_samples = 30;  // samples per round; the optimizer may round it
    std::string method{};          // integrator; empty: Brian's default choice
    std::string backend = "compiled";  // a backend plugin's name (simulation_setup::backend)
    unsigned threads = 1;
    // Parameters that are not fitted, in SI: one value for all samples.
    std::map<std::string, double> fixed_parameters{};
    // Initial values in order, as expressions (they may use the parameters).
    std::vector<std::pair<std::string, std::string>> param_init{};
    // A state variable or subexpression whose value at the end of each
    // simulation, averaged over the traces, is added to the sample's error.
    std::string penalty{};
    // Spreads each round's samples over processes (the command line's MPI
    // ranks); nullptr: this process simulates every sample.
    std::shared_ptr<round_exchange> exchange{};
};

} // namespace cellfit
