#pragma once

// How refine() runs: where it starts, the residuals' MSE options, the
// Jacobian, the bounds and the solver's budget and tolerances.

#include <cellfit/fit/fit_options.hpp>
#include <cellfit/options.hpp>
#include <cellfit/sim/simulation.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cellfit {

struct refine_options {
    // Where to start: these parameters (SI), or else the best `top` distinct
    // samples of the fit (each refined, on its own thread; the best kept).
    std::optional<std::map<std::string, double>> params;
    std::size_t top = 1;
    // Or several starts given (each refined, the best kept).
    std::vector<std::map<std::string, double>> starts;
    // The MSE of each output (t_start, t_weights, normalization, as
    // metric.mse): by output variable; default: the fit's mse options.
    std::map<std::string, raw_options> metric_options;
    // How the Jacobian of the residuals is computed: finite differences (every
    // parameter perturbed in one batch simulation), the exact derivative of
    // the discrete simulation, or brian2modelfitting's continuous sensitivity
    // equations integrated with the model.
    gradient_kind gradient = gradient_kind::finite_differences;
    std::map<std::string, fit_bound> bounds;  // default: the fit's (else unbounded)
    std::optional<std::size_t> iteration;     // the value of `iteration`; default 1e9
    std::size_t max_nfev = 0;                 // residual evaluations per start; 0: 100 * (parameters + 1)
    double ftol = 1e-10, xtol = 1e-10, gtol = 1e-10;
    // Called at each accepted point: parameters (SI), error, evaluations so
    // far; true stops the refinement there. (Only with a single start.)
    std::function<bool(const std::map<std::string, double>&, double, std::size_t)> callback;
};

} // namespace cellfit
