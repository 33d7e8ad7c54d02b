#pragma once

// The summary of `cellfit batch` (DIR/summary.csv): one row per cell in
// manifest order, with its status, best parameters and error (units in the
// header), standard errors when refined, and the seconds it took.

#include <cellfit/fit/results.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace cellfit::cli {

struct summary_row {
    std::string cell;
    std::string status;  // "ok", "failed: <reason>", "stopped: ...", "not run: ..."
    std::vector<std::pair<std::string, std::string>> columns;  // header -> value, after cell and status

    // As a flat list (cell, status, header, value, ...), to travel between processes.
    std::vector<std::string> fields() const;
    static summary_row from_fields(const std::vector<std::string>& fields);
};

// The row of a cell whose fit finished: from its results file.
summary_row finished_row(const std::string& cell, const fit_results& results, const std::string& seconds);

// The rows of an earlier summary, by cell; none when there is no file.
// Throws input_error when the file is not a summary.
std::map<std::string, summary_row> read_summary(const std::string& file);

// The header: cell, status, then every column of the rows in the order first
// seen, `seconds` last. Written atomically.
void write_summary(const std::string& file, const std::vector<summary_row>& rows);

} // namespace cellfit::cli
