// metric.gamma: the coincidence factor Gamma between simulated and recorded
// spike trains, scored exactly as brian2modelfitting's GammaFactor scores it
// (its get_gamma_factor), counted online as spikes stream in (memory: a few
// counters per neuron, whatever the recording's length).
//
// Spike times and delta are rounded to steps (half to even, as numpy's rint);
// a recorded spike coincides when its nearest simulated spike is at most
// delta's steps away. With the recorded rate nu = N_data/time:
//
//   Gamma = (N_coinc - 2*delta*N_data*nu) / (0.5*(1 - 2*nu*delta) * (N_data + N_model))
//
// Error = 1 - Gamma, or with rate_correction (Clopath et al. 2007)
// 1 + 2*|nu - nu_model|/nu - Gamma; clipped at 0 from below, then divided by
// `normalization` squared (the toolbox applies it twice). (Jolivet et al. 2008 use the simulated rate in the
// expected coincidences; the toolbox, and so cellfit, the recorded one.)

#include <cellfit/error.hpp>
#include <cellfit/plugin.hpp>
#include <cellfit/version.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace {

using namespace cellfit;

class gamma_factor final : public metric {
public:
    explicit gamma_factor(const plugin_options& o)
        : delta_(o.real("delta")), time_(o.real("time")), t_start_(o.real("t_start")),
          normalization_(o.real("normalization")), rate_correction_(o.boolean("rate_correction")) {
        if (!(delta_ > 0) || !std::isfinite(delta_)) throw option_error("metric.gamma: delta must be a positive duration in seconds");
        if (!(time_ >= 0)) throw option_error("metric.gamma: time must be >= 0 seconds (0: the simulated duration)");
        if (!(t_start_ >= 0)) throw option_error("metric.gamma: t_start must be >= 0 seconds");
        if (!(normalization_ > 0) || !std::isfinite(normalization_))
            throw option_error("metric.gamma: normalization must be a positive number (errors are divided by it)");
    }

    bool uses_traces() const override { return false; }
    bool uses_spikes() const override { return true; }

    void start(const metric_setup& setup) override {
        setup_ = &setup;
        if (setup.target_spikes.size() != setup.n_traces)
            throw input_error("metric.gamma: " + std::to_string(setup.target_spikes.size()) + " recorded spike trains for " +
                              std::to_string(setup.n_traces) + " input traces");
        time_used_ = time_ > 0 ? time_ : static_cast<double>(setup.n_steps) * setup.dt;
        delta_steps_ = static_cast<std::int64_t>(std::nearbyint(delta_ / setup.dt));
        data_.clear();
        for (std::size_t trace = 0; trace < setup.n_traces; ++trace) {
            std::vector<std::int64_t> steps;
            for (double s : setup.target_spikes[trace])
                if (t_start_ == 0 || s > t_start_) steps.push_back(static_cast<std::int64_t>(std::nearbyint(s / setup.dt)));
            if (steps.empty())
                throw input_error("metric.gamma: recorded trace " + std::to_string(trace) +
                                  " has no spike after t_start; the Gamma factor is undefined without recorded spikes");
            if (!std::is_sorted(steps.begin(), steps.end()))
                throw input_error("metric.gamma: the spike times of trace " + std::to_string(trace) + " are not sorted");
            data_.push_back(std::move(steps));
        }
        const std::size_t neurons = setup.n_samples * setup.n_traces;
        next_.assign(neurons, 0);
        coincidences_.assign(neurons, 0);
        model_spikes_.assign(neurons, 0);
    }

    void block(std::size_t, std::size_t, const double*) override {}

    void spike(std::size_t neuron, std::size_t step) override {
        // As the toolbox: with t_start > 0, only spikes after it count.
        if (t_start_ > 0 && !(static_cast<double>(step) * setup_->dt > t_start_)) return;
        ++model_spikes_[neuron];
        // A recorded spike coincides when some simulated spike (so its
        // nearest one) is within delta's steps; each counts once. Those
        // before step - delta can no longer coincide.
        const auto k = static_cast<std::int64_t>(step);
        const std::vector<std::int64_t>& data = data_[neuron % setup_->n_traces];
        std::size_t& j = next_[neuron];
        while (j < data.size() && data[j] < k - delta_steps_) ++j;
        while (j < data.size() && data[j] <= k + delta_steps_) {
            ++coincidences_[neuron];
            ++j;
        }
    }

    matrix errors() const override {
        matrix e(setup_->n_samples, setup_->n_traces);
        for (std::size_t i = 0; i < next_.size(); ++i) {
            const double n_data = static_cast<double>(data_[i % setup_->n_traces].size());
            const double n_model = static_cast<double>(model_spikes_[i]);
            const double data_rate = n_data / time_used_;
            const double model_rate = n_model / time_used_;
            const double expected = 2 * delta_ * n_data * data_rate;
            const double norm = 0.5 * (1 - 2 * data_rate * delta_);
            const double gamma = (static_cast<double>(coincidences_[i]) - expected) / (norm * (n_model + n_data));
            const double rate_term = rate_correction_ ? 1 + 2 * std::abs((data_rate - model_rate) / data_rate) : 1.0;
            const double error = rate_term - gamma;
            // The toolbox's GammaFactor applies its normalization twice (to the
            // features and to their mean): errors are divided by its square.
            e(i / setup_->n_traces, i % setup_->n_traces) =
                (std::isnan(error) ? error : std::max(0.0, error)) / (normalization_ * normalization_);
        }
        return e;
    }

    double raw_error_factor() const override { return normalization_ * normalization_; }

private:
    double delta_, time_, t_start_, normalization_;
    bool rate_correction_;
    const metric_setup* setup_ = nullptr;
    double time_used_ = 0;
    std::int64_t delta_steps_ = 0;
    std::vector<std::vector<std::int64_t>> data_;  // recorded spikes after t_start, in steps
    std::vector<std::size_t> next_, coincidences_, model_spikes_;
};

} // namespace

CELLFIT_PLUGIN_LIBRARY(sink) {
    sink.add<metric>(
        {.name = "gamma",
         .version = CELLFIT_VERSION_STRING,
         .description = "Gamma coincidence factor of spike trains, scored as brian2modelfitting's GammaFactor: "
                        "error 1 - Gamma, optionally rate-corrected",
         .options = {{.name = "delta", .type = option_type::real, .default_value = "0.004",
                      .help = "coincidence window (+-delta)", .choices = {}, .unit = "second"},
                     {.name = "time", .type = option_type::real, .default_value = "0",
                      .help = "duration for the rates (0: the simulated duration)", .choices = {}, .unit = "second"},
                     {.name = "t_start", .type = option_type::real, .default_value = "0",
                      .help = "only spikes after it count (rates still over `time`)", .choices = {}, .unit = "second"},
                     {.name = "rate_correction", .type = option_type::boolean, .default_value = "true",
                      .help = "add 2*|r_data - r_model|/r_data (Clopath et al. 2007)", .choices = {}},
                     {.name = "normalization", .type = option_type::real, .default_value = "1",
                      .help = "every error is divided by its square (as the toolbox's GammaFactor, which applies it twice)", .choices = {}}}},
        [](const plugin_options& o) { return std::make_unique<gamma_factor>(o); });
}
