#pragma once

// The refine flags (--gradient, --max-nfev, --refine-top), shared by
// `cellfit fit --refine` and `cellfit refine`, and how a refinement prints.

#include "command_line.hpp"

#include <cellfit/fit/fitter.hpp>

#include <iosfwd>

namespace cellfit::cli {

void add_refine_options(po::options_description& options);

// The options, with the MSE settings of each output taken from the fit's
// metric flags where the metric is mse.
refine_options read_refine_options(const po::variables_map& vm, const fit_options& fit);

// What a user should know before a refinement, one line each: it minimises
// the traces' MSE whatever the fit's metric was, and ignores the optimizer.
std::string refine_notes(const po::variables_map& vm, const fit_options& fit);

// The refined parameters with units and standard errors, the error, the
// correlation matrix and the solver's report (its warnings are the caller's to print).
void print_refine(std::ostream& out, const refine_record& r, double error_before, const std::string& error_unit);

} // namespace cellfit::cli
