#include "batch_summary.hpp"
#include "batch_manifest.hpp"

#include <cellfit/error.hpp>
#include <cellfit/io/atomic_file.hpp>
#include <cellfit/io/numbers.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cellfit::cli {

std::vector<std::string> summary_row::fields() const {
    std::vector<std::string> out{cell, status};
    for (const auto& [header, value] : columns) {
        out.push_back(header);
        out.push_back(value);
    }
    return out;
}

summary_row summary_row::from_fields(const std::vector<std::string>& fields) {
    summary_row row;
    if (fields.size() < 2 || fields.size() % 2 != 0)
        throw error("a batch result of " + std::to_string(fields.size()) + " fields is damaged");
    row.cell = fields[0];
    row.status = fields[1];
    for (std::size_t k = 2; k + 1 < fields.size(); k += 2) row.columns.emplace_back(fields[k], fields[k + 1]);
    return row;
}

summary_row finished_row(const std::string& cell, const fit_results& results, const std::string& seconds) {
    summary_row row{cell, "ok", {}};
    const auto best = results.best_params();
    const bool refined = results.best_is_refined();
    for (std::size_t p = 0; p < results.parameter_names.size(); ++p) {
        const std::string& name = results.parameter_names[p];
        const auto it = best.find(name);
        row.columns.emplace_back(name + " (" + results.parameter_units[p] + ")",
                                 it == best.end() ? std::string() : format_number(it->second));
    }
    row.columns.emplace_back("error (" + (refined ? results.refine->error_unit : results.error_unit) + ")",
                             format_number(results.best_error()));
    if (results.refine) {
        const refine_record& r = *results.refine;
        for (std::size_t p = 0; p < r.parameter_names.size() && p < r.standard_errors.size(); ++p)
            row.columns.emplace_back(r.parameter_names[p] + "_stderr (" + r.parameter_units[p] + ")",
                                     format_number(r.standard_errors[p]));
    }
    row.columns.emplace_back("seconds", seconds);
    return row;
}

std::map<std::string, summary_row> read_summary(const std::string& file) {
    std::map<std::string, summary_row> rows;
    if (!std::filesystem::exists(file)) return rows;
    std::ifstream in(file, std::ios::binary);
    if (!in) throw input_error("cannot read " + file + ", the summary of an earlier run; make it readable or remove it");
    std::ostringstream text;
    text << in.rdbuf();
    const auto records = read_csv_records(text.str(), file);
    if (records.empty()) return rows;
    const auto& header = records.front().fields;
    if (header.size() < 2 || header[0] != "cell" || header[1] != "status")
        throw input_error(file + " is not the summary of a batch (its header does not begin with cell,status); give "
                                 "another --out, or remove the file");
    for (std::size_t r = 1; r < records.size(); ++r) {
        const auto& f = records[r].fields;
        if (f.size() != header.size())
            throw input_error(file + ":" + std::to_string(records[r].line) + ": the row has " + std::to_string(f.size()) +
                              " fields and the header " + std::to_string(header.size()) + "; the summary is damaged: "
                              "remove it, and the cells will be checked against their results files again");
        summary_row row{f[0], f[1], {}};
        for (std::size_t c = 2; c < f.size(); ++c)
            if (!f[c].empty()) row.columns.emplace_back(header[c], f[c]);
        rows[row.cell] = std::move(row);
    }
    return rows;
}

void write_summary(const std::string& file, const std::vector<summary_row>& rows) {
    std::vector<std::string> headers;
    for (const auto& row : rows)
        for (const auto& [header, value] : row.columns)
            if (header != "seconds" && std::find(headers.begin(), headers.end(), header) == headers.end())
                headers.push_back(header);
    headers.push_back("seconds");
    std::string text = "cell,status";
    for (const auto& h : headers) text += "," + csv_field(h);
    text += "\n";
    for (const auto& row : rows) {
        text += csv_field(row.cell) + "," + csv_field(row.status);
        for (const auto& h : headers) {
            const auto it = std::find_if(row.columns.begin(), row.columns.end(), [&](const auto& c) { return c.first == h; });
            text += "," + (it == row.columns.end() ? std::string() : csv_field(it->second));
        }
        text += "\n";
    }
    write_file_atomically(file, text);
}

} // namespace cellfit::cli
