#include "fit_record.hpp"
#include "model_options.hpp"
#include "table_options.hpp"

#include <cellfit/error.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/version.hpp>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <fstream>

namespace cellfit::cli {

namespace {

// The entries that decide the samples, compared by --resume; the optimizer's
// may change on a restart.
const char* const decisive[] = {"target", "model", "data", "method", "initial_values", "fixed_parameters", "penalty",
                                "bounds", "metrics", "samples_per_round", "multi_objective"};
const char* const optimizer_entries[] = {"optimizer", "seed"};

ordered_json pairs(const std::vector<std::pair<std::string, std::string>>& list) {
    ordered_json j = ordered_json::array();
    for (const auto& [a, b] : list) j.push_back({a, b});
    return j;
}

ordered_json table_file(const std::string& flag, const table_flag& t) {
    return {{"flag", flag}, {"name", t.name}, {"file", t.file}, {"unit", t.unit}, {"hash", content_hash(t.file)}};
}

std::string short_text(const ordered_json& j) {
    const std::string text = j.dump();
    return text.size() > 120 ? text.substr(0, 117) + "..." : text;
}

// The entries that decide the samples, flattened to "data.files.output v",
// "model.text", ...: where a data file lives does not matter, only what it
// holds.
void flatten(const std::string& where, const ordered_json& j, int depth, std::map<std::string, ordered_json>& out) {
    if (j.is_object() && depth > 0) {
        for (const auto& [key, value] : j.items()) flatten(where + "." + key, value, depth - 1, out);
        return;
    }
    out[where] = j;
}

std::map<std::string, ordered_json> decisive_view(const ordered_json& record, bool with_optimizer) {
    std::map<std::string, ordered_json> out;
    const auto entry = [&](const char* key) { return record.contains(key) ? record.at(key) : ordered_json(); };
    for (const char* key : decisive) {
        ordered_json value = entry(key);
        if (std::string(key) == "model" && value.is_object()) value.erase("file");
        if (std::string(key) == "data" && value.is_object() && value.contains("files")) {
            ordered_json files = ordered_json::object();
            for (const auto& f : value.at("files"))
                files[f.value("flag", "") + (f.contains("name") ? " " + f.value("name", "") : "")] =
                    f.value("hash", "") + (f.contains("unit") ? " in " + f.value("unit", "") : "");
            value["files"] = files;
        }
        if (std::string(key) == "metrics" && value.is_array())
            for (auto& m : value)
                if (m.is_object() && m.contains("t_weights_hash") && m.contains("options") && m.at("options").is_array()) {
                    ordered_json kept = ordered_json::array();
                    for (const auto& kv : m.at("options"))
                        if (!(kv.is_array() && !kv.empty() && kv.at(0) == "t_weights")) kept.push_back(kv);
                    m["options"] = kept;
                }
        flatten(key, value, 2, out);
    }
    if (with_optimizer)
        for (const char* key : optimizer_entries) flatten(key, entry(key), 1, out);
    return out;
}

} // namespace

std::string content_hash(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw input_error("cannot read " + file + " to record its content hash");
    std::uint64_t h = 14695981039346656037ull;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        for (std::streamsize k = 0; k < in.gcount(); ++k) {
            h ^= static_cast<unsigned char>(buffer[k]);
            h *= 1099511628211ull;
        }
        if (!in) break;
    }
    char text[32];
    std::snprintf(text, sizeof text, "fnv1a64:%016llx", static_cast<unsigned long long>(h));
    return text;
}

ordered_json describe_fit_record(const po::variables_map& vm, const fit_description& d, const fit_options& o,
                                 const fitter& f) {
    ordered_json model = {{"file", d.spec.origin}, {"text", d.spec.equations}};
    model["threshold"] = d.spec.threshold ? ordered_json(*d.spec.threshold) : ordered_json();
    model["reset"] = d.spec.reset ? ordered_json(*d.spec.reset) : ordered_json();
    model["refractory"] = d.spec.refractory ? ordered_json(*d.spec.refractory) : ordered_json();
    model["constants"] = pairs(d.spec.constants);

    ordered_json files = ordered_json::array();
    for (const char* flag : {"input", "timed-array", "output"})
        for (const auto& text : values(vm, flag)) files.push_back(table_file(flag, split_table_flag(flag, text)));
    if (vm.count("spikes")) {
        const std::string file = vm["spikes"].as<std::string>();
        files.push_back({{"flag", "spikes"}, {"file", file}, {"hash", content_hash(file)}});
    }
    ordered_json data = {{"dt", d.data.dt}, {"steps", f.n_steps()}, {"traces", f.n_traces()}, {"files", files}};

    ordered_json fixed = ordered_json::object();
    for (const auto& [name, value] : d.settings.fixed_parameters) fixed[name] = value;
    ordered_json bounds = ordered_json::object();
    for (const auto& [name, b] : o.bounds) bounds[name] = {{"lower", b.lower}, {"upper", b.upper}, {"log", b.log_scale}};
    ordered_json metrics = ordered_json::array();
    for (const auto& m : o.metrics) {
        ordered_json entry = {{"output", m.output}, {"name", plugin_name(m.name, "metric")}, {"options", pairs(m.options)}};
        // A weights file decides the errors: its content is recorded, and compared instead of its path.
        for (const auto& [key, value] : m.options)
            if (key == "t_weights") entry["t_weights_hash"] = content_hash(value);
        metrics.push_back(std::move(entry));
    }

    ordered_json j;
    j["cellfit_version"] = CELLFIT_VERSION_STRING;
    // Where relative data paths start (cellfit report finds the files from it).
    std::error_code ec;
    j["directory"] = std::filesystem::current_path(ec).string();
    j["target"] = d.target == fit_target::spikes ? "spikes" : d.target == fit_target::online_traces ? "online traces" : "traces";
    j["model"] = model;
    j["data"] = data;
    j["method"] = f.method();
    j["initial_values"] = pairs(d.settings.param_init);
    j["fixed_parameters"] = fixed;
    j["penalty"] = d.settings.penalty;
    j["bounds"] = bounds;
    j["metrics"] = metrics;
    j["optimizer"] = {{"name", plugin_name(o.optimizer, "optimizer")},  // chosen by now, when none was named
                      {"options", pairs(o.optimizer_options)}};
    j["seed"] = o.seed;
    j["samples_per_round"] = d.settings.n_samples;
    j["multi_objective"] = o.multi_objective;
    j["planned_rounds"] = o.n_rounds;
    return j;
}

std::vector<std::string> record_differences(const ordered_json& recorded, const ordered_json& current,
                                            bool fresh_optimizer) {
    const auto a = decisive_view(recorded, !fresh_optimizer);
    const auto b = decisive_view(current, !fresh_optimizer);
    std::vector<std::string> out;
    const auto describe = [](const std::map<std::string, ordered_json>& m, const std::string& key) {
        const auto it = m.find(key);
        return it == m.end() || it->second.is_null() ? std::string("none") : short_text(it->second);
    };
    std::set<std::string> keys;
    for (const auto& [key, value] : a) keys.insert(key);
    for (const auto& [key, value] : b) keys.insert(key);
    for (const auto& key : keys) {
        const auto x = a.find(key), y = b.find(key);
        const ordered_json none;
        if ((x == a.end() ? none : x->second) == (y == b.end() ? none : y->second)) continue;
        if (key == "model.text")
            out.push_back("model.text: the model's equations differ from the recorded ones");
        else
            out.push_back(key + ": " + describe(a, key) + " in the file, " + describe(b, key) + " now");
    }
    return out;
}

} // namespace cellfit::cli
