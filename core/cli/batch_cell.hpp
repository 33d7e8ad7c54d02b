#pragma once

// One cell of `cellfit batch`: its `cellfit fit` arguments, and its fit, run
// in this process with its output in DIR/<name>.log.

#include "batch_manifest.hpp"
#include "batch_summary.hpp"
#include "command_line.hpp"

#include <map>
#include <string>
#include <vector>

namespace cellfit::cli {

using flag_values = std::map<std::string, std::vector<std::string>>;

// The fit flags every cell shares: the batch's parsed options (the --config
// file merged in, its paths already relative to the file), minus the flags
// the batch owns.
flag_values shared_flags(const po::variables_map& vm);

struct batch_settings {
    std::string out;                 // DIR
    po::options_description fit_options{"fit"};
    flag_values shared;              // with --threads, which a cell's own column overrides
    bool reports = false;            // each cell's report page, DIR/<name>.html
};

// The arguments of `cellfit fit` for a cell: the shared flags, the cell's
// over them (a repeatable flag's values by key, as the command line over an
// INI file), then what the batch sets (results, callback, resume, rounds).
std::vector<std::string> fit_arguments(const flag_values& shared, const manifest_cell& cell,
                                       const po::options_description& fit_options, const flag_values& batch_set);

// Fits a cell, or resumes it when its results file holds an unfinished fit
// and `resume` is true; never throws: an error becomes the row's status.
// `stopped`: a signal stopped the fit after a round (its results resume it).
struct cell_outcome {
    summary_row row;
    bool stopped = false;
};
cell_outcome fit_cell(const batch_settings& settings, const manifest_cell& cell, bool resume);

// "12.345"
std::string seconds_text(double seconds);

} // namespace cellfit::cli
