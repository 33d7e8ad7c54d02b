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

} // namespace cellfit::cli
