// Cost of one optimizer round through the plugin boundary (registry-created
// optimizer.random: ask, contract checks, tell) against a hand-written loop
// that draws and maps the same uniform samples with no plugin and no checks.
// The ratio is the overhead a fit pays per round for the plugin design.

#include <cellfit/optimizer.hpp>
#include <cellfit/registry.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

template <class F>
double best_seconds_per_round(F&& round, int rounds, int repeats) {
    double best = 1e300;
    for (int r = 0; r < repeats; ++r) {
        const auto start = clock_type::now();
        for (int k = 0; k < rounds; ++k) round();
        best = std::min(best, std::chrono::duration<double>(clock_type::now() - start).count() / rounds);
    }
    return best;
}

} // namespace

int main() {
    cellfit::plugin_registry registry;
    registry.load_directory(CELLFIT_BENCH_PLUGINS, true);

    std::printf("%10s %8s %14s %14s %8s\n", "population", "params", "plugin us", "hand us", "ratio");
    for (std::size_t population : {100u, 1000u, 10000u}) {
        for (std::size_t n_params : {4u, 16u}) {
            cellfit::optimizer_setup setup;
            for (std::size_t p = 0; p < n_params; ++p)
                setup.parameters.push_back({"p" + std::to_string(p), 1e-3, 1.0, p % 2 == 1});
            setup.population_size = population;
            setup.seed = 1;

            auto opt = registry.create<cellfit::optimizer>("random");
            opt->initialize(setup);
            cellfit::matrix errors(population, 1, 1.0);
            double sink = 0;
            const double plugin = best_seconds_per_round(
                [&] {
                    const auto samples = opt->ask(population);
                    opt->tell(samples, errors);
                    sink += samples(0, 0);
                },
                50, 5);

            std::mt19937_64 rng(1);
            const double hand = best_seconds_per_round(
                [&] {
                    cellfit::matrix samples(population, n_params);
                    for (std::size_t r = 0; r < population; ++r)
                        for (std::size_t c = 0; c < n_params; ++c)
                            samples(r, c) = cellfit::from_unit(setup.parameters[c],
                                                               static_cast<double>(rng() >> 11) * 0x1.0p-53);
                    sink += samples(0, 0);
                },
                50, 5);
            std::printf("%10zu %8zu %14.1f %14.1f %8.2f%s\n", population, n_params, plugin * 1e6, hand * 1e6,
                        plugin / hand, sink == 0 ? " " : "");
        }
    }
    return 0;
}
