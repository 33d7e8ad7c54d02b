// optimizer.pagmo.*: optimisation quality, reproducibility, one batch per
// generation, and round-by-round runs equal to one long pagmo run.

#include "test_support.hpp"

#include <cellfit/error.hpp>
#include <cellfit/optimizer.hpp>

#include <catch2/catch.hpp>

#include <pagmo/algorithm.hpp>
#include <pagmo/algorithms/cmaes.hpp>
#include <pagmo/algorithms/de.hpp>
#include <pagmo/algorithms/de1220.hpp>
#include <pagmo/algorithms/gaco.hpp>
#include <pagmo/algorithms/sade.hpp>
#include <pagmo/algorithms/xnes.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>

#include <cmath>
#include <functional>

using namespace cellfit;

namespace {

using objective = std::function<double(const std::vector<double>&)>;

double sphere(const std::vector<double>& x) {
    double s = 0;
    for (double v : x) s += (v - 0.3) * (v - 0.3);
    return s;
}

double rosenbrock(const std::vector<double>& x) {
    double s = 0;
    for (std::size_t k = 0; k + 1 < x.size(); ++k)
        s += 100 * std::pow(x[k + 1] - x[k] * x[k], 2) + std::pow(1 - x[k], 2);
    return s;
}

optimizer_setup box(std::size_t dims, double lo, double hi, std::size_t population, std::uint64_t seed) {
    optimizer_setup s;
    for (std::size_t d = 0; d < dims; ++d) s.parameters.push_back({"x" + std::to_string(d), lo, hi, false});
    s.population_size = population;
    s.seed = seed;
    return s;
}

struct run_result {
    double best = INFINITY;
    std::size_t rounds = 0;
    std::vector<std::size_t> batch_sizes;
    std::vector<double> first_batch;
};

// Asks and tells until `evaluations` points have been evaluated.
run_result run(const std::string& name, const objective& f, const optimizer_setup& setup, std::size_t evaluations) {
    auto opt = test::builtin_registry().create<optimizer>(name);
    const std::size_t population = opt->initialize(setup);
    run_result r;
    std::size_t used = 0;
    while (used < evaluations) {
        const matrix samples = opt->ask(population);
        matrix errors(samples.rows(), 1);
        for (std::size_t i = 0; i < samples.rows(); ++i)
            errors(i, 0) = f({samples.row(i).begin(), samples.row(i).end()});
        opt->tell(samples, errors);
        if (r.rounds == 0) r.first_batch.assign(samples.data(), samples.data() + samples.rows() * samples.cols());
        r.batch_sizes.push_back(samples.rows());
        used += samples.rows();
        ++r.rounds;
    }
    r.best = opt->best_error();
    return r;
}

// pagmo's own long run on the same normalised problem.
struct unit_problem {
    objective f;
    std::vector<parameter_bound> bounds;
    pagmo::vector_double fitness(const pagmo::vector_double& u) const {
        std::vector<double> x;
        for (std::size_t k = 0; k < u.size(); ++k) x.push_back(from_unit(bounds[k], u[k]));
        return {f(x)};
    }
    std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const {
        return {pagmo::vector_double(bounds.size(), 0.0), pagmo::vector_double(bounds.size(), 1.0)};
    }
};

} // namespace

TEST_CASE("pagmo optimizers find the minimum of standard functions within their budget", "[pagmo]") {
    const std::pair<const char*, double> sphere_goals[] = {
        {"pagmo.de", 1e-6}, {"pagmo.sade", 1e-6}, {"pagmo.de1220", 1e-6}, {"pagmo.cmaes", 1e-6},
        {"pagmo.xnes", 1e-6}, {"pagmo.sga", 1e-2}, {"pagmo.pso", 1e-1}, {"pagmo.bee_colony", 1e-3},
        {"pagmo.pso_gen", 1e-1}, {"pagmo.gaco", 1e-3}};
    // pso is weaker stepped one generation per round (pagmo resets positions to
    // the personal bests), as its help says.
    for (const auto& [name, goal] : sphere_goals) {
        INFO(name << " on sphere-6, 20 x 200");
        CHECK(run(name, sphere, box(6, -2, 2, 20, 1), 4000).best < goal);
    }
    for (const char* name : {"pagmo.de", "pagmo.cmaes", "pagmo.sade"}) {
        INFO(name << " on Rosenbrock-4, 40 x 500");
        CHECK(run(name, rosenbrock, box(4, -2, 2, 40, 2), 20000).best < 1e-2);
    }
}

TEST_CASE("pagmo.nsga2 handles several objectives, and the others refuse them", "[pagmo]") {
    optimizer_setup setup = box(2, -1, 3, 16, 4);
    setup.n_objectives = 2;
    auto opt = test::builtin_registry().create<optimizer>("pagmo.nsga2");
    REQUIRE(opt->initialize(setup) == 16);
    for (int round = 0; round < 60; ++round) {
        const matrix samples = opt->ask(16);
        matrix errors(samples.rows(), 2);
        for (std::size_t i = 0; i < samples.rows(); ++i) {
            const double x = samples(i, 0), y = samples(i, 1);
            errors(i, 0) = x * x + y * y;                      // two objectives whose sum is
            errors(i, 1) = (x - 2) * (x - 2) + y * y;          // smallest at (1, 0): total 2
        }
        opt->tell(samples, errors);
    }
    CHECK(opt->best_error() == Approx(2).epsilon(0.02));
    auto single = test::builtin_registry().create<optimizer>("pagmo.de");
    CHECK_THROWS_WITH(single->initialize(setup), Catch::Matchers::Contains("use optimizer.pagmo.nsga2"));
    setup.population_size = 10;
    CHECK(test::builtin_registry().create<optimizer>("pagmo.nsga2")->initialize(setup) == 12);  // a multiple of 4
    setup.n_objectives = 1;
    CHECK_THROWS_WITH(test::builtin_registry().create<optimizer>("pagmo.nsga2")->initialize(setup),
                      Catch::Matchers::Contains("needs several objectives"));
}

TEST_CASE("sub-batches are counted: bee_colony decides within a generation, de does not", "[pagmo]") {
    auto count = [](const char* name) {
        auto opt = test::builtin_registry().create<optimizer>(name);
        const std::size_t population = opt->initialize(box(4, -2, 2, 20, 9));
        for (int round = 0; round < 40; ++round) {
            const matrix samples = opt->ask(population);
            matrix errors(samples.rows(), 1);
            for (std::size_t i = 0; i < samples.rows(); ++i) errors(i, 0) = sphere({samples.row(i).begin(), samples.row(i).end()});
            opt->tell(samples, errors);
        }
        return opt->statistics();
    };
    CHECK(count("pagmo.de").at("extra_rounds") == 0);
    CHECK(count("pagmo.sga").at("extra_rounds") == 0);
    CHECK(count("pagmo.bee_colony").at("extra_rounds") > 0);
}

TEST_CASE("on the multimodal Rastrigin-8, the evolutionary methods beat random search", "[pagmo]") {
    auto rastrigin = [](const std::vector<double>& x) {
        double s = 10.0 * static_cast<double>(x.size());
        for (double v : x) s += v * v - 10 * std::cos(2 * M_PI * v);
        return s;
    };
    const double random_best = run("random", rastrigin, box(8, -5.12, 5.12, 60, 1), 3000).best;
    for (const char* name : {"pagmo.sade", "pagmo.de1220", "pagmo.sga"}) {
        INFO(name);
        CHECK(run(name, rastrigin, box(8, -5.12, 5.12, 60, 1), 3000).best < random_best / 3);
    }
}

TEST_CASE("pagmo optimizers are reproducible from their seed and stay in bounds", "[pagmo]") {
    for (const char* name : {"pagmo.de", "pagmo.cmaes", "pagmo.sga", "pagmo.bee_colony"}) {
        INFO(name);
        const auto a = run(name, sphere, box(3, -1, 1, 10, 5), 300);
        const auto b = run(name, sphere, box(3, -1, 1, 10, 5), 300);
        const auto c = run(name, sphere, box(3, -1, 1, 10, 6), 300);
        CHECK(a.first_batch == b.first_batch);
        CHECK(a.best == b.best);
        CHECK(a.first_batch != c.first_batch);
    }
}

// One ask per generation, and the same result as pagmo's own run of as many
// generations: each generation was exactly one batch (no sub-batches).
TEST_CASE("round by round equals one long pagmo run", "[pagmo]") {
    const unsigned seed = 11;
    const std::size_t population = 12, generations = 25;
    const optimizer_setup setup = box(4, -2, 2, population, seed);
    const std::pair<const char*, pagmo::algorithm> cases[] = {
        {"pagmo.de", pagmo::algorithm{pagmo::de(generations, 0.8, 0.9, 2, 0, 0, seed)}},
        {"pagmo.sade", pagmo::algorithm{pagmo::sade(generations, 2, 1, 0, 0, true, seed)}},
        {"pagmo.cmaes", pagmo::algorithm{pagmo::cmaes(generations, -1, -1, -1, -1, 0.5, 0, 0, true, true, seed)}},
        {"pagmo.xnes", pagmo::algorithm{pagmo::xnes(generations, -1, -1, -1, -1, 0, 0, true, true, seed)}},
        {"pagmo.de1220", pagmo::algorithm{pagmo::de1220(generations, pagmo::de1220_statics<void>::allowed_variants, 1,
                                                        0, 0, true, seed)}},
        {"pagmo.gaco", pagmo::algorithm{pagmo::gaco(generations, 12, 1.0, 0., 0.01, 1u, 7u, 100000u, 100000u, 0., true,
                                                    seed)}}};
    for (const auto& [name, reference] : cases) {
        INFO(name);
        pagmo::algorithm algorithm = reference;
        pagmo::population pop{pagmo::problem{unit_problem{rosenbrock, setup.parameters}}, population, seed};
        pop = algorithm.evolve(pop);

        auto opt = test::builtin_registry().create<optimizer>(
            name, std::string(name) == "pagmo.gaco" ? raw_options{{"ker", "12"}} : raw_options{});
        REQUIRE(opt->initialize(setup) == population);
        // One round for the initial population, then one per generation. A
        // round may hold fewer than the population when a trial repeats a
        // point already evaluated.
        for (std::size_t round = 0; round <= generations; ++round) {
            const matrix samples = opt->ask(population);
            REQUIRE(samples.rows() >= 1);
            REQUIRE(samples.rows() <= population);
            matrix errors(samples.rows(), 1);
            for (std::size_t i = 0; i < samples.rows(); ++i)
                errors(i, 0) = rosenbrock({samples.row(i).begin(), samples.row(i).end()});
            opt->tell(samples, errors);
        }
        // The best value pagmo found in its long run is the best the rounds found.
        CHECK(opt->best_error() == pop.champion_f()[0]);
        // ... and every round was a whole generation: no misses.
        const auto stats = opt->statistics();
        CHECK(stats.at("extra_rounds") == 0);
        CHECK(stats.at("rounds") == generations + 1);
    }
}

TEST_CASE("a population of 200000 samples is asked and told in one pass, not one search per sample", "[pagmo]") {
    // Each point used to be searched for in the list of unknown points (and
    // removed from it one by one): N squared, hours at this size.
    // (pagmo's own DE draws its indices from a fresh vector of the whole
    // population per individual, which is quadratic inside pagmo; CMA-ES is
    // linear, so what is measured here is the plugin's bookkeeping.)
    const std::size_t n = 200000;
    auto opt = test::builtin_registry().create<optimizer>("pagmo.cmaes");
    REQUIRE(opt->initialize(box(2, -1, 1, n, 7)) == n);
    for (int round = 0; round < 3; ++round) {
        const matrix samples = opt->ask(n);
        // The first round is the whole population; the next may repeat points already known.
        REQUIRE(samples.rows() <= n);
        REQUIRE(samples.rows() > n / 2);
        matrix errors(samples.rows(), 1);
        for (std::size_t i = 0; i < samples.rows(); ++i) errors(i, 0) = samples(i, 0) * samples(i, 0) + samples(i, 1) * samples(i, 1);
        opt->tell(samples, errors);
    }
    CHECK(opt->statistics().at("generations") >= 1);
}
