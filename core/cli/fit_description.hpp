#pragma once

// What `cellfit fit` and `cellfit generate` share: the model, its inputs,
// the recording (--output or --spikes) and the simulation flags, read into
// the fitter's structures. Both commands accept every flag, so one INI file
// serves both.

#include "command_line.hpp"

#include <cellfit/fit/fitter.hpp>

#include <map>
#include <string>

namespace cellfit::cli {

struct fit_description {
    model_spec spec;
    model m;  // the fitted model (with `iteration`), for units
    fit_target target = fit_target::traces;
    fit_data data;
    fitter_settings settings;
    std::map<std::string, double> param_values;  // --param, SI
};

// A plugin's name without its kind: "optimizer.pagmo.de" or "pagmo.de" -> "pagmo.de".
inline std::string plugin_name(const std::string& name, const char* kind) {
    const std::string prefix = std::string(kind) + ".";
    return name.starts_with(prefix) ? name.substr(prefix.size()) : name;
}

// Model, data, simulation and fit flags (optimizer, metric, bounds, rounds...).
void add_fit_options(po::options_description& options);

// Reads the description. --param values go to settings.fixed_parameters when
// `params_are_fixed` (a fit), else only to param_values (generate). The
// model is --model's, or `model` when given (a results file's record).
fit_description read_fit_description(const po::variables_map& vm, bool params_are_fixed,
                                     const model_spec* model = nullptr);

// The fit flags: optimizer, its options, metrics, bounds, rounds, seed, penalty.
fit_options read_fit_options(const po::variables_map& vm, const fit_description& d);

// Checks a file the command will write, named by `flag`, before the work:
// makes its missing folders (input_error when it cannot), and refuses
// (usage_error) one of the command's own data files: the model, --input,
// --timed-array, --output, --spikes or --from (writing it would destroy it).
void check_output_file(const po::variables_map& vm, const std::string& flag, const std::string& path);

} // namespace cellfit::cli
