#pragma once

// The description of a fit that its results file carries (the "fit" object):
// everything that decides the samples and errors (model text, data file
// contents, dt, method, initial values, constants, threshold, reset,
// refractoriness, penalty, bounds, fixed parameters, optimizer and metrics
// with their options, samples per round, seed), plus what helps a reader
// (data file paths, cellfit version, the rounds planned). `--resume` checks
// a file's description against the fit it is asked to continue.

#include "fit_description.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace cellfit::cli {

using ordered_json = nlohmann::ordered_json;

// The description of the fit the flags give; `f` has its integrator chosen.
ordered_json describe_fit_record(const po::variables_map& vm, const fit_description& d, const fit_options& o,
                                 const fitter& f);

// What differs between a recorded description and the current one, one line
// each ("dt: 1e-05 in the file, 2e-05 now"), among the entries that decide
// the samples. With `fresh_optimizer` (a restart) the optimizer, its options
// and the seed may differ.
std::vector<std::string> record_differences(const ordered_json& recorded, const ordered_json& current,
                                            bool fresh_optimizer);

// A file's content hash, "fnv1a64:<16 hex digits>" (detects a changed data
// file, not an adversary).
std::string content_hash(const std::string& file);

} // namespace cellfit::cli
