#include <cellfit/error.hpp>
#include <cellfit/fit/data_files.hpp>
#include <cellfit/io/csv.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/units/quantity.hpp>

#include <cmath>

namespace cellfit {

double quantity_in_si(const std::string& text, const std::string& unit) {
    const quantity expected = evaluate_quantity(unit, "unit '" + unit + "'");
    const quantity q = evaluate_quantity(text, "'" + text + "'");
    if (!(q.dim == expected.dim))
        throw input_error("'" + text + "' has unit " + unit_name(q.dim) + ", but " + unit_name(expected.dim) +
                          " is expected (" + unit + ")");
    return q.value;
}

lookup_table read_input_table(const std::filesystem::path& file, const std::string& unit) {
    return read_input_table(file, evaluate_quantity(unit, file.string() + ": unit"));
}

lookup_table read_input_table(const std::filesystem::path& file, const quantity& scale) {
    const csv_table csv = read_csv(file);
    lookup_table table{csv.rows.size(), csv.rows.empty() ? 0 : csv.rows.front().size(), {}};
    table.values.reserve(table.rows * table.steps);
    for (std::size_t r = 0; r < csv.rows.size(); ++r)
        for (std::size_t c = 0; c < csv.rows[r].size(); ++c) {
            const double x = csv.rows[r][c];
            if (!std::isfinite(x))
                throw input_error(file.string() + ":" + std::to_string(r + 1) + ": column " + std::to_string(c + 1) +
                                  " is " + (std::isnan(x) ? "NaN" : "infinite") +
                                  "; cellfit needs every value (cut the traces or fill the gap)");
            table.values.push_back(x * scale.value);
        }
    return table;
}

trace_output read_trace_output(const std::string& variable, const std::filesystem::path& file, const std::string& unit) {
    const lookup_table table = read_input_table(file, unit);
    trace_output out{variable, {}};
    for (std::size_t r = 0; r < table.rows; ++r)
        out.traces.emplace_back(table.values.begin() + static_cast<std::ptrdiff_t>(r * table.steps),
                                table.values.begin() + static_cast<std::ptrdiff_t>((r + 1) * table.steps));
    return out;
}

} // namespace cellfit
