// Exponential Euler's verdicts against Brian 2's own
// (tests/data/brian/make_exponential_euler_verdicts.py): every system Brian
// integrates is integrated, every one it refuses is refused, and where Brian
// keeps two groups and leaves a power of the variable out, cellfit refuses
// and says so.

#include "reference.hpp"
#include "test_support.hpp"

#include <cellfit/error.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/sim/simulation.hpp>
#include <cellfit/sim/integrator_choice.hpp>
#include <cellfit/sim/lower.hpp>

#include <catch2/catch.hpp>

using namespace cellfit;
using Catch::Matchers::Contains;

namespace {

// Empty when exponential Euler integrates the system, else its message.
std::string exponential_euler_refusal(const nlohmann::json& entry) {
    model_spec spec;
    spec.equations = entry.at("equations").get<std::string>();
    for (const auto& [name, value] : entry.at("namespace").items())
        spec.constants.emplace_back(name, value.get<std::string>());
    const model m = build_model(spec);
    simulation_setup setup;
    try {
        choose_integrator(ode_system_of(m, setup), "exponential_euler", test::builtin_registry());
    } catch (const input_error& e) {
        return e.what();
    }
    return {};
}

} // namespace

TEST_CASE("exponential Euler accepts what Brian 2 accepts and refuses what it refuses", "[integrators][reference]") {
    const auto entries =
        test::read_json_lines(std::filesystem::path(CELLFIT_TEST_SOURCE_DIR) / "data" / "brian" / "exponential_euler_verdicts.jsonl");
    std::size_t accepted = 0, refused = 0, dropped = 0;
    for (const auto& entry : entries) {
        INFO(entry.at("why").get<std::string>());
        const std::string refusal = exponential_euler_refusal(entry);
        INFO(refusal);
        if (entry.at("brian_drops_a_term").get<bool>()) {
            // Brian integrates these without one of their terms: refused here.
            CHECK_THAT(refusal, Contains("other than the first") && Contains("Brian 2 would leave it out"));
            ++dropped;
        } else if (entry.at("brian_accepts").get<bool>()) {
            CHECK(refusal.empty());
            ++accepted;
        } else {
            CHECK_THAT(refusal, Contains("could not be separated into linear components") &&
                                    Contains("Methods that can: euler, heun, milstein, rk2, rk4"));
            ++refused;
        }
    }
    // The corpus as made: a changed or truncated file fails here.
    CHECK(accepted == 20);
    CHECK(refused == 10);
    CHECK(dropped == 7);
}

TEST_CASE("a right-hand side too large to expand is refused by exponential Euler, not guessed", "[integrators]") {
    // (a + ... + h + x)**16 has far more than 4096 terms once multiplied out:
    // cellfit cannot group it by powers of x as sympy would, and says so.
    nlohmann::json entry;
    entry["equations"] = "dx/dt = -x/tau + x*(a + b + c + d + k + f + g + h + x)**16/tau : 1\n"
                         "a : 1\nb : 1\nc : 1\nd : 1\nk : 1\nf : 1\ng : 1\nh : 1\n";
    entry["namespace"] = {{"tau", "10*ms"}};
    CHECK_THAT(exponential_euler_refusal(entry), Contains("too large to expand"));
    // Without x inside, the large part is just a coefficient.
    entry["equations"] = "dx/dt = -x*(a + b + c + d + k + f + g + h)**16/tau : 1\n"
                         "a : 1\nb : 1\nc : 1\nd : 1\nk : 1\nf : 1\ng : 1\nh : 1\n";
    CHECK(exponential_euler_refusal(entry).empty());
}
