#pragma once

// The lines `cellfit fit` prints before its first round: every choice the
// fit made or was given (integrator, initial values, dt and steps, data,
// metric and optimizer with their options in units, the budget), so that a
// result can be judged by what produced it.

#include "fit_description.hpp"

#include <cellfit/registry.hpp>

#include <string>

namespace cellfit::cli {

// Everything but the optimizer: printed before the fit is prepared (which
// may compile a kernel for a while).
std::string describe_fit(const po::variables_map& vm, const fit_description& d, const fit_options& o, const fitter& f,
                         const plugin_registry& registry);

// The optimizer line, once `f` is prepared (fitter::prepare): its options and
// the samples per round it really uses (a change is among the set-up's
// warnings, with its reason).
std::string describe_optimizer(const fit_options& o, const fitter& f, const plugin_registry& registry);

// A plugin's options as "name = value" in units, e.g. "t_start = 5 ms":
// the numbers and switches (given or default) and the text options given.
std::string describe_plugin_options(const plugin_registry& registry, plugin_kind kind, const std::string& name,
                                    const raw_options& given);

} // namespace cellfit::cli
