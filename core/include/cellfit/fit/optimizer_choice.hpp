#pragma once

// The optimizer a fit runs when none is named, chosen from its budget:
// samples per round, rounds, and the number of fitted parameters.
// bench/search-quality measured the rule (bench/README.md). Differential
// evolution (rand-to-best/1/exp, F = 0.6) for at most 30 rounds of 10
// samples or more, 3 or more per parameter: at 60 x 10 and 20 x 30 it
// reached lower errors than CMA-ES on the HH traces, the AdEx spike trains,
// an HH features fit and a multimodal oscillator. CMA-ES otherwise: with 8
// samples a round it did better, adapting over many generations, and over
// 40 rounds on the HH traces it converged to the optimum where DE stopped
// 0.03 % above it (on AdEx at 60 x 100, DE did better: not yet used).
// Multi-objective fits get NSGA-II.
// The command line records the choice in the results file, so a resumed fit
// keeps it.

#include <cellfit/export.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace cellfit {

struct optimizer_choice {
    std::string name;                                          // "pagmo.de"
    std::vector<std::pair<std::string, std::string>> options;  // {{"variant", "3"}, {"F", "0.6"}}
    std::string reason;                                        // one line, for people
};

CELLFIT_API optimizer_choice choose_optimizer(std::size_t samples_per_round, std::size_t rounds, std::size_t parameters,
                                              bool multi_objective);

// The chosen optimizer's options with the ones the user gave over them (same
// key: the user's value; new keys appended).
CELLFIT_API std::vector<std::pair<std::string, std::string>> merge_options(
    const std::vector<std::pair<std::string, std::string>>& chosen, const std::vector<std::pair<std::string, std::string>>& given);

} // namespace cellfit
