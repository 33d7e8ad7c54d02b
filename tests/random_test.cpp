// Random numbers as Brian has them (rand(), randn(), xi), drawn from streams
// keyed by (seed, stream, global neuron index, call site, step): statistics
// against closed forms, and the same numbers whatever the threads, backend
// or split of the neurons.

#include "test_support.hpp"

#include <cellfit/model/model.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/sim/simulation.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace cellfit;

namespace {

model make_model(const std::string& equations, std::vector<std::pair<std::string, std::string>> constants,
                 std::optional<std::string> threshold = {}, std::optional<std::string> reset = {},
                 std::optional<std::string> refractory = {}) {
    model_spec spec;
    spec.equations = equations;
    spec.constants = std::move(constants);
    spec.threshold = std::move(threshold);
    spec.reset = std::move(reset);
    spec.refractory = std::move(refractory);
    return build_model(spec);
}

struct moments {
    double mean = 0, variance = 0;
};

// Sample mean and variance over neurons of recorded value r at step k.
moments at_step(const recorded_simulation& result, const simulation_setup& s, std::size_t k, std::size_t r = 0) {
    moments m;
    for (std::size_t n = 0; n < s.n_neurons; ++n) m.mean += result.values[r][n * s.n_steps + k];
    m.mean /= static_cast<double>(s.n_neurons);
    for (std::size_t n = 0; n < s.n_neurons; ++n) {
        const double d = result.values[r][n * s.n_steps + k] - m.mean;
        m.variance += d * d;
    }
    m.variance /= static_cast<double>(s.n_neurons - 1);
    return m;
}

} // namespace

TEST_CASE("an Ornstein-Uhlenbeck process has its analytic mean and variance, under euler, heun and milstein",
          "[random][simulation][integrators]") {
    // dv = -v/tau dt + sigma*sqrt(2/tau) dW: under any of the three schemes
    // (additive noise) v_{k+1} = (1 - a)*v_k + b*N(0, 1), a = dt/tau,
    // b = sigma*sqrt(2*dt/tau), whose moments are exact at every step.
    const model m = make_model("dv/dt = -v/tau + sigma*sqrt(2/tau)*xi : volt", {{"tau", "10*ms"}, {"sigma", "2*mV"}});
    const double dt = 1e-4, tau = 0.01, sigma = 2e-3, v0 = 5e-3;
    const double a = dt / tau, b2 = sigma * sigma * 2 * dt / tau;
    for (const char* method : {"euler", "heun", "milstein"}) {
        for (const char* backend : {"interp", "compiled"}) {
            INFO(method << ", " << backend);
            simulation_setup s;
            s.method = method;
            s.backend = backend;
            s.dt = dt;
            s.n_steps = 400;
            s.n_neurons = 4000;
            s.initial_values = {{"v", {"5*mV"}}};
            s.record = {"v"};
            s.random_seed = 7;
            const auto result = simulate(m, s, test::builtin_registry());
            CHECK(result.summary.method == method);
            for (std::size_t k : {10u, 100u, 399u}) {
                const double decay = std::pow(1 - a, static_cast<double>(k));
                const double mean = v0 * decay;
                const double variance = b2 * (1 - decay * decay) / (1 - (1 - a) * (1 - a));
                const moments got = at_step(result, s, k);
                const double n = static_cast<double>(s.n_neurons);
                INFO("step " << k << ": mean " << got.mean << " (expected " << mean << "), variance " << got.variance
                             << " (expected " << variance << ")");
                // Five standard errors: a false alarm about once in 2 million.
                CHECK(std::abs(got.mean - mean) < 5 * std::sqrt(variance / n));
                CHECK(std::abs(got.variance - variance) < 5 * variance * std::sqrt(2 / (n - 1)));
            }
        }
    }
}

TEST_CASE("heun integrates multiplicative noise in the Stratonovich sense, as Brian", "[random][simulation][integrators]") {
    // Geometric noise dx = s*x o dW (Stratonovich): x(t) = x0*exp(s*W(t)),
    // so E[log x(t)] = log x0 and Var[log x(t)] = s^2*t. (Ito would drift
    // log x by -s^2 t/2.)
    const model m = make_model("dx/dt = s*x*xi : 1", {{"s", "10*second**-0.5"}});
    for (const char* method : {"heun", "milstein"}) {
        INFO(method);
        simulation_setup s;
        s.method = method;
        s.dt = 1e-5;
        s.n_steps = 1001;
        s.n_neurons = 4000;
        s.initial_values = {{"x", {"1"}}};
        s.record = {"x"};
        s.random_seed = 3;
        auto result = simulate(m, s, test::builtin_registry());
        for (auto& x : result.values[0]) x = std::log(x);
        const moments got = at_step(result, s, 1000);
        const double variance = 100 * 1000 * 1e-5;  // s^2 * t = 1
        const double n = static_cast<double>(s.n_neurons);
        INFO("mean of log x " << got.mean << ", variance " << got.variance);
        // The same draws read as Ito would move the mean of log x to -0.5.
        CHECK(std::abs(got.mean) < 5 * std::sqrt(variance / n));
        CHECK(std::abs(got.variance - variance) < 5 * variance * std::sqrt(2 / (n - 1)));
    }
}

TEST_CASE("random draws do not depend on threads, backend or the split of neurons, and the seed decides them",
          "[random][simulation]") {
    const model m = make_model("dv/dt = (El - v)/tau + sigma*sqrt(2/tau)*xi : volt\n",
                               {{"tau", "10*ms"}, {"sigma", "2*mV"}, {"El", "-65*mV"}}, "v > -60*mV",
                               "v = El + 2*mV*randn()", "(1 + rand())*ms");
    simulation_setup s;
    s.dt = 1e-4;
    s.n_steps = 300;
    s.n_neurons = 40;
    s.initial_values = {{"v", {"El + 5*mV*rand()"}}};
    s.record = {"v"};
    s.random_seed = 11;
    s.backend = "interp";
    s.threads = 1;
    const auto one = simulate(m, s, test::builtin_registry());
    s.threads = 3;
    const auto threads = simulate(m, s, test::builtin_registry());
    CHECK(threads.values == one.values);
    CHECK(threads.spike_steps == one.spike_steps);
    s.backend = "compiled";
    const auto compiled = simulate(m, s, test::builtin_registry());
    REQUIRE(compiled.values[0].size() == one.values[0].size());
    double worst = 0;
    for (std::size_t k = 0; k < one.values[0].size(); ++k) worst = std::max(worst, std::abs(compiled.values[0][k] - one.values[0][k]));
    CHECK(worst < 1e-12);  // the same draws; the maths libraries may differ in the last bit
    CHECK(compiled.spike_steps == one.spike_steps);
    // Neurons 25..39 simulated alone, as another process would: the same traces.
    simulation_setup part = s;
    part.n_neurons = 15;
    part.first_neuron = 25;
    const auto tail = simulate(m, part, test::builtin_registry());
    for (std::size_t n = 0; n < part.n_neurons; ++n)
        for (std::size_t k = 0; k < s.n_steps; ++k)
            REQUIRE(tail.values[0][n * s.n_steps + k] == compiled.values[0][(n + 25) * s.n_steps + k]);
    // Another seed, other numbers; the same seed again, the same.
    s.random_seed = 12;
    CHECK(simulate(m, s, test::builtin_registry()).values != compiled.values);
    s.random_seed = 11;
    CHECK(simulate(m, s, test::builtin_registry()).values == compiled.values);
    // Another stream (a fit's next round), other numbers.
    s.random_stream = 1;
    CHECK(simulate(m, s, test::builtin_registry()).values != compiled.values);
}

TEST_CASE("rand() in initial values and resets is uniform between 0 and 1, randn() standard normal",
          "[random][simulation]") {
    const model m = make_model("dv/dt = 0*mV/ms : volt\ndw/dt = 0/ms : 1\n", {}, "t > 0.45*ms and t < 0.55*ms",
                               "v = 3*mV*randn()");
    simulation_setup s;
    s.dt = 1e-4;
    s.n_steps = 10;
    s.n_neurons = 20000;
    s.initial_values = {{"v", {"0*mV"}}, {"w", {"rand()"}}};
    s.record = {"w", "v"};
    s.random_seed = 5;
    const auto result = simulate(m, s, test::builtin_registry());
    const double n = static_cast<double>(s.n_neurons);
    const moments w = at_step(result, s, 0, 0);
    CHECK(std::abs(w.mean - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
    CHECK(std::abs(w.variance - 1.0 / 12) < 5 * std::sqrt((1.0 / 80 - 1.0 / 144) / n));
    const moments v = at_step(result, s, 9, 1);  // after the one reset, at step 5
    CHECK(std::abs(v.mean) < 5 * 3e-3 / std::sqrt(n));
    CHECK(std::abs(v.variance - 9e-6) < 5 * 9e-6 * std::sqrt(2 / (n - 1)));
}

TEST_CASE("a refractory period (1 + rand())*ms draws anew at every step, as Brian evaluates it",
          "[random][simulation][refractory]") {
    // Driven hard, a neuron spikes on the step it is released (the update
    // and the threshold follow the refractoriness test in the same step).
    // At j steps (dt = 0.1 ms) after a spike, Brian's test
    // timestep(t - lastspike) >= timestep((1 + U)*ms) releases it when
    // int(10 + 10*U + 0.001) <= j, with a new U each step: probability
    // min(1, (j - 9.001)/10). The mean interval follows from that hazard.
    const model m = make_model("dv/dt = 100*mV/ms : volt (unless refractory)", {}, "v > 0*mV", "v = -1*mV",
                               "(1 + rand())*ms");
    double expected = 0, survive = 1;
    for (int j = 10; j <= 20; ++j) {
        const double release = std::min(1.0, (j - 9.001) / 10);
        expected += survive * release * j;
        survive *= 1 - release;
    }
    simulation_setup s;
    s.dt = 1e-4;
    s.n_steps = 20000;
    s.n_neurons = 8;
    s.random_seed = 2;
    const auto result = simulate(m, s, test::builtin_registry());
    double sum = 0, count = 0;
    std::size_t shortest = 1000, longest = 0;
    for (const auto& steps : result.spike_steps)
        for (std::size_t k = 1; k < steps.size(); ++k) {
            const std::size_t interval = steps[k] - steps[k - 1];
            sum += static_cast<double>(interval);
            count += 1;
            shortest = std::min(shortest, interval);
            longest = std::max(longest, interval);
        }
    REQUIRE(count > 1000);
    INFO("mean interval " << sum / count << " steps, expected " << expected);
    CHECK(shortest >= 10);
    CHECK(longest <= 20);
    CHECK(std::abs(sum / count - expected) < 0.1);
}
