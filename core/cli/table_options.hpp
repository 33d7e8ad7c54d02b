#pragma once

// Flags shared by `simulate`, `fit` and `generate`: tables of values from CSV
// files (--input VAR=FILE.csv:UNIT), durations, the backend and threads.

#include "command_line.hpp"

#include <cellfit/fit/fitter.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/sim/simulation.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace cellfit::cli {

// "VAR=FILE.csv:UNIT" -> name, file, unit (the unit after the last ':').
struct table_flag {
    std::string name, file, unit;
};
table_flag split_table_flag(const std::string& flag, const std::string& text);

// Splits at commas outside parentheses: "a, clip(x, 0, 1)" -> {"a", "clip(x, 0, 1)"}.
std::vector<std::string> split_top_level(const std::string& text);

// The CSV file of a table flag, in SI; dim receives the unit's dimension.
lookup_table read_table(const table_flag& t, const std::string& flag, const model& m, dimension& dim);

// A positive duration flag (--dt 0.01*ms), in seconds.
double read_duration(const po::variables_map& vm, const char* flag, const model& m);

// A quantity in the unit of `dim`: "10*nS" for a conductance; usage_error naming the flag otherwise.
double read_quantity(const std::string& text, const std::string& flag, const model& m, const dimension& dim);

// Rows of any lengths (traces, spike times) to a CSV file.
void write_rows(const std::string& file, const std::vector<std::vector<double>>& rows);

// What fitter::generate produced: PREFIX_<var>.csv (one row per trace, SI)
// and PREFIX_spikes.csv (seconds), each announced on `out`.
void write_generated(const std::string& prefix, const fitter::generated& generated, std::ostream& out);

// Refuses (input_error) a run that needs more than the machine's memory,
// saying how much it needs, `what_for`, and the `fix`.
void check_memory(double bytes, const std::string& what_for, const std::string& fix);

// --backend and --threads.
void add_backend_options(po::options_description& options);
std::string read_backend(const po::variables_map& vm);
unsigned read_threads(const po::variables_map& vm);

} // namespace cellfit::cli
