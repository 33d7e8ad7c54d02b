#pragma once

// The manifest of `cellfit batch`: a CSV file with a header, one row per
// cell. Column `name` names the cell; every other column is named after a
// fit flag and holds its value as on the command line (`v=cell3_v.csv:mV`);
// a repeatable flag (output, input, param, bound, ...) may hold several,
// separated by `;`. Paths are relative to the manifest's folder.

#include <boost/program_options/options_description.hpp>

#include <string>
#include <utility>
#include <vector>

namespace cellfit::cli {

struct csv_record {
    std::size_t line = 0;  // where the record starts, from 1
    std::vector<std::string> fields;
};

// CSV records as RFC 4180 writes them: fields separated by commas, a field
// in double quotes may hold commas, newlines and "" for a quote. Blank lines
// are skipped. Throws input_error naming `origin` and the line.
std::vector<csv_record> read_csv_records(const std::string& text, const std::string& origin);

// The CSV form of one field: quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);

struct manifest_cell {
    std::string name;
    std::size_t line = 0;
    // The cell's flags in column order, paths made relative to the manifest's
    // folder: ("output", "v=/data/cell3_v.csv:mV"), ...
    std::vector<std::pair<std::string, std::string>> flags;
};

// Whether a fit flag takes several values (--output, --bound, ...).
bool repeatable_flag(const boost::program_options::options_description& options, const std::string& name);

// The fit flags a manifest may not set: the batch chooses them for every cell.
bool batch_owns_flag(const std::string& flag);

// Reads and checks the manifest: a `name` column, columns that are fit flags
// (`fit_options`), cell names that make file names, unique, and rows as long
// as the header. Throws input_error naming the file, the line and the fix.
std::vector<manifest_cell> read_manifest(const std::string& file, const boost::program_options::options_description& fit_options);

} // namespace cellfit::cli
