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

// A config file's value for `key` with its relative file paths made
// relative to `folder` (the config file's own): the paths of --model,
// --spikes, --from, --results, --generate, --out, --plugin-dir, the FILE of
// VAR=FILE:UNIT tables (--input, --timed-array, --output) and of
// FILE:UNIT (--trace), and a metric's t_weights file. Other values, and
// absolute paths, come back unchanged.
std::string resolve_config_paths(const std::string& key, const std::string& value, const std::filesystem::path& folder);

} // namespace cellfit::cli
