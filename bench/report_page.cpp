// bench_report_page: how long the report page takes to make, and how large
// it is, for a fit the size of the HH example (5 traces x 1,500 steps,
// 900 samples: the baseline) and for a large one (100 traces x 100,000
// steps, 100,000 samples of 4 parameters). Writes both pages to the folder
// given, for bench/report/open_pages.py to open in Chromium.
//
// Usage: bench_report_page OUT_DIR

#include "report_page.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

namespace {

using namespace cellfit;

struct fit_size {
    const char* name;
    std::size_t traces, steps, samples;
};

report::report_input make_input(const fit_size& size, fit_results& r) {
    std::mt19937_64 random(1);
    std::uniform_real_distribution<double> u(0, 1);
    std::normal_distribution<double> noise(0, 1e-3);
    r.parameter_names = {"g_na", "g_kd", "gl", "Cm"};
    r.parameter_units = {"siemens", "siemens", "siemens", "farad"};
    r.objective_names = {"v"};
    r.objective_units = {"volt**2"};
    r.objective_raw_factors = {1};
    r.objective_raw_units = {"volt**2"};
    r.error_unit = "volt**2";
    r.n_samples = 100;
    const double truth[] = {2e-5, 6e-6, 1e-8, 2e-10};
    for (std::size_t k = 0; k < size.samples; ++k) {
        std::vector<double> p(4);
        double e = 1e-6;
        for (int i = 0; i < 4; ++i) {
            p[static_cast<std::size_t>(i)] = truth[i] * std::pow(10.0, 2 * u(random) - 1);
            e += 1e-5 * std::pow(std::log10(p[static_cast<std::size_t>(i)] / truth[i]), 2);
        }
        r.samples.push_back({k / r.n_samples, p, e, {e}});
    }
    r.n_rounds = (size.samples + r.n_samples - 1) / r.n_samples;
    r.round_seconds.assign(r.n_rounds, 0.01);
    r.round_diverged.assign(r.n_rounds, 0);
    report::report_input in;
    in.title = size.name;
    in.results = &r;
    in.dt = 1e-5;
    report::trace_pair t{"v", "volt", {}, {}};
    for (std::size_t k = 0; k < size.traces; ++k) {
        std::vector<double> recorded(size.steps), fitted(size.steps);
        for (std::size_t s = 0; s < size.steps; ++s) {
            // Spikes every ~2000 steps on a resting level, with noise.
            const double phase = std::fmod(static_cast<double>(s + 137 * k), 2000.0) / 2000.0;
            fitted[s] = -0.065 + (phase < 0.05 ? 0.11 * std::sin(phase / 0.05 * M_PI) : 0.0);
            recorded[s] = fitted[s] + noise(random);
        }
        t.recorded.push_back(std::move(recorded));
        t.fitted.push_back(std::move(fitted));
    }
    in.traces.push_back(std::move(t));
    return in;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: bench_report_page OUT_DIR\n");
        return 2;
    }
    const std::filesystem::path out = argv[1];
    std::filesystem::create_directories(out);
    const fit_size sizes[] = {{"small", 5, 1500, 900}, {"large", 100, 100000, 100000}};
    double baseline = 0;
    std::printf("%-6s %7s %9s %8s %12s %10s %8s\n", "page", "traces", "steps", "samples", "render (s)", "ratio", "MB");
    for (const auto& size : sizes) {
        fit_results r;
        const report::report_input in = make_input(size, r);
        double best = 1e300;
        std::string page;
        for (int repeat = 0; repeat < 3; ++repeat) {
            const auto start = std::chrono::steady_clock::now();
            page = report::render_report(in);
            best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        if (baseline == 0) baseline = best;
        std::ofstream(out / (std::string(size.name) + ".html")) << page;
        std::printf("%-6s %7zu %9zu %8zu %12.4f %10.1f %8.2f\n", size.name, size.traces, size.steps, size.samples, best,
                    best / baseline, static_cast<double>(page.size()) / 1e6);
    }
    return 0;
}
