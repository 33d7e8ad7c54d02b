// Electrophysiology features on synthetic traces with known answers.

#include <cellfit/efeatures.hpp>
#include "test_support.hpp"

#include <cellfit/error.hpp>
#include <cellfit/metric.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace cellfit;
using Catch::Matchers::Contains;

namespace {

constexpr double dt = 0.01;  // ms

// -70 mV at rest; from 10 to 60 ms the membrane charges towards -60 mV with
// tau = 5 ms, and relaxes afterwards. No spikes.
std::vector<double> pulse_response() {
    std::vector<double> v;
    for (int k = 0; k < 8000; ++k) {
        const double t = k * dt;
        double x = -70;
        if (t >= 10 && t < 60) x = -70 + 10 * (1 - std::exp(-(t - 10) / 5));
        if (t >= 60) x = -70 + 10 * (1 - std::exp(-10.0)) * std::exp(-(t - 60) / 5);
        v.push_back(x);
    }
    return v;
}

// Ten triangular spikes, one every 10 ms from 25 ms, during a stimulus from
// 20 to 120 ms: rise from -65 to +30 mV in 0.5 ms, fall to -70 mV in 1 ms,
// recover to -65 mV in 3 ms.
std::vector<double> spike_train() {
    std::vector<double> v(15000, -65.0);
    for (int s = 0; s < 10; ++s) {
        const int start = static_cast<int>(std::lround((25.0 + 10 * s) / dt));
        for (int k = 0; k <= 50; ++k) v[start + k] = -65 + 95.0 * k / 50;
        for (int k = 1; k <= 100; ++k) v[start + 50 + k] = 30 - 100.0 * k / 100;
        for (int k = 1; k <= 300; ++k) v[start + 150 + k] = -70 + 5.0 * k / 300;
    }
    return v;
}

} // namespace

TEST_CASE("features of a square pulse response", "[features]") {
    const auto f = features::compute(pulse_response(), {.dt_ms = dt, .stim_start_ms = 10, .stim_end_ms = 60, .interp_step_ms = dt});
    CHECK(*f.at("spike_count") == 0);
    CHECK_FALSE(f.at("mean_frequency"));
    CHECK_FALSE(f.at("time_to_first_spike"));
    CHECK_FALSE(f.at("AP_height"));
    CHECK_FALSE(f.at("ISI_CV"));
    CHECK(*f.at("voltage_base") == Approx(-70));
    // Mean over the last 10 % of the stimulus (55 to 60 ms) of -60 - 10*exp(-(t - 10)/5).
    const double steady = -60 - 10 * (5.0 / 5) * (std::exp(-9.0) - std::exp(-10.0));
    CHECK(*f.at("steady_state_voltage_stimend") == Approx(steady).epsilon(1e-5));
    CHECK(*f.at("voltage_deflection_vb_ssse") == Approx(steady + 70).epsilon(1e-5));
    // eFEL's grid is a running sum of the step, which drifts below k*dt: a
    // window's first sample at or after a time can be the next one
    // (shared/reference/efel checks the exact samples). Here the bounds are
    // known to within that one sample.
    // voltage_deflection: five samples ending five before the first after
    // 60 ms, against the mean before 10 ms (-70 mV).
    auto v_at = [](double t) { return -70 + 10 * (1 - std::exp(-(t - 10) / 5)); };
    double window = 0;
    for (int k = 5991; k < 5996; ++k) window += v_at(k * dt);
    CHECK(*f.at("voltage_deflection") == Approx(window / 5 + 70).epsilon(1e-7));
    CHECK(*f.at("minimum_voltage") == Approx(v_at(10.01)).margin(1e-9));  // the first sample after 10 ms
    CHECK_FALSE(f.at("sag_amplitude"));  // a depolarising step: eFEL gives none
}

TEST_CASE("features of a spike train of known rate and shape", "[features]") {
    const auto f = features::compute(spike_train(), {.dt_ms = dt, .stim_start_ms = 20, .stim_end_ms = 120, .interp_step_ms = dt});
    CHECK(*f.at("spike_count") == 10);
    CHECK(*f.at("time_to_first_spike") == Approx(5.5));  // peak at 25.5 ms
    CHECK(*f.at("mean_frequency") == Approx(1000.0 * 10 / (115.5 - 20)));
    CHECK(*f.at("ISI_CV") == Approx(0).margin(1e-9));    // every ISI is 10 ms
    CHECK(*f.at("AP_height") == Approx(30));
    CHECK(*f.at("AP_amplitude") == Approx(95));          // from the onset at -65 mV
    // Half amplitude -17.5 mV: the nearest samples (eFEL does not
    // interpolate here) 0.25 ms up the rise and 0.47 ms down the fall, the
    // first of two equally near.
    CHECK(*f.at("AP_duration_half_width") == Approx(0.72).margin(dt));  // to a sample (see above)
    // spike_half_width interpolates, at half the peak-to-AHP height (-20 mV):
    // 45/1.9 samples up the rise, 50 down the fall.
    CHECK(*f.at("spike_half_width") == Approx((50 - 45 / 1.9 + 50) * dt));
    CHECK(*f.at("voltage_base") == Approx(-65));
    CHECK(*f.at("AHP_depth") == Approx(-5));             // -70 mV minimum, base -65 mV
}

TEST_CASE("metric.features: weighted absolute differences, an undefined feature valued 99 as in the toolbox",
          "[features][metric]") {
    const auto train = spike_train();
    const auto quiet = std::vector<double>(train.size(), -65.0);
    metric_setup s;
    s.n_samples = 2;
    s.n_traces = 1;
    s.n_steps = train.size();
    s.dt = dt * 1e-3;
    for (double v : train) s.target_traces.resize(1), s.target_traces[0].push_back(v * 1e-3);
    std::vector<double> block;
    for (const auto* trace : {&train, &quiet})  // sample 0: the data itself; sample 1: silent
        for (double v : *trace) block.push_back(v * 1e-3);
    auto errors = [&](raw_options options) {
        options.emplace_back("features", "spike_count,AP_height,voltage_base");
        options.emplace_back("weights", "AP_height=2");
        auto m = test::builtin_registry().create<metric>("features", options);
        m->start(s);
        m->block(0, s.n_steps, block.data());
        return m->errors();
    };
    const matrix e = errors({{"stim_start", "20*ms"}, {"stim_end", "0.12"}});
    CHECK(e(0, 0) == Approx(0).margin(1e-9));
    // spike_count differs by 10; AP_height undefined for the silent trace
    // takes the value 99: 2 * |99 - 30|.
    CHECK(e(1, 0) == Approx(10 + 2 * (99.0 - 30)));
    // Squared differences; a normalization divides the traces (voltage_base
    // halves on both sides and still agrees, AP_height is 15 mV; -65/2 mV is
    // still below the threshold, which stays -20 mV) and then the error.
    CHECK(errors({{"stim_start", "20*ms"}, {"stim_end", "0.12"}, {"combine", "squared"}})(1, 0) ==
          Approx(10 * 10 + 2 * (99.0 - 30) * (99.0 - 30)));
    CHECK(errors({{"stim_start", "20*ms"}, {"stim_end", "0.12"}, {"normalization", "2"}})(1, 0) ==
          Approx((10 + 2 * (99.0 - 15)) / 2));
    // t_start cuts the traces, and the stimulus counts from it: 10 ms cut,
    // stimulus 10 to 110 ms, the same features.
    CHECK(errors({{"stim_start", "10*ms"}, {"stim_end", "110*ms"}, {"t_start", "10*ms"}})(1, 0) ==
          Approx(10 + 2 * (99.0 - 30)));
    // Cut to 30 ms, the first spike (peak at 25.5 ms) is gone: 9 against 0.
    CHECK(errors({{"stim_start", "0*ms"}, {"stim_end", "90*ms"}, {"t_start", "30*ms"}})(1, 0) ==
          Approx(9 + 2 * (99.0 - 30)));

    CHECK_THROWS_WITH(test::builtin_registry().create<metric>("features", {{"features", "spike_cnt"},
                                                                           {"stim_start", "0"}, {"stim_end", "1"}}),
                      Contains("unknown feature 'spike_cnt'"));
    CHECK_THROWS_WITH(test::builtin_registry().create<metric>("features"), Contains("give stim_start and stim_end"));
    CHECK_THROWS_WITH(test::builtin_registry().create<metric>("features", {{"stim_start", "20*mV"}, {"stim_end", "1"}}),
                      Contains("stim_start holds '20*mV'") && Contains("50*ms"));
}

TEST_CASE("features refuse an interp_step that would make a gigantic grid, and a diverged simulation scores NaN",
          "[features][metric]") {
    const auto train = spike_train();
    CHECK_THROWS_WITH(features::compute(train, {.dt_ms = dt, .stim_start_ms = 20, .stim_end_ms = 120,
                                                .interp_step_ms = 1e-9}),
                      Contains("more than 1e7 points") && Contains("1e-09 ms"));
    CHECK_THROWS_WITH(features::compute({-65, -65}, {.dt_ms = dt, .stim_start_ms = 0, .stim_end_ms = 1}),
                      Contains("at least three samples"));
    // A trace shorter than the stimulus, or a stimulus past its end: no crash,
    // the window features undefined.
    const auto short_trace = features::compute(std::vector<double>(50, -65.0),
                                               {.dt_ms = dt, .stim_start_ms = 20, .stim_end_ms = 120, .interp_step_ms = dt});
    CHECK(*short_trace.at("spike_count") == 0);
    CHECK_FALSE(short_trace.at("minimum_voltage"));
    CHECK_FALSE(short_trace.at("steady_state_voltage_stimend"));

    metric_setup s;
    s.n_samples = 1;
    s.n_traces = 1;
    s.n_steps = train.size();
    s.dt = dt * 1e-3;
    s.target_traces = {std::vector<double>(train.size(), -0.065)};
    auto m = test::builtin_registry().create<metric>("features", {{"stim_start", "20*ms"}, {"stim_end", "120*ms"}});
    m->start(s);
    std::vector<double> diverged(train.size(), -0.065);
    diverged[4000] = std::nan("");
    m->block(0, s.n_steps, diverged.data());
    CHECK(std::isnan(m->errors()(0, 0)));
}

TEST_CASE("a trace that ends during a spike's downstroke: AP_duration_half_width over the spikes that end",
          "[features]") {
    // Cut 0.6 ms after the last peak (at 115.5 ms), while the fall is at
    // -30 mV: the spike is counted (it crossed back below -20 mV) but has no
    // AP end, and eFEL would read past its array there. The other nine
    // spikes keep their width.
    auto train = spike_train();
    train.resize(static_cast<std::size_t>(std::lround(116.1 / dt)));
    const auto f = features::compute(train, {.dt_ms = dt, .stim_start_ms = 20, .stim_end_ms = 120, .interp_step_ms = dt});
    CHECK(*f.at("spike_count") == 10);
    CHECK(*f.at("AP_duration_half_width") == Approx(0.72).margin(dt));
}
