#include <cellfit/error.hpp>
#include <cellfit/fit/least_squares.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>

namespace cellfit {

namespace {

using vec = Eigen::VectorXd;
using mat = Eigen::MatrixXd;

mat to_eigen(const matrix& m) {
    mat out(static_cast<Eigen::Index>(m.rows()), static_cast<Eigen::Index>(m.cols()));
    for (std::size_t i = 0; i < m.rows(); ++i)
        for (std::size_t j = 0; j < m.cols(); ++j) out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = m(i, j);
    return out;
}

bool all_finite(const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

double half_square(const std::vector<double>& r) {
    double s = 0;
    for (double x : r) s += x * x;
    return 0.5 * s;
}

const char* describe(least_squares_status s) {
    switch (s) {
    case least_squares_status::max_nfev: return "the maximum number of function evaluations was reached";
    case least_squares_status::gtol: return "the projected gradient is below gtol";
    case least_squares_status::ftol: return "the relative reduction of the cost is below ftol";
    case least_squares_status::xtol: return "the step is below xtol";
    case least_squares_status::not_finite: return "the residuals are not finite near the current point";
    case least_squares_status::stopped: return "stopped by the callback";
    }
    return "";
}

} // namespace

least_squares_result solve_least_squares(const least_squares_problem& p, std::vector<double> x0,
                                         const least_squares_options& o) {
    const std::size_t n = x0.size();
    if (n == 0) throw input_error("least squares: no parameter to fit");
    if (p.lower.size() != n || p.upper.size() != n)
        throw input_error("least squares: " + std::to_string(n) + " parameters but " + std::to_string(p.lower.size()) + " / " +
                          std::to_string(p.upper.size()) + " bounds");
    for (std::size_t j = 0; j < n; ++j) {
        if (!(p.lower[j] <= p.upper[j])) throw input_error("least squares: lower bound above upper bound for parameter " + std::to_string(j + 1));
        if (!std::isfinite(x0[j])) throw input_error("least squares: the start has a non-finite parameter " + std::to_string(j + 1));
        x0[j] = std::clamp(x0[j], p.lower[j], p.upper[j]);
    }
    const std::size_t max_nfev = o.max_nfev ? o.max_nfev : 100 * (n + 1);
    const auto m = static_cast<Eigen::Index>(p.n_residuals);
    const auto ni = static_cast<Eigen::Index>(n);

    least_squares_result res;
    res.x = x0;
    res.residuals.assign(p.n_residuals, 0.0);
    p.residuals(res.x, res.residuals);
    res.nfev = 1;
    if (!all_finite(res.residuals))
        throw input_error("least squares: the residuals are not finite at the start; start from a point where the model runs");
    res.cost = half_square(res.residuals);
    res.jacobian = matrix(p.n_residuals, n);
    p.jacobian(res.x, res.residuals, res.jacobian);
    res.njev = 1;

    auto finite_jacobian = [&](const matrix& J) {
        for (std::size_t i = 0; i < J.rows(); ++i)
            for (std::size_t j = 0; j < J.cols(); ++j)
                if (!std::isfinite(J(i, j))) return false;
        return true;
    };
    if (!finite_jacobian(res.jacobian))
        throw input_error("least squares: the Jacobian is not finite at the start (a derivative diverged there); start "
                          "elsewhere or use another gradient");
    mat J = to_eigen(res.jacobian);
    vec r = Eigen::Map<const vec>(res.residuals.data(), m);
    vec D = J.colwise().norm().transpose();  // Marquardt/More scaling: grows, never shrinks
    for (Eigen::Index j = 0; j < ni; ++j)
        if (D(j) == 0) D(j) = 1;
    double lambda = 1e-3;
    double nu = 2;
    std::vector<double> trial(n), trial_r(p.n_residuals);

    for (;;) {
        const vec g = J.transpose() * r;
        // Held at a bound while the gradient pushes outwards.
        std::vector<Eigen::Index> free;
        for (Eigen::Index j = 0; j < ni; ++j) {
            const double x = res.x[static_cast<std::size_t>(j)];
            const bool held = (x <= p.lower[static_cast<std::size_t>(j)] && g(j) > 0) ||
                              (x >= p.upper[static_cast<std::size_t>(j)] && g(j) < 0);
            if (!held) free.push_back(j);
        }
        double scaled_gradient = 0;
        for (auto j : free) scaled_gradient = std::max(scaled_gradient, std::abs(g(j)) / D(j));
        if (free.empty() || scaled_gradient <= o.gtol * std::max(1e-300, std::sqrt(2 * res.cost)) || res.cost == 0) {
            res.status = least_squares_status::gtol;
            break;
        }
        // Damped step on the free parameters: least squares of [J_f; sqrt(lambda) D_f] d = [-r; 0].
        const auto nf = static_cast<Eigen::Index>(free.size());
        mat A(m + nf, nf);
        A.setZero();
        for (Eigen::Index k = 0; k < nf; ++k) {
            A.col(k).head(m) = J.col(free[static_cast<std::size_t>(k)]);
            A(m + k, k) = std::sqrt(lambda) * D(free[static_cast<std::size_t>(k)]);
        }
        vec b = vec::Zero(m + nf);
        b.head(m) = -r;
        const vec d = A.colPivHouseholderQr().solve(b);
        double step_norm = 0, x_norm = 0;
        for (std::size_t j = 0; j < n; ++j) trial[j] = res.x[j];
        for (Eigen::Index k = 0; k < nf; ++k) {
            const auto j = static_cast<std::size_t>(free[static_cast<std::size_t>(k)]);
            trial[j] = std::clamp(res.x[j] + d(k), p.lower[j], p.upper[j]);
        }
        vec s(ni);
        for (Eigen::Index j = 0; j < ni; ++j) {
            s(j) = trial[static_cast<std::size_t>(j)] - res.x[static_cast<std::size_t>(j)];
            step_norm += std::pow(D(j) * s(j), 2);
            x_norm += std::pow(D(j) * res.x[static_cast<std::size_t>(j)], 2);
        }
        step_norm = std::sqrt(step_norm);
        x_norm = std::sqrt(x_norm);
        if (step_norm <= o.xtol * (o.xtol + x_norm)) {
            res.status = least_squares_status::xtol;
            break;
        }
        if (res.nfev >= max_nfev) {
            res.status = least_squares_status::max_nfev;
            break;
        }
        p.residuals(trial, trial_r);
        ++res.nfev;
        if (!all_finite(trial_r)) {
            lambda *= nu;
            nu *= 2;
            if (lambda > 1e16) {
                res.status = least_squares_status::not_finite;
                break;
            }
            continue;
        }
        const double trial_cost = half_square(trial_r);
        const vec Js = J * s;
        const double predicted = -(g.dot(s) + 0.5 * Js.squaredNorm());
        const double actual = res.cost - trial_cost;
        const double rho = predicted > 0 ? actual / predicted : (actual > 0 ? 1.0 : -1.0);
        if (rho > 1e-4) {
            const double previous = res.cost;
            res.x = trial;
            res.residuals = trial_r;
            res.cost = trial_cost;
            r = Eigen::Map<const vec>(res.residuals.data(), m);
            p.jacobian(res.x, res.residuals, res.jacobian);
            ++res.njev;
            if (!finite_jacobian(res.jacobian)) {
                res.status = least_squares_status::not_finite;
                res.message = "the Jacobian is not finite at the current point";
                break;
            }
            J = to_eigen(res.jacobian);
            D = D.cwiseMax(J.colwise().norm().transpose());
            lambda *= std::max(1.0 / 3.0, 1.0 - std::pow(2 * rho - 1, 3));
            nu = 2;
            if (p.on_accept && p.on_accept(res.x, res.cost)) {
                res.status = least_squares_status::stopped;
                break;
            }
            // As MINPACK: both the actual and the predicted reduction are small.
            if (actual <= o.ftol * previous && predicted <= o.ftol * previous) {
                res.status = least_squares_status::ftol;
                break;
            }
        } else {
            lambda *= nu;
            nu *= 2;
        }
    }
    res.success = res.status == least_squares_status::gtol || res.status == least_squares_status::ftol ||
                  res.status == least_squares_status::xtol || res.status == least_squares_status::stopped;
    if (res.message.empty()) res.message = describe(res.status);
    estimate_uncertainties(res);
    return res;
}

void estimate_uncertainties(least_squares_result& res) {
    const std::size_t m = res.jacobian.rows(), n = res.jacobian.cols();
    res.standard_errors.assign(n, std::numeric_limits<double>::quiet_NaN());
    res.correlation = matrix(n, n, std::numeric_limits<double>::quiet_NaN());
    if (m <= n) {
        res.warnings.push_back("no uncertainties: " + std::to_string(m) + " residuals for " + std::to_string(n) + " parameters");
        return;
    }
    const mat J = to_eigen(res.jacobian);
    // (J^T J)^-1 from the SVD of J: V diag(1/s^2) V^T, dropping directions the
    // data do not determine.
    Eigen::JacobiSVD<mat> svd(J, Eigen::ComputeThinV);
    const vec sv = svd.singularValues();
    const double cutoff = std::numeric_limits<double>::epsilon() * static_cast<double>(std::max(m, n)) * (sv.size() ? sv(0) : 0);
    vec inverse_squares = vec::Zero(sv.size());
    bool singular = false;
    for (Eigen::Index k = 0; k < sv.size(); ++k) {
        if (sv(k) > cutoff)
            inverse_squares(k) = 1.0 / (sv(k) * sv(k));
        else
            singular = true;
    }
    double sum = 0;
    for (double x : res.residuals) sum += x * x;
    const double variance = sum / static_cast<double>(m - n);
    const mat cov = variance * svd.matrixV() * inverse_squares.asDiagonal() * svd.matrixV().transpose();
    if (singular)
        res.warnings.push_back("the Jacobian is singular at the solution: some parameter combinations are not determined by "
                               "the data; their standard errors are not meaningful");
    for (std::size_t i = 0; i < n; ++i) {
        res.standard_errors[i] = std::sqrt(cov(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i)));
        // A parameter along a direction the data do not determine has no standard error.
        for (Eigen::Index k = 0; k < sv.size(); ++k)
            if (inverse_squares(k) == 0 && std::abs(svd.matrixV()(static_cast<Eigen::Index>(i), k)) > 1e-6)
                res.standard_errors[i] = std::numeric_limits<double>::quiet_NaN();
    }
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            const double denom = res.standard_errors[i] * res.standard_errors[j];
            res.correlation(i, j) = denom > 0 ? cov(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) / denom
                                              : std::numeric_limits<double>::quiet_NaN();
        }
}

} // namespace cellfit
