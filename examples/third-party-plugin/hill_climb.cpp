// optimizer.example.hillclimb: a (1, n) hill climber in the normalised search
// space, written as a third-party plugin would be. Each round samples n
// points around the best point so far; the step shrinks when a round finds
// nothing better.

#include <cellfit/plugin.hpp>

#include <algorithm>
#include <cmath>
#include <random>

namespace {

class hill_climb final : public cellfit::optimizer {
public:
    explicit hill_climb(const cellfit::plugin_options& options)
        : initial_step_(options.real("step")), shrink_(options.real("shrink")) {
        if (!(initial_step_ > 0 && initial_step_ <= 1))
            throw cellfit::option_error("optimizer.example.hillclimb: step must be in (0, 1], got " +
                                        std::to_string(initial_step_));
        if (!(shrink_ > 0 && shrink_ < 1))
            throw cellfit::option_error("optimizer.example.hillclimb: shrink must be in (0, 1), got " +
                                        std::to_string(shrink_));
    }

protected:
    std::size_t do_initialize(const cellfit::optimizer_setup& setup) override {
        rng_.seed(setup.seed);
        centre_.assign(setup.parameters.size(), 0.5);
        centre_error_ = std::numeric_limits<double>::infinity();
        step_ = initial_step_;
        return setup.population_size;
    }

    cellfit::matrix do_ask(std::size_t n) override {
        const auto& params = setup().parameters;
        cellfit::matrix samples(n, params.size());
        std::normal_distribution<double> normal(0.0, step_);
        for (std::size_t r = 0; r < n; ++r)
            for (std::size_t c = 0; c < params.size(); ++c)
                samples(r, c) = cellfit::from_unit(params[c], std::clamp(centre_[c] + normal(rng_), 0.0, 1.0));
        return samples;
    }

    void do_tell(const cellfit::matrix& samples, const cellfit::matrix& errors) override {
        std::size_t best = 0;
        for (std::size_t r = 1; r < errors.rows(); ++r)
            if (errors(r, 0) < errors(best, 0)) best = r;
        if (errors.rows() > 0 && errors(best, 0) < centre_error_) {
            centre_error_ = errors(best, 0);
            for (std::size_t c = 0; c < centre_.size(); ++c)
                centre_[c] = cellfit::to_unit(setup().parameters[c], samples(best, c));
        } else {
            step_ *= shrink_;
        }
    }

private:
    double initial_step_;
    double shrink_;
    double step_ = 0;
    std::vector<double> centre_;
    double centre_error_ = 0;
    std::mt19937_64 rng_;
};

} // namespace

CELLFIT_PLUGIN_LIBRARY(sink) {
    sink.add<cellfit::optimizer>(
        {.name = "example.hillclimb",
         .version = "1.0.0",
         .description = "Hill climber around the best point so far (third-party plugin example)",
         .options = {{.name = "step",
                      .type = cellfit::option_type::real,
                      .default_value = "0.2",
                      .help = "initial standard deviation of the steps, as a fraction of each range"},
                     {.name = "shrink",
                      .type = cellfit::option_type::real,
                      .default_value = "0.5",
                      .help = "factor applied to the step after a round without improvement"}}},
        [](const cellfit::plugin_options& options) { return std::make_unique<hill_climb>(options); });
}
