#pragma once

// The optimizer a fit runs when none is named, chosen from its budget:
// samples per round, rounds, and the number of fitted parameters.
// bench/search-quality measured the rule (bench/README.md):
// - multistart (Levenberg-Marquardt descents from a Sobol screen) for traces
//   scored by mse without a penalty, with rounds of 2 x (parameters + 1)
//   samples or more and a round after the screen: at 20 x 10, 60 x 3 and
//   60 x 10 its median reached the floor of the HH traces (both starting
//   states) and the multimodal oscillator, which no population method did.
// - Differential evolution (rand-to-best/1/exp, F = 0.5) for other errors,
//   with rounds of 10 samples or more, 3 or more per parameter: at 60 x 10
//   it beat CMA-ES on the AdEx spike trains, an HH features fit and (before
//   multistart) the traces, and at 60 x 100 it found the AdEx truth where
//   CMA-ES stalled.
// - CMA-ES with fewer samples a round (at 8 x 75 it did better, adapting
//   over many generations; there multistart's descents are cut to a step
//   a round), and for a smooth error over more than 30 rounds.
// - NSGA-II for multi-objective fits.
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

// What the choice needs to know of a fit's error.
enum class error_shape {
    residuals,  // traces scored by mse, no penalty: a sum of squared residuals, which multistart descends
    smooth,     // changes smoothly with the parameters (other trace metrics, or a penalty)
    stepwise,   // changes in steps: spike coincidences (gamma), features
};

CELLFIT_API optimizer_choice choose_optimizer(std::size_t samples_per_round, std::size_t rounds, std::size_t parameters,
                                              bool multi_objective, error_shape shape);

// What, besides its metrics, decides the shape of a fit's error.
struct fit_error_traits {
    bool spike_fit = false;
    bool online = false;              // the online trace fitter: no traces kept, so no residuals
    bool has_penalty = false;         // a penalty is not a squared residual
    bool reads_neuron_index = false;  // i or N: the descents would see other values (multistart.hpp)
};

// The choice for a fit's options (its rounds, metrics, multi_objective), as
// the fitter and the command line make it.
CELLFIT_API optimizer_choice choose_optimizer(const fit_options& options, std::size_t samples_per_round,
                                              std::size_t parameters, const fit_error_traits& traits);

// The shape of a fit's error from its metrics (with or without "metric.";
// none: mse for traces) and its traits: squared residuals only for traces
// scored by mse, kept whole, without a penalty or i and N.
CELLFIT_API error_shape error_shape_of(const fit_error_traits& traits, const std::vector<std::string>& metric_names);

// The chosen optimizer's options with the ones the user gave over them (same
// key: the user's value; new keys appended).
CELLFIT_API std::vector<std::pair<std::string, std::string>> merge_options(
    const std::vector<std::pair<std::string, std::string>>& chosen, const std::vector<std::pair<std::string, std::string>>& given);

} // namespace cellfit
