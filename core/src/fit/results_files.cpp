// Fit results as files: CSV (a column per parameter and objective, units in
// the header) and JSON (the best sample, every sample, refinement), written
// and read back in SI.

#include <cellfit/error.hpp>
#include <cellfit/fit/results.hpp>
#include <cellfit/io/atomic_file.hpp>
#include <cellfit/io/csv.hpp>
#include <cellfit/io/numbers.hpp>
#include <cellfit/model/model.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace cellfit {

using json = nlohmann::ordered_json;

namespace {


json finite_or_null(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

// The shortest text that reads back to the same double (null when not finite).
void append_json_number(std::string& text, double x) {
    if (!std::isfinite(x)) {
        text += "null";
        return;
    }
    if (x == 0 && std::signbit(x)) {  // "-0" would read back as the integer 0
        text += "-0.0";
        return;
    }
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x);
    text.append(buffer, ec == std::errc{} ? end : buffer);
}

double number_or_inf(const json& j, const std::string& path, const char* what) {
    if (j.is_null()) return std::numeric_limits<double>::infinity();
    if (!j.is_number()) throw input_error(path + ": " + what + " is not a number");
    return j.get<double>();
}

double number_or_nan(const json& j) { return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN(); }

// The objectives whose errors were normalised, which keep their raw errors too.
std::vector<std::size_t> normalised_objectives(const fit_results& r) {
    std::vector<std::size_t> raw;
    for (std::size_t o = 0; o < r.objective_raw_factors.size() && o < r.objective_names.size(); ++o)
        if (r.objective_raw_factors[o] != 1) raw.push_back(o);
    return raw;
}

// "gl (siemens)" -> name "gl", unit "siemens".
std::pair<std::string, std::string> split_header(const std::string& cell) {
    const auto open = cell.find(" (");
    if (open == std::string::npos || cell.back() != ')') return {cell, "1"};
    return {cell.substr(0, open), cell.substr(open + 2, cell.size() - open - 3)};
}

fit_results read_results_csv(const std::string& path) {
    const csv_table table = read_csv_with_header(path);
    const auto& header = table.header;
    fit_results r;
    // The factor that turns each column into SI.
    std::vector<double> scale(header.size(), 1.0);
    std::vector<int> parameter_of(header.size(), -1), objective_of(header.size(), -1);
    int round_column = -1, error_column = -1;
    for (std::size_t c = 0; c < header.size(); ++c) {
        const auto [name, unit] = split_header(header[c]);
        if (name == "round") {
            round_column = static_cast<int>(c);
            continue;
        }
        const quantity q = evaluate_quantity(unit, path + " header, column " + std::to_string(c + 1));
        scale[c] = q.value;
        const std::string si = unit_name(q.dim);
        if (name == "error") {
            error_column = static_cast<int>(c);
            r.error_unit = si;
        } else if (name.starts_with("raw_error_")) {
            continue;  // derived from error_<name>: not read back
        } else if (name.starts_with("error_")) {
            objective_of[c] = static_cast<int>(r.objective_names.size());
            r.objective_names.push_back(name.substr(6));
            r.objective_units.push_back(si);
        } else {
            parameter_of[c] = static_cast<int>(r.parameter_names.size());
            r.parameter_names.push_back(name);
            r.parameter_units.push_back(si);
        }
    }
    if (error_column < 0) throw input_error(path + ": no 'error' column; is this a cellfit results file?");
    for (const auto& row : table.rows) {
        sample_record s;
        s.params.resize(r.parameter_names.size());
        s.objectives.resize(r.objective_names.size());
        for (std::size_t c = 0; c < row.size(); ++c) {
            const double x = row[c];
            if (static_cast<int>(c) == round_column) {
                if (!(x >= 0) || x != std::floor(x) || x > 1e15)
                    throw input_error(path + ": a round is " + format_number(x) + "; rounds are whole numbers from 0");
                s.round = static_cast<std::size_t>(x);
            } else if (static_cast<int>(c) == error_column) s.error = x * scale[c];
            else if (parameter_of[c] >= 0) s.params[static_cast<std::size_t>(parameter_of[c])] = x * scale[c];
            else if (objective_of[c] >= 0) s.objectives[static_cast<std::size_t>(objective_of[c])] = x * scale[c];
        }
        r.n_rounds = std::max(r.n_rounds, s.round + 1);
        r.samples.push_back(std::move(s));
    }
    return r;
}

fit_results read_results_json(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw input_error("cannot read the results file " + path);
    json j;
    try {
        j = json::parse(in);
    } catch (const json::exception& e) {
        throw input_error(path + " is not valid JSON: " + e.what());
    }
    fit_results r;
    try {
        if (!j.is_object() || !j.contains("best_params"))
            throw input_error(path + ": no 'best_params'; is this a cellfit results file?");
        const int version = j.value("format_version", 1);
        if (version < 1 || version > results_format_version)
            throw input_error(path + " is in results format version " + std::to_string(version) + "; this cellfit reads " +
                              "versions 1 to " + std::to_string(results_format_version) + " (a newer cellfit wrote it)");
        r.first_iteration = j.value("first_iteration", std::size_t{0});
        r.optimizer_start_round = j.value("optimizer_start_round", std::size_t{0});
        if (j.contains("fit")) {
            if (!j.at("fit").is_object()) throw input_error(path + ": 'fit' (the fit's description) is not an object");
            r.description = j.at("fit").dump();
        }
        for (const auto& [name, value] : j.at("best_params").items()) {
            r.parameter_names.push_back(name);
            const auto units = j.value("best_params_units", json::object());
            r.parameter_units.push_back(units.value(name, "1"));
            (void)value;
        }
        r.error_unit = j.value("best_error_unit", "1");
        r.n_rounds = j.value("n_rounds", std::size_t{0});
        r.n_samples = j.value("n_samples", std::size_t{0});
        for (const auto& o : j.value("objectives", json::array())) {
            r.objective_names.push_back(o.at("name").get<std::string>());
            r.objective_units.push_back(o.value("unit", "1"));
            r.objective_raw_factors.push_back(o.contains("raw_factor") ? number_or_nan(o.at("raw_factor")) : 1.0);
            r.objective_raw_units.push_back(o.value("raw_unit", r.objective_units.back()));
        }
        r.round_seconds = j.value("round_seconds", std::vector<double>{});
        r.round_diverged = j.value("round_diverged", std::vector<std::size_t>{});
        if (j.contains("refine")) {
            const json& f = j.at("refine");
            refine_record rec;
            rec.parameter_names = f.at("parameters").get<std::vector<std::string>>();
            rec.parameter_units = f.at("units").get<std::vector<std::string>>();
            for (const auto& name : rec.parameter_names) {
                rec.params.push_back(number_or_inf(f.at("params").at(name), path, "refine.params"));
                const json& e = f.at("stderr").at(name);
                rec.standard_errors.push_back(e.is_null() ? std::numeric_limits<double>::quiet_NaN() : e.get<double>());
            }
            rec.cost = f.value("cost", 0.0);
            rec.error = number_or_inf(f.at("error"), path, "refine.error");
            rec.error_unit = f.value("error_unit", "1");
            rec.nfev = f.value("nfev", std::size_t{0});
            rec.njev = f.value("njev", std::size_t{0});
            rec.simulations = f.value("simulations", std::size_t{0});
            rec.starts = f.value("starts", std::size_t{1});
            rec.seconds = f.value("seconds", 0.0);
            rec.warnings = f.value("warnings", std::vector<std::string>{});
            const json& start = f.value("start", json::object());
            if (!start.empty())
                for (const auto& name : rec.parameter_names)
                    rec.start.push_back(start.contains(name) ? number_or_inf(start.at(name), path, "refine.start")
                                                             : std::numeric_limits<double>::quiet_NaN());
            for (const auto& row : f.value("correlation", json::array())) {
                std::vector<double> values;
                for (const auto& x : row)
                    values.push_back(x.is_null() ? std::numeric_limits<double>::quiet_NaN() : x.get<double>());
                if (values.size() != rec.parameter_names.size())
                    throw input_error(path + ": refine.correlation has a row of " + std::to_string(values.size()) +
                                      " values for " + std::to_string(rec.parameter_names.size()) + " parameters");
                rec.correlation.push_back(std::move(values));
            }
            if (!rec.correlation.empty() && rec.correlation.size() != rec.parameter_names.size())
                throw input_error(path + ": refine.correlation has " + std::to_string(rec.correlation.size()) + " rows for " +
                                  std::to_string(rec.parameter_names.size()) + " parameters");
            rec.status = f.value("status", "");
            rec.message = f.value("message", "");
            rec.gradient = f.value("gradient", "");
            rec.comparable = j.value("best_from", "fit") == "refine";
            r.refine = rec;
        }
        for (const auto& s : j.value("samples", json::array())) {
            sample_record rec;
            rec.round = s.value("round", std::size_t{0});
            for (const auto& name : r.parameter_names)
                rec.params.push_back(number_or_inf(s.at("params").at(name), path, ("a sample's " + name).c_str()));
            rec.error = number_or_inf(s.at("error"), path, "a sample's error");
            for (const auto& name : r.objective_names)
                rec.objectives.push_back(number_or_inf(s.at("errors").at(name), path, ("a sample's error " + name).c_str()));
            r.samples.push_back(std::move(rec));
        }
        // A file with best parameters but no samples (written by hand, say)
        // still gives its best parameters.
        if (r.samples.empty()) {
            sample_record rec;
            for (const auto& name : r.parameter_names)
                rec.params.push_back(number_or_inf(j.at("best_params").at(name), path, ("best_params." + name).c_str()));
            rec.error = j.contains("best_error") ? number_or_inf(j.at("best_error"), path, "best_error") : 0.0;
            rec.objectives.assign(r.objective_names.size(), rec.error);
            r.samples.push_back(std::move(rec));
        }
    } catch (const json::exception& e) {
        throw input_error(path + ": unexpected structure (" + e.what() + ")");
    }
    return r;
}

} // namespace

void write_results_csv(const fit_results& r, const std::string& path) {
    std::ostringstream out;
    out << "round";
    for (std::size_t p = 0; p < r.parameter_names.size(); ++p)
        out << "," << r.parameter_names[p] << " (" << r.parameter_units[p] << ")";
    out << ",error (" << r.error_unit << ")";
    for (std::size_t o = 0; o < r.objective_names.size(); ++o)
        out << ",error_" << r.objective_names[o] << " (" << r.objective_units[o] << ")";
    const std::vector<std::size_t> raw = normalised_objectives(r);  // their raw errors too
    for (std::size_t o : raw) out << ",raw_error_" << r.objective_names[o] << " (" << r.objective_raw_units[o] << ")";
    out << "\n";
    for (const auto& s : r.samples) {
        out << s.round;
        for (double x : s.params) out << "," << format_number(x);
        out << "," << format_number(s.error);
        for (double x : s.objectives) out << "," << format_number(x);
        for (std::size_t o : raw) out << "," << format_number(s.objectives[o] * r.objective_raw_factors[o]);
        out << "\n";
    }
    write_file_atomically(path, out.str());
}

std::string results_json(const fit_results& r, int indent) {
    json j;
    j["format_version"] = results_format_version;
    const auto best_params = r.best_params();
    const bool refined = r.best_is_refined();
    const auto& names = refined ? r.refine->parameter_names : r.parameter_names;
    const auto& unit_names = refined ? r.refine->parameter_units : r.parameter_units;
    json params = json::object(), units = json::object();
    for (std::size_t p = 0; p < names.size(); ++p) {
        auto it = best_params.find(names[p]);
        params[names[p]] = it == best_params.end() ? json(nullptr) : finite_or_null(it->second);
        units[names[p]] = unit_names[p];
    }
    j["best_params"] = params;
    j["best_params_units"] = units;
    j["best_error"] = finite_or_null(r.best_error());
    j["best_error_unit"] = refined ? r.refine->error_unit : r.error_unit;
    j["best_from"] = refined ? "refine" : "fit";
    j["n_rounds"] = r.n_rounds;
    j["n_samples"] = r.n_samples;
    j["optimizer_start_round"] = r.optimizer_start_round;
    j["first_iteration"] = r.first_iteration;
    j["objectives"] = json::array();
    for (std::size_t o = 0; o < r.objective_names.size(); ++o) {
        json entry = {{"name", r.objective_names[o]}, {"unit", r.objective_units[o]}};
        if (o < r.objective_raw_factors.size() && r.objective_raw_factors[o] != 1) {
            entry["raw_factor"] = finite_or_null(r.objective_raw_factors[o]);
            entry["raw_unit"] = r.objective_raw_units[o];
        }
        j["objectives"].push_back(entry);
    }
    j["round_seconds"] = r.round_seconds;
    j["round_diverged"] = r.round_diverged;
    if (r.refine) {
        const refine_record& f = *r.refine;
        json rp = json::object(), se = json::object(), start = json::object();
        for (std::size_t p = 0; p < f.parameter_names.size(); ++p) {
            rp[f.parameter_names[p]] = finite_or_null(f.params[p]);
            se[f.parameter_names[p]] = finite_or_null(f.standard_errors[p]);
            if (p < f.start.size()) start[f.parameter_names[p]] = f.start[p];
        }
        json corr = json::array();
        for (const auto& row : f.correlation) {
            json jr = json::array();
            for (double x : row) jr.push_back(finite_or_null(x));
            corr.push_back(jr);
        }
        j["refine"] = {{"params", rp},          {"stderr", se},          {"correlation", corr},
                       {"parameters", f.parameter_names},              {"units", f.parameter_units},
                       {"cost", f.cost},        {"error", finite_or_null(f.error)}, {"error_unit", f.error_unit},
                       {"nfev", f.nfev},        {"njev", f.njev},        {"simulations", f.simulations},
                       {"status", f.status},    {"message", f.message},  {"gradient", f.gradient},
                       {"start", start},        {"starts", f.starts},    {"seconds", f.seconds},
                       {"warnings", f.warnings}};
    }
    if (!r.description.empty()) j["fit"] = json::parse(r.description);
    // The samples, which make nearly all of the file, are written directly:
    // building a JSON tree per sample cost ~6 us each, and a checkpoint
    // rewrites them all.
    std::string text = j.dump(indent);
    text.pop_back();  // the object's closing brace: the samples come last
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    const std::string newline = indent >= 0 ? "\n" : "";
    const std::string pad = indent >= 0 ? std::string(static_cast<std::size_t>(indent), ' ') : "";
    text += "," + newline + pad + "\"samples\": [";
    // Raw errors beside the normalised ones, for the objectives that were normalised.
    const std::vector<std::size_t> raw = normalised_objectives(r);
    std::vector<std::string> param_keys, objective_keys;  // quoted and escaped once
    for (const auto& name : r.parameter_names) param_keys.push_back(json(name).dump() + ": ");
    for (const auto& name : r.objective_names) objective_keys.push_back(json(name).dump() + ": ");
    const std::string row_start = newline + pad + pad + "{\"round\": ";
    text.reserve(text.size() + r.samples.size() * (64 + 28 * (param_keys.size() + objective_keys.size())));
    // n members "key": number of one JSON object; member(k) gives the key's
    // index and the number.
    const auto append_members = [&text](std::size_t n, const auto& member, const std::vector<std::string>& keys) {
        for (std::size_t k = 0; k < n; ++k) {
            const auto [key, value] = member(k);
            if (k) text += ", ";
            text += keys[key];
            append_json_number(text, value);
        }
    };
    for (std::size_t i = 0; i < r.samples.size(); ++i) {
        const sample_record& s = r.samples[i];
        if (i) text += ',';
        text += row_start;
        append_json_number(text, static_cast<double>(s.round));
        text += ", \"params\": {";
        append_members(param_keys.size(), [&](std::size_t k) { return std::pair{k, s.params[k]}; }, param_keys);
        text += "}, \"error\": ";
        append_json_number(text, s.error);
        text += ", \"errors\": {";
        append_members(objective_keys.size(), [&](std::size_t k) { return std::pair{k, s.objectives[k]}; },
                       objective_keys);
        text += "}";
        if (!raw.empty()) {
            text += ", \"raw_errors\": {";
            append_members(raw.size(), [&](std::size_t k) {
                return std::pair{raw[k], s.objectives[raw[k]] * r.objective_raw_factors[raw[k]]};
            }, objective_keys);
            text += "}";
        }
        text += "}";
    }
    text += (r.samples.empty() ? "" : newline + pad) + "]" + newline + "}";
    return text;
}

void write_results_json(const fit_results& r, const std::string& path) {
    write_file_atomically(path, results_json(r) + "\n");
}

fit_results read_results(const std::string& path) {
    if (path.size() >= 4 && path.compare(path.size() - 4, 4, ".csv") == 0) return read_results_csv(path);
    return read_results_json(path);
}

} // namespace cellfit
