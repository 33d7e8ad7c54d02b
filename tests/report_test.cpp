// The report page: its data reductions (envelopes, running minimum, Pareto
// front, spike pairing, binning) against direct computations, the SVG
// plots' structure and escaping, and the page's size on large fits.

#include "plot_data.hpp"
#include "report_page.hpp"
#include "svg_plot.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace cellfit::report;
using Catch::Matchers::Contains;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

const double nan_value = std::numeric_limits<double>::quiet_NaN();
const double inf = std::numeric_limits<double>::infinity();

// A fit's results with `samples` samples of the parameters gl and C, the
// error a valley around gl = 20 nS, C = 200 pF.
cellfit::fit_results valley_results(std::size_t samples, std::size_t per_round, std::uint64_t seed) {
    cellfit::fit_results r;
    r.parameter_names = {"gl", "C"};
    r.parameter_units = {"siemens", "farad"};
    r.objective_names = {"v"};
    r.objective_units = {"volt**2"};
    r.objective_raw_factors = {1};
    r.objective_raw_units = {"volt**2"};
    r.error_unit = "volt**2";
    r.n_samples = per_round;
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> u(0, 1);
    for (std::size_t k = 0; k < samples; ++k) {
        const double gl = 1e-9 + u(random) * 99e-9, C = 1e-11 + u(random) * 4.9e-10;
        const double e = 1e-6 * (1 + std::pow((gl - 2e-8) / 1e-8, 2) + std::pow((C - 2e-10) / 1e-10, 2));
        r.samples.push_back({k / per_round, {gl, C}, e, {e}});
    }
    r.n_rounds = (samples + per_round - 1) / per_round;
    r.round_seconds.assign(r.n_rounds, 0.01);
    r.round_diverged.assign(r.n_rounds, 0);
    return r;
}

nlohmann::ordered_json valley_description() {
    return {{"cellfit_version", "0.2.0"},
            {"target", "traces"},
            {"model", {{"file", "cell.eqs"}, {"text", "dv/dt = (gl*(El - v) + I)/C : volt\n"}, {"constants", nlohmann::ordered_json::array()}}},
            {"data", {{"dt", 1e-4}, {"steps", 200}, {"traces", 3}, {"files", nlohmann::ordered_json::array()}}},
            {"method", "exact"},
            {"bounds", {{"gl", {{"lower", 1e-9}, {"upper", 1e-7}, {"log", true}}}, {"C", {{"lower", 1e-11}, {"upper", 5e-10}, {"log", false}}}}},
            {"metrics", {{{"output", "v"}, {"name", "mse"}, {"options", nlohmann::ordered_json::array({nlohmann::ordered_json::array({"t_start", "0.005"})})}}}},
            {"optimizer", {{"name", "pagmo.cmaes"}, {"options", nlohmann::ordered_json::array()}}},
            {"seed", 1},
            {"samples_per_round", 30},
            {"multi_objective", false},
            {"planned_rounds", 10}};
}

std::vector<double> wave(std::size_t steps, double phase) {
    std::vector<double> v(steps);
    for (std::size_t k = 0; k < steps; ++k) v[k] = -0.065 + 0.01 * std::sin(phase + 1e-3 * static_cast<double>(k));
    return v;
}

} // namespace

TEST_CASE("A trace's envelope keeps every column's lowest and highest value, one-step spikes included", "[report]") {
    std::mt19937_64 random(3);
    std::normal_distribution<double> noise(0, 1);
    std::vector<double> y(100000);
    for (auto& v : y) v = noise(random);
    y[54321] = 10;  // a one-step spike and dip
    y[7777] = -10;
    const std::size_t columns = 800;
    const polyline p = envelope(y, 0.5, 2, columns);
    REQUIRE(p.x.size() == p.y.size());
    CHECK(p.x.size() <= 2 * columns);
    CHECK(std::is_sorted(p.x.begin(), p.x.end()));
    CHECK(std::adjacent_find(p.x.begin(), p.x.end()) == p.x.end());  // no step twice
    const auto high = std::max_element(p.y.begin(), p.y.end()), low = std::min_element(p.y.begin(), p.y.end());
    CHECK(*high == 10);
    CHECK(p.x[static_cast<std::size_t>(high - p.y.begin())] == 0.5 + 2 * 54321);
    CHECK(*low == -10);
    // Each column's extremes are there, at their own x.
    for (std::size_t c = 0; c < columns; c += 37) {
        const std::size_t begin = y.size() * c / columns, end = y.size() * (c + 1) / columns;
        const auto mx = std::max_element(y.begin() + static_cast<std::ptrdiff_t>(begin), y.begin() + static_cast<std::ptrdiff_t>(end));
        const double x = 0.5 + 2 * static_cast<double>(mx - y.begin());
        const auto at = std::find(p.x.begin(), p.x.end(), x);
        REQUIRE(at != p.x.end());
        CHECK(p.y[static_cast<std::size_t>(at - p.x.begin())] == *mx);
    }
}

TEST_CASE("A short trace is kept whole, without its non-finite values", "[report]") {
    const polyline p = envelope({1, nan_value, 3, inf, 5}, 0, 0.1, 100);
    CHECK(p.y == std::vector<double>{1, 3, 5});
    CHECK(p.x == std::vector<double>{0, 0.2, 0.4});
}

TEST_CASE("The running minimum skips non-finite errors", "[report]") {
    const auto m = running_minimum({inf, 5, nan_value, 7, 2, inf, 3});
    CHECK(std::isinf(m[0]));
    CHECK(m == std::vector<double>{inf, 5, 5, 5, 2, 2, 2});
}

TEST_CASE("The Pareto front is the set of points no other point dominates", "[report]") {
    std::mt19937_64 random(7);
    std::uniform_int_distribution<int> u(0, 30);  // small integers: ties happen
    std::vector<double> a(400), b(400);
    for (std::size_t k = 0; k < a.size(); ++k) a[k] = u(random), b[k] = u(random);
    a[5] = nan_value;
    b[9] = inf;
    const auto front = pareto_front(a, b);
    std::vector<std::size_t> expected;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!std::isfinite(a[i]) || !std::isfinite(b[i])) continue;
        bool dominated = false, earlier_twin = false;
        for (std::size_t j = 0; j < a.size(); ++j) {
            if (j == i || !std::isfinite(a[j]) || !std::isfinite(b[j])) continue;
            if (a[j] <= a[i] && b[j] <= b[i] && (a[j] < a[i] || b[j] < b[i])) dominated = true;
            if (a[j] == a[i] && b[j] == b[i] && j < i) earlier_twin = true;
        }
        if (!dominated && !earlier_twin) expected.push_back(i);
    }
    std::vector<std::size_t> sorted_front = front;
    std::sort(sorted_front.begin(), sorted_front.end());
    CHECK(sorted_front == expected);
    for (std::size_t k = 1; k < front.size(); ++k) CHECK(a[front[k - 1]] < a[front[k]]);
}

TEST_CASE("Recorded spikes coincide as the gamma factor counts them", "[report]") {
    const spike_pairs p = match_spikes({0.3, 0.1, 0.2}, {0.101, 0.25, 0.2995, 0.5}, 0.002);
    CHECK(p.coincidences == 2);
    CHECK(p.recorded_matched == std::vector<bool>{true, true, false});
    CHECK(p.fitted_matched == std::vector<bool>{true, false, true, false});
    // Two fitted spikes near one recorded spike: one coincidence, both matched.
    const spike_pairs twice = match_spikes({0.1}, {0.0995, 0.1005}, 0.002);
    CHECK(twice.coincidences == 1);
    CHECK(twice.fitted_matched == std::vector<bool>{true, true});
    // One fitted spike near two recorded ones: both coincide (the metric counts each recorded spike).
    const spike_pairs both = match_spikes({0.099, 0.101}, {0.1}, 0.002);
    CHECK(both.coincidences == 2);
    // Exactly delta apart counts.
    CHECK(match_spikes({0.5}, {0.75}, 0.25).coincidences == 1);
}

TEST_CASE("Binned samples count each point in range once, with each column's lowest value", "[report]") {
    std::mt19937_64 random(11);
    std::uniform_real_distribution<double> u(-1, 2);
    std::vector<double> x(5000), y(5000);
    for (std::size_t k = 0; k < x.size(); ++k) x[k] = std::pow(10.0, u(random)), y[k] = u(random);
    y[3] = nan_value;
    const grid_counts g = bin_points(x, y, 10, 5, 1, 100, true, 0, 1, false);
    std::size_t inside = 0;
    std::vector<double> lowest(10, inf);
    for (std::size_t k = 0; k < x.size(); ++k)
        if (x[k] >= 1 && x[k] <= 100 && y[k] >= 0 && y[k] <= 1) {
            ++inside;
            const auto c = std::min<std::size_t>(9, static_cast<std::size_t>(std::log10(x[k]) / 2 * 10));
            lowest[c] = std::min(lowest[c], y[k]);
        }
    std::size_t counted = 0;
    for (const auto n : g.counts) counted += n;
    CHECK(counted == inside);
    CHECK(g.column_minimum == lowest);
    CHECK(g.max_count == *std::max_element(g.counts.begin(), g.counts.end()));
}

TEST_CASE("Axis ticks fall on round numbers inside the range", "[report]") {
    CHECK(linear_ticks(0, 1, 5) == std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1});
    const auto v = linear_ticks(-87.3, 52.1, 6);
    CHECK(std::find(v.begin(), v.end(), 0.0) != v.end());
    CHECK(v.front() >= -87.3);
    CHECK(v.back() <= 52.1);
    CHECK(v[1] - v[0] == Approx(20));
    CHECK(log_ticks(2e-6, 0.3) == std::vector<double>{1e-5, 1e-4, 1e-3, 1e-2, 1e-1});
    CHECK(log_ticks(0.9, 60) == std::vector<double>{1, 2, 5, 10, 20, 50});
}

TEST_CASE("Text is escaped in plots and pages", "[report]") {
    CHECK(escape("<b a=\"1\">&'x'</b>") == "&lt;b a=&quot;1&quot;&gt;&amp;&#39;x&#39;&lt;/b&gt;");
    plot p("p1", "a <title>", 400, 300, {"t (ms)", 0, 10}, {"v <mV>", -1, 1});
    p.line("rec </g>", {{0, 1, 2}, {0, nan_value, 0.5}}, {});
    const std::string svg = p.svg();
    CHECK_THAT(svg, Contains("a &lt;title&gt;"));
    CHECK_THAT(svg, Contains("data-name=\"rec &lt;/g&gt;\""));
    CHECK_THAT(svg, Contains("v &lt;mV&gt;"));
    CHECK(count(svg, "</g>") == count(svg, "<g"));
}

TEST_CASE("A plot names its series and labels its axes", "[report]") {
    plot p("p2", "Trace 1", 600, 300, {"time (ms)", 0, 10}, {"v (mV)", -80, 40});
    p.line("recorded", {{0, 5, 10}, {-70, 30, -70}}, {colour::black, 1});
    p.line("fitted", {{0, 5, 10}, {-70, 20, -70}}, {colour::vermillion, 1.5});
    p.points("best", {{5}, {20}}, {}, marker::diamond, 4);
    const std::string svg = p.svg();
    CHECK_THAT(svg, Contains("data-series=\"3\""));
    CHECK(count(svg, "class=\"series\"") == 3);
    CHECK(count(svg, "class=\"legend-entry\"") == 3);
    CHECK_THAT(svg, Contains(">time (ms)</text>"));
    CHECK_THAT(svg, Contains(">v (mV)</text>"));
    // A point that cannot be drawn breaks the line: two pieces.
    plot q("p3", "gap", 600, 300, {"x", 0, 10}, {"y", 0.1, 10, true});
    q.line("y", {{1, 2, 3, 4}, {1, -1, 2, 3}}, {});
    const std::string broken = q.svg();
    const auto d = broken.substr(broken.find("data-name=\"y\""));
    CHECK(count(d.substr(0, d.find("</g>")), "M") == 2);
}

TEST_CASE("The page shows traces, convergence, samples and correlations, and runs no script", "[report]") {
    cellfit::fit_results r = valley_results(300, 30, 1);
    cellfit::refine_record refine;
    refine.parameter_names = {"gl", "C"};
    refine.params = {2e-8, 2e-10};
    refine.standard_errors = {1e-10, nan_value};
    refine.correlation = {{1, -0.8}, {-0.8, 1}};
    refine.error = 1e-7;
    refine.comparable = true;
    r.refine = refine;
    report_input in;
    in.title = "cell <1>.json";
    in.results = &r;
    in.description = valley_description();
    in.description["model"]["text"] = "dv/dt = -v/tau : volt </pre><script>alert(1)</script>";
    in.dt = 1e-4;
    for (const char* var : {"v", "w"}) {
        trace_pair t{var, "volt", {}, {}};
        for (int k = 0; k < 3; ++k) {
            t.recorded.push_back(wave(200, k));
            t.fitted.push_back(wave(200, k + 0.1));
        }
        in.traces.push_back(t);
    }
    const std::string page = render_report(in);
    // Traces: 2 outputs x 3 traces, each with its residual; convergence 2;
    // one per parameter; the correlation heatmap.
    CHECK(count(page, "<svg class=\"plot") == 12 + 2 + 2 + 1);
    CHECK(count(page, "<script") == 0);
    CHECK_THAT(page, Contains("&lt;/pre&gt;&lt;script&gt;alert(1)"));
    CHECK_THAT(page, Contains("<title>cell &lt;1&gt;.json</title>"));
    CHECK_THAT(page, Contains("from the refinement"));
    CHECK_THAT(page, Contains("not determined by the data"));
    CHECK_THAT(page, Contains(">time (ms)</text>"));
    CHECK_THAT(page, Contains(">v (mV)</text>"));
    CHECK_THAT(page, Contains(">gl (nS), log scale</text>"));
    CHECK_THAT(page, Contains(">-0.80</text>"));
    CHECK_THAT(page, Contains("t_start: the metric starts here"));
    CHECK(page.find("id=\"pareto\"") == std::string::npos);
}

TEST_CASE("A spike fit's page pairs recorded and fitted spikes", "[report]") {
    cellfit::fit_results r = valley_results(60, 30, 2);
    report_input in;
    in.title = "spikes";
    in.results = &r;
    in.description = valley_description();
    in.description["target"] = "spikes";
    in.description["metrics"] = {{{"output", "spikes"}, {"name", "gamma"}, {"options", nlohmann::ordered_json::array({nlohmann::ordered_json::array({"delta", "0.002"})})}}};
    in.recorded_spikes = {{0.1, 0.2, 0.3}, {0.05}};
    in.fitted_spikes = {{0.101, 0.25, 0.2995, 0.5}, {}};
    in.duration = 0.6;
    const std::string page = render_report(in);
    const auto raster = page.substr(page.find("id=\"spikes\""));
    CHECK_THAT(raster, Contains("data-series=\"3\""));
    CHECK_THAT(raster, Contains("2 of 4 recorded spikes have a fitted spike within 2 ms; the model fired 4 in all."));
    CHECK_THAT(raster, Contains("data-name=\"coincident (within 2 ms)\""));
}

TEST_CASE("A multi-objective fit's page draws its Pareto front", "[report]") {
    cellfit::fit_results r = valley_results(200, 20, 3);
    r.objective_names = {"v", "penalty"};
    r.objective_units = {"volt**2", "volt**2"};
    for (auto& s : r.samples) s.objectives = {s.error * 0.5, 1e-6 * s.params[0] / 1e-8};
    report_input in;
    in.title = "mo";
    in.results = &r;
    in.description = valley_description();
    in.description["multi_objective"] = true;
    const std::string page = render_report(in);
    REQUIRE(page.find("id=\"pareto\"") != std::string::npos);
    const auto front = page.substr(page.find("id=\"pareto\""));
    CHECK_THAT(front, Contains("data-name=\"Pareto front\""));
    CHECK_THAT(front, Contains(">v (mV^2), log scale</text>"));
}

TEST_CASE("100 traces of 100,000 steps and 100,000 samples make a page under 10 MB", "[report]") {
    cellfit::fit_results r = valley_results(100000, 100, 4);
    report_input in;
    in.title = "large";
    in.results = &r;
    in.description = valley_description();
    in.dt = 1e-5;
    trace_pair t{"v", "volt", {}, {}};
    std::mt19937_64 random(5);
    std::normal_distribution<double> noise(0, 1e-3);
    for (int k = 0; k < 100; ++k) {
        std::vector<double> recorded = wave(100000, k);
        for (auto& v : recorded) v += noise(random);
        t.recorded.push_back(std::move(recorded));
        t.fitted.push_back(wave(100000, k + 0.01));
    }
    in.traces.push_back(std::move(t));
    const std::string page = render_report(in);
    CHECK(page.size() < 10'000'000);
    CHECK(count(page, "<svg class=\"plot") == 200 + 2 + 2);
    CHECK_THAT(page, Contains("binned: 100000 samples"));
}

TEST_CASE("Degenerate fits still give a page: no samples, one sample, equal, negative or diverged errors", "[report]") {
    const auto page_of = [](const cellfit::fit_results& r, std::vector<trace_pair> traces = {}) {
        report_input in;
        in.title = "degenerate";
        in.results = &r;
        in.description = valley_description();
        in.dt = 1e-4;
        in.traces = std::move(traces);
        return render_report(in);
    };
    cellfit::fit_results none = valley_results(0, 10, 1);
    CHECK_THAT(page_of(none), Contains("No samples: the fit evaluated no round."));

    cellfit::fit_results one = valley_results(1, 10, 1);
    CHECK(count(page_of(one), "<svg class=\"plot") == 2 + 2);

    cellfit::fit_results equal = valley_results(50, 10, 1);
    for (auto& s : equal.samples) s.error = s.objectives[0] = 2e-6;
    const std::string flat = page_of(equal);
    CHECK(count(flat, "<svg class=\"plot") == 2 + 2);
    CHECK_THAT(flat, Contains(">error (mV^2), log scale</text>"));

    cellfit::fit_results negative = valley_results(50, 10, 1);
    for (auto& s : negative.samples) s.error -= 5e-6;
    const std::string below_zero = page_of(negative);
    CHECK(count(below_zero, "log scale</text>") == 1);  // gl's search scale only; errors on linear axes
    CHECK(count(below_zero, ">error (") == 2 + 2);

    cellfit::fit_results diverged = valley_results(20, 10, 1);
    for (auto& s : diverged.samples) s.error = s.objectives[0] = inf;
    CHECK_THAT(page_of(diverged), Contains("every simulation diverged"));

    // Traces: empty, flat with rounding noise, and a value far beyond the others.
    std::vector<double> noisy(500, -0.065);
    for (std::size_t k = 0; k < noisy.size(); k += 2) noisy[k] = std::nextafter(-0.065, 0.0);
    std::vector<double> wild = wave(500, 0);
    wild[250] = 1e40;
    const std::string traces = page_of(one, {{"v", "volt", {{}, noisy, wild}, {{}, noisy, wave(500, 0)}}});
    CHECK(count(traces, "<svg class=\"plot") == 6 + 2 + 2);
    CHECK(traces.find("nan") == std::string::npos);
    CHECK(traces.find("inf") == std::string::npos);
}

TEST_CASE("Ticks over a range at the limit of precision stay few and distinct", "[report]") {
    const double a = -0.065, b = std::nextafter(std::nextafter(a, 0.0), 0.0);
    CHECK(linear_ticks(a, b, 6).size() <= 100);
    const axis flat = axis_for("v", {a, b});
    const auto ticks = linear_ticks(flat.low, flat.high, 6);
    CHECK(ticks.size() >= 2);
    CHECK(ticks.size() <= 12);
    plot p("p9", "flat", 600, 300, {"t", 0, 1}, flat);
    const std::string svg = p.svg();
    // Each tick label differs from the others.
    std::vector<std::string> labels;
    for (auto at = svg.find("text-anchor=\"end\">"); at != std::string::npos; at = svg.find("text-anchor=\"end\">", at + 1))
        labels.push_back(svg.substr(at + 18, svg.find('<', at + 18) - at - 18));
    CHECK(labels.size() >= 2);
    std::sort(labels.begin(), labels.end());
    CHECK(std::adjacent_find(labels.begin(), labels.end()) == labels.end());
}
