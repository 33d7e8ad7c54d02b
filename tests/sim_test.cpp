#include "test_support.hpp"

#include <cellfit/error.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/sim/simulation.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

using namespace cellfit;
using Catch::Matchers::Contains;

namespace {

using test::make_model;

// Final value of v after `duration` with the given method and dt.
double final_v(const model& m, const std::string& method, double dt, double duration,
               const std::string& init = "0*mV") {
    simulation_setup s;
    s.method = method;
    s.dt = dt;
    s.n_steps = static_cast<std::size_t>(std::llround(duration / dt));
    s.initial_values = {{"v", {init}}};
    return simulate(m, s, test::builtin_registry()).summary.final_state.at("v")[0];
}

} // namespace

TEST_CASE("each integrator converges at its order on a time-dependent equation", "[simulation][integrators]") {
    // dv/dt = cos(t/tau)*mV/tau - (v - sin(t/tau)*mV)/tau2 has the solution v = sin(t/tau)*mV.
    const model m = make_model("dv/dt = cos(t/tau)*mV/tau - (v - sin(t/tau)*mV)/tau2 : volt",
                               {{"tau", "5*ms"}, {"tau2", "20*ms"}});
    const double duration = 0.02, truth = std::sin(duration / 0.005) * 1e-3;
    const std::pair<const char*, double> orders[] = {{"euler", 2}, {"heun", 2}, {"rk2", 4}, {"rk4", 16}};
    for (const auto& [method, ratio] : orders) {
        INFO(method);
        const double coarse = std::abs(final_v(m, method, 1e-4, duration) - truth);
        const double fine = std::abs(final_v(m, method, 5e-5, duration) - truth);
        CHECK(coarse / fine == Approx(ratio).epsilon(0.1));
    }
}

TEST_CASE("exact and exponential Euler solve a linear equation exactly", "[simulation][integrators]") {
    const model m = make_model("dv/dt = (El - v)/tau : volt", {{"El", "-65*mV"}, {"tau", "10*ms"}});
    const double truth = -0.065 + 0.065 * std::exp(-0.03 / 0.01);  // from v = 0 after 30 ms
    for (const char* method : {"exact", "exponential_euler"}) {
        INFO(method);
        CHECK(final_v(m, method, 1e-3, 0.03) == Approx(truth).epsilon(1e-13));
    }
    // Two coupled equations (a current filtered into the membrane), solved exactly.
    const model two = make_model("dv/dt = (El - v + R*Is)/tau_m : volt\ndIs/dt = -Is/tau_s : amp",
                                 {{"El", "0*mV"}, {"R", "100*Mohm"}, {"tau_m", "20*ms"}, {"tau_s", "5*ms"}});
    simulation_setup s;
    s.method = "exact";
    s.dt = 1e-3;
    s.n_steps = 40;
    s.initial_values = {{"Is", {"1*nA"}}};
    const double v = simulate(two, s, test::builtin_registry()).summary.final_state.at("v")[0];
    // v(t) = R*I0*tau_s/(tau_s - tau_m)*(exp(-t/tau_s) - exp(-t/tau_m))
    const double t = 0.04, expected = 0.1 * 0.005 / (0.005 - 0.02) * (std::exp(-t / 0.005) - std::exp(-t / 0.02));
    CHECK(v == Approx(expected).epsilon(1e-12));
}

TEST_CASE("a method that cannot integrate the model says why and which can", "[simulation][integrators]") {
    const model m = make_model("dv/dt = -v**3/(mV**2*tau) : volt", {{"tau", "10*ms"}});
    simulation_setup s;
    s.n_steps = 10;
    s.method = "exponential_euler";
    CHECK_THROWS_WITH(simulate(m, s, test::builtin_registry()), Contains("could not be separated into linear components") &&
                                                      Contains("Methods that can: euler, heun, milstein, rk2, rk4"));
    s.method = "exact";
    CHECK_THROWS_WITH(simulate(m, s, test::builtin_registry()), Contains("not linear"));
    const model rotation = make_model("dx/dt = -x/tau + w*y : 1\ndy/dt = -w*x - y/tau : 1", {{"tau", "20*ms"}, {"w", "300*Hz"}});
    CHECK_THROWS_WITH(simulate(rotation, s, test::builtin_registry()), Contains("cycle"));
    s.method.clear();  // default: exact when it can, else euler
    CHECK(simulate(rotation, s, test::builtin_registry()).summary.method == "euler");
    const model noisy = make_model("dv/dt = -v/tau + sigma*xi*tau**-0.5 : volt", {{"tau", "10*ms"}, {"sigma", "1*mV"}});
    // Brian's choice for noise: exact cannot, euler can (additive noise).
    CHECK(simulate(noisy, s, test::builtin_registry()).summary.method == "euler");
    const model multiplicative = make_model("dv/dt = -v/tau + v*xi*tau**-0.5 : volt", {{"tau", "10*ms"}});
    CHECK(simulate(multiplicative, s, test::builtin_registry()).summary.method == "heun");
    s.method = "euler";
    CHECK_THROWS_WITH(simulate(multiplicative, s, test::builtin_registry()),
                      Contains("multiplicative") && Contains("Methods that can: heun, milstein"));
}

TEST_CASE("refractory periods: fixed, per neuron and conditional", "[simulation][refractory]") {
    // A constant drive crosses the threshold within one step once a neuron is
    // no longer refractory, so spikes come exactly one refractory period apart.
    const std::string eqs = "dv/dt = 1000*mV/ms : volt (unless refractory)\ntau_ref : second";
    simulation_setup s;
    s.dt = 1e-4;
    s.n_steps = 200;
    s.initial_values = {{"v", {"-65*mV"}}};
    auto spacing = [&](const model& m, std::size_t neuron) {
        const auto r = simulate(m, s, test::builtin_registry());
        const auto& steps = r.spike_steps.at(neuron);
        REQUIRE(steps.size() >= 3);
        return steps[2] - steps[1];
    };
    CHECK(spacing(make_model(eqs, {}, "v > 0*mV", "v = -65*mV", "2*ms"), 0) == 20);
    s.n_neurons = 2;
    s.parameters["tau_ref"] = {1e-3, 3e-3};
    const model per_neuron = make_model(eqs, {}, "v > 0*mV", "v = -65*mV", "tau_ref");
    CHECK(spacing(per_neuron, 0) == 10);
    CHECK(spacing(per_neuron, 1) == 30);
    // Refractory while v is above -60 mV: the reset to -50 mV keeps the neuron
    // refractory for good, so it spikes once.
    s.n_neurons = 1;
    s.parameters.clear();
    const model conditional = make_model(eqs, {}, "v > 0*mV", "v = -50*mV", "v > -60*mV");
    CHECK(simulate(conditional, s, test::builtin_registry()).spike_steps[0].size() == 1);
}

TEST_CASE("results do not depend on the number of threads", "[simulation][threads]") {
    const model m = make_model("dv/dt = (gl*(El - v) + gl*DeltaT*exp((v - VT)/DeltaT) + I)/C : volt\nI : amp (constant)\ngl : siemens (constant)",
                               {{"El", "-70*mV"}, {"VT", "-50*mV"}, {"DeltaT", "2*mV"}, {"C", "200*pF"}}, "v > -30*mV", "v = -60*mV");
    simulation_setup s;
    s.dt = 1e-4;
    s.n_steps = 1000;
    s.n_neurons = 97;  // not a multiple of the chunk size
    s.block_steps = 100;
    for (std::size_t n = 0; n < s.n_neurons; ++n) {
        s.parameters["I"].push_back(0.2e-9 + 0.01e-9 * static_cast<double>(n));
        s.parameters["gl"].push_back(10e-9 + 0.1e-9 * static_cast<double>(n % 7));
    }
    s.initial_values = {{"v", {"El"}}};
    s.record = {"v"};
    for (const std::string backend : {"interp", "compiled"}) {
        s.backend = backend;
        s.threads = 1;
        const auto one = simulate(m, s, test::builtin_registry());
        std::size_t spikes = 0;
        for (const auto& st : one.spike_steps) spikes += st.size();
        CHECK(spikes > 100);
        for (unsigned threads : {2u, 3u}) {
            s.threads = threads;
            const auto many = simulate(m, s, test::builtin_registry());
            CHECK(many.values == one.values);
            CHECK(many.spike_steps == one.spike_steps);
        }
    }
}

TEST_CASE("a neuron that diverges is flagged and the others run on", "[simulation]") {
    const model m = make_model("dv/dt = v**2/(mV*ms) : volt");
    simulation_setup s;
    s.dt = 1e-4;
    s.n_steps = 500;
    s.n_neurons = 3;
    s.initial_values = {{"v", {"-1*mV", "5*mV", "-2*mV"}}};
    s.record = {"v"};
    const auto r = simulate(m, s, test::builtin_registry());
    CHECK_FALSE(r.summary.diverged[0]);
    CHECK(r.summary.diverged[1]);
    CHECK_FALSE(r.summary.diverged[2]);
    CHECK(std::isfinite(r.summary.final_state.at("v")[0]));
    CHECK(r.summary.final_state.at("v")[0] < 0);
}

TEST_CASE("inputs follow the trace of each neuron, in Brian's lookup", "[simulation]") {
    model_spec spec;
    spec.equations = "dv/dt = I/C : volt";
    spec.constants = {{"C", "1*nF"}};
    spec.inputs = {{"I", "amp"}};
    const model m = build_model(spec);
    simulation_setup s;
    s.method = "rk4";  // its last stage reads the next column
    s.dt = 1e-4;
    s.n_steps = 3;
    s.n_neurons = 4;
    s.n_traces = 2;
    s.lookups["I"] = {2, 3, {1e-9, 2e-9, 3e-9, -1e-9, -2e-9, -3e-9}};
    const auto r = simulate(m, s, test::builtin_registry());
    // Trace 0 holds 1, 2, 3 nA. RK4's step k reads column k at t and t + dt/2
    // and column k+1 at t + dt (the last step reads the last column again).
    auto rk4_step = [](double a, double b) { return (a + 2 * a + 2 * a + b) / 6 * 1e-4 / 1e-9; };
    const double expected = (rk4_step(1e-9, 2e-9) + rk4_step(2e-9, 3e-9) + rk4_step(3e-9, 3e-9));
    CHECK(r.summary.final_state.at("v")[0] == Approx(expected).epsilon(1e-12));
    CHECK(r.summary.final_state.at("v")[2] == Approx(expected).epsilon(1e-12));  // neuron 2 uses trace 0
    CHECK(r.summary.final_state.at("v")[1] == Approx(-expected).epsilon(1e-12));
}

TEST_CASE("without a working compiler the interpreter takes over, with a warning", "[simulation]") {
    const model m = make_model("dv/dt = -v/tau : volt", {{"tau", "10*ms"}});
    simulation_setup s;
    s.n_steps = 10;
    s.initial_values = {{"v", {"1*mV"}}};
    const auto r = [&] {
        const test::scoped_env no_compiler("CXX", "/no/such/compiler");
        return simulate(m, s, test::builtin_registry());
    }();
    CHECK(r.summary.backend == "interpreter");
    REQUIRE(r.summary.warnings.size() == 1);
    CHECK_THAT(r.summary.warnings[0], Contains("compiled backend is unavailable") && Contains("/no/such/compiler"));
    CHECK(r.summary.final_state.at("v")[0] == Approx(1e-3 * std::exp(-0.1)).epsilon(1e-12));
}

TEST_CASE("the kernel cache never loads another model's kernel under the same name", "[simulation][cache]") {
    // Two models whose kernels differ only in a constant. Model B's kernel is
    // planted under model A's name, as a hash collision (B's source and
    // library) or a race between processes (B's library beside A's source)
    // would leave it: A must run its own code every time.
    test::temp_dir cache;
    const test::scoped_env private_cache("CELLFIT_CACHE_DIR", cache.path().string());
    const auto kernels = cache.path() / "kernels";
    auto libraries = [&] {
        std::set<std::filesystem::path> found;
        for (const auto& entry : std::filesystem::directory_iterator(kernels))
            if (entry.path().extension() == ".so") found.insert(entry.path());
        return found;
    };
    simulation_setup s;
    s.n_steps = 100;
    s.method = "euler";
    s.initial_values = {{"v", {"1*mV"}}};
    auto final_v = [&](const model& m) {
        const auto r = simulate(m, s, test::builtin_registry());
        REQUIRE(r.summary.backend == "compiled");
        return r.summary.final_state.at("v")[0];
    };
    // Replaces `to` by a copy of `from` in one step, as a rename by another process would.
    auto plant = [](const std::filesystem::path& from, const std::filesystem::path& to) {
        const auto staged = to.string() + ".planted";
        std::filesystem::copy_file(from, staged);
        std::filesystem::rename(staged, to);
    };
    auto source_of = [](std::filesystem::path library) { return library.replace_extension(".cpp"); };
    const model a = make_model("dv/dt = -v/(10*ms) : volt"), b = make_model("dv/dt = -v/(20*ms) : volt");
    const double a_expected = 1e-3 * std::pow(1 - 0.1 / 10, 100), b_expected = 1e-3 * std::pow(1 - 0.1 / 20, 100);
    CHECK(final_v(a) == Approx(a_expected).epsilon(1e-12));  // euler, dt 0.1 ms
    REQUIRE(libraries().size() == 1);
    const auto a_library = *libraries().begin();
    CHECK(final_v(b) == Approx(b_expected).epsilon(1e-12));
    auto b_libraries = libraries();
    b_libraries.erase(a_library);
    REQUIRE(b_libraries.size() == 1);
    const auto b_library = *b_libraries.begin();

    SECTION("a collision: another kernel's source and library under the name") {
        plant(b_library, a_library);
        plant(source_of(b_library), source_of(a_library));
        CHECK(final_v(a) == Approx(a_expected).epsilon(1e-12));
        CHECK(libraries().size() == 3);  // A built again under the next name
        CHECK(final_v(b) == Approx(b_expected).epsilon(1e-12));
    }
    SECTION("a race: another kernel's library beside this kernel's source") {
        plant(b_library, a_library);
        CHECK(final_v(a) == Approx(a_expected).epsilon(1e-12));
        // The library fails its checksum: A is built again in its own slot.
        CHECK(libraries().size() == 2);
        CHECK(final_v(b) == Approx(b_expected).epsilon(1e-12));
    }
}

TEST_CASE("a compiler that refuses the generated code gives a compile_error with its log", "[simulation][cache]") {
    test::temp_dir dir;
    const auto fake = dir.path() / "fake-c++";
    std::ofstream(fake) << "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'fake c++ 1.0'; exit 0; fi\n"
                           "echo 'fake-c++: error: refused on purpose' >&2\nexit 1\n";
    std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
    const test::scoped_env compiler("CXX", fake.string());
    const test::scoped_env cache("CELLFIT_CACHE_DIR", (dir.path() / "cache").string());
    simulation_setup s;
    s.n_steps = 10;
    s.initial_values = {{"v", {"1*mV"}}};
    const model m = make_model("dv/dt = -v/(7*ms) : volt");
    try {
        (void)simulate(m, s, test::builtin_registry());
        FAIL("the simulation ran without a working compiler");
    } catch (const compile_error& e) {
        CHECK_THAT(e.what(), Contains("compiling the simulation kernel failed") && Contains("refused on purpose"));
        CHECK_THAT(e.log(), Contains("fake-c++: error: refused on purpose"));
        CHECK(std::filesystem::exists(e.source()));
    }
}
