#include "fit_from_record.hpp"
#include "fit_record.hpp"
#include "model_options.hpp"
#include "table_options.hpp"

#include <cstdio>
#include <filesystem>

namespace cellfit::cli {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

std::string exact(double v) {
    char text[40];
    std::snprintf(text, sizeof text, "%.17g*second", v);
    return text;
}

const json& at(const json& j, const char* key, const std::string& where) {
    if (!j.is_object() || !j.contains(key))
        throw input_error(where + ": the fit's description (\"fit\") has no \"" + key + "\"; give the fit's flags with --config FILE.ini");
    return j.at(key);
}

std::string text(const json& j, const char* key, const std::string& where) {
    const json& v = at(j, key, where);
    if (!v.is_string()) throw input_error(where + ": the fit's \"" + key + "\" is not text; the file is damaged");
    return v.get<std::string>();
}

std::vector<std::pair<std::string, std::string>> pairs(const json& list, const std::string& where, const char* key) {
    std::vector<std::pair<std::string, std::string>> out;
    if (!list.is_array()) throw input_error(where + ": the fit's \"" + key + "\" is not a list; the file is damaged");
    for (const auto& kv : list) {
        if (!kv.is_array() || kv.size() != 2 || !kv.at(0).is_string() || !kv.at(1).is_string())
            throw input_error(where + ": the fit's \"" + key + "\" holds an entry that is not a [name, value] pair");
        out.emplace_back(kv.at(0).get<std::string>(), kv.at(1).get<std::string>());
    }
    return out;
}

} // namespace

recorded_fit recorded_fit_of(const json& description, const std::string& results_file) {
    const std::string& where = results_file;
    recorded_fit out;
    const json& model = at(description, "model", where);
    out.model.equations = text(model, "text", where);
    const std::string file = model.contains("file") && model.at("file").is_string() ? model.at("file").get<std::string>() : "";
    out.model.origin = file.empty() ? results_file : file + " (as recorded in " + results_file + ")";
    out.model.constant_hint = "a constant (--const NAME=VALUE)";
    out.model.input_hint = "an input with its recorded values (--input NAME=FILE.csv:UNIT)";
    const auto optional_text = [&](const char* key) -> std::optional<std::string> {
        if (model.contains(key) && model.at(key).is_string()) return model.at(key).get<std::string>();
        return std::nullopt;
    };
    out.model.threshold = optional_text("threshold");
    out.model.reset = optional_text("reset");
    out.model.refractory = optional_text("refractory");
    out.model.constants = pairs(at(model, "constants", where), where, "constants");

    const json& data = at(description, "data", where);
    const json& dt = at(data, "dt", where);
    if (!dt.is_number() || !(dt.get<double>() > 0)) throw input_error(where + ": the fit's dt is not a positive number; the file is damaged");
    out.arguments.push_back("--dt=" + exact(dt.get<double>()));

    // Each data file where the fit read it: relative paths from the fit's
    // working directory, then the current one, then the results file's
    // folder; a path inside the fit's working directory also from the
    // results file's folder (the fit's folder moved). The content hash
    // decides which, if any, is the fit's file.
    const fs::path fit_directory = description.contains("directory") && description.at("directory").is_string()
                                       ? fs::path(description.at("directory").get<std::string>())
                                       : fs::path();
    const fs::path results_folder = fs::path(results_file).parent_path();
    const auto candidates_for = [&](const fs::path& path) {
        std::vector<fs::path> candidates;
        if (path.is_absolute()) {
            candidates.push_back(path);
            const fs::path inside = fit_directory.empty() ? fs::path() : path.lexically_relative(fit_directory);
            if (!inside.empty() && *inside.begin() != "..") candidates.push_back(results_folder / inside);
        } else {
            if (!fit_directory.empty()) candidates.push_back(fit_directory / path);
            candidates.push_back(path);
            candidates.push_back(results_folder / path);
        }
        return candidates;
    };
    std::vector<std::string> problems;
    bool has_inputs = false;
    const json& files = at(data, "files", where);
    if (!files.is_array()) throw input_error(where + ": the fit's data files are not a list; the file is damaged");
    for (const auto& f : files) {
        const std::string flag = text(f, "flag", where), path = text(f, "file", where), hash = text(f, "hash", where);
        if (flag != "input" && flag != "timed-array" && flag != "output" && flag != "spikes")
            throw input_error(where + ": the fit's data file " + path + " comes with an unknown flag '" + flag + "'");
        const std::string described = "--" + flag + (flag == "spikes" ? "" : " " + text(f, "name", where)) + " (" + path + ")";
        std::string found, changed;
        for (const auto& c : candidates_for(path)) {
            std::error_code ec;
            if (!fs::is_regular_file(c, ec)) continue;
            std::string now;
            try {
                now = content_hash(c.string());
            } catch (const input_error&) {
                continue;  // unreadable here: another candidate may be the file
            }
            if (now == hash) {
                found = c.lexically_normal().string();
                break;
            }
            if (changed.empty()) changed = c.lexically_normal().string();
        }
        if (found.empty()) {
            problems.push_back(changed.empty() ? described + ": not found" :
                                                 described + ": " + changed + " has changed since the fit (its content hash differs)");
            continue;
        }
        has_inputs = has_inputs || flag == "input" || flag == "timed-array";
        out.arguments.push_back("--" + flag + "=" + (flag == "spikes" ? found : text(f, "name", where) + "=" + found + ":" + text(f, "unit", where)));
    }
    if (!problems.empty()) {
        std::string list;
        for (const auto& p : problems) list += "\n  " + p;
        throw input_error(where + ": the fit's data files are not as the fit read them:" + list +
                          "\nGive the fit's flags instead: --config FILE.ini (the fit's INI file), or --model and the data flags "
                          "(--output, --spikes, --input) on the command line");
    }
    if (!has_inputs && data.contains("steps") && data.at("steps").is_number())
        out.arguments.push_back("--duration=" + exact(data.at("steps").get<double>() * dt.get<double>()));

    for (const auto& [var, expr] : pairs(at(description, "initial_values", where), where, "initial_values"))
        out.arguments.push_back("--init=" + var + "=" + expr);
    if (description.contains("method") && description.at("method").is_string() && description.at("method") != "none")
        out.arguments.push_back("--method=" + description.at("method").get<std::string>());
    if (description.contains("penalty") && description.at("penalty").is_string() && !description.at("penalty").get<std::string>().empty())
        out.arguments.push_back("--penalty=" + description.at("penalty").get<std::string>());
    const json& fixed = at(description, "fixed_parameters", where);
    if (fixed.is_object())
        for (const auto& [name, value] : fixed.items()) {
            if (!value.is_number()) throw input_error(where + ": the fit's fixed parameter " + name + " is not a number");
            out.fixed_parameters[name] = value.get<double>();
        }
    return out;
}

std::vector<std::string> data_differences(const json& description, const po::variables_map& vm) {
    std::map<std::string, std::string> recorded;  // "--output v" -> hash
    if (description.contains("data") && description.at("data").contains("files") && description.at("data").at("files").is_array())
        for (const auto& f : description.at("data").at("files"))
            if (f.is_object() && f.contains("flag") && f.contains("hash") && f.at("flag").is_string() && f.at("hash").is_string())
                recorded["--" + f.at("flag").get<std::string>() +
                         (f.contains("name") && f.at("name").is_string() ? " " + f.at("name").get<std::string>() : "")] =
                    f.at("hash").get<std::string>();
    std::vector<std::string> out;
    const auto compare = [&](const std::string& key, const std::string& file) {
        const auto it = recorded.find(key);
        if (it == recorded.end())
            out.push_back(key + " " + file + " was not a data file of the recorded fit");
        else if (content_hash(file) != it->second)
            out.push_back(key + " " + file + " differs from the file the fit read (its content hash differs)");
    };
    for (const char* flag : {"input", "timed-array", "output"})
        for (const auto& t : values(vm, flag)) {
            const table_flag f = split_table_flag(flag, t);
            compare(std::string("--") + flag + " " + f.name, f.file);
        }
    if (vm.count("spikes")) compare("--spikes", vm["spikes"].as<std::string>());
    return out;
}

} // namespace cellfit::cli
