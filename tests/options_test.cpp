#include <cellfit/error.hpp>
#include <cellfit/options.hpp>

#include <catch2/catch.hpp>

using namespace cellfit;
using Catch::Matchers::Contains;

namespace {

plugin_info example_info() {
    return {.kind = plugin_kind::optimizer,
            .name = "example",
            .version = "1",
            .description = "test",
            .options = {{"popsize", option_type::integer, "40", "population", {}},
                        {"tol", option_type::real, "1e-6", "tolerance", {}},
                        {"memory", option_type::boolean, "true", "keep memory", {}},
                        {"variant", option_type::string, "rand1", "variant", {"rand1", "best2"}},
                        {"label", option_type::string, "", "free text", {}}}};
}

} // namespace

TEST_CASE("defaults fill every option, typed", "[options]") {
    const auto o = validate_options(example_info(), {});
    CHECK(o.integer("popsize") == 40);
    CHECK(o.real("tol") == 1e-6);
    CHECK(o.boolean("memory"));
    CHECK(o.string("variant") == "rand1");
    CHECK(o.string("label").empty());
    CHECK_FALSE(o.given("popsize"));
}

TEST_CASE("user values override defaults and are typed", "[options]") {
    const auto o = validate_options(example_info(),
                                    {{"popsize", "12"}, {"tol", "2.5e-3"}, {"memory", "off"}, {"variant", "best2"}});
    CHECK(o.integer("popsize") == 12);
    CHECK(o.real("tol") == 2.5e-3);
    CHECK_FALSE(o.boolean("memory"));
    CHECK(o.string("variant") == "best2");
    CHECK(o.given("popsize"));
    CHECK_FALSE(o.given("label"));
}

TEST_CASE("an unknown option names the closest one and lists the valid ones", "[options]") {
    REQUIRE_THROWS_AS(validate_options(example_info(), {{"popsiz", "3"}}), option_error);
    REQUIRE_THROWS_WITH(validate_options(example_info(), {{"popsiz", "3"}}),
                        Contains("optimizer.example has no option 'popsiz'") && Contains("did you mean 'popsize'") &&
                            Contains("popsize (integer, default 40)") && Contains("variant (string: rand1|best2"));
}

TEST_CASE("a value of the wrong type is an option_error that lists the valid options", "[options]") {
    CHECK_THROWS_WITH(validate_options(example_info(), {{"popsize", "4.5"}}),
                      Contains("option 'popsize' of optimizer.example expects an integer, got '4.5'") &&
                          Contains("valid options of optimizer.example"));
    CHECK_THROWS_WITH(validate_options(example_info(), {{"tol", "small"}}), Contains("expects a real number"));
    CHECK_THROWS_WITH(validate_options(example_info(), {{"tol", "nan"}}), Contains("expects a real number"));
    CHECK_THROWS_WITH(validate_options(example_info(), {{"memory", "maybe"}}), Contains("expects true or false"));
    CHECK_THROWS_WITH(validate_options(example_info(), {{"variant", "best1"}}),
                      Contains("expects one of rand1 or best2, got 'best1'"));
    CHECK_THROWS_AS(validate_options(example_info(), {{"popsize", ""}}), option_error);
}

TEST_CASE("an option given twice is an error", "[options]") {
    CHECK_THROWS_WITH(validate_options(example_info(), {{"tol", "1"}, {"tol", "2"}}), Contains("given twice"));
}

TEST_CASE("split_option reads KEY=VALUE", "[options]") {
    CHECK(split_option("seed=42") == std::pair<std::string, std::string>{"seed", "42"});
    CHECK(split_option(" a = b=c ") == std::pair<std::string, std::string>{"a", "b=c"});
    CHECK_THROWS_AS(split_option("seed"), option_error);
    CHECK_THROWS_AS(split_option("=3"), option_error);
}

TEST_CASE("reading an option as the wrong type is the plugin's bug", "[options]") {
    const auto o = validate_options(example_info(), {});
    CHECK_THROWS_AS(o.real("popsize"), plugin_contract_error);
    CHECK_THROWS_AS(o.integer("undeclared"), plugin_contract_error);
}

TEST_CASE("a real option with a unit takes quantities, converted to SI, and refuses other units", "[options]") {
    plugin_info info = example_info();
    info.options.push_back({.name = "delta", .type = option_type::real, .default_value = "0.004",
                            .help = "window", .choices = {}, .unit = "second"});
    CHECK(validate_options(info, {}).real("delta") == 0.004);
    CHECK(validate_options(info, {{"delta", "2*ms"}}).real("delta") == Approx(0.002).epsilon(1e-15));
    CHECK(validate_options(info, {{"delta", "0.002"}}).real("delta") == 0.002);  // a plain number is SI
    CHECK(validate_options(info, {{"delta", "1500*us"}}).real("delta") == Approx(0.0015).epsilon(1e-15));
    CHECK_THROWS_WITH(validate_options(info, {{"delta", "2*mV"}}),
                      Contains("option 'delta' of optimizer.example is in second") && Contains("'2*mV' is in volt"));
    CHECK_THROWS_WITH(validate_options(info, {{"delta", "two"}}),
                      Contains("expects a quantity in second") && Contains("got 'two'"));
    // The plugin's declaration is checked: an SI unit, on a real option.
    plugin_info bad = example_info();
    bad.options.push_back({.name = "delta", .type = option_type::real, .default_value = "4",
                           .help = "window", .choices = {}, .unit = "ms"});
    CHECK_THROWS_AS(validate_options(bad, {}), plugin_contract_error);
    bad.options.back() = {.name = "delta", .type = option_type::string, .default_value = "", .help = "window",
                          .choices = {}, .unit = "second"};
    CHECK_THROWS_WITH(validate_options(bad, {}), Contains("only real options have units"));
    // A default may be written as a quantity.
    plugin_info quantity_default = example_info();
    quantity_default.options.push_back({.name = "delta", .type = option_type::real, .default_value = "4*ms",
                                        .help = "window", .choices = {}, .unit = "second"});
    CHECK(validate_options(quantity_default, {}).real("delta") == Approx(0.004).epsilon(1e-15));
    // Options without a unit stay plain numbers.
    CHECK_THROWS_AS(validate_options(info, {{"tol", "2*ms"}}), option_error);
}
