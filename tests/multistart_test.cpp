// optimizer multistart: a Sobol screen, then Levenberg-Marquardt descents
// from its best points, on the HH data of ../shared/data/hh (v = El: the
// truth is known, and the least-squares floor is 1.005 mV^2).

#include "hh_problem.hpp"
#include "test_support.hpp"

#include "fit/trace_residuals.hpp"

#include <cellfit/error.hpp>
#include <cellfit/fit/fitter.hpp>
#include <cellfit/fit/multistart.hpp>
#include <cellfit/registry.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

using namespace cellfit;
using Catch::Matchers::Contains;

namespace {

using test::hh_data;
using test::hh_data_set;
using test::hh_spec;

fitter_settings hh_settings(std::size_t samples = 60, unsigned threads = 1) {
    fitter_settings s;
    s.n_samples = samples;
    s.threads = threads;
    s.method = "exponential_euler";
    s.param_init = {{"v", "El"}};
    return s;
}

fit_options multistart(std::size_t rounds, std::uint64_t seed = 1) {
    fit_options o;
    o.optimizer = "multistart";
    o.n_rounds = rounds;
    o.seed = seed;
    o.metrics = {{"", "mse", {{"t_start", "0.005"}}}};
    o.bounds = {{"gl", {1e-9, 100e-9, false}}, {"g_na", {2e-6, 200e-6, false}}, {"g_kd", {0.6e-6, 60e-6, false}},
                {"Cm", {20e-12, 400e-12, false}}};
    return o;
}

const std::map<std::string, double> truth = {{"gl", 10e-9}, {"g_na", 20e-6}, {"g_kd", 6e-6}, {"Cm", 200e-12}};

bool same_samples(const std::vector<sample_record>& a, const std::vector<sample_record>& b) {
    if (a.size() != b.size()) return false;
    const auto bits = [](double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; };
    for (std::size_t k = 0; k < a.size(); ++k) {
        if (a[k].round != b[k].round || !bits(a[k].error, b[k].error)) return false;
        for (std::size_t p = 0; p < a[k].params.size(); ++p)
            if (!bits(a[k].params[p], b[k].params[p])) return false;
    }
    return true;
}

} // namespace

TEST_CASE("multistart reaches the least-squares optimum of the HH data in 60 x 10 samples, for seeds 1 to 3",
          "[multistart][data]") {
    REQUIRE(std::filesystem::exists(hh_data / "output_mV.csv"));
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        trace_fitter f(hh_spec(), hh_data_set(), hh_settings(), test::builtin_registry());
        const fit_outcome out = f.fit(multistart(10, seed));
        INFO("seed " << seed << ": " << out.best_error * 1e6 << " mV^2");
        CHECK(f.optimizer_name() == "multistart");
        CHECK(out.best_error == Approx(1.005e-6).epsilon(0.01));
        for (const auto& [name, value] : truth) {
            INFO(name << " = " << out.best_params.at(name));
            CHECK(out.best_params.at(name) == Approx(value).epsilon(0.005));
        }
        // A round records at most its samples; the first is the screen, all 60.
        const auto& samples = f.results().samples;
        std::vector<std::size_t> per_round(10, 0);
        for (const auto& s : samples) ++per_round.at(s.round);
        CHECK(per_round[0] == 60);
        for (std::size_t r = 1; r < 10; ++r) CHECK(per_round[r] <= 60);
        // The first descent starts at the screen's lowest error.
        std::size_t best_screened = 0;
        for (std::size_t k = 0; k < 60; ++k)
            if (samples[k].error < samples[best_screened].error) best_screened = k;
        CHECK(samples[60].params == samples[best_screened].params);
        CHECK(samples[60].error == Approx(samples[best_screened].error).epsilon(1e-9));
        // Some descent goes on into the next round: that round starts at the last one's best sample.
        bool continued = false;
        for (std::size_t r = 2; r < 10; ++r) {
            const sample_record* best = nullptr;
            const sample_record* first = nullptr;
            for (const auto& s : samples) {
                if (s.round == r - 1 && (!best || s.error < best->error)) best = &s;
                if (s.round == r && !first) first = &s;
            }
            continued = continued || (best && first && best->params == first->params);
        }
        CHECK(continued);
    }
    // With the exact derivative of the discrete simulation as the Jacobian.
    trace_fitter f(hh_spec(), hh_data_set(), hh_settings(), test::builtin_registry());
    fit_options discrete = multistart(10);
    discrete.optimizer_options = {{"gradient", "discrete"}};
    CHECK(f.fit(discrete).best_error == Approx(1.005e-6).epsilon(0.01));
}

TEST_CASE("a multistart sample's error is the mse of the traces its parameters simulate", "[multistart][data]") {
    trace_fitter f(hh_spec(), hh_data_set(), hh_settings(30), test::builtin_registry());
    f.fit(multistart(3));
    const fit_results& r = f.results();
    const auto data = hh_data_set().outputs.at(0).traces;
    // A screened sample (scored by metric.mse) and a descent's (by the residuals).
    for (std::size_t k : {std::size_t{5}, r.samples.size() - 1}) {
        REQUIRE(r.samples[k].round == (k == 5 ? 0u : 2u));
        std::map<std::string, double> params;
        for (std::size_t p = 0; p < r.parameter_names.size(); ++p) params[r.parameter_names[p]] = r.samples[k].params[p];
        const auto traces = f.generate({"v"}, params).traces.at("v");
        double sum = 0;
        std::size_t n = 0;
        for (std::size_t t = 0; t < data.size(); ++t)
            for (std::size_t step = 500; step < data[t].size(); ++step, ++n)  // t_start = 5 ms = 500 steps
                sum += (traces[t][step] - data[t][step]) * (traces[t][step] - data[t][step]);
        INFO("sample " << k);
        CHECK(r.samples[k].error == Approx(sum / static_cast<double>(n)).epsilon(1e-9));
    }
}

TEST_CASE("a multistart fit resumed from its results file equals the uninterrupted fit, on any number of threads",
          "[multistart][resume]") {
    test::temp_dir dir;
    const auto file = (dir.path() / "r.json").string();
    // Rounds of 30 samples in starts of 10: three descents a round, side by side on threads.
    auto options = [](std::size_t rounds, std::uint64_t seed = 3) {
        fit_options o = multistart(rounds, seed);
        o.optimizer_options = {{"start_samples", "10"}};
        return o;
    };
    trace_fitter whole(hh_spec(), hh_data_set(), hh_settings(30), test::builtin_registry());
    whole.fit(options(6));
    // 6 threads: 3 descents side by side, each simulating on 2.
    trace_fitter threaded(hh_spec(), hh_data_set(), hh_settings(30, 6), test::builtin_registry());
    threaded.fit(options(6));
    CHECK(same_samples(whole.results().samples, threaded.results().samples));

    trace_fitter first(hh_spec(), hh_data_set(), hh_settings(30), test::builtin_registry());
    first.fit(options(3));
    write_results_json(first.results(), file);
    trace_fitter resumed(hh_spec(), hh_data_set(), hh_settings(30), test::builtin_registry());
    resumed.resume(read_results(file), options(3));
    resumed.fit(options(3));
    CHECK(same_samples(whole.results().samples, resumed.results().samples));
    CHECK(whole.results().best_params() == resumed.results().best_params());

    // Another seed makes another design: refused, naming the round and the fix.
    trace_fitter other(hh_spec(), hh_data_set(), hh_settings(30), test::builtin_registry());
    CHECK_THROWS_WITH(other.resume(read_results(file), options(3, 4)),
                      Contains("round 0") && Contains("another seed") && Contains("--restart"));
    // More starts per round: the screen replays, the first round of descents does not.
    fit_options wider = options(3);
    wider.optimizer_options = {{"start_samples", "7"}};
    trace_fitter starts(hh_spec(), hh_data_set(), hh_settings(30), test::builtin_registry());
    CHECK_THROWS_WITH(starts.resume(read_results(file), wider),
                      Contains("recorded start") && Contains("of round 1") && Contains("start_samples"));
}

TEST_CASE("a descent that starts where the model diverges ends there, and the fit goes on", "[multistart]") {
    // Growth with (v - E)^2 blows up in finite time (within 100 ms once r is
    // above about 0.001 at 10 mV); the data decay with tau = 10 ms and r = 0.
    model_spec spec;
    spec.equations = "dv/dt = (E - v)/tau + r*(v - E)**2/(mV*ms) : volt\ntau : second (constant)\nr : 1 (constant)\n";
    spec.constants = {{"E", "-70*mV"}};
    fit_data data;
    data.dt = 1e-4;
    std::vector<double> trace(1000);
    for (std::size_t k = 0; k < trace.size(); ++k) trace[k] = -70e-3 + 10e-3 * std::pow(1 - 1e-4 / 10e-3, double(k));
    data.outputs = {{"v", {trace}}};
    fitter_settings settings;
    settings.n_samples = 20;
    settings.method = "euler";
    settings.param_init = {{"v", "-60*mV"}};
    fit_options o;
    o.optimizer = "multistart";
    o.n_rounds = 8;
    o.bounds = {{"tau", {1e-3, 50e-3, false}}, {"r", {0, 1, false}}};
    trace_fitter f(spec, data, settings, test::builtin_registry());
    const fit_outcome out = f.fit(o);
    // Descents step into the region where it blows up too (rejected steps), and go on.
    std::size_t diverged_in_descents = 0;
    for (const auto& s : f.results().samples) diverged_in_descents += s.round > 0 && !std::isfinite(s.error) ? 1 : 0;
    CHECK(diverged_in_descents > 0);
    CHECK(out.best_params.at("tau") == Approx(10e-3).epsilon(1e-3));
    CHECK(out.best_params.at("r") < 1e-4);
}

TEST_CASE("multistart passes by a model that reads i or N, and refuses it when named", "[multistart]") {
    model_spec spec = hh_spec();
    spec.equations += "\noffset = 0*mV*i/N : volt\n";
    fit_options chosen = multistart(2);
    chosen.optimizer.clear();  // chosen from the budget
    trace_fitter f(spec, hh_data_set(), hh_settings(), test::builtin_registry());
    f.prepare(chosen);
    CHECK(f.optimizer_name() == "pagmo.de");
    trace_fitter g(spec, hh_data_set(), hh_settings(), test::builtin_registry());
    CHECK_THROWS_WITH(g.fit(multistart(2)), Contains("reads i or N"));
    CHECK(reads_neuron_index(build_fit_model(hh_spec()), {{"v", "El + 0*mV*i"}}));
    CHECK_FALSE(reads_neuron_index(build_fit_model(hh_spec()), {{"v", "El"}, {"m", "min_value"}}));
}

TEST_CASE("a descent's evaluations never pass its limit, the fallback to finite differences included", "[multistart]") {
    // d sqrt(m)/dm is infinite where m starts (0): the sensitivity
    // Jacobian (1 + 1 samples) falls back to finite differences (1 more).
    model_spec spec;
    spec.equations = "dm/dt = k*(1 - m)/ms : 1\nw = sqrt(m)*volt : volt\nk : 1 (constant)\n";
    const model m = build_model(spec);
    const std::vector<std::vector<double>> data(1, std::vector<double>(200, 0.0));
    detail::residual_output out;
    out.variable = "w";
    out.traces = &data;
    simulation_setup base;
    base.backend = "interp";
    base.method = "euler";
    base.n_steps = 200;
    base.parameters["k"] = {0.2};
    for (const std::size_t limit : {3, 4}) {
        INFO("limit " << limit);
        detail::trace_residuals residuals(m, base, {out}, {"k"}, gradient_kind::discrete, test::builtin_registry());
        residuals.lower = {0.01};
        residuals.upper = {1};
        residuals.evaluation_limit = limit;
        std::vector<double> r(residuals.size());
        matrix J(residuals.size(), 1);
        residuals.residuals({0.2}, r);
        if (limit == 3) {
            CHECK_THROWS_AS(residuals.jacobian({0.2}, r, J), detail::evaluation_limit_reached);
            CHECK(residuals.evaluations() == 3);
        } else {
            residuals.jacobian({0.2}, r, J);
            CHECK(residuals.evaluations() == 4);
            CHECK(std::isfinite(J(10, 0)));
            CHECK_THROWS_AS(residuals.residuals({0.3}, r), detail::evaluation_limit_reached);
        }
    }
}

TEST_CASE("a timed array's row i is the trace: such a model still gets multistart", "[multistart]") {
    model_spec spec;
    spec.equations = "dv/dt = (E - v + R*I_in(t, i))/tau : volt\nR : ohm (constant)\ntau : second (constant)\n";
    spec.constants = {{"E", "-70*mV"}};
    spec.timed_arrays = {{"I_in", "amp"}};
    const model m = build_fit_model(spec);
    CHECK_FALSE(reads_neuron_index(m, {}));
    model_spec reads_i = spec;
    reads_i.equations = "dv/dt = (E - v + R*I_in(t, i) + 0*mV*i)/tau : volt\nR : ohm (constant)\ntau : second (constant)\n";
    CHECK(reads_neuron_index(build_fit_model(reads_i), {}));
    model_spec reads_n = spec;
    reads_n.equations = "dv/dt = (E - v + R*I_in(t, N - 1))/tau : volt\nR : ohm (constant)\ntau : second (constant)\n";
    CHECK(reads_neuron_index(build_fit_model(reads_n), {}));
}

TEST_CASE("multistart refuses fits it cannot descend, with the reason and the fix", "[multistart]") {
    const auto refused = [](fitter_settings settings, fit_options options, const std::string& why) {
        trace_fitter f(hh_spec(), hh_data_set(), std::move(settings), test::builtin_registry());
        CHECK_THROWS_WITH(f.fit(options), Contains(why));
    };
    fit_options features = multistart(2);
    features.metrics = {{"", "features", {{"features", "voltage_base"}, {"stim_start", "0.002"}, {"stim_end", "0.01"}}}};
    refused(hh_settings(), features, "output v is scored by metric.features");
    fit_options several = multistart(2);
    several.multi_objective = true;
    refused(hh_settings(), several, "multi-objective");
    refused(hh_settings(5), multistart(2), "at least 6 samples per round for 4 parameters");
    fit_options small = multistart(2);
    small.optimizer_options = {{"start_samples", "3"}};
    refused(hh_settings(), small, "start_samples must be 0 (automatic) or at least 6");
    fit_options bad = multistart(2);
    bad.optimizer_options = {{"gradient", "exact"}};
    refused(hh_settings(), bad, "fd");
    model_spec with_deviation = hh_spec();
    with_deviation.equations += "\ndeviation = (v - El)**2 : volt**2\n";
    fitter_settings penalised = hh_settings();
    penalised.penalty = "deviation";
    trace_fitter f(with_deviation, hh_data_set(), penalised, test::builtin_registry());
    CHECK_THROWS_WITH(f.fit(multistart(2)), Contains("the penalty 'deviation' is not one of them"));
    CHECK(is_multistart("optimizer.multistart"));
    CHECK_FALSE(is_multistart("pagmo.cmaes"));
}
