#pragma once

// What a fit warns about: its data and set-up before it runs (units that
// look wrong, a default initial value that is probably not meant) and its
// result after (parameters on a bound, diverged samples, parameters the
// data do not determine). Each warning says what to change.

#include <cellfit/fit/fitter.hpp>

#include <map>
#include <string>
#include <vector>

namespace cellfit::detail {

// Recorded outputs and inputs whose values are implausible for their unit
// once in SI: a membrane potential above 1 V (a file in mV declared in volts)
// or below 0.1 mV everywhere, a current above 1 uA or below 1 fA everywhere.
std::vector<std::string> data_unit_warnings(const model& m, const fit_data& data);

// State variables that start at 0 by default although their equation names
// a quantity of their unit that could be their rest value (v and El).
std::vector<std::string> default_initial_value_warnings(const model& m, const fitter_settings& settings);

// Fitted parameters within 1 % of a bound (of the interval, or of its log
// for a log-scale bound): the best value may lie beyond it.
std::vector<std::string> bound_warnings(const model& m, const std::map<std::string, fit_bound>& bounds,
                                        const std::map<std::string, double>& params, const std::string& what);

// Samples whose state became NaN or infinite, over the whole fit.
std::vector<std::string> divergence_warnings(const fit_results& results, const std::string& method);

// Refined parameters whose standard error exceeds their value, or is
// undetermined: the data do not determine them.
std::vector<std::string> identifiability_warnings(const refine_record& r);

} // namespace cellfit::detail
