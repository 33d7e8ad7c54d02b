#pragma once

// How one fit() call runs: the optimizer, metrics, bounds and budget
// (fit_options), what a callback sees each round (round_report), and what
// the call returns (fit_outcome).

#include <cellfit/export.hpp>
#include <cellfit/matrix.hpp>
#include <cellfit/options.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cellfit {

// A fitted parameter's search interval, SI; log_scale searches log(x).
struct fit_bound {
    double lower = 0;
    double upper = 0;
    bool log_scale = false;
};

// One metric: for every output (output empty) or for one output variable.
// For a SpikeFitter the output is "spikes".
struct metric_choice {
    std::string output{};
    std::string name{};
    raw_options options{};
};

// What a callback sees after each round.
struct round_report {
    std::size_t round = 0;                     // 0, 1, ... over the fitter's life
    std::size_t n_rounds = 0;                  // rounds asked of this fit() call
    const std::vector<std::string>* parameter_names = nullptr;
    const matrix* samples = nullptr;           // this round's samples (rows), SI
    const std::vector<double>* errors = nullptr;  // their total errors
    const std::map<std::string, double>* best_params = nullptr;  // best so far, SI
    double best_error = 0;
    std::string error_unit;                    // of the total error
    std::string best_params_text;              // "gl = 10.2 nS, Cm = 198 pF"
    std::string best_error_text;               // "1.005 mV^2"
    double seconds = 0;                        // this round's wall time
    std::size_t diverged = 0;                  // samples of this round that diverged (error not finite)
};

// Returns true to stop the fit after this round.
using fit_callback = std::function<bool(const round_report&)>;

// The built-in callbacks: one line per round, or a progress bar that
// redraws itself on a terminal.
CELLFIT_API fit_callback text_callback(std::ostream& out);
CELLFIT_API fit_callback progress_callback(std::ostream& out);

struct fit_options {
    std::string optimizer{};       // empty: chosen from the budget (choose_optimizer)
    raw_options optimizer_options{};
    std::vector<metric_choice> metrics{};  // empty: mse for traces, gamma for spikes
    std::size_t n_rounds = 10;
    fit_callback callback{};               // none: silent
    bool restart = false;                // start over (new optimizer, metrics, bounds allowed)
    std::optional<std::size_t> start_iteration{};  // value of `iteration` in the first round
    std::optional<std::string> penalty{};  // overrides the fitter's penalty
    std::map<std::string, fit_bound> bounds{};  // by parameter name: these are fitted
    std::uint64_t seed = 1;
    // Tell the optimizer each objective (one per output, and the penalty)
    // instead of their sum: for multi-objective optimizers (pagmo.nsga2).
    bool multi_objective = false;
};

struct fit_outcome {
    std::map<std::string, double> best_params;  // SI
    double best_error = 0;
    std::string error_unit;
    std::size_t rounds_run = 0;    // in this call
    bool stopped = false;          // by the callback or stop()
    // fitter::setup_warnings() first (units, initial values, a population
    // the optimizer changed), then what the rounds found: diverged samples,
    // best parameters on a bound. Each says what to change.
    std::vector<std::string> warnings;
};

} // namespace cellfit
