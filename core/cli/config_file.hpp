#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cellfit::cli {

// One `key = value` line of an INI config file.
struct config_entry {
    std::string section;  // "" before the first [section]
    std::string key;
    std::string value;
    int line = 0;
};

// Reads an INI file: `[section]` headers, `key = value` lines, `#` or `;`
// comments, blank lines. Throws input_error naming the file and line.
std::vector<config_entry> read_config_file(const std::filesystem::path& file);

// The same from text in memory; `origin` names it in messages.
std::vector<config_entry> parse_config_text(const std::string& content, const std::string& origin);

} // namespace cellfit::cli
