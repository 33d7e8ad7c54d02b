// Every reference case simulated and compared with Brian 2's own output:
// traces, spike steps and final state.

#include "reference.hpp"
#include "test_support.hpp"

#include <cellfit/io/csv.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/sim/simulation.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

using namespace cellfit;

namespace {

const subexpression* find_subexpression(const model& m, const std::string& name) {
    for (const auto& s : m.subexpressions)
        if (s.name == name) return &s;
    return nullptr;
}

// The last recorded column of `var`, one value per neuron: what a (constant
// over dt) subexpression holds after the run, stored at the last step.
std::vector<double> last_recorded(const recorded_simulation& result, const simulation_setup& setup,
                                  const std::string& var) {
    const auto it = std::find(setup.record.begin(), setup.record.end(), var);
    REQUIRE(it != setup.record.end());
    const auto& values = result.values[static_cast<std::size_t>(it - setup.record.begin())];
    std::vector<double> last;
    for (std::size_t n = 0; n < setup.n_neurons; ++n) last.push_back(values[n * setup.n_steps + setup.n_steps - 1]);
    return last;
}

// A subexpression evaluated on the final state, per neuron: recorded at the
// start of one more step.
std::vector<double> on_final_state(const model& m, simulation_setup setup, const std::string& var,
                                   const plugin_registry& registry) {
    setup.n_steps += 1;
    setup.record = {var};
    const auto result = simulate(m, setup, registry);
    std::vector<double> values;
    for (std::size_t n = 0; n < setup.n_neurons; ++n) values.push_back(result.values[0][n * setup.n_steps + setup.n_steps - 1]);
    return values;
}

struct checked {
    std::size_t runs = 0, traces = 0, spike_cases = 0, final_values = 0;
};

// Every reference case on each backend, compared with Brian's traces, spike
// steps and final state; what was compared is counted.
checked check_reference_cases(const std::vector<std::pair<std::string, std::string>>& backends_and_labels,
                              const plugin_registry& registry,
                              const std::vector<std::filesystem::path>& cases = test::reference_cases()) {
    checked c;
    auto& [runs, traces, spike_cases, final_values] = c;
    for (const auto& [backend, label] : backends_and_labels)
    for (const auto& dir : cases) {
        const std::string name = dir.filename().string();
        INFO("case " << name << ", backend " << backend);
        const auto m_json = test::read_json(dir / "model.json");
        const model m = build_model(test::spec_of_case(m_json, name));
        simulation_setup setup = test::setup_of_case(dir, m_json);
        setup.backend = backend;
        recorded_simulation result;
        try {
            result = simulate(m, setup, registry);
        } catch (const std::exception& e) {
            FAIL("simulation failed: " << e.what());
        }
        CHECK(result.summary.method == m_json.at("method_chosen_by_brian2").get<std::string>());
        CHECK(result.summary.backend == label);
        // Of the range; measured: at most 3e-12 (HH exponential Euler). A case
        // may state its own, with the reason, in make_cases.py.
        const double tolerance = m_json.value("trace_tolerance", 1e-7);

        for (std::size_t r = 0; r < setup.record.size(); ++r) {
            const std::string& var = setup.record[r];
            INFO("variable " << var);
            const auto brian = cellfit::read_csv(dir / ("out_" + var + ".csv")).rows;
            REQUIRE(brian.size() == setup.n_neurons);
            double lo = INFINITY, hi = -INFINITY, worst = 0;
            for (const auto& row : brian)
                for (double x : row) lo = std::min(lo, x), hi = std::max(hi, x);
            const double range = std::max(hi - lo, 1e-300);
            for (std::size_t n = 0; n < setup.n_neurons; ++n) {
                REQUIRE(brian[n].size() == setup.n_steps);
                for (std::size_t k = 0; k < setup.n_steps; ++k)
                    worst = std::max(worst, std::abs(result.values[r][n * setup.n_steps + k] - brian[n][k]) / range);
            }
            INFO("worst deviation " << worst << " of the range");
            CHECK(worst <= tolerance);
            ++traces;
        }
        if (!m_json.at("threshold").is_null()) {
            REQUIRE(std::filesystem::exists(dir / "spike_steps.csv"));
            const auto brian = cellfit::read_csv(dir / "spike_steps.csv", true).rows;
            REQUIRE(brian.size() == setup.n_neurons);
            for (std::size_t n = 0; n < setup.n_neurons; ++n) {
                INFO("spikes of neuron " << n);
                std::vector<std::size_t> expected;
                for (double s : brian[n]) expected.push_back(static_cast<std::size_t>(s));
                CHECK(result.spike_steps[n] == expected);
            }
            ++spike_cases;
        }
        // Brian's final state, item by item: state variables, lastspike and
        // not_refractory, and recorded subexpressions.
        const auto final_state = test::read_json(dir / "final_state.json").at("values");
        REQUIRE(final_state.size() >= 1);
        for (const auto& [var, brian_values] : final_state.items()) {
            INFO("final " << var);
            const auto expected = brian_values.is_array() ? brian_values : nlohmann::json::array({brian_values});
            std::vector<double> ours;
            if (const auto* sub = find_subexpression(m, var)) {
                ours = sub->constant_over_dt ? last_recorded(result, setup, var) : on_final_state(m, setup, var, registry);
            } else {
                REQUIRE(result.summary.final_state.count(var) == 1);
                ours = result.summary.final_state.at(var);
            }
            // A subexpression that depends on shared values only has one value in Brian.
            REQUIRE((expected.size() == ours.size() || (expected.size() == 1 && find_subexpression(m, var))));
            for (std::size_t n = 0; n < ours.size(); ++n) {
                const auto& brian = expected[expected.size() == 1 ? 0 : n];
                if (brian.is_boolean()) {
                    CHECK((ours[n] != 0) == brian.get<bool>());
                    continue;
                }
                const double x = brian.get<double>();
                CHECK(ours[n] == Approx(x).epsilon(1e-6).margin(1e-9 * (std::abs(x) + 1e-3)));
            }
            ++final_values;
        }
        for (std::size_t n = 0; n < setup.n_neurons; ++n) CHECK_FALSE(result.summary.diverged[n]);
        ++runs;
    }
    return c;
}

} // namespace

TEST_CASE("every reference case matches Brian 2 on both backends: traces, spikes, final state",
          "[reference][simulation][cases]") {
    const auto [runs, traces, spike_cases, final_values] =
        check_reference_cases({{"interp", "interpreter"}, {"compiled", "compiled"}}, test::builtin_registry());
    // Per backend: 13 cases, 31 recorded traces, 6 cases with a threshold, 35 final-state entries.
    CHECK(traces == 2 * 31);
    CHECK(runs == 2 * test::expected_reference_cases.size());
    CHECK(spike_cases == 2 * 6);
    CHECK(final_values == 2 * 35);
}

TEST_CASE("a third-party backend plugin runs every reference case as Brian does", "[reference][simulation][backend]") {
    // tests/fixtures/scalar_backend.cpp: a backend built against the SDK alone.
    cellfit::plugin_registry registry;
    registry.load_directory(test::builtin_plugins, true);
    registry.load_directory(test::fixtures / "backend", true);
    const auto [runs, traces, spike_cases, final_values] =
        check_reference_cases({{"fixture.scalar", "fixture.scalar"}}, registry);
    CHECK(traces == 31);
    CHECK(runs == test::expected_reference_cases.size());
    CHECK(spike_cases == 6);
    CHECK(final_values == 35);
}

TEST_CASE("the project's own Brian 2 cases match on both backends: reset temporaries, exponential Euler with "
          "v in B and A, Brian's default method",
          "[reference][simulation]") {
    // tests/data/brian/make_cases.py: what the shared corpus does not cover.
    const auto [runs, traces, spike_cases, final_values] = check_reference_cases(
        {{"interp", "interpreter"}, {"compiled", "compiled"}}, test::builtin_registry(), test::project_cases());
    CHECK(runs == 2 * test::expected_project_cases.size());
    // Per backend: 6 cases, 11 recorded traces, 4 cases with a threshold, 16 final-state entries.
    CHECK(traces == 2 * 11);
    CHECK(spike_cases == 2 * 4);
    CHECK(final_values == 2 * 16);
}
