#include "test_support.hpp"

#include <cellfit/error.hpp>
#include <cellfit/io/csv.hpp>
#include <cellfit/optimizer.hpp>
#include <cellfit/registry.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace cellfit;

namespace {

std::shared_ptr<optimizer> make_random(const std::string& sampling, std::uint64_t seed, std::size_t population) {
    auto opt = test::builtin_registry().create<optimizer>("random", {{"sampling", sampling}});
    REQUIRE(opt->initialize(test::box_setup(population, seed)) == population);
    return opt;
}

} // namespace

TEST_CASE("random search stays inside the bounds", "[random]") {
    for (const char* sampling : {"uniform", "lhs", "sobol"}) {
        INFO("sampling=" << sampling);
        auto opt = make_random(sampling, 7, 500);
        const auto& params = opt->setup().parameters;
        for (int round = 0; round < 4; ++round) {
            const matrix samples = opt->ask(500);
            REQUIRE(samples.rows() == 500);
            REQUIRE(samples.cols() == params.size());
            for (std::size_t r = 0; r < samples.rows(); ++r)
                for (std::size_t c = 0; c < params.size(); ++c) {
                    REQUIRE(samples(r, c) >= params[c].lower);
                    REQUIRE(samples(r, c) <= params[c].upper);
                }
            opt->tell(samples, matrix(500, 1, 1.0));
        }
    }
}

TEST_CASE("random search is reproducible from its seed", "[random]") {
    for (const char* sampling : {"uniform", "lhs", "sobol"}) {
        INFO("sampling=" << sampling);
        auto a = make_random(sampling, 42, 20);
        auto b = make_random(sampling, 42, 20);
        auto c = make_random(sampling, 43, 20);
        for (int round = 0; round < 3; ++round) {
            const matrix sa = a->ask(20);
            CHECK(sa == b->ask(20));
            CHECK_FALSE(sa == c->ask(20));
        }
        // Initialising again restarts the same sequence.
        auto first = make_random(sampling, 5, 8)->ask(8);
        auto again = make_random(sampling, 9, 8);
        again->initialize(test::box_setup(8, 5));
        CHECK(again->ask(8) == first);
    }
}

TEST_CASE("a log-scale parameter is uniform in its logarithm", "[random]") {
    auto opt = make_random("uniform", 3, 4000);
    const matrix samples = opt->ask(4000);
    const double geometric_middle = std::sqrt(1e-3 * 5e-2);  // bounds of tau
    std::size_t below = 0;
    for (std::size_t r = 0; r < samples.rows(); ++r) below += samples(r, 1) < geometric_middle;
    // Binomial(4000, 0.5): sd 32; a linear scale would put ~86 % below.
    CHECK(below > 1800);
    CHECK(below < 2200);
}

TEST_CASE("each lhs batch has one point in every slice of every parameter", "[random]") {
    auto opt = make_random("lhs", 11, 50);
    for (int round = 0; round < 2; ++round) {
        const matrix samples = opt->ask(50);
        for (std::size_t c = 0; c < samples.cols(); ++c) {
            std::vector<int> hits(50, 0);
            for (std::size_t r = 0; r < samples.rows(); ++r) {
                const double u = to_unit(opt->setup().parameters[c], samples(r, c));
                ++hits[std::min<std::size_t>(49, static_cast<std::size_t>(u * 50))];
            }
            CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
        }
    }
}

TEST_CASE("sobol samples are the Joe-Kuo Sobol sequence, shifted by the seed", "[random]") {
    // The reference: SciPy's unscrambled Sobol points from Joe and Kuo's
    // published direction numbers (tests/data/sobol, 64 points in 6
    // dimensions, with the script that made them).
    // The plugin draws it from point 1 on (Boost skips the origin) and adds a
    // random shift per dimension modulo 1, so the differences to its first
    // point, modulo 1, are the published points' differences to point 1.
    const auto published = read_csv(std::string(CELLFIT_TEST_SOURCE_DIR) + "/data/sobol/joe_kuo_first_points.csv").rows;
    REQUIRE(published.size() == 64);
    optimizer_setup setup;
    for (int d = 0; d < 6; ++d) setup.parameters.push_back({"x" + std::to_string(d), -3.0, 5.0, false});
    setup.population_size = 21;
    auto wrap = [](double x) { return x - std::floor(x); };
    std::vector<double> shifts;
    for (std::uint64_t seed : {1u, 2u}) {
        setup.seed = seed;
        auto opt = test::builtin_registry().create<optimizer>("random", {{"sampling", "sobol"}});
        opt->initialize(setup);
        // Three batches of 21: the sequence continues across rounds.
        matrix unit(63, 6);
        for (std::size_t batch = 0; batch < 3; ++batch) {
            const matrix samples = opt->ask(21);
            for (std::size_t r = 0; r < 21; ++r)
                for (std::size_t c = 0; c < 6; ++c) unit(batch * 21 + r, c) = to_unit(setup.parameters[c], samples(r, c));
        }
        for (std::size_t k = 0; k < 63; ++k)
            for (std::size_t c = 0; c < 6; ++c) {
                INFO("seed " << seed << ", point " << k << ", dimension " << c);
                const double ours = wrap(unit(k, c) - unit(0, c));
                const double theirs = wrap(published[k + 1][c] - published[1][c]);
                // Equal modulo 1 (a difference near 0 may wrap to near 1).
                const double gap = std::abs(ours - theirs);
                CHECK(std::min(gap, 1 - gap) < 1e-9);
            }
        shifts.push_back(wrap(unit(0, 0) - published[1][0]));
    }
    CHECK(shifts[0] != shifts[1]);  // the seed moves the design
}

TEST_CASE("random search recommends the best sample it was told", "[random]") {
    auto opt = make_random("uniform", 2, 10);
    const matrix samples = opt->ask(10);
    matrix errors(10, 1);
    for (std::size_t r = 0; r < 10; ++r) errors(r, 0) = std::abs(static_cast<double>(r) - 6.0);
    opt->tell(samples, errors);
    const auto best = opt->recommend();
    CHECK(std::equal(best.begin(), best.end(), samples.row(6).begin()));
}

TEST_CASE("an unknown sampling method is an option error", "[random]") {
    CHECK_THROWS_AS(test::builtin_registry().create<optimizer>("random", {{"sampling", "grid"}}), option_error);
}
