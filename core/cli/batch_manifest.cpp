#include "batch_manifest.hpp"
#include "config_file.hpp"

#include <cellfit/error.hpp>
#include <cellfit/suggest.hpp>

#include <algorithm>
#include <cctype>
#include <boost/program_options/value_semantic.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace cellfit::cli {

std::vector<csv_record> read_csv_records(const std::string& text, const std::string& origin) {
    std::vector<csv_record> records;
    csv_record record;
    std::string field;
    bool quoted = false, after_quote = false, any = false;
    std::size_t line = 1, quote_line = 0;
    const auto end_field = [&] {
        record.fields.push_back(std::move(field));
        field.clear();
        after_quote = false;
    };
    const auto end_record = [&] {
        end_field();
        const bool blank = record.fields.size() == 1 && record.fields[0].empty() && !any;
        if (!blank) records.push_back(std::move(record));
        record = {};
        any = false;
    };
    record.line = 1;
    for (std::size_t k = 0; k < text.size(); ++k) {
        const char c = text[k];
        if (quoted) {
            if (c == '"' && k + 1 < text.size() && text[k + 1] == '"') {
                field += '"';
                ++k;
            } else if (c == '"') {
                quoted = false;
                after_quote = true;
            } else {
                if (c == '\n') ++line;
                if (c == '\0')
                    throw input_error(origin + ":" + std::to_string(line) + ": a NUL byte; the manifest must be a text file");
                field += c;
            }
            continue;
        }
        if (c == '\r' && k + 1 < text.size() && text[k + 1] == '\n') continue;
        if (c == '\n' || c == '\r') {
            end_record();
            record.line = ++line;
        } else if (c == ',') {
            end_field();
            any = true;
        } else if (c == '"' && field.empty() && !after_quote) {
            quoted = true;
            any = true;
            quote_line = line;
        } else if (after_quote) {
            throw input_error(origin + ":" + std::to_string(line) + ": text after a closing quote; write a quote "
                              "inside a quoted field as \"\"");
        } else if (c == '\0') {
            throw input_error(origin + ":" + std::to_string(line) + ": a NUL byte; the manifest must be a text file");
        } else {
            field += c;
        }
    }
    if (quoted)
        throw input_error(origin + ":" + std::to_string(quote_line) + ": a quoted field is not closed; end it with \"");
    if (!field.empty() || !record.fields.empty() || any) end_record();
    return records;
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

bool repeatable_flag(const boost::program_options::options_description& options, const std::string& name) {
    const auto* o = options.find_nothrow(name, false);
    return o && dynamic_cast<const boost::program_options::typed_value<std::vector<std::string>>*>(o->semantic().get());
}

bool batch_owns_flag(const std::string& flag) {
    static const std::set<std::string> owned{"config", "help", "results", "resume", "restart", "callback", "generate",
                                             "report", "reports", "manifest", "out", "refit", "name"};
    return owned.count(flag) > 0;
}

namespace {

std::string trimmed(std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    return s;
}

// A cell's name becomes DIR/<name>.json: no folders, nothing hidden, no
// characters a shell or another file system would trip on.
std::string name_problem(const std::string& name) {
    if (name.empty()) return "is empty";
    if (name.size() > 100) return "is longer than 100 characters";
    if (name.front() == '.' || name.front() == '-') return "starts with '" + std::string(1, name.front()) + "'";
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
            return "has the character '" + std::string(1, c) + "'";
    return {};
}

} // namespace

std::vector<manifest_cell> read_manifest(const std::string& file, const boost::program_options::options_description& fit_options) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw input_error("cannot read the manifest " + file + " (--manifest)");
    std::ostringstream text;
    text << in.rdbuf();
    std::string content = text.str();
    if (content.starts_with("\xEF\xBB\xBF")) content.erase(0, 3);  // the byte-order mark spreadsheets write
    auto records = read_csv_records(content, file);
    // A line of blanks only (spaces left by an editor) is a blank line.
    std::erase_if(records, [](const csv_record& r) {
        return std::all_of(r.fields.begin(), r.fields.end(), [](const std::string& f) {
            return f.find_first_not_of(" \t") == std::string::npos;
        });
    });
    if (records.empty())
        throw input_error(file + " is empty; a manifest has a header (name,output,...) and one row per cell");

    std::vector<std::string> valid;
    for (const auto& o : fit_options.options())
        if (!batch_owns_flag(o->long_name())) valid.push_back(o->long_name());
    const auto& header = records.front().fields;
    if (std::none_of(header.begin(), header.end(), [](const std::string& h) {
            const std::string column = trimmed(h);
            return column == "name" || column == "--name";
        }))
        throw input_error(file + ":" + std::to_string(records.front().line) +
                          ": the header has no `name` column; name every cell in one (it names DIR/<name>.json)");
    std::vector<std::string> columns;
    std::size_t name_column = header.size();
    for (std::size_t c = 0; c < header.size(); ++c) {
        std::string column = trimmed(header[c]);
        if (column.starts_with("--")) column.erase(0, 2);
        const std::string where = file + ":" + std::to_string(records.front().line) + ", column " + std::to_string(c + 1);
        if (column == "name") {
            if (name_column != header.size()) throw input_error(where + ": a second `name` column");
            name_column = c;
        } else if (column.empty()) {
            throw input_error(where + ": the column has no name; name it after a fit flag, e.g. output");
        } else if (batch_owns_flag(column)) {
            throw input_error(where + ": `" + column + "` is set by the batch for every cell (results go to " +
                              "DIR/<name>.json); remove the column");
        } else if (std::find(valid.begin(), valid.end(), column) == valid.end()) {
            const auto close = closest_names(column, valid);
            throw input_error(where + ": `" + column + "` is not a flag of cellfit fit" +
                              (close.empty() ? "" : " (did you mean `" + close.front() + "`?)") +
                              "; columns are named after fit flags: output, spikes, input, param, init, bound, ...");
        } else if (std::find(columns.begin(), columns.end(), column) != columns.end()) {
            throw input_error(where + ": a second `" + column + "` column; give several values in one field, "
                                      "separated by ';'");
        }
        columns.push_back(column);
    }

    std::vector<bool> repeatable;
    for (const auto& column : columns) repeatable.push_back(repeatable_flag(fit_options, column));
    const std::filesystem::path folder = std::filesystem::path(file).parent_path();
    std::vector<manifest_cell> cells;
    std::set<std::string> names;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const csv_record& row = records[r];
        const std::string where = file + ":" + std::to_string(row.line);
        if (row.fields.size() != header.size())
            throw input_error(where + ": " + std::to_string(row.fields.size()) + " fields, and the header has " +
                              std::to_string(header.size()) + "; quote a field that holds a comma (\"gl=1*nS,100*nS\")");
        manifest_cell cell;
        cell.line = row.line;
        cell.name = trimmed(row.fields[name_column]);
        if (const std::string problem = name_problem(cell.name); !problem.empty())
            throw input_error(where + ": the cell name '" + cell.name + "' " + problem +
                              "; use letters, digits, '.', '_' and '-' (it names the cell's results file)");
        // Case-insensitively: Cell1.json and cell1.json are one file on some file systems.
        std::string folded = cell.name;
        for (char& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!names.insert(folded).second)
            throw input_error(where + ": a second cell named '" + cell.name + "' (names differing only in case "
                                      "count as one: they name one file on some file systems)");
        for (std::size_t c = 0; c < header.size(); ++c) {
            if (c == name_column) continue;
            // A repeatable flag's values are separated by ';'; another flag's
            // field is one value (a reset may hold ';' between statements).
            std::vector<std::string> values{row.fields[c]};
            if (repeatable[c]) {
                values.clear();
                std::stringstream list(row.fields[c]);
                for (std::string value; std::getline(list, value, ';');) values.push_back(value);
            }
            for (std::string value : values) {
                value = trimmed(value);
                if (!value.empty()) cell.flags.emplace_back(columns[c], resolve_config_paths(columns[c], value, folder));
            }
        }
        cells.push_back(std::move(cell));
    }
    if (cells.empty()) throw input_error(file + " has a header but no cells; add one row per cell");
    return cells;
}

} // namespace cellfit::cli
