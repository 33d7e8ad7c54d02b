#include <cellfit/error.hpp>
#include <cellfit/io/atomic_file.hpp>
#include <cellfit/io/csv.hpp>
#include <cellfit/io/numbers.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>

namespace cellfit {

namespace {

std::ifstream open_for_reading(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw input_error("cannot read " + file.string() + (std::filesystem::exists(file) ? "" : ": no such file"));
    return in;
}

bool next_line(std::istream& in, std::string& line) {
    if (!std::getline(in, line)) return false;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
}

// [begin, end) without the spaces and tabs at either end.
std::pair<std::size_t, std::size_t> trimmed(const std::string& line, std::size_t begin, std::size_t end) {
    while (begin < end && (line[begin] == ' ' || line[begin] == '\t')) ++begin;
    while (end > begin && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
    return {begin, end};
}

// The comma-separated cells of a line, as [begin, end) offsets.
std::vector<std::pair<std::size_t, std::size_t>> cells_of(const std::string& line) {
    std::vector<std::pair<std::size_t, std::size_t>> cells;
    for (std::size_t begin = 0; !line.empty() && begin <= line.size();) {
        std::size_t end = line.find(',', begin);
        if (end == std::string::npos) end = line.size();
        cells.emplace_back(begin, end);
        begin = end + 1;
    }
    return cells;
}

std::vector<double> numbers_of(const std::string& line, const std::filesystem::path& file, int number,
                               const char* layout) {
    std::vector<double> row;
    for (const auto& [begin, end] : cells_of(line)) {
        const auto value = parse_number(std::string_view(line).substr(begin, end - begin));
        if (!value) {
            const auto [a, b] = trimmed(line, begin, end);
            throw input_error(file.string() + ":" + std::to_string(number) + ":" + std::to_string(a + 1) +
                              ": expected a number, found '" + line.substr(a, b - a) + "' (" + layout + ")");
        }
        row.push_back(*value);
    }
    return row;
}

} // namespace

csv_table read_csv(const std::filesystem::path& file, bool ragged) {
    auto in = open_for_reading(file);
    csv_table table;
    std::string line;
    for (int number = 1; next_line(in, line); ++number) {
        std::vector<double> row =
            numbers_of(line, file, number, "the file must hold numbers only, comma-separated, without a header");
        if (!ragged && !table.rows.empty() && row.size() != table.rows.front().size())
            throw input_error(file.string() + ":" + std::to_string(number) + ": this row has " +
                              std::to_string(row.size()) + " values, the first has " +
                              std::to_string(table.rows.front().size()) + "; every row must have the same length");
        if (!ragged && row.empty()) continue;
        table.rows.push_back(std::move(row));
    }
    if (table.rows.empty() && !ragged) throw input_error(file.string() + " holds no values");
    return table;
}

csv_table read_csv_with_header(const std::filesystem::path& file) {
    auto in = open_for_reading(file);
    csv_table table;
    std::string line;
    if (!next_line(in, line)) throw input_error(file.string() + " is empty; expected a header line naming the columns");
    if (line.empty()) throw input_error(file.string() + ":1: the first line is empty; it must name the columns");
    for (const auto& [begin, end] : cells_of(line)) {
        const auto [a, b] = trimmed(line, begin, end);
        table.header.push_back(line.substr(a, b - a));
    }
    for (int number = 2; next_line(in, line); ++number) {
        if (line.empty()) continue;
        std::vector<double> row = numbers_of(line, file, number, "below the header, numbers only, comma-separated");
        if (row.size() != table.header.size())
            throw input_error(file.string() + ":" + std::to_string(number) + ": " + std::to_string(row.size()) +
                              " values for " + std::to_string(table.header.size()) + " columns");
        table.rows.push_back(std::move(row));
    }
    return table;
}

void write_csv(const std::filesystem::path& file, const std::vector<const double*>& rows,
               const std::vector<std::size_t>& lengths) {
    // Either the previous complete file or the new one, whatever happens meanwhile.
    atomic_file file_out(file);
    std::FILE* out = file_out.stream();
    for (std::size_t r = 0; r < rows.size(); ++r) {
        for (std::size_t k = 0; k < lengths[r]; ++k) {
            if (k) std::fputc(',', out);
            std::fputs(format_number(rows[r][k]).c_str(), out);
        }
        std::fputc('\n', out);
    }
    file_out.commit();
}

std::vector<double> read_step_weights(const std::filesystem::path& file) {
    std::vector<double> weights;
    for (const auto& row : read_csv(file, true).rows) weights.insert(weights.end(), row.begin(), row.end());
    double sum = 0;
    for (double w : weights) {
        if (!(w >= 0) || !std::isfinite(w)) throw input_error(file.string() + ": t_weights must be finite and >= 0");
        sum += w;
    }
    if (!(sum > 0)) throw input_error(file.string() + ": t_weights are all zero (or the file is empty)");
    const double mean = sum / static_cast<double>(weights.size());
    for (double& w : weights) w /= mean;
    return weights;
}

} // namespace cellfit
