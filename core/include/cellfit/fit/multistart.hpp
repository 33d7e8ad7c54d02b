#pragma once

// optimizer "multistart": a global search for trace fits made of many short
// Levenberg-Marquardt runs. Each round takes the next points of a randomly
// shifted Sobol design over the bounds (optimizer.random, sampling=sobol) as
// starts and runs bounded least squares from each on the traces' residuals,
// with the Jacobian the `gradient` option names, until the start has spent
// its share of the round's samples. Budget: a round spends at most
// `samples` evaluations; a residual evaluation costs 1, a Jacobian n (finite
// differences of n parameters) or 1 + n (a simulation carrying n
// sensitivities). Every residual evaluation is recorded as a sample of the
// round, start after start, so the results, resume and the report read it
// as any fit's.
//
// It is built into the fitter, not an optimizer plugin: least squares needs
// the residuals of every step and trace, which the ask/tell contract (one
// error per sample) does not carry. What follows from that:
// - it fits traces scored by metric.mse only, without a penalty, with one
//   objective (the errors it records are mse's, output by output);
// - --resume replays the Sobol design and continues with the next round's
//   starts (a round is never cut: the results file is written per round);
// - over MPI the starts of a round are spread over the ranks (a rank with
//   none waits), each start's records coming back to the first.

#include <cellfit/export.hpp>
#include <cellfit/plugin_info.hpp>

namespace cellfit {

// Its name and options, as a plugin's metadata (`cellfit plugins` lists it,
// --opt is checked against it).
CELLFIT_API const plugin_info& multistart_info();

// Whether an optimizer name (with or without "optimizer.") is multistart.
CELLFIT_API bool is_multistart(const std::string& optimizer_name);

} // namespace cellfit
