// Numbers as text, and numeric CSV tables: one parser and one formatter for
// every file cellfit reads and writes.

#include "test_support.hpp"

#include <cellfit/error.hpp>
#include <cellfit/fit/results.hpp>
#include <cellfit/io/csv.hpp>
#include <cellfit/io/numbers.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>

using namespace cellfit;
using Catch::Matchers::Contains;

TEST_CASE("format_number and parse_number round-trip every double exactly", "[io]") {
    std::mt19937_64 bits(7);
    std::vector<double> values = {0.0, -0.0, 1.0, -1.5, 0.1, 1e-320, std::numeric_limits<double>::denorm_min(),
                                  std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(),
                                  std::numeric_limits<double>::epsilon()};
    for (int k = 0; k < 10000; ++k) {
        const std::uint64_t raw = bits();
        double x;
        std::memcpy(&x, &raw, sizeof x);
        if (std::isfinite(x)) values.push_back(x);
    }
    for (double x : values) {
        const auto back = parse_number(format_number(x));
        REQUIRE(back.has_value());
        CHECK(std::memcmp(&*back, &x, sizeof x) == 0);  // the same bits, the sign of zero included
    }
    CHECK(format_number(INFINITY) == "inf");
    CHECK(format_number(-INFINITY) == "-inf");
    CHECK(format_number(std::copysign(NAN, -1.0)) == "nan");  // printf would write "-nan"
    CHECK(std::isinf(*parse_number("-inf")));
    CHECK(std::isnan(*parse_number("nan")));
    CHECK(*parse_number("  +2.5e-3\t") == 2.5e-3);
    for (const char* bad : {"", " ", "1.5x", "1,5", "0x10", "--1", "+-1", "1e", "mV"}) {
        INFO("'" << bad << "'");
        CHECK_FALSE(parse_number(bad).has_value());
    }
}

TEST_CASE("a CSV table with a header: names, then rows as long as the header", "[io]") {
    test::temp_dir dir;
    const auto file = dir.path() / "t.csv";
    std::ofstream(file) << "round, gl (nS) ,error\n0,1.5,inf\n\n1,-2e-3,nan\r\n";
    const csv_table t = read_csv_with_header(file);
    CHECK(t.header == std::vector<std::string>{"round", "gl (nS)", "error"});
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0][1] == 1.5);
    CHECK(std::isinf(t.rows[0][2]));
    CHECK(t.rows[1][1] == -2e-3);
    CHECK(std::isnan(t.rows[1][2]));

    std::ofstream(file) << "a,b\n1,2\n3,x\n";
    CHECK_THROWS_WITH(read_csv_with_header(file), Contains(file.string() + ":3:3: expected a number, found 'x'"));
    std::ofstream(file) << "a,b\n1,2,3\n";
    CHECK_THROWS_WITH(read_csv_with_header(file), Contains(file.string() + ":2: 3 values for 2 columns"));
    std::ofstream(file) << "";
    CHECK_THROWS_WITH(read_csv_with_header(file), Contains("is empty; expected a header line"));
}

TEST_CASE("results CSV files are read by the one table reader, with its messages", "[io][fit]") {
    test::temp_dir dir;
    const auto file = dir.path() / "r.csv";
    std::ofstream(file) << "round,gl (nS),error (mV**2)\n0,10,1.5\n1,12,1e\n";
    CHECK_THROWS_WITH(read_results(file.string()), Contains(file.string() + ":3:6: expected a number, found '1e'"));
    std::ofstream(file) << "round,gl (nS),error (mV**2)\n-1,10,1.5\n";
    CHECK_THROWS_WITH(read_results(file.string()), Contains("rounds are whole numbers"));
    std::ofstream(file) << "round,gl (nS),error (mV**2)\n0,10,inf\n3,20,2\n";
    const fit_results r = read_results(file.string());
    REQUIRE(r.samples.size() == 2);
    CHECK(std::isinf(r.samples[0].error));
    CHECK(r.samples[1].params[0] == Approx(20e-9));
    CHECK(r.n_rounds == 4);
}

TEST_CASE("numeric CSV files are written with the one formatter", "[io]") {
    test::temp_dir dir;
    const auto file = dir.path() / "w.csv";
    const std::vector<double> row = {0.1, -0.0, std::copysign(NAN, -1.0), -INFINITY, 1e300};
    write_csv(file, {row.data()}, {row.size()});
    CHECK(test::read_file(file) == "0.10000000000000001,-0,nan,-inf,1.0000000000000001e+300\n");
    const auto back = read_csv(file).rows.at(0);
    CHECK(back[0] == 0.1);
    CHECK(std::signbit(back[1]));
    CHECK(std::isnan(back[2]));
    CHECK(back[3] == -INFINITY);
    CHECK(back[4] == 1e300);
}

TEST_CASE("malformed CSV gets a message that says what is wrong and where", "[io]") {
    // A byte-order mark (spreadsheet exports) is skipped.
    CHECK(cellfit::parse_csv("\xEF\xBB\xBF" "1,2\n3,4\n", "bom.csv").rows == std::vector<std::vector<double>>{{1, 2}, {3, 4}});
    CHECK(cellfit::parse_csv_with_header("\xEF\xBB\xBF" "a,b\n1,2\n", "bom.csv").header == std::vector<std::string>{"a", "b"});
    // A value too large for a double.
    CHECK_THROWS_WITH(cellfit::parse_csv("1,1e999\n", "big.csv"),
                      Catch::Contains("big.csv:1:3") && Catch::Contains("'1e999' is out of the range of a double"));
    // Other separators are named.
    CHECK_THROWS_WITH(cellfit::parse_csv("1;2;3\n", "semi.csv"),
                      Catch::Contains("semi.csv:1:1") && Catch::Contains("separated by ';'") &&
                          Catch::Contains("replace the separators by commas"));
    CHECK_THROWS_WITH(cellfit::parse_csv("1\t2\t3\n", "tabs.csv"), Catch::Contains("separated by tabs"));
    // A long bad cell is quoted in part, not the whole line.
    const std::string junk(5000, 'x');
    try {
        (void)cellfit::parse_csv("1," + junk + "\n", "long.csv");
        FAIL("read a line of junk");
    } catch (const cellfit::input_error& e) {
        CHECK(std::string(e.what()).size() < 300);
        CHECK_THAT(e.what(), Catch::Contains("long.csv:1:3") && Catch::Contains("xxx..."));
    }
}
