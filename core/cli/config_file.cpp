#include "config_file.hpp"

#include <cellfit/error.hpp>

#include <fstream>
#include <sstream>

namespace cellfit::cli {

namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

} // namespace

std::vector<config_entry> parse_config_text(const std::string& content, const std::string& origin) {
    std::vector<config_entry> entries;
    std::string section;
    std::istringstream in(content);
    std::string text;
    for (int line = 1; std::getline(in, text); ++line) {
        const std::string stripped = trim(text);
        if (stripped.empty() || stripped.front() == '#' || stripped.front() == ';') continue;
        const std::string where = origin + ":" + std::to_string(line);
        if (stripped.front() == '[') {
            if (stripped.back() != ']' || stripped.size() < 3)
                throw input_error(where + ": a section header must look like [name]");
            section = trim(stripped.substr(1, stripped.size() - 2));
            continue;
        }
        const auto eq = stripped.find('=');
        if (eq == std::string::npos)
            throw input_error(where + ": expected `key = value`, got `" + stripped.substr(0, 80) +
                              (stripped.size() > 80 ? "...`" : "`"));
        std::string key = trim(stripped.substr(0, eq));
        if (key.empty()) throw input_error(where + ": the key before '=' is empty");
        entries.push_back({section, std::move(key), trim(stripped.substr(eq + 1)), line});
    }
    return entries;
}

std::vector<config_entry> read_config_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in)
        throw input_error("cannot read config file " + file.string() + ": " +
                          (std::filesystem::exists(file) ? "permission denied or not a file" : "no such file"));
    std::ostringstream content;
    content << in.rdbuf();
    return parse_config_text(content.str(), file.string());
}

namespace {

namespace fs = std::filesystem;

// Whether some `..` in the path follows a symbolic link, where `link/..`
// is not the folder that holds the link.
bool dotdot_after_link(const fs::path& path) {
    fs::path prefix;
    for (const auto& part : path) {
        std::error_code ec;
        if (part == ".." && !prefix.empty() && fs::is_symlink(fs::symlink_status(prefix, ec))) return true;
        prefix /= part;
    }
    return false;
}

// `path` relative to `folder`, "a/b/../c" shortened to "a/c" unless a link
// makes that another place. The config file's folder is the one of the path
// it was given by (a link to a config file is read from the link's folder).
std::string under(const fs::path& folder, const std::string& path) {
    if (path.empty() || folder.empty() || fs::path(path).is_absolute()) return path;
    const fs::path joined = folder / path;
    return dotdot_after_link(joined) ? joined.string() : joined.lexically_normal().string();
}

} // namespace

std::string resolve_config_paths(const std::string& key, const std::string& value, const fs::path& folder) {
    static const char* const whole_paths[] = {"model", "spikes", "from", "resume", "results", "generate", "out", "plugin-dir"};
    for (const char* k : whole_paths)
        if (key == k) return under(folder, value);
    if (key == "input" || key == "timed-array" || key == "output") {
        // VAR=FILE:UNIT; check's VAR:UNIT and VAR name no file.
        const auto eq = value.find('=');
        const auto colon = value.rfind(':');
        if (eq == std::string::npos || colon == std::string::npos || colon < eq) return value;
        const std::string file = trim(value.substr(eq + 1, colon - eq - 1));
        return value.substr(0, eq + 1) + under(folder, file) + value.substr(colon);
    }
    if (key == "trace") {  // FILE:UNIT
        const auto colon = value.rfind(':');
        if (colon == std::string::npos) return under(folder, value);
        return under(folder, trim(value.substr(0, colon))) + value.substr(colon);
    }
    if (key == "metric-opt") {  // [VAR.]t_weights=FILE
        const auto eq = value.find('=');
        if (eq == std::string::npos) return value;
        const std::string option = trim(value.substr(0, eq));
        if (option != "t_weights" && !option.ends_with(".t_weights")) return value;
        return value.substr(0, eq + 1) + under(folder, trim(value.substr(eq + 1)));
    }
    return value;
}

} // namespace cellfit::cli
