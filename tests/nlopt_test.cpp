// optimizer.nlopt.*: quality, reproducibility, restarts and clean shutdown of
// the lockstep instances.

#include "test_support.hpp"

#include <cellfit/error.hpp>
#include <cellfit/optimizer.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <thread>
#include <tuple>

using namespace cellfit;

namespace {

double sphere(std::span<const double> x) {
    double s = 0;
    for (double v : x) s += (v - 0.3) * (v - 0.3);
    return s;
}

optimizer_setup box(std::size_t dims, std::size_t population, std::uint64_t seed) {
    optimizer_setup s;
    for (std::size_t d = 0; d < dims; ++d) s.parameters.push_back({"x" + std::to_string(d), -2, 2, false});
    s.population_size = population;
    s.seed = seed;
    return s;
}

struct outcome {
    double best;
    std::vector<double> first_batch;
};

outcome run(const std::string& name, std::size_t rounds, std::uint64_t seed, std::size_t dims = 4) {
    auto opt = test::builtin_registry().create<optimizer>(name);
    const std::size_t population = opt->initialize(box(dims, 8, seed));
    outcome o;
    for (std::size_t r = 0; r < rounds; ++r) {
        const matrix samples = opt->ask(population);
        REQUIRE(samples.rows() >= 1);
        REQUIRE(samples.rows() <= population);
        matrix errors(samples.rows(), 1);
        for (std::size_t i = 0; i < samples.rows(); ++i) errors(i, 0) = sphere(samples.row(i));
        if (r == 0) o.first_batch.assign(samples.data(), samples.data() + samples.rows() * samples.cols());
        opt->tell(samples, errors);
    }
    o.best = opt->best_error();
    return o;
}

} // namespace

TEST_CASE("NLopt's local and DIRECT methods find the minimum of a sphere within their budget", "[nlopt]") {
    const std::pair<const char*, double> goals[] = {{"nlopt.LN_BOBYQA", 1e-8},
                                                    {"nlopt.LN_NELDERMEAD", 1e-6},
                                                    {"nlopt.LN_SBPLX", 1e-6},
                                                    {"nlopt.LN_COBYLA", 1e-4},
                                                    {"nlopt.GN_DIRECT_L", 1e-3}};
    for (const auto& [name, goal] : goals) {
        INFO(name << ": 8 instances x 300 rounds on sphere-4");
        CHECK(run(name, 300, 1).best < goal);
    }
}

TEST_CASE("NLopt's stochastic global methods beat random search on a sphere at equal budget", "[nlopt]") {
    // 2400 evaluations on sphere-4 in [-2, 2]^4, seeds 1-9. Uniform random
    // search reaches a median best of about 0.1 there (measured: 0.105; 0.12
    // over 200 seeds), so a goal of 0.1 would pass for it half the time.
    // Measured medians: CRS2_LM 0.011, ESCH 0.015, ISRES 0.070: the goals
    // leave each method a margin and random search none.
    auto median_best = [](const char* name) {
        std::vector<double> best;
        for (std::uint64_t seed = 1; seed <= 9; ++seed) best.push_back(run(name, 300, seed).best);
        std::nth_element(best.begin(), best.begin() + 4, best.end());
        return best[4];
    };
    const double random_median = median_best("random");
    INFO("random search: median best " << random_median);
    CHECK(random_median > 0.05);  // the baseline is what it should be
    const std::tuple<const char*, double, double> goals[] = {
        // name, goal for the median, at most this fraction of random search's median
        {"nlopt.GN_CRS2_LM", 0.02, 0.2},
        {"nlopt.GN_ESCH", 0.025, 0.25},
        {"nlopt.GN_ISRES", 0.1, 0.8}};
    for (const auto& [name, goal, fraction] : goals) {
        const double median = median_best(name);
        INFO(name << ": median best " << median);
        CHECK(median < goal);
        CHECK(median < fraction * random_median);
    }
}

TEST_CASE("NLopt optimizers are reproducible from their seed", "[nlopt]") {
    for (const char* name : {"nlopt.GN_CRS2_LM", "nlopt.GN_ISRES", "nlopt.LN_BOBYQA"}) {
        INFO(name);
        const auto a = run(name, 60, 7), b = run(name, 60, 7);
        CHECK(a.first_batch == b.first_batch);
        CHECK(a.best == b.best);
    }
    // Stochastic methods differ with the seed.
    CHECK(run("nlopt.GN_CRS2_LM", 60, 7).best != run("nlopt.GN_CRS2_LM", 60, 8).best);
}

TEST_CASE("NLopt instances restart after converging, and stop cleanly mid-round", "[nlopt]") {
    // A local method converges on a sphere in a few dozen rounds: asking on
    // for far longer needs restarts, never a hang.
    CHECK(run("nlopt.LN_BOBYQA", 600, 3, 2).best < 1e-10);
    // Destroyed while its instances wait for values: the destructor must
    // return (it stops the instances' threads), within a deadline.
    auto opt = test::builtin_registry().create<optimizer>("nlopt.LN_SBPLX");
    opt->initialize(box(3, 6, 1));
    (void)opt->ask(6);
    auto destroyed = std::make_shared<std::promise<void>>();
    auto done = destroyed->get_future();
    std::thread destroyer([opt = std::move(opt), destroyed]() mutable {
        opt.reset();
        destroyed->set_value();
    });
    if (done.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
        // Still blocked: the plugin cannot be unloaded under the blocked
        // thread, so end the test program here, failed, with the reason.
        std::fprintf(stderr, "FAILED: destroying nlopt.LN_SBPLX mid-round blocked for 20 s\n");
        std::_Exit(1);
    }
    destroyer.join();
}
