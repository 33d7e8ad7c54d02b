#include <cellfit/error.hpp>
#include <cellfit/optimizer.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace cellfit {

namespace {

// Bounds in SI are often tiny (1e-9 siemens): print them in full, not as 0.000000.
std::string shortest(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", x);
    return text;
}

} // namespace

namespace {

void check_setup(const optimizer_setup& setup) {
    if (setup.parameters.empty()) throw input_error("nothing to optimise: no parameter has bounds");
    if (setup.population_size == 0) throw input_error("the population size must be at least 1");
    if (setup.n_objectives == 0) throw input_error("the number of objectives must be at least 1");
    std::set<std::string> seen;
    for (const auto& p : setup.parameters) {
        if (p.name.empty()) throw input_error("a parameter to optimise has an empty name");
        if (!seen.insert(p.name).second)
            throw input_error("parameter '" + p.name + "' has bounds twice; give them once");
        if (!std::isfinite(p.lower) || !std::isfinite(p.upper))
            throw input_error("the bounds of '" + p.name + "' must be finite");
        if (!(p.lower < p.upper))
            throw input_error("the lower bound of '" + p.name + "' (" + std::to_string(p.lower) +
                              ") must be below its upper bound (" + std::to_string(p.upper) + ")");
        if (p.log_scale && p.lower <= 0)
            throw input_error("'" + p.name + "' is searched on a log scale, so its lower bound (" +
                              std::to_string(p.lower) + ") must be positive");
    }
}

} // namespace

std::size_t optimizer::initialize(const optimizer_setup& setup) {
    check_setup(setup);
    setup_ = setup;
    evaluations_ = 0;
    best_error_ = std::numeric_limits<double>::infinity();
    best_sample_.clear();
    population_size_ = do_initialize(setup_);
    if (population_size_ == 0)
        throw plugin_contract_error("the optimizer chose a population size of 0");
    initialized_ = true;
    return population_size_;
}

matrix optimizer::ask(std::size_t n) {
    if (!initialized_) throw plugin_contract_error("optimizer::ask() called before initialize()");
    matrix samples = do_ask(n);
    const auto& params = setup_.parameters;
    if (samples.rows() > n || (n > 0 && samples.rows() == 0) || samples.cols() != params.size())
        throw plugin_contract_error("the optimizer returned " + std::to_string(samples.rows()) + " x " +
                                    std::to_string(samples.cols()) + " samples when asked for (up to) " +
                                    std::to_string(n) + " x " + std::to_string(params.size()));
    for (std::size_t r = 0; r < samples.rows(); ++r)
        for (std::size_t c = 0; c < params.size(); ++c) {
            const double x = samples(r, c);
            if (!(x >= params[c].lower && x <= params[c].upper))
                throw plugin_contract_error("the optimizer proposed " + params[c].name + " = " + shortest(x) +
                                            ", outside its bounds [" + shortest(params[c].lower) + ", " +
                                            shortest(params[c].upper) + "] (SI units)");
        }
    return samples;
}

void optimizer::tell(const matrix& samples, const matrix& errors) {
    if (!initialized_) throw plugin_contract_error("optimizer::tell() called before initialize()");
    if (samples.cols() != setup_.parameters.size() || errors.rows() != samples.rows() ||
        errors.cols() != setup_.n_objectives)
        throw plugin_contract_error("tell() got " + std::to_string(samples.rows()) + " x " +
                                    std::to_string(samples.cols()) + " samples and " +
                                    std::to_string(errors.rows()) + " x " + std::to_string(errors.cols()) +
                                    " errors; expected n x " + std::to_string(setup_.parameters.size()) +
                                    " and n x " + std::to_string(setup_.n_objectives));
    // A diverged simulation may give NaN: to every optimizer it is simply the
    // worst possible error. Copy only when there is one to replace.
    const bool has_nan = std::any_of(errors.data(), errors.data() + errors.rows() * errors.cols(),
                                     [](double e) { return std::isnan(e); });
    matrix replaced;
    if (has_nan) {
        replaced = errors;
        std::replace_if(replaced.data(), replaced.data() + replaced.rows() * replaced.cols(),
                        [](double e) { return std::isnan(e); }, std::numeric_limits<double>::infinity());
    }
    const matrix& clean = has_nan ? replaced : errors;
    for (std::size_t r = 0; r < clean.rows(); ++r) {
        double total = 0;
        for (double e : clean.row(r)) total += e;
        if (total < best_error_) {
            best_error_ = total;
            best_sample_.assign(samples.row(r).begin(), samples.row(r).end());
        }
    }
    evaluations_ += samples.rows();
    do_tell(samples, clean);
}

std::vector<double> optimizer::recommend() const { return best_sample_; }

double to_unit(const parameter_bound& bound, double x) noexcept {
    if (bound.log_scale)
        return (std::log(x) - std::log(bound.lower)) / (std::log(bound.upper) - std::log(bound.lower));
    return (x - bound.lower) / (bound.upper - bound.lower);
}

double from_unit(const parameter_bound& bound, double u) noexcept {
    const double x = bound.log_scale
                         ? std::exp(std::log(bound.lower) + u * (std::log(bound.upper) - std::log(bound.lower)))
                         : bound.lower + u * (bound.upper - bound.lower);
    // Rounding may step just outside; the bounds are hard limits.
    return std::clamp(x, bound.lower, bound.upper);
}

} // namespace cellfit
