// refine(): least squares after a short global search on the HH data of
// ../shared/data/hh (v = El: the truth is known), with each Jacobian.

#include "hh_problem.hpp"
#include "test_support.hpp"

#include <cellfit/fit/fitter.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace cellfit;

namespace {

using test::hh_data;
using test::hh_data_set;
using test::hh_spec;

fitter_settings hh_settings() {
    fitter_settings s;
    s.n_samples = 30;
    s.method = "exponential_euler";
    s.param_init = {{"v", "El"}};
    return s;
}

fit_options short_search() {
    fit_options o;
    o.optimizer = "pagmo.cmaes";
    o.n_rounds = 12;
    o.seed = 2;
    o.metrics = {{"", "mse", {{"t_start", "0.005"}}}};
    o.bounds = {{"gl", {1e-9, 100e-9, false}}, {"g_na", {2e-6, 200e-6, false}}, {"g_kd", {0.6e-6, 60e-6, false}},
                {"Cm", {20e-12, 400e-12, false}}};
    return o;
}

const std::map<std::string, double> truth = {{"gl", 10e-9}, {"g_na", 20e-6}, {"g_kd", 6e-6}, {"Cm", 200e-12}};

} // namespace

TEST_CASE("fit then refine reaches the least-squares optimum of the HH data, with each Jacobian", "[refine][data]") {
    REQUIRE(std::filesystem::exists(hh_data / "output_mV.csv"));
    for (auto gradient : {gradient_kind::finite_differences, gradient_kind::discrete, gradient_kind::sensitivity}) {
        trace_fitter f(hh_spec(), hh_data_set(), hh_settings(), test::builtin_registry());
        const auto fitted = f.fit(short_search());
        refine_options o;
        o.gradient = gradient;
        const refine_record r = f.refine(o);
        INFO("gradient " << r.gradient << ": " << r.message << ", nfev " << r.nfev << ", njev " << r.njev
                         << ", fit error " << fitted.best_error * 1e6 << " mV^2, refined " << r.error * 1e6 << " mV^2");
        CHECK(r.error == Approx(1.005e-6).epsilon(0.01));
        CHECK(r.error < fitted.best_error);
        CHECK(r.comparable);
        CHECK(f.results().best_is_refined());
        CHECK(f.results().best_error() == r.error);
        for (std::size_t j = 0; j < r.parameter_names.size(); ++j) {
            const double t = truth.at(r.parameter_names[j]);
            INFO(r.parameter_names[j] << " = " << r.params[j] << " +- " << r.standard_errors[j]);
            CHECK(r.params[j] == Approx(t).epsilon(0.005));
            CHECK(std::abs(r.params[j] - t) <= 2 * r.standard_errors[j]);  // the reported uncertainty covers the truth
            CHECK(r.correlation[j][j] == Approx(1.0));
        }
    }
}

TEST_CASE("refine from given parameters, and the K best samples on threads", "[refine][data]") {
    trace_fitter f(hh_spec(), hh_data_set(), hh_settings(), test::builtin_registry());
    f.fit(short_search());
    refine_options top;
    top.top = 3;
    top.gradient = gradient_kind::discrete;
    const auto r = f.refine(top);
    CHECK(r.starts == 3);
    CHECK(r.error == Approx(1.005e-6).epsilon(0.01));
    // From given parameters, a budget of 4 evaluations stops early and says so.
    refine_options given;
    given.params = std::map<std::string, double>{{"gl", 12e-9}, {"g_na", 22e-6}, {"g_kd", 5.5e-6}, {"Cm", 190e-12}};
    given.max_nfev = 4;
    given.gradient = gradient_kind::discrete;
    const auto limited = f.refine(given);
    CHECK(limited.status == "max_nfev");
    CHECK(limited.nfev <= 4);
    CHECK(limited.start == std::vector<double>{22e-6, 5.5e-6, 12e-9, 190e-12});  // the model's parameter order
}

TEST_CASE("a singular derivative (a square root at exactly zero) falls back to finite differences with a warning",
          "[refine]") {
    model_spec spec;
    spec.equations = "dm/dt = k*(1 - m)/ms : 1\nw = sqrt(m)*volt : volt\nk : 1 (constant)\n";
    fit_data data;
    data.dt = 1e-4;
    data.n_steps = 200;
    data.outputs = {{"w", {std::vector<double>(200, 0.0)}}};
    fitter_settings settings;
    settings.method = "euler";  // m starts at 0, where d sqrt(m)/dm is infinite
    {
        const trace_fitter gen(spec, data, settings, test::builtin_registry());
        data.outputs[0].traces = gen.generate({"w"}, std::map<std::string, double>{{"k", 0.3}}).traces.at("w");
    }
    trace_fitter f(spec, data, settings, test::builtin_registry());
    refine_options o;
    o.params = std::map<std::string, double>{{"k", 0.2}};
    o.bounds = {{"k", {0.01, 1, false}}};
    o.gradient = gradient_kind::discrete;
    const auto r = f.refine(o);
    REQUIRE(!r.warnings.empty());
    CHECK_THAT(r.warnings.front(), Catch::Contains("derivatives with respect to k were not finite") &&
                                       Catch::Contains("finite differences"));
    CHECK(r.params[0] == Approx(0.3).epsilon(1e-6));
}

TEST_CASE("finite differences move a parameter that starts at exactly zero", "[refine]") {
    model_spec spec;
    spec.equations = "dv/dt = (El - v)/(10*ms) : volt\nEl : volt (constant)\n";
    fit_data data;
    data.dt = 1e-4;
    data.n_steps = 300;
    data.outputs = {{"v", {std::vector<double>(300, 0.0)}}};
    fitter_settings settings;
    settings.method = "euler";
    {
        const trace_fitter gen(spec, data, settings, test::builtin_registry());
        data.outputs[0].traces = gen.generate({"v"}, std::map<std::string, double>{{"El", -5e-3}}).traces.at("v");
    }
    trace_fitter f(spec, data, settings, test::builtin_registry());
    refine_options o;
    o.params = std::map<std::string, double>{{"El", 0.0}};
    o.bounds = {{"El", {-0.1, 0.01, false}}};
    const auto r = f.refine(o);  // finite differences
    CHECK(r.params[0] == Approx(-5e-3).epsilon(1e-6));
    // Exact data: the residual variance is ~0, so is the standard error, and it is finite.
    CHECK(std::isfinite(r.standard_errors[0]));
}
