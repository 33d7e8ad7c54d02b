// Every reference case simulated and compared with Brian 2's own output:
// traces, spike steps and final state.

#include "reference.hpp"
#include "test_support.hpp"

#include <cellfit/io/csv.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/sim/simulation.hpp>

#include <cmath>
#include <sstream>

using namespace cellfit;

TEST_CASE("every reference case matches Brian 2 on both backends: traces, spikes, final state",
          "[reference][simulation]") {
    for (const auto backend : {simulation_backend::interpreter, simulation_backend::compiled})
    for (const auto& dir : test::reference_cases()) {
        const std::string name = dir.filename().string();
        INFO("case " << name << (backend == simulation_backend::compiled ? ", compiled" : ", interpreter"));
        const auto m_json = test::read_json(dir / "model.json");
        const model m = build_model(test::spec_of_case(m_json, name));
        simulation_setup setup = test::setup_of_case(dir, m_json);
        setup.backend = backend;
        recorded_simulation result;
        try {
            result = simulate(m, setup, test::builtin_registry());
        } catch (const std::exception& e) {
            FAIL("simulation failed: " << e.what());
        }
        CHECK(result.summary.method == m_json.at("method_chosen_by_brian2").get<std::string>());
        CHECK(result.summary.backend == (backend == simulation_backend::compiled ? "compiled" : "interpreter"));
        const double tolerance = 1e-7;  // of the range; measured: at most 3e-12 (HH exponential Euler)

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
        }
        if (std::filesystem::exists(dir / "spike_steps.csv") && !m_json.at("threshold").is_null()) {
            const auto brian = cellfit::read_csv(dir / "spike_steps.csv", true).rows;
            for (std::size_t n = 0; n < setup.n_neurons; ++n) {
                INFO("spikes of neuron " << n);
                std::vector<std::size_t> expected;
                for (double s : brian.at(n)) expected.push_back(static_cast<std::size_t>(s));
                CHECK(result.spike_steps[n] == expected);
            }
        }
        const auto final_state = test::read_json(dir / "final_state.json").at("values");
        for (const auto& [var, values] : result.summary.final_state) {
            if (!final_state.contains(var) || var == "not_refractory") continue;
            INFO("final " << var);
            const auto expected = final_state.at(var).get<std::vector<double>>();
            for (std::size_t n = 0; n < setup.n_neurons; ++n)
                CHECK(values[n] == Approx(expected[n]).epsilon(1e-6).margin(1e-9 * (std::abs(expected[n]) + 1e-3)));
        }
        for (std::size_t n = 0; n < setup.n_neurons; ++n) CHECK_FALSE(result.summary.diverged[n]);
    }
}
