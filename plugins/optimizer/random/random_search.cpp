// optimizer.random: samples the search box without looking at the errors.
// A baseline for every other optimizer, and a space-filling design for the
// first round of a fit.

#include <cellfit/error.hpp>
#include <cellfit/plugin.hpp>
#include <cellfit/version.hpp>

#include <boost/random/sobol.hpp>

#include <cmath>
#include <memory>
#include <numeric>
#include <random>

namespace {

using namespace cellfit;

enum class sampling { uniform, latin_hypercube, sobol };

sampling parse_sampling(const std::string& name) {
    if (name == "lhs") return sampling::latin_hypercube;
    if (name == "sobol") return sampling::sobol;
    return sampling::uniform;  // the only other value the options allow
}

class random_search final : public optimizer {
public:
    explicit random_search(const plugin_options& options) : method_(parse_sampling(options.string("sampling"))) {}

protected:
    std::size_t do_initialize(const optimizer_setup& setup) override {
        rng_.seed(setup.seed);
        if (method_ == sampling::sobol) {
            const std::size_t dims = setup.parameters.size();
            try {
                sobol_ = std::make_unique<boost::random::sobol>(dims);
            } catch (const std::exception& e) {
                throw input_error("optimizer.random with sampling=sobol cannot sample " + std::to_string(dims) +
                                  " parameters (" + e.what() + "); use sampling=lhs");
            }
            // A random shift per dimension (modulo 1) keeps the sequence's
            // uniformity and makes different seeds give different designs.
            shift_.resize(dims);
            for (double& s : shift_) s = uniform01();
        }
        return setup.population_size;
    }

    matrix do_ask(std::size_t n) override {
        const auto& params = setup().parameters;
        matrix unit(n, params.size());
        switch (method_) {
        case sampling::uniform:
            for (std::size_t r = 0; r < n; ++r)
                for (double& u : unit.row(r)) u = uniform01();
            break;
        case sampling::latin_hypercube: fill_latin_hypercube(unit); break;
        case sampling::sobol: fill_sobol(unit); break;
        }
        for (std::size_t r = 0; r < n; ++r)
            for (std::size_t c = 0; c < params.size(); ++c) unit(r, c) = from_unit(params[c], unit(r, c));
        return unit;  // now in parameter space
    }

    void do_tell(const matrix&, const matrix&) override {}  // the next samples do not depend on errors

private:
    // 53 random bits: the same doubles from a seed on every platform, unlike
    // std::uniform_real_distribution, whose algorithm the standard leaves open.
    double uniform01() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

    std::size_t uniform_index(std::size_t n) {  // in [0, n), unbiased
        const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                                    std::numeric_limits<std::uint64_t>::max() % n;
        std::uint64_t x;
        do x = rng_();
        while (x >= limit);
        return static_cast<std::size_t>(x % n);
    }

    // One point in each of the n slices of every dimension; each batch is a
    // Latin hypercube of its own.
    void fill_latin_hypercube(matrix& unit) {
        const std::size_t n = unit.rows();
        std::vector<std::size_t> slice(n);
        for (std::size_t c = 0; c < unit.cols(); ++c) {
            std::iota(slice.begin(), slice.end(), std::size_t{0});
            for (std::size_t k = n; k > 1; --k) std::swap(slice[k - 1], slice[uniform_index(k)]);
            for (std::size_t r = 0; r < n; ++r)
                unit(r, c) = (static_cast<double>(slice[r]) + uniform01()) / static_cast<double>(n);
        }
    }

    // The sequence continues across batches, so the rounds together fill the
    // box as evenly as one long sequence.
    void fill_sobol(matrix& unit) {
        constexpr double scale = 0x1.0p-64;  // engine values are 64-bit fractions
        for (std::size_t r = 0; r < unit.rows(); ++r)
            for (std::size_t c = 0; c < unit.cols(); ++c) {
                const double u = static_cast<double>((*sobol_)()) * scale + shift_[c];
                unit(r, c) = std::min(u - std::floor(u), std::nextafter(1.0, 0.0));
            }
    }

    sampling method_;
    std::mt19937_64 rng_;
    std::unique_ptr<boost::random::sobol> sobol_;
    std::vector<double> shift_;
};

} // namespace

CELLFIT_PLUGIN_LIBRARY(sink) {
    sink.add<optimizer>(
        {.name = "random",
         .version = CELLFIT_VERSION_STRING,
         .description = "Random search: samples the bounds uniformly, as Latin hypercubes or as a "
                        "shifted Sobol sequence, ignoring the errors",
         .options = {{.name = "sampling",
                      .type = option_type::string,
                      .default_value = "uniform",
                      .help = "how samples are drawn: uniform (independent), lhs (each batch a Latin "
                              "hypercube) or sobol (a low-discrepancy sequence, randomly shifted by the seed)",
                      .choices = {"uniform", "lhs", "sobol"}}}},
        [](const plugin_options& options) { return std::make_unique<random_search>(options); });
}
