#pragma once

// Bounded nonlinear least squares: minimise 0.5 * |r(x)|^2 with lower <= x
// <= upper, by Levenberg-Marquardt with Marquardt's scaling (the damping
// follows the size of each column of the Jacobian, so the parameters' units
// do not matter), steps projected onto the box and parameters held at a
// bound while the gradient pushes them out. Each step solves the damped
// problem by QR of the stacked matrix [J; sqrt(lambda) D], never forming
// J^T J, which keeps ill-conditioned problems (NIST's MGH09, Thurber,
// Eckerle4) accurate. At the solution, standard errors and correlations
// come from the Jacobian: covariance = s^2 (J^T J)^-1, s^2 = |r|^2 / (m - n).

#include <cellfit/export.hpp>
#include <cellfit/matrix.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace cellfit {

struct least_squares_problem {
    std::size_t n_residuals = 0;
    std::vector<double> lower, upper;  // one per parameter; +-inf for none
    // r(x). Non-finite residuals reject the step (the solver shrinks it).
    std::function<void(const std::vector<double>& x, std::vector<double>& r)> residuals;
    // J(x): n_residuals x n_parameters, dr_i/dx_j; r is r(x), already computed.
    std::function<void(const std::vector<double>& x, const std::vector<double>& r, matrix& J)> jacobian;
    // Optional: called at each accepted point with its cost; true stops the solver.
    std::function<bool(const std::vector<double>& x, double cost)> on_accept;
};

struct least_squares_options {
    std::size_t max_nfev = 0;  // residual evaluations; 0: 100 * (parameters + 1)
    double ftol = 1e-10;       // stop when an accepted step lowers the cost by less than ftol * cost
    double xtol = 1e-10;       // stop when a step is shorter than xtol * (xtol + |x|), scaled
    double gtol = 1e-10;       // stop when the scaled projected gradient is below gtol
};

enum class least_squares_status { max_nfev, gtol, ftol, xtol, not_finite, stopped };

struct least_squares_result {
    std::vector<double> x;
    double cost = 0;                    // 0.5 * |r|^2
    std::vector<double> residuals;
    matrix jacobian;                    // at x
    std::size_t nfev = 0, njev = 0;
    least_squares_status status = least_squares_status::max_nfev;
    std::string message;
    bool success = false;               // converged by one of the tolerances (or stopped on request)               // converged by one of the tolerances
    std::vector<double> standard_errors;  // sqrt(diag(covariance)); NaN where undetermined
    matrix correlation;                 // n x n
    std::vector<std::string> warnings;  // e.g. a singular J^T J
};

// Throws input_error for an x0 or bounds of the wrong size, lower > upper,
// or residuals that are not finite at x0 (after clipping into the box).
CELLFIT_API least_squares_result solve_least_squares(const least_squares_problem& problem, std::vector<double> x0,
                                                     const least_squares_options& options = {});

// Standard errors and correlations from a Jacobian and residuals (the
// solver's, or any): fills result.standard_errors, correlation and warnings.
CELLFIT_API void estimate_uncertainties(least_squares_result& result);

} // namespace cellfit
