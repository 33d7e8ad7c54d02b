#include <cellfit/error.hpp>
#include <cellfit/io/csv.hpp>

#include <cmath>

#include <charconv>
#include <cstdio>
#include <fstream>

namespace cellfit {

csv_table read_csv(const std::filesystem::path& file, bool ragged) {
    std::ifstream in(file);
    if (!in) throw input_error("cannot read " + file.string() + (std::filesystem::exists(file) ? "" : ": no such file"));
    csv_table table;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::vector<double> row;
        std::size_t begin = 0;
        while (!line.empty() && begin <= line.size()) {
            std::size_t end = line.find(',', begin);
            if (end == std::string::npos) end = line.size();
            std::size_t a = begin, b = end;
            while (a < b && (line[a] == ' ' || line[a] == '\t')) ++a;
            while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t')) --b;
            double value = 0;
            auto [ptr, ec] = std::from_chars(line.data() + a, line.data() + b, value);
            if (a == b || ec != std::errc{} || ptr != line.data() + b)
                throw input_error(file.string() + ":" + std::to_string(number) + ":" + std::to_string(a + 1) +
                                  ": expected a number, found '" + line.substr(a, b - a) +
                                  "' (the file must hold numbers only, comma-separated, without a header)");
            row.push_back(value);
            begin = end + 1;
        }
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

void write_csv(const std::filesystem::path& file, const std::vector<const double*>& rows,
               const std::vector<std::size_t>& lengths) {
    std::FILE* out = std::fopen(file.string().c_str(), "w");
    if (!out) throw error("cannot write " + file.string());
    for (std::size_t r = 0; r < rows.size(); ++r) {
        for (std::size_t k = 0; k < lengths[r]; ++k) std::fprintf(out, k ? ",%.17g" : "%.17g", rows[r][k]);
        std::fputc('\n', out);
    }
    if (std::fclose(out) != 0) throw error("cannot finish writing " + file.string());
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
