// libFuzzer target over the CSV readers (plain, ragged and with a header):
// a cellfit::input_error is the expected answer to bad input; anything else
// (another exception, a crash, a sanitizer report, a hang) is a bug. A table
// that is read back has rows of the promised shape.

#include <cellfit/error.hpp>
#include <cellfit/io/csv.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto table = cellfit::parse_csv(text, "fuzz.csv");
        for (const auto& row : table.rows)
            if (row.size() != table.rows.front().size()) std::abort();
    } catch (const cellfit::input_error&) {
    }
    try {
        (void)cellfit::parse_csv(text, "fuzz.csv", true);
    } catch (const cellfit::input_error&) {
    }
    try {
        const auto table = cellfit::parse_csv_with_header(text, "fuzz.csv");
        for (const auto& row : table.rows)
            if (row.size() != table.header.size()) std::abort();
    } catch (const cellfit::input_error&) {
    }
    return 0;
}
