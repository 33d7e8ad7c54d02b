#include <cellfit/suggest.hpp>

#include <catch2/catch.hpp>

using cellfit::closest_names;

TEST_CASE("closest_names finds typos and prefixes, best first", "[suggest]") {
    const std::vector<std::string> names{"random", "pagmo.de", "pagmo.cmaes", "nlopt.LN_BOBYQA"};
    CHECK(closest_names("randm", names) == std::vector<std::string>{"random"});
    CHECK(closest_names("pagmo.d", names).front() == "pagmo.de");
    CHECK(closest_names("nlopt.ln_bobyqa", names) == std::vector<std::string>{"nlopt.LN_BOBYQA"});
    CHECK(closest_names("xyzzy", names).empty());
}

TEST_CASE("join_alternatives writes lists for messages", "[suggest]") {
    CHECK(cellfit::join_alternatives({"a", "b", "c"}) == "a, b or c");
    CHECK(cellfit::join_alternatives({"a"}) == "a");
    CHECK(cellfit::join_alternatives({}).empty());
}
