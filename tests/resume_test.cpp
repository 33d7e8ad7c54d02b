// Resuming a fit from its results file: the optimizer's state is rebuilt by
// replaying the recorded samples through ask/tell, so that a fit of 4 rounds
// resumed for 6 equals a fit of 10, bit for bit, for every shipped optimizer.

#include "test_support.hpp"

#include <cellfit/error.hpp>
#include <cellfit/fit/fitter.hpp>

#include <catch2/catch.hpp>

#include <cstring>

using namespace cellfit;

namespace {

// A passive membrane under two current steps whose leak grows with the
// round, with a penalty (a second objective, for the multi-objective nsga2).
model_spec passive_spec() {
    model_spec spec;
    // `iteration` in the equations: a resume that did not continue it would differ.
    spec.equations = "dv/dt = (gl*(1 + 0.01*iteration)*(El - v) + I)/C : volt\ngl : siemens (constant)\n"
                     "C : farad (constant)\n"
                     "deviation = 0.001*(v - El)**2 : volt**2\n";
    spec.constants = {{"El", "-70*mV"}};
    spec.inputs = {{"I", "amp"}};
    return spec;
}

fit_data passive_data() {
    fit_data data;
    data.dt = 1e-4;
    lookup_table currents{2, 300, std::vector<double>(600, 0.0)};
    for (std::size_t k = 50; k < 250; ++k) {
        currents.values[k] = 0.1e-9;
        currents.values[300 + k] = 0.3e-9;
    }
    data.inputs["I"] = currents;
    std::vector<std::vector<double>> traces(2, std::vector<double>(300, -70e-3));
    for (std::size_t t = 0; t < 2; ++t)
        for (std::size_t k = 50; k < 300; ++k) traces[t][k] += (t ? 1.5e-3 : 0.5e-3) * (k < 250 ? 1.0 : 0.2);
    data.outputs = {{"v", traces}};
    return data;
}

fitter_settings settings() {
    fitter_settings s;
    s.n_samples = 8;
    s.param_init = {{"v", "El"}};
    return s;
}

fit_options options(const std::string& optimizer, std::size_t rounds) {
    fit_options o;
    o.optimizer = optimizer;
    o.n_rounds = rounds;
    o.bounds = {{"gl", {1e-9, 300e-9, false}}, {"C", {20e-12, 1000e-12, true}}};
    o.seed = 7;
    if (optimizer == "pagmo.nsga2") {
        o.multi_objective = true;
        o.penalty = "deviation";
    }
    return o;
}

bool bit_equal(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

} // namespace

TEST_CASE("a fit resumed from its results file equals the uninterrupted fit, for every shipped optimizer",
          "[fit][resume]") {
    test::temp_dir dir;
    const auto file = (dir.path() / "r.json").string();
    for (const auto* plugin : test::builtin_registry().plugins(plugin_kind::optimizer)) {
        const std::string name = plugin->info.name;
        INFO(name);
        fitter whole(fit_target::traces, passive_spec(), passive_data(), settings(), test::builtin_registry());
        whole.fit(options(name, 10));

        fitter first(fit_target::traces, passive_spec(), passive_data(), settings(), test::builtin_registry());
        first.fit(options(name, 4));
        write_results_json(first.results(), file);

        fitter resumed(fit_target::traces, passive_spec(), passive_data(), settings(), test::builtin_registry());
        resumed.resume(read_results(file), options(name, 6));
        REQUIRE(resumed.results().samples.size() == first.results().samples.size());
        const fit_outcome outcome = resumed.fit(options(name, 6));
        CHECK(outcome.rounds_run == 6);

        const auto& a = whole.results().samples;
        const auto& b = resumed.results().samples;
        REQUIRE(a.size() == b.size());
        bool same = true;
        for (std::size_t k = 0; k < a.size(); ++k) {
            same = same && a[k].round == b[k].round && bit_equal(a[k].error, b[k].error);
            for (std::size_t p = 0; p < a[k].params.size(); ++p) same = same && bit_equal(a[k].params[p], b[k].params[p]);
        }
        CHECK(same);
        CHECK(whole.results().best_params() == resumed.results().best_params());
    }
}

TEST_CASE("a resume with another seed is refused at the first round that differs, and restart keeps the samples",
          "[fit][resume]") {
    test::temp_dir dir;
    const auto file = (dir.path() / "r.json").string();
    fitter first(fit_target::traces, passive_spec(), passive_data(), settings(), test::builtin_registry());
    first.fit(options("pagmo.cmaes", 3));
    write_results_json(first.results(), file);
    const fit_results recorded = read_results(file);

    fit_options other = options("pagmo.cmaes", 2);
    other.seed = 8;
    fitter f(fit_target::traces, passive_spec(), passive_data(), settings(), test::builtin_registry());
    CHECK_THROWS_WITH(f.resume(recorded, other), Catch::Contains("does not propose the recorded samples in round 0") &&
                                                     Catch::Contains("--restart"));

    // restart: the recorded samples stay, a fresh optimizer adds 2 rounds
    // (rounds 3 and 4), and iteration starts again at 0.
    other.restart = true;
    fitter g(fit_target::traces, passive_spec(), passive_data(), settings(), test::builtin_registry());
    g.resume(recorded, other);
    other.restart = false;
    g.fit(other);
    const std::size_t n = recorded.samples.size();
    REQUIRE(g.results().samples.size() > n);
    for (std::size_t k = 0; k < n; ++k) CHECK(g.results().samples[k].params == recorded.samples[k].params);
    CHECK(g.results().samples[n].round == 3);
    CHECK(g.results().samples.back().round == 4);
    CHECK(g.results().n_rounds == 5);
    CHECK(g.results().optimizer_start_round == 3);
    CHECK(g.results().first_iteration == 0);
}

TEST_CASE("a restarted fit can itself be resumed: the replay starts at the restart", "[fit][resume]") {
    test::temp_dir dir;
    const auto file = (dir.path() / "r.json").string(), restarted = (dir.path() / "s.json").string();
    fitter first(fit_target::traces, passive_spec(), passive_data(), settings(), test::builtin_registry());
    first.fit(options("pagmo.de", 3));
    write_results_json(first.results(), file);

    fit_options fresh = options("pagmo.cmaes", 4);
    fresh.restart = true;
    fresh.start_iteration = 10;
    fitter whole(fit_target::traces, passive_spec(), passive_data(), settings(), test::builtin_registry());
    whole.resume(read_results(file), fresh);  // 3 rounds of DE, then 4 of a fresh CMA-ES from iteration 10
    fresh.restart = false;
    whole.fit(fresh);

    fresh.restart = true;
    fitter part(fit_target::traces, passive_spec(), passive_data(), settings(), test::builtin_registry());
    part.resume(read_results(file), fresh);
    fresh.restart = false;
    fresh.n_rounds = 2;
    part.fit(fresh);
    write_results_json(part.results(), restarted);

    fitter resumed(fit_target::traces, passive_spec(), passive_data(), settings(), test::builtin_registry());
    fit_options rest = options("pagmo.cmaes", 4);  // the budget the restarted optimizer was set up with
    resumed.resume(read_results(restarted), rest);
    rest.n_rounds = 2;
    resumed.fit(rest);
    const auto& a = whole.results().samples;
    const auto& b = resumed.results().samples;
    REQUIRE(a.size() == b.size());
    bool same = true;
    for (std::size_t k = 0; k < a.size(); ++k) same = same && a[k].params == b[k].params && a[k].error == b[k].error;
    CHECK(same);
    CHECK(resumed.results().optimizer_start_round == 3);
    CHECK(resumed.results().first_iteration == 10);
}

TEST_CASE("the results file reads back every double bit for bit, -0 included", "[fit][resume]") {
    test::temp_dir dir;
    fit_results r;
    r.parameter_names = {"a", "b"};
    r.parameter_units = {"1", "1"};
    r.objective_names = {"v"};
    r.objective_units = {"1"};
    r.error_unit = "1";
    r.n_samples = 3;
    r.n_rounds = 1;
    const std::vector<std::vector<double>> values = {{-0.0, 0.1}, {5e-324, -1.7976931348623157e308}, {2.0, 1e-8}};
    for (const auto& v : values) r.samples.push_back({0, v, 0.30000000000000004, {0.30000000000000004}});
    write_results_json(r, (dir.path() / "r.json").string());
    const fit_results back = read_results((dir.path() / "r.json").string());
    REQUIRE(back.samples.size() == 3);
    for (std::size_t k = 0; k < 3; ++k)
        for (std::size_t p = 0; p < 2; ++p) CHECK(bit_equal(back.samples[k].params[p], values[k][p]));
    CHECK(bit_equal(back.samples[0].error, 0.30000000000000004));
}
