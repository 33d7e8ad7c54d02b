#pragma once

// The optimizer a fit runs when none is named, chosen from its budget:
// samples per round, rounds, and the number of fitted parameters.
// bench/search-quality measured the rule (bench/README.md). Differential
// evolution (rand-to-best/1/exp, F = 0.5) for rounds of 10 samples or more,
// 3 or more per parameter: at 60 x 10 it reached lower errors than CMA-ES
// on the HH traces, the AdEx spike trains, an HH features fit and a
// multimodal oscillator (and than the toolbox's DE on the three it can run),
// likewise at 20 x 30 on the first, second and fourth, and at 60 x 100 it
// found the AdEx truth where CMA-ES stalled. CMA-ES with fewer samples a round (8 x 75
// it did better, adapting over many generations), and for a smooth error
// (traces) over more than 30 rounds, where it converged to the HH optimum
// that DE stopped 0.03 % above. Multi-objective fits get NSGA-II.
// The command line records the choice in the results file, so a resumed fit
// keeps it.

#include <cellfit/export.hpp>
#include <cellfit/fit/fit_options.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace cellfit {

struct optimizer_choice {
    std::string name;                                          // "pagmo.de"
    std::vector<std::pair<std::string, std::string>> options;  // {{"variant", "3"}, {"F", "0.5"}}
    std::string reason;                                        // one line, for people
};

// `smooth_error`: the error changes smoothly with the parameters (traces
// scored by mse), not in steps (spike coincidences, features): smooth_error().
CELLFIT_API optimizer_choice choose_optimizer(std::size_t samples_per_round, std::size_t rounds, std::size_t parameters,
                                              bool multi_objective, bool smooth_error);

// The choice for a fit's options (its rounds, metrics, multi_objective), as
// the fitter and the command line make it.
CELLFIT_API optimizer_choice choose_optimizer(const fit_options& options, std::size_t samples_per_round,
                                              std::size_t parameters, bool spike_fit);

// False for a spike fit and for the metrics whose errors change in steps
// (gamma, features; with or without "metric.").
CELLFIT_API bool smooth_error(bool spike_fit, const std::vector<std::string>& metric_names);

// The chosen optimizer's options with the ones the user gave over them (same
// key: the user's value; new keys appended).
CELLFIT_API std::vector<std::pair<std::string, std::string>> merge_options(
    const std::vector<std::pair<std::string, std::string>>& chosen, const std::vector<std::pair<std::string, std::string>>& given);

} // namespace cellfit
