// Which optimizer should be the default? Every optimizer plugin on three
// problems with the same budget (50 rounds of 60 samples), three seeds each:
// Rosenbrock-4, Rastrigin-8 and the passive-membrane fit of
// examples/embed-optimizer (R, tau log-scaled, E_L; noise floor 0.25 mV^2).
// Prints the median best error, and its ratio to random search's in the
// same run (lower is better).

#include <cellfit/optimizer.hpp>
#include <cellfit/registry.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {

using objective = std::function<double(std::span<const double>)>;

struct problem {
    const char* name;
    std::vector<cellfit::parameter_bound> bounds;
    objective f;
};

double rosenbrock(std::span<const double> x) {
    double s = 0;
    for (std::size_t k = 0; k + 1 < x.size(); ++k) s += 100 * std::pow(x[k + 1] - x[k] * x[k], 2) + std::pow(1 - x[k], 2);
    return s;
}

double rastrigin(std::span<const double> x) {
    double s = 10.0 * static_cast<double>(x.size());
    for (double v : x) s += v * v - 10 * std::cos(2 * M_PI * v);
    return s;
}

// The passive membrane of examples/embed-optimizer: MSE in mV^2.
objective passive_membrane() {
    auto v = [](double R, double tau, double E_L, double t) {
        constexpr double I = 50e-12, on = 0.02, off = 0.15;
        const auto charge = [&](double s) { return R * I * (1 - std::exp(-s / tau)); };
        if (t < on) return E_L;
        if (t < off) return E_L + charge(t - on);
        return E_L + charge(off - on) * std::exp(-(t - off) / tau);
    };
    std::mt19937_64 rng(12345);
    std::normal_distribution<double> noise(0.0, 0.5e-3);
    auto recorded = std::make_shared<std::vector<double>>();
    for (int k = 0; k < 2000; ++k) recorded->push_back(v(150e6, 20e-3, -70e-3, k * 1e-4) + noise(rng));
    return [v, recorded](std::span<const double> x) {
        double sum = 0;
        for (int k = 0; k < 2000; ++k) sum += std::pow(v(x[0], x[1], x[2], k * 1e-4) - (*recorded)[k], 2);
        return sum / 2000 * 1e6;
    };
}

double best_after(const cellfit::plugin_registry& registry, const std::string& name, const problem& p,
                  std::uint64_t seed) {
    auto opt = registry.create<cellfit::optimizer>(name);
    cellfit::optimizer_setup setup;
    setup.parameters = p.bounds;
    setup.population_size = 60;
    setup.budget = 3000;
    setup.seed = seed;
    const std::size_t population = opt->initialize(setup);
    std::size_t used = 0;
    while (used < setup.budget) {
        const cellfit::matrix samples = opt->ask(population);
        cellfit::matrix errors(samples.rows(), 1);
        for (std::size_t i = 0; i < samples.rows(); ++i) errors(i, 0) = p.f(samples.row(i));
        opt->tell(samples, errors);
        used += samples.rows();
    }
    return opt->best_error();
}

} // namespace

int main() {
    cellfit::plugin_registry registry;
    registry.load_directory(CELLFIT_BENCH_PLUGINS, true);
    std::vector<problem> problems = {
        {"Rosenbrock-4", std::vector<cellfit::parameter_bound>(4, {"x", -2, 2, false}), rosenbrock},
        {"Rastrigin-8", std::vector<cellfit::parameter_bound>(8, {"x", -5.12, 5.12, false}), rastrigin},
        {"membrane", {{"R", 10e6, 1000e6, true}, {"tau", 1e-3, 100e-3, true}, {"E_L", -90e-3, -50e-3, false}},
         passive_membrane()}};
    for (auto& p : problems)
        for (std::size_t k = 0; k < p.bounds.size(); ++k) p.bounds[k].name = "x" + std::to_string(k);
    std::printf("median best of 3 seeds after 3000 evaluations (ratio to optimizer.random in parentheses)\n");
    std::printf("%-26s", "optimizer");
    for (const auto& p : problems) std::printf(" %24s", p.name);
    std::printf("\n");
    // The baseline first: random search, in the same run.
    std::vector<double> random_medians;
    for (const auto& p : problems) {
        std::vector<double> bests;
        for (std::uint64_t seed : {1u, 2u, 3u}) bests.push_back(best_after(registry, "random", p, seed));
        std::sort(bests.begin(), bests.end());
        random_medians.push_back(bests[1]);
    }
    for (const auto* plugin : registry.plugins(cellfit::plugin_kind::optimizer)) {
        const std::string& name = plugin->info.name;
        if (name == "pagmo.nsga2") continue;  // several objectives only
        std::printf("%-26s", name.c_str());
        for (std::size_t q = 0; q < problems.size(); ++q) {
            std::vector<double> bests;
            for (std::uint64_t seed : {1u, 2u, 3u}) bests.push_back(best_after(registry, name, problems[q], seed));
            std::sort(bests.begin(), bests.end());
            const double median = bests[1];
            const double ratio = median / random_medians[q];
            std::printf(" %14.4g (%7.2g)", median, ratio);
        }
        std::printf("\n");
        std::fflush(stdout);
    }
    return 0;
}
