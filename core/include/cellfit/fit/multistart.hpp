#pragma once

// optimizer "multistart": a global search for trace fits made of many short
// Levenberg-Marquardt runs. The first round screens a randomly shifted Sobol
// design over the bounds (optimizer.random, sampling=sobol), simulated and
// scored like any round. Each later round runs descents: bounded least
// squares on the traces' residuals, with the Jacobian the `gradient` option
// names, from the best sample of the last round while its descent still
// gains, then from the screen's points in order of error, then from new
// design points. A descent ends when it converges or when its share of the
// round is spent: a residual evaluation costs 1 sample, a Jacobian n
// (finite differences of n parameters) or 1 + n (a simulation carrying n
// sensitivities), and no simulation starts that would pass the share. Every
// residual evaluation is recorded as a sample of the round, start after
// start, so the results, resume and the report read it as any fit's.
//
// It is built into the fitter, not an optimizer plugin: least squares needs
// the residuals of every step and trace, which the ask/tell contract (one
// error per sample) does not carry. What follows from that:
// - it fits traces scored by metric.mse only, without a penalty, with one
//   objective, and a model that does not read i or N;
// - --resume replays the screen and the starts, which depend only on the
//   recorded samples (a round is never cut: the file is written per round);
// - over MPI the starts of a round are spread over the ranks (a rank with
//   none waits), each start's records coming back to the first.

#include <cellfit/export.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/plugin_info.hpp>

#include <string>
#include <utility>
#include <vector>

namespace cellfit {

// Its name and options, as a plugin's metadata (`cellfit plugins` lists it,
// --opt is checked against it).
CELLFIT_API const plugin_info& multistart_info();

// Whether an optimizer name (with or without "optimizer.") is multistart.
CELLFIT_API bool is_multistart(const std::string& optimizer_name);

// Whether the model (or an initial value) reads i or N, which depend on a
// sample's place in the round: multistart refuses such a model, and the
// default choice passes it by.
CELLFIT_API bool reads_neuron_index(const model& m, const std::vector<std::pair<std::string, std::string>>& param_init);

} // namespace cellfit
