#pragma once

// The checks a fit makes before it simulates anything: every message names
// the place and the fix.

#include <cellfit/fit/fitter.hpp>

#include <map>
#include <string>
#include <vector>

namespace cellfit::detail {

// The round number, a shared parameter every fitted model has.
inline constexpr const char* iteration_name = "iteration";

// The model spec with `iteration : integer (constant, shared)` added, unless
// the equations declare `iteration` themselves.
model_spec with_iteration(model_spec spec);

struct fit_shape {
    std::size_t n_traces = 0;
    std::size_t n_steps = 0;
};

// The inputs and recordings agree in traces and steps, hold only finite
// numbers, and name variables of the model; spike times are sorted and
// inside the recording; a spike fit has a threshold.
fit_shape check_fit_data(fit_target target, const model& m, const fit_data& data, const fitter_settings& settings);

// Every bound names a parameter, is finite and ordered (positive for a log
// scale); every parameter is bounded or fixed, never both. Returns the
// bounded parameters in the model's order.
std::vector<std::string> check_bounds(const model& m, const std::map<std::string, fit_bound>& bounds,
                                      const std::map<std::string, double>& fixed);

// The penalty is a state variable or subexpression.
void check_penalty(const model& m, const std::string& name);

// Every parameter but `iteration` has a value.
void check_all_parameters_set(const model& m, const std::map<std::string, std::vector<double>>& values);

} // namespace cellfit::detail
