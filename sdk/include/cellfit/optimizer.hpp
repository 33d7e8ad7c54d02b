#pragma once

#include <cellfit/export.hpp>
#include <cellfit/matrix.hpp>
#include <cellfit/plugin_info.hpp>
#include <cellfit/plugin_object.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace cellfit {

// One parameter to search: its name and closed interval in SI units. With
// log_scale the optimizer searches log(x) (both bounds must be positive).
struct parameter_bound {
    std::string name;
    double lower = 0.0;
    double upper = 1.0;
    bool log_scale = false;
};

struct optimizer_setup {
    std::vector<parameter_bound> parameters;
    std::size_t population_size = 0;  // samples per round the caller asks for
    std::size_t budget = 0;           // evaluations planned in all; 0: open-ended
    std::uint64_t seed = 0;           // same seed, same samples
    std::size_t n_objectives = 1;     // columns of the error matrix given to tell
};

// Ask/tell optimizer. Each round the caller asks for a whole population,
// evaluates it as one batch (that is where simulation speed comes from) and
// tells the errors back.
//
// The public functions check the contract on both sides (bounds, shapes,
// NaN errors become +inf) and keep the best sample seen, then call the
// protected virtual functions a plugin implements.
class CELLFIT_API optimizer : public plugin_object {
public:
    static constexpr plugin_kind kind = plugin_kind::optimizer;

    // Returns the population size the optimizer will really use each round,
    // which may differ from setup.population_size (the caller warns).
    // Throws input_error for empty, inverted or non-finite bounds.
    std::size_t initialize(const optimizer_setup& setup);

    // Up to n samples (at least one), one per row, one column per parameter,
    // inside the bounds. Fewer than n when the algorithm has fewer new points
    // this round (sga repeats points, bee_colony decides in sub-batches).
    matrix ask(std::size_t n);

    // errors: one row per row of samples, one column per objective.
    void tell(const matrix& samples, const matrix& errors);

    // The parameters the optimizer recommends; by default the best sample
    // told so far (lowest sum over objectives). Empty before any tell.
    virtual std::vector<double> recommend() const;

    // Counters worth reporting, by name (e.g. pagmo's "extra_rounds": rounds
    // that were not a whole generation). Empty by default.
    virtual std::map<std::string, double> statistics() const { return {}; }

    // Why the population size differs from setup().population_size, for the
    // user ("pagmo's nsga2 needs a multiple of 4 samples"); empty when it
    // does not, or when the plugin gives no reason.
    virtual std::string population_note() const { return {}; }

    const optimizer_setup& setup() const noexcept { return setup_; }
    std::size_t population_size() const noexcept { return population_size_; }
    std::size_t evaluations() const noexcept { return evaluations_; }
    double best_error() const noexcept { return best_error_; }
    const std::vector<double>& best_sample() const noexcept { return best_sample_; }

protected:
    virtual std::size_t do_initialize(const optimizer_setup& setup) = 0;
    virtual matrix do_ask(std::size_t n) = 0;
    // errors hold no NaN: a diverged sample arrives as +inf.
    virtual void do_tell(const matrix& samples, const matrix& errors) = 0;

private:
    optimizer_setup setup_;
    bool initialized_ = false;
    std::size_t population_size_ = 0;
    std::size_t evaluations_ = 0;
    double best_error_ = std::numeric_limits<double>::infinity();
    std::vector<double> best_sample_;
};

// The normalised search space: each parameter mapped to [0, 1], linearly or,
// with log_scale, logarithmically. from_unit clamps its result into the bounds.
CELLFIT_API double to_unit(const parameter_bound& bound, double x) noexcept;
CELLFIT_API double from_unit(const parameter_bound& bound, double u) noexcept;

} // namespace cellfit
