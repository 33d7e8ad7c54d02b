// Random numbers as Brian has them (rand(), randn(), xi), drawn from streams
// keyed by (seed, stream, global neuron index, call site, step): statistics
// against closed forms, and the same numbers whatever the threads, backend
// or split of the neurons.

#include "test_support.hpp"

#include <cellfit/expr/transform.hpp>
#include <cellfit/integrator.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/sim/lower.hpp>
#include <cellfit/sim/simulation.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace cellfit;

namespace {

using test::make_model;

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

TEST_CASE("heun and milstein give Brian's update for given noise increments, with a support per noise", "[random][integrators]") {
    // Brian 2.5.1's milstein for this system (printed by
    // brian2.stateupdaters.explicit.milstein): the support of y for xi_1 has
    // no noise term, since xi_1 does not drive y.
    const model m = make_model("dx/dt = -x/tau + x*y*xi_1/sqrt(ms) : 1\ndy/dt = -y/tau + y*xi_2/sqrt(ms) : 1",
                               {{"tau", "10*ms"}});
    const double x = 0.7, y = 1.3, dt = 1e-4, tau = 0.01, ms = 1e-3, dW1 = 0.004, dW2 = -0.007;
    auto run = [&](const std::string& method) {
        simulation_setup s;
        s.method = method;
        const ode_system system = ode_system_of(m, s);
        const auto program = test::builtin_registry().create<integrator>(method)->integrate(system);
        std::map<std::string, double> values{{"x", x}, {"y", y}, {"dt", dt}, {"t", 0}};
        for (const auto& st : program) {
            if (st.target == "_dW_xi_1" || st.target == "_dW_xi_2") {
                values[st.target] = st.target == "_dW_xi_1" ? dW1 : dW2;
                continue;
            }
            values[st.target] = expr::evaluate(st.value, [&](const std::string& id) {
                if (id == "tau") return tau;
                if (id == "ms") return ms;
                return values.at(id);
            });
        }
        return std::pair{values.at("x"), values.at("y")};
    };
    const double r = std::sqrt(dt), s_ms = std::sqrt(ms);
    const double xs1 = r * x * y / s_ms - dt * x / tau + x, ys1 = -dt * y / tau + y;
    const double ys2 = r * y / s_ms - dt * y / tau + y;
    const double k_x1 = (xs1 * ys1 / s_ms) * dW1 * dW1 / (2 * r) - x * dW1 * dW1 * y / (2 * r * s_ms);
    const double k_y2 = (ys2 / s_ms) * dW2 * dW2 / (2 * r) - dW2 * dW2 * y / (2 * r * s_ms);
    const auto [mx, my] = run("milstein");
    CHECK(mx == Approx(k_x1 - dt * x / tau + x * dW1 * y / s_ms + x).epsilon(1e-14));
    CHECK(my == Approx(k_y2 - dt * y / tau + dW2 * y / s_ms + y).epsilon(1e-14));
    // Brian's heun: supports x + g_j*dW_j per noise, g at the support and t + dt.
    const double hx1 = x + x * y / s_ms * dW1, hy1 = y;
    const double hy2 = y + y / s_ms * dW2;
    const auto [hx, hy] = run("heun");
    CHECK(hx == Approx(x - dt * x / tau + 0.5 * dW1 * (x * y / s_ms + hx1 * hy1 / s_ms)).epsilon(1e-14));
    CHECK(hy == Approx(y - dt * y / tau + 0.5 * dW2 * (y / s_ms + hy2 / s_ms)).epsilon(1e-14));
}

TEST_CASE("rand() in an exponential-Euler equation is one draw per step, as Brian's split keeps it",
          "[random][integrators]") {
    // dx/dt = (1 - x)*rand()/tau: Brian integrates x_new = 1 + (x - 1)*exp(-dt*u/tau)
    // with one u per step. From x = 0, u = -tau/dt*log(1 - x_new) lies in (0, 1).
    const model m = make_model("dx/dt = (1 - x)*rand()/tau : 1", {{"tau", "10*ms"}});
    simulation_setup s;
    s.method = "exponential_euler";
    s.dt = 1e-4;
    s.n_steps = 2;
    s.n_neurons = 4000;
    s.record = {"x"};
    const auto result = simulate(m, s, test::builtin_registry());
    double sum = 0;
    for (std::size_t n = 0; n < s.n_neurons; ++n) {
        const double u = -0.01 / 1e-4 * std::log(1 - result.values[0][n * s.n_steps + 1]);
        REQUIRE(u > 0);
        REQUIRE(u < 1 + 1e-9);
        sum += u;
    }
    CHECK(std::abs(sum / static_cast<double>(s.n_neurons) - 0.5) < 5 * std::sqrt(1.0 / 12 / 4000));
}

TEST_CASE("common random numbers: the neurons of one trace share their noise, else each has its own",
          "[random][simulation]") {
    const model m = make_model("dv/dt = -v/tau + sigma*sqrt(2/tau)*xi : volt", {{"tau", "10*ms"}, {"sigma", "2*mV"}});
    simulation_setup s;
    s.dt = 1e-4;
    s.n_steps = 50;
    s.n_neurons = 6;
    s.n_traces = 2;
    s.record = {"v"};
    auto trace = [&](const recorded_simulation& r, std::size_t n) {
        return std::vector<double>(r.values[0].begin() + static_cast<std::ptrdiff_t>(n * s.n_steps),
                                   r.values[0].begin() + static_cast<std::ptrdiff_t>((n + 1) * s.n_steps));
    };
    const auto independent = simulate(m, s, test::builtin_registry());
    CHECK(trace(independent, 0) != trace(independent, 2));
    s.common_random_numbers = true;
    const auto common = simulate(m, s, test::builtin_registry());
    CHECK(trace(common, 0) == trace(common, 2));
    CHECK(trace(common, 0) == trace(common, 4));
    CHECK(trace(common, 1) == trace(common, 5));
    CHECK(trace(common, 0) != trace(common, 1));
}

TEST_CASE("an expression that calls rand() twice is refused, as Brian refuses it, but a threshold may", "[random][model]") {
    CHECK_THROWS_WITH(make_model("dv/dt = (rand() - rand())/ms : 1", {}), Catch::Contains("calls rand() more than once"));
    CHECK_THROWS_WITH(make_model("dv/dt = -v/ms : 1", {}, "v > 1", "v = rand() + rand()"),
                      Catch::Contains("calls rand() more than once"));
    CHECK_NOTHROW(make_model("dv/dt = -v/ms : 1", {}, "rand() < 0.1 and rand() < 0.5", "v = rand()\nv += randn()"));
    CHECK_NOTHROW(make_model("dv/dt = -v/ms + x/ms : 1\nx = rand() + randn() : 1 (constant over dt)", {}));
}
