#pragma once

// The residuals a refinement minimises, and their Jacobian. For output o,
// trace t and counted step k:
//   r = (model - data) * sqrt(w_k) / (normalization_o * sqrt(n_traces * n_counted_o))
// so that sum r^2 is the fit's MSE error (summed over outputs). The Jacobian
// comes from finite differences (all parameters perturbed in one batch
// simulation), or from sensitivities carried by the simulator (discrete or
// continuous) in one simulation.

#include <cellfit/error.hpp>
#include <cellfit/fit/fitter.hpp>
#include <cellfit/matrix.hpp>
#include <cellfit/sim/simulation.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cellfit::detail {

struct residual_output {
    std::string variable;
    const std::vector<std::vector<double>>* traces = nullptr;  // n_traces x n_steps, SI
    std::size_t first_counted = 0;
    std::vector<double> weights;  // per step (mean 1); empty: 1 from first_counted
    double normalization = 1;
    bool normalized = false;  // normalization given: the error is a pure number
};

// Thrown by trace_residuals before a simulation that would pass its
// evaluation_limit (its user catches it; the message is for one that does not).
struct evaluation_limit_reached : error {
    evaluation_limit_reached() : error("the residuals' evaluation limit is reached") {}
};

class trace_residuals {
public:
    // base: the simulation of one sample (n_neurons = n_traces), every
    // parameter set except the fitted ones.
    trace_residuals(const model& m, simulation_setup base, std::vector<residual_output> outputs,
                    std::vector<std::string> fitted, gradient_kind kind, const plugin_registry& registry);
    ~trace_residuals();

    std::size_t size() const noexcept { return n_residuals_; }
    void residuals(const std::vector<double>& x, std::vector<double>& r);
    void jacobian(const std::vector<double>& x, const std::vector<double>& r, matrix& J);
    std::size_t simulations() const noexcept { return simulations_; }
    // Samples simulated: 1 per residual evaluation, n (the fitted parameters)
    // per finite-difference Jacobian, 1 + n per one with sensitivities (each
    // carries the state and its n derivatives).
    std::size_t evaluations() const noexcept { return evaluations_; }
    // Each output's share of sum r^2: the fit's mse of that output.
    std::vector<double> output_errors(const std::vector<double>& r) const;
    const std::vector<std::string>& warnings() const noexcept { return warnings_; }

    // Finite-difference steps respect these (a step that would leave the box goes the other way).
    std::vector<double> lower, upper;
    // No simulation starts that would take evaluations() past this
    // (evaluation_limit_reached is thrown instead): a budget that holds
    // whatever a step needs, the fallback to finite differences included.
    std::size_t evaluation_limit = static_cast<std::size_t>(-1);

private:
    struct recorder;
    void fill_residuals(const std::vector<std::vector<double>>& values, std::size_t sample, std::vector<double>& r) const;
    simulator& plain();
    simulator& batch();
    simulator& with_sensitivities();
    std::map<std::string, std::vector<double>> parameters_for(const std::vector<std::vector<double>>& samples) const;
    // Checks the limit first, so that a simulator that would pass it is not even built.
    std::vector<std::vector<double>> run(simulator& (trace_residuals::*which)(), std::size_t cost, std::size_t n_neurons,
                                         std::size_t n_record, const std::vector<std::vector<double>>& samples);
    void finite_difference_columns(const std::vector<double>& x, const std::vector<double>& r, matrix& J,
                                   const std::vector<std::size_t>& columns);

    const model& m_;
    simulation_setup base_;
    std::vector<residual_output> outputs_;
    std::vector<std::string> fitted_;
    gradient_kind kind_;
    const plugin_registry& registry_;
    std::size_t n_traces_, n_steps_, n_residuals_ = 0;
    std::vector<std::size_t> offsets_;
    std::unique_ptr<simulator> plain_, batch_, sensitive_;
    std::size_t simulations_ = 0, evaluations_ = 0;
    std::vector<std::string> warnings_;
};

} // namespace cellfit::detail
