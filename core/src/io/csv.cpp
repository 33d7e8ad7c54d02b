#include <cellfit/error.hpp>
#include <cellfit/io/atomic_file.hpp>
#include <cellfit/io/csv.hpp>
#include <cellfit/io/numbers.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace cellfit {

namespace {

// The whole file, or input_error naming it.
std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw input_error("cannot read " + file.string() + (std::filesystem::exists(file) ? "" : ": no such file"));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Lines of a text without their line ends (\n or \r\n); a UTF-8 byte-order
// mark at the start (spreadsheet exports write one) is skipped.
class line_reader {
public:
    explicit line_reader(std::string_view text) : text_(text) {
        if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);
    }
    bool next(std::string& line) {
        if (pos_ >= text_.size()) return false;
        std::size_t end = text_.find('\n', pos_);
        if (end == std::string_view::npos) end = text_.size();
        line.assign(text_.substr(pos_, end - pos_));
        pos_ = end + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

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

// At most 80 characters of `line` around [a, b), for a message.
std::string excerpt(const std::string& line, std::size_t a, std::size_t b) {
    if (b - a <= 80) return line.substr(a, b - a);
    return line.substr(a, 77) + "...";
}

// Why a cell is not a number, beyond "not a number": a value too large for
// a double, or a file separated by something other than commas.
std::string what_is_wrong(const std::string& line, std::size_t a, std::size_t b) {
    std::string_view cell = std::string_view(line).substr(a, b - a);
    if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
    double value = 0;
    const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    if (ec == std::errc::result_out_of_range && end == cell.data() + cell.size())
        return "'" + excerpt(line, a, b) + "' is out of the range of a double (about 1.8e308)";
    for (const auto& [separator, name] : {std::pair{';', "';'"}, std::pair{'\t', "tabs"}})
        if (cell.find(separator) != std::string_view::npos)
            return "found '" + excerpt(line, a, b) + "': the values seem separated by " + name +
                   "; cellfit reads comma-separated values (replace the separators by commas)";
    return "expected a number, found '" + excerpt(line, a, b) + "'";
}

std::vector<double> numbers_of(const std::string& line, const std::string& origin, int number, const char* layout) {
    std::vector<double> row;
    for (const auto& [begin, end] : cells_of(line)) {
        const auto value = parse_number(std::string_view(line).substr(begin, end - begin));
        if (!value) {
            const auto [a, b] = trimmed(line, begin, end);
            throw input_error(origin + ":" + std::to_string(number) + ":" + std::to_string(a + 1) + ": " +
                              what_is_wrong(line, a, b) + " (" + layout + ")");
        }
        row.push_back(*value);
    }
    return row;
}

} // namespace

csv_table parse_csv(std::string_view text, const std::string& origin, bool ragged) {
    line_reader lines(text);
    csv_table table;
    std::string line;
    for (int number = 1; lines.next(line); ++number) {
        std::vector<double> row =
            numbers_of(line, origin, number, "the file must hold numbers only, comma-separated, without a header");
        if (!ragged && !table.rows.empty() && row.size() != table.rows.front().size())
            throw input_error(origin + ":" + std::to_string(number) + ": this row has " + std::to_string(row.size()) +
                              " values, the first has " + std::to_string(table.rows.front().size()) +
                              "; every row must have the same length");
        if (!ragged && row.empty()) continue;
        table.rows.push_back(std::move(row));
    }
    if (table.rows.empty() && !ragged) throw input_error(origin + " holds no values");
    return table;
}

csv_table parse_csv_with_header(std::string_view text, const std::string& origin) {
    line_reader lines(text);
    csv_table table;
    std::string line;
    if (!lines.next(line)) throw input_error(origin + " is empty; expected a header line naming the columns");
    if (line.empty()) throw input_error(origin + ":1: the first line is empty; it must name the columns");
    for (const auto& [begin, end] : cells_of(line)) {
        const auto [a, b] = trimmed(line, begin, end);
        table.header.push_back(line.substr(a, b - a));
    }
    for (int number = 2; lines.next(line); ++number) {
        if (line.empty()) continue;
        std::vector<double> row = numbers_of(line, origin, number, "below the header, numbers only, comma-separated");
        if (row.size() != table.header.size())
            throw input_error(origin + ":" + std::to_string(number) + ": " + std::to_string(row.size()) +
                              " values for " + std::to_string(table.header.size()) + " columns");
        table.rows.push_back(std::move(row));
    }
    return table;
}

csv_table read_csv(const std::filesystem::path& file, bool ragged) { return parse_csv(read_text(file), file.string(), ragged); }

csv_table read_csv_with_header(const std::filesystem::path& file) {
    return parse_csv_with_header(read_text(file), file.string());
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
