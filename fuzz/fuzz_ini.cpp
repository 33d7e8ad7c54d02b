// libFuzzer target over the INI reader of --config: a cellfit::input_error
// is the expected answer to bad input; anything else is a bug. Every entry
// read has a key and a line number within the text.

#include "config_file.hpp"

#include <cellfit/error.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
        for (const auto& e : cellfit::cli::parse_config_text(text, "fuzz.ini"))
            if (e.key.empty() || e.line < 1 || e.line > lines) std::abort();
    } catch (const cellfit::input_error&) {
    }
    return 0;
}
