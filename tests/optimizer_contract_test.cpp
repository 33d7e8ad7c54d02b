#include "test_support.hpp"

#include <cellfit/error.hpp>
#include <cellfit/optimizer.hpp>
#include <cellfit/registry.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace cellfit;
using Catch::Matchers::Contains;

namespace {

// The smallest optimizer: always the centre of the box. Enough to exercise
// the checks the base class makes around every plugin.
class centre final : public optimizer {
public:
    std::size_t told = 0;

protected:
    std::size_t do_initialize(const optimizer_setup& s) override { return s.population_size; }
    matrix do_ask(std::size_t n) override {
        matrix m(n, setup().parameters.size());
        for (std::size_t r = 0; r < n; ++r)
            for (std::size_t c = 0; c < m.cols(); ++c) m(r, c) = from_unit(setup().parameters[c], 0.5);
        return m;
    }
    void do_tell(const matrix& samples, const matrix& errors) override {
        told += samples.rows();
        for (std::size_t r = 0; r < errors.rows(); ++r)
            for (double e : errors.row(r)) REQUIRE_FALSE(std::isnan(e));
    }
};

} // namespace

TEST_CASE("initialize rejects bad bounds, naming the parameter", "[optimizer]") {
    centre opt;
    auto setup = test::box_setup(4, 1);
    setup.parameters[0].lower = 2e-7;  // above its upper bound
    CHECK_THROWS_WITH(opt.initialize(setup), Contains("lower bound of 'gl'") && Contains("must be below"));

    setup = test::box_setup(4, 1);
    setup.parameters[1].lower = 0;  // log scale needs positive bounds
    CHECK_THROWS_WITH(opt.initialize(setup), Contains("'tau' is searched on a log scale"));

    setup = test::box_setup(4, 1);
    setup.parameters[2].upper = std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH(opt.initialize(setup), Contains("bounds of 'El' must be finite"));

    setup = test::box_setup(4, 1);
    setup.parameters.push_back(setup.parameters[0]);
    CHECK_THROWS_WITH(opt.initialize(setup), Contains("'gl' has bounds twice"));

    CHECK_THROWS_AS(opt.initialize(test::box_setup(0, 1)), input_error);
    CHECK_THROWS_AS(opt.initialize(optimizer_setup{}), input_error);
}

TEST_CASE("ask and tell before initialize are errors", "[optimizer]") {
    centre opt;
    CHECK_THROWS_AS(opt.ask(3), plugin_contract_error);
    CHECK_THROWS_AS(opt.tell(matrix(1, 3), matrix(1, 1)), plugin_contract_error);
}

TEST_CASE("tell turns NaN into +inf and keeps the best sample", "[optimizer]") {
    centre opt;
    opt.initialize(test::box_setup(3, 1));
    CHECK(opt.recommend().empty());
    matrix samples(3, 3);
    for (std::size_t r = 0; r < 3; ++r) samples(r, 0) = static_cast<double>(r);
    matrix errors(3, 1);
    errors(0, 0) = std::nan("");
    errors(1, 0) = 2.0;
    errors(2, 0) = 5.0;
    opt.tell(samples, errors);
    CHECK(opt.told == 3);
    CHECK(opt.evaluations() == 3);
    CHECK(opt.best_error() == 2.0);
    CHECK(opt.recommend() == std::vector<double>{1.0, 0.0, 0.0});

    CHECK_THROWS_AS(opt.tell(samples, matrix(2, 1)), plugin_contract_error);
    CHECK_THROWS_AS(opt.tell(matrix(3, 2), errors), plugin_contract_error);
}

TEST_CASE("with several objectives the best sample has the lowest total", "[optimizer]") {
    centre opt;
    auto setup = test::box_setup(2, 1);
    setup.n_objectives = 2;
    opt.initialize(setup);
    matrix samples(2, 3);
    samples(1, 0) = 1.0;
    matrix errors(2, 2);
    errors(0, 0) = 1.0;
    errors(0, 1) = 3.0;  // total 4
    errors(1, 0) = 2.0;
    errors(1, 1) = 1.0;  // total 3
    opt.tell(samples, errors);
    CHECK(opt.best_error() == 3.0);
    CHECK(opt.recommend()[0] == 1.0);
}

TEST_CASE("a plugin that proposes a point outside the bounds is caught", "[optimizer]") {
    plugin_registry registry;
    registry.load_directory(test::fixtures / "multi", true);
    auto opt = registry.create<optimizer>("fixture.constant", {{"escape", "true"}});
    opt->initialize(test::box_setup(2, 1));
    CHECK_THROWS_AS(opt->ask(2), plugin_contract_error);
    CHECK_THROWS_WITH(opt->ask(2), Contains("proposed gl = ") && Contains("outside its bounds"));
}

TEST_CASE("the unit cube maps onto the bounds, linearly or logarithmically", "[optimizer]") {
    const parameter_bound linear{"El", -0.08, -0.05, false};
    const parameter_bound logarithmic{"tau", 1e-3, 1e-1, true};
    CHECK(from_unit(linear, 0.0) == -0.08);
    CHECK(from_unit(linear, 1.0) == -0.05);
    CHECK(from_unit(linear, 0.5) == Approx(-0.065));
    CHECK(from_unit(logarithmic, 0.5) == Approx(1e-2));  // geometric middle
    CHECK(to_unit(logarithmic, 1e-2) == Approx(0.5));
    for (double u : {0.0, 0.1, 0.37, 0.9, 1.0}) {
        CHECK(to_unit(linear, from_unit(linear, u)) == Approx(u).margin(1e-12));
        CHECK(to_unit(logarithmic, from_unit(logarithmic, u)) == Approx(u).margin(1e-12));
        CHECK(from_unit(logarithmic, u) >= logarithmic.lower);
        CHECK(from_unit(logarithmic, u) <= logarithmic.upper);
    }
}
