#pragma once

// The fit a results file records, set up again without its INI file: the
// model from the recorded equations, and the fit's flags as a command line
// would give them, with each data file found again and checked against
// its recorded content hash. `cellfit report r.json` uses it.

#include "command_line.hpp"

#include <cellfit/model/model.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace cellfit::cli {

struct recorded_fit {
    model_spec model;
    std::vector<std::string> arguments;  // --dt, --input, --output, --spikes, --const, --init, --method, ...
    std::map<std::string, double> fixed_parameters;  // SI
};

// `description` is the results file's "fit" object; `results_file` names
// the file in messages and is one place to look for relative data paths
// (after the fit's working directory and the current one). Throws
// input_error naming every data file that is missing or has changed, and
// saying how to give the files instead (--config or the fit's flags).
recorded_fit recorded_fit_of(const nlohmann::ordered_json& description, const std::string& results_file);

// The data files the flags name whose content differs from the recorded
// fit's, one line each: a report drawn from other data says so.
std::vector<std::string> data_differences(const nlohmann::ordered_json& description, const po::variables_map& vm);

} // namespace cellfit::cli
