#pragma once

#include <cellfit/export.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cellfit {

// A table of numbers from a CSV file: one row per line, comma-separated, no
// header. Every row must have the same length unless `ragged` (spike lists,
// where a row may be empty). Throws input_error naming the file, line and
// column of a bad value.
// Numbers are read by parse_number (cellfit/io/numbers.hpp).
struct csv_table {
    std::vector<std::string> header;  // column names, from read_csv_with_header
    std::vector<std::vector<double>> rows;
};

CELLFIT_API csv_table read_csv(const std::filesystem::path& file, bool ragged = false);

// A table whose first line names the columns (cells trimmed of spaces); every
// other non-empty line is a row of numbers, one per column. Throws
// input_error naming the file, line and column of a bad value.
CELLFIT_API csv_table read_csv_with_header(const std::filesystem::path& file);

// The same from text in memory; `origin` names it in messages. A UTF-8
// byte-order mark at the start is skipped, \r\n ends lines as \n does.
CELLFIT_API csv_table parse_csv(std::string_view text, const std::string& origin, bool ragged = false);
CELLFIT_API csv_table parse_csv_with_header(std::string_view text, const std::string& origin);

// Per-step weights (t_weights of the MSE): every number of the file in
// order, finite and >= 0, not all zero, divided by their mean. Throws
// input_error naming the file.
CELLFIT_API std::vector<double> read_step_weights(const std::filesystem::path& file);

// Writes rows with format_number (exact round trip). Throws error if the
// file cannot be written.
CELLFIT_API void write_csv(const std::filesystem::path& file, const std::vector<const double*>& rows,
                           const std::vector<std::size_t>& lengths);

} // namespace cellfit
