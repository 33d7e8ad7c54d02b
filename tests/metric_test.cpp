#include "reference.hpp"
#include "test_support.hpp"

#include <cellfit/error.hpp>
#include <cellfit/io/numbers.hpp>
#include <cellfit/metric.hpp>
#include <cellfit/sim/simulation.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace cellfit;
using Catch::Matchers::Contains;

namespace {

std::shared_ptr<metric> make(const char* name, const raw_options& options = {}) {
    return test::builtin_registry().create<metric>(name, options);
}

// 2 samples x 2 traces, 4 steps of 1 s: neuron i = sample i/2, trace i%2.
metric_setup small_setup() {
    metric_setup s;
    s.n_samples = 2;
    s.n_traces = 2;
    s.n_steps = 4;
    s.dt = 1.0;
    s.target_traces = {{0, 0, 0, 0}, {1, 1, 1, 1}};
    return s;
}

// The four neurons' traces, fed in two blocks of two steps.
void feed(metric& m) {
    const double traces[4][4] = {{1, 1, 1, 1}, {1, 2, 3, 4}, {2, 2, 2, 2}, {1, 1, 1, 1}};
    for (std::size_t first : {0u, 2u}) {
        std::vector<double> block;
        for (const auto& t : traces)
            for (std::size_t s = first; s < first + 2; ++s) block.push_back(t[s]);
        m.block(first, 2, block.data());
    }
}

} // namespace

TEST_CASE("mse: mean over time of the squared difference, per sample and trace", "[metric]") {
    const metric_setup s = small_setup();
    auto m = make("mse");
    CHECK(m->uses_traces());
    CHECK_FALSE(m->uses_spikes());
    m->start(s);
    feed(*m);
    const matrix e = m->errors();
    REQUIRE(e.rows() == 2);
    REQUIRE(e.cols() == 2);
    CHECK(e(0, 0) == 1.0);
    CHECK(e(0, 1) == 3.5);  // (0 + 1 + 4 + 9)/4
    CHECK(e(1, 0) == 4.0);
    CHECK(e(1, 1) == 0.0);

    m = make("mse", {{"t_start", "2"}});
    m->start(s);
    feed(*m);
    CHECK(m->errors()(0, 1) == 6.5);  // (4 + 9)/2

    m = make("mse", {{"normalization", "2"}});
    m->start(s);
    feed(*m);
    CHECK(m->errors()(0, 1) == Approx(3.5 / 4));
}

TEST_CASE("mse: weights per step, normalised by their mean", "[metric]") {
    test::temp_dir dir;
    const auto weights = dir.path() / "w.csv";
    std::ofstream(weights) << "0,0,1,1\n";
    const metric_setup s = small_setup();
    auto m = make("mse", {{"t_weights", weights.string()}});
    m->start(s);
    feed(*m);
    CHECK(m->errors()(0, 1) == Approx(6.5));  // weights 0, 0, 2, 2: (2*4 + 2*9)/4

    CHECK_THROWS_WITH(make("mse", {{"t_weights", weights.string()}, {"t_start", "1"}}), Contains("not both"));
    std::ofstream(weights) << "0,0,0,0\n";
    CHECK_THROWS_WITH(make("mse", {{"t_weights", weights.string()}}), Contains("all zero"));
    std::ofstream(weights) << "1,1,1\n";
    m = make("mse", {{"t_weights", weights.string()}});
    CHECK_THROWS_WITH(m->start(s), Contains("3 values for 4 steps"));
    CHECK_THROWS_AS(make("mse", {{"normalization", "0"}}), option_error);
    m = make("mse", {{"t_start", "10"}});
    CHECK_THROWS_WITH(m->start(s), Contains("leaves no step"));
}

TEST_CASE("mse of a simulation against Brian 2's own recording is at round-off level", "[metric][reference]") {
    const auto dir = test::reference_dir() / "cases" / "hh_traub_bmf";
    const auto m_json = test::read_json(dir / "model.json");
    const model m = build_model(test::spec_of_case(m_json, "hh_traub_bmf"));
    simulation_setup sim = test::setup_of_case(dir, m_json);
    sim.record = {"v"};
    metric_setup s;
    s.n_traces = 1;
    s.n_steps = sim.n_steps;
    s.dt = sim.dt;
    // Each neuron is scored as a one-sample, one-trace fit against its own
    // row of Brian's recording.
    const auto rows = read_csv(dir / "out_v.csv").rows;
    const recorded_simulation result = simulate(m, sim, test::builtin_registry());
    for (std::size_t n = 0; n < sim.n_neurons; ++n) {
        metric_setup one = s;
        one.n_samples = 1;
        one.target_traces = {rows[n]};
        auto mse = make("mse");
        mse->start(one);
        mse->block(0, sim.n_steps, result.values[0].data() + n * sim.n_steps);
        CHECK(mse->errors()(0, 0) < 1e-20);  // volt^2: the traces agree to ~1e-12 of their range
        CHECK(mse->errors()(0, 0) >= 0);
    }
}

TEST_CASE("gamma: coincidences within delta, normalised by the recorded rate, rate correction", "[metric]") {
    metric_setup s;
    s.n_samples = 4;
    s.n_traces = 1;
    s.n_steps = 1000;
    s.dt = 1e-4;  // 0.1 s in all
    s.target_spikes = {{0.010, 0.050, 0.090}};
    auto run = [&](const raw_options& options) {
        auto g = make("gamma", options);
        CHECK(g->uses_spikes());
        g->start(s);
        // neuron 0: 3 spikes, 2 within 2 ms of the data; neuron 1: one spike, coincident;
        // neuron 2: the data exactly; neuron 3: silent.
        // (neuron, step), in step order as the simulator sends them.
        for (const auto& [neuron, step] : std::vector<std::pair<std::size_t, std::size_t>>{
                 {2, 100}, {0, 101}, {0, 500}, {2, 500}, {1, 505}, {2, 900}, {0, 950}})
            g->spike(neuron, step);
        return g->errors();
    };
    const matrix corrected = run({{"delta", "0.002"}});
    // The recorded rate nu = 30 Hz: expected coincidences 2*0.002*3*30 = 0.36,
    // norm 0.5*(1 - 2*30*0.002) = 0.44.
    // Neuron 0: Gamma = (2 - 0.36)/(0.44*6); equal rates, so no rate term.
    CHECK(corrected(0, 0) == Approx(1 - (2 - 0.36) / (0.44 * 6)));
    // Neuron 1: Gamma = (1 - 0.36)/(0.44*4); rate term 1 + 2*20/30.
    CHECK(corrected(1, 0) == Approx(1 + 2.0 * 20 / 30 - (1 - 0.36) / (0.44 * 4)));
    // Neuron 2, the data exactly: Gamma = (3 - 0.36)/(0.44*6) = 1, error 0.
    CHECK(corrected(2, 0) == Approx(0).margin(1e-12));
    // Neuron 3, silent: Gamma = -0.36/(0.44*3), rate term 3.
    CHECK(corrected(3, 0) == Approx(3 + 0.36 / (0.44 * 3)));
    const matrix plain = run({{"delta", "0.002"}, {"rate_correction", "false"}});
    CHECK(plain(1, 0) == Approx(1 - (1 - 0.36) / (0.44 * 4)));
    CHECK(plain(3, 0) == Approx(1 + 0.36 / (0.44 * 3)));
    // normalization divides every error by its square, as the toolbox's
    // GammaFactor (1/normalization applied to the features and to their mean).
    const matrix normalized = run({{"delta", "0.002"}, {"normalization", "2"}});
    for (std::size_t n = 0; n < 4; ++n) CHECK(normalized(n, 0) == Approx(corrected(n, 0) / 4));
}

TEST_CASE("gamma: every value the toolbox's gamma factor gives, on its own 405 spike-train pairs",
          "[metric][reference]") {
    // ../shared/reference/gamma: brian2modelfitting's get_gamma_factor on
    // jittered, independent, silent, shifted and tied trains.
    const auto cases = test::read_json_lines(test::reference_dir() / "gamma" / "cases.jsonl");
    REQUIRE(cases.size() == 405);
    std::size_t checked = 0;
    for (const auto& c : cases) {
        INFO(c.dump());
        metric_setup s;
        s.n_samples = 1;
        s.n_traces = 1;
        s.dt = c.at("dt_s").get<double>();
        s.n_steps = static_cast<std::size_t>(std::llround(c.at("time_s").get<double>() / s.dt));
        s.target_spikes = {c.at("data_s").get<std::vector<double>>()};
        auto g = make("gamma", {{"delta", format_number(c.at("delta_s").get<double>())},
                                {"time", format_number(c.at("time_s").get<double>())},
                                {"rate_correction", c.at("rate_correction").get<bool>() ? "true" : "false"}});
        g->start(s);
        // The simulator reports spikes as steps, in order: the model's times
        // rounded to steps, as the toolbox rounds them.
        std::vector<std::size_t> steps;
        for (double t : c.at("model_s").get<std::vector<double>>())
            steps.push_back(static_cast<std::size_t>(std::nearbyint(t / s.dt)));
        std::sort(steps.begin(), steps.end());
        for (auto step : steps) g->spike(0, step);
        CHECK(g->errors()(0, 0) == Approx(c.at("error").get<double>()).epsilon(0).margin(1e-12));
        ++checked;
    }
    CHECK(checked == 405);
}

TEST_CASE("gamma: a recorded train without spikes is a clear error", "[metric]") {
    metric_setup s;
    s.n_samples = 1;
    s.n_traces = 2;
    s.n_steps = 100;
    s.dt = 1e-4;
    s.target_spikes = {{0.001}, {}};
    auto g = make("gamma");
    CHECK_THROWS_WITH(g->start(s), Contains("trace 1 has no spike") && Contains("undefined"));
    CHECK_THROWS_AS(make("gamma", {{"delta", "-1"}}), option_error);
}
