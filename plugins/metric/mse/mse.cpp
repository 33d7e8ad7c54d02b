// metric.mse: mean squared error between simulated and recorded traces,
// accumulated as the simulation streams (memory: one sum per neuron).
//   error(sample, trace) = mean over counted steps of w_k*(model - data)^2 / normalization^2
// where the counted steps start at t_start, or all steps carry the weights
// of t_weights (normalised by their mean).

#include <cellfit/error.hpp>
#include <cellfit/io/csv.hpp>
#include <cellfit/plugin.hpp>
#include <cellfit/version.hpp>

#include <algorithm>
#include <cmath>

namespace {

using namespace cellfit;

class mse final : public metric {
public:
    explicit mse(const plugin_options& o)
        : t_start_(o.real("t_start")), normalization_(o.real("normalization")), normalized_(o.given("normalization")) {
        if (!(t_start_ >= 0)) throw option_error("metric.mse: t_start must be >= 0 seconds");
        if (!(normalization_ > 0) || !std::isfinite(normalization_))
            throw option_error("metric.mse: normalization must be a positive number");
        const std::string& file = o.string("t_weights");
        if (!file.empty()) {
            if (o.given("t_start")) throw option_error("metric.mse: give t_start or t_weights, not both");
            weights_ = read_step_weights(file);
        }
    }

    bool uses_traces() const override { return true; }
    bool uses_spikes() const override { return false; }

    void start(const metric_setup& setup) override {
        setup_ = &setup;
        if (setup.target_traces.size() != setup.n_traces)
            throw input_error("metric.mse: " + std::to_string(setup.target_traces.size()) + " recorded traces for " +
                              std::to_string(setup.n_traces) + " input traces");
        for (const auto& t : setup.target_traces)
            if (t.size() < setup.n_steps)
                throw input_error("metric.mse: a recorded trace has " + std::to_string(t.size()) + " steps, the simulation " +
                                  std::to_string(setup.n_steps));
        if (!weights_.empty() && weights_.size() != setup.n_steps)
            throw input_error("metric.mse: t_weights has " + std::to_string(weights_.size()) + " values for " +
                              std::to_string(setup.n_steps) + " steps");
        first_counted_ = static_cast<std::size_t>(std::ceil(t_start_ / setup.dt - 1e-9));
        if (first_counted_ >= setup.n_steps)
            throw input_error("metric.mse: t_start (" + std::to_string(t_start_) + " s) leaves no step to compare");
        sums_.assign(setup.n_samples * setup.n_traces, 0.0);
    }

    void block(std::size_t first_step, std::size_t n, const double* values) override {
        const std::size_t neurons = sums_.size();
        const double scale = 1.0 / (normalization_ * normalization_);
        // Steps before first_counted_ are skipped as a range, so the inner
        // loops carry no branch and vectorise.
        const std::size_t s0 = first_counted_ > first_step ? std::min(n, first_counted_ - first_step) : 0;
        for (std::size_t i = 0; i < neurons; ++i) {
            const double* model = values + i * n;
            const double* data = setup_->target_traces[i % setup_->n_traces].data() + first_step;
            double sum = 0;
            if (weights_.empty()) {
                for (std::size_t s = s0; s < n; ++s) {
                    const double d = model[s] - data[s];
                    sum += d * d;
                }
            } else {
                const double* w = weights_.data() + first_step;
                for (std::size_t s = s0; s < n; ++s) {
                    const double d = model[s] - data[s];
                    sum += w[s] * d * d;
                }
            }
            sums_[i] += sum * scale;
        }
    }

    void spike(std::size_t, std::size_t) override {}

    // Normalised traces are pure numbers.
    int error_unit_power() const override { return normalized_ ? 0 : 2; }
    double raw_error_factor() const override { return normalization_ * normalization_; }
    int raw_error_unit_power() const override { return 2; }

    matrix errors() const override {
        const double counted = static_cast<double>(setup_->n_steps - first_counted_);
        matrix e(setup_->n_samples, setup_->n_traces);
        for (std::size_t i = 0; i < sums_.size(); ++i)
            e(i / setup_->n_traces, i % setup_->n_traces) = sums_[i] / counted;
        return e;
    }

private:
    double t_start_;
    double normalization_;
    bool normalized_;
    std::vector<double> weights_;
    const metric_setup* setup_ = nullptr;
    std::size_t first_counted_ = 0;
    std::vector<double> sums_;
};

} // namespace

CELLFIT_PLUGIN_LIBRARY(sink) {
    sink.add<metric>(
        {.name = "mse",
         .version = CELLFIT_VERSION_STRING,
         .description = "Mean squared error between simulated and recorded traces, in the output unit squared",
         .options = {{.name = "t_start", .type = option_type::real, .default_value = "0",
                      .help = "steps before it are not compared (excludes t_weights)", .choices = {}, .unit = "second"},
                     {.name = "t_weights", .type = option_type::string, .default_value = "",
                      .help = "CSV file of one weight >= 0 per step, normalised by their mean (excludes t_start)",
                      .choices = {}},
                     {.name = "normalization", .type = option_type::real, .default_value = "1",
                      .help = "both traces are divided by it before the difference (in SI units of the output)",
                      .choices = {}}}},
        [](const plugin_options& o) { return std::make_unique<mse>(o); });
}
