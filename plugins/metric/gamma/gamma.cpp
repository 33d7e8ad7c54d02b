// metric.gamma: the coincidence factor Gamma of Jolivet et al. (2008) between
// simulated and recorded spike trains, counted online as spikes stream in
// (memory: a few counters per neuron, whatever the recording's length).
//
//   Gamma = (N_coinc - 2*nu*delta*N_data) / (0.5*(N_data + N_model)) / (1 - 2*nu*delta)
//
// N_coinc: recorded spikes with a simulated spike within +-delta; nu: the
// simulated rate N_model/time. Error = 1 - Gamma, or with rate_correction
// (Clopath et al. 2007) 1 + 2*|r_data - r_model|/r_data - Gamma, clipped at 0.

#include <cellfit/error.hpp>
#include <cellfit/plugin.hpp>
#include <cellfit/version.hpp>

#include <algorithm>
#include <cmath>

namespace {

using namespace cellfit;

class gamma_factor final : public metric {
public:
    explicit gamma_factor(const plugin_options& o)
        : delta_(o.real("delta")), time_(o.real("time")), t_start_(o.real("t_start")),
          rate_correction_(o.boolean("rate_correction")) {
        if (!(delta_ > 0) || !std::isfinite(delta_)) throw option_error("metric.gamma: delta must be a positive duration in seconds");
        if (!(time_ >= 0)) throw option_error("metric.gamma: time must be >= 0 seconds (0: the simulated duration)");
        if (!(t_start_ >= 0)) throw option_error("metric.gamma: t_start must be >= 0 seconds");
    }

    bool uses_traces() const override { return false; }
    bool uses_spikes() const override { return true; }

    void start(const metric_setup& setup) override {
        setup_ = &setup;
        if (setup.target_spikes.size() != setup.n_traces)
            throw input_error("metric.gamma: " + std::to_string(setup.target_spikes.size()) + " recorded spike trains for " +
                              std::to_string(setup.n_traces) + " input traces");
        duration_ = (time_ > 0 ? time_ : static_cast<double>(setup.n_steps) * setup.dt) - t_start_;
        if (!(duration_ > 0)) throw input_error("metric.gamma: t_start leaves no time to compare");
        data_.clear();
        for (std::size_t trace = 0; trace < setup.n_traces; ++trace) {
            std::vector<double> kept;
            for (double s : setup.target_spikes[trace])
                if (s >= t_start_) kept.push_back(s);
            if (kept.empty())
                throw input_error("metric.gamma: recorded trace " + std::to_string(trace) +
                                  " has no spike after t_start; the Gamma factor is undefined without recorded spikes");
            if (!std::is_sorted(kept.begin(), kept.end()))
                throw input_error("metric.gamma: the spike times of trace " + std::to_string(trace) + " are not sorted");
            data_.push_back(std::move(kept));
        }
        const std::size_t neurons = setup.n_samples * setup.n_traces;
        next_.assign(neurons, 0);
        coincidences_.assign(neurons, 0);
        model_spikes_.assign(neurons, 0);
    }

    void block(std::size_t, std::size_t, const double*) override {}

    void spike(std::size_t neuron, std::size_t step) override {
        const double t = static_cast<double>(step) * setup_->dt;
        if (t < t_start_) return;
        ++model_spikes_[neuron];
        // Recorded spikes before t - delta can no longer coincide; those
        // within +-delta of t coincide, each once.
        const std::vector<double>& data = data_[neuron % setup_->n_traces];
        std::size_t& j = next_[neuron];
        while (j < data.size() && data[j] < t - delta_) ++j;
        while (j < data.size() && data[j] <= t + delta_) {
            ++coincidences_[neuron];
            ++j;
        }
    }

    matrix errors() const override {
        matrix e(setup_->n_samples, setup_->n_traces);
        for (std::size_t i = 0; i < next_.size(); ++i) {
            const double n_data = static_cast<double>(data_[i % setup_->n_traces].size());
            const double n_model = static_cast<double>(model_spikes_[i]);
            const double model_rate = n_model / duration_;
            const double data_rate = n_data / duration_;
            const double expected = 2 * model_rate * delta_ * n_data;
            const double norm = 1 - 2 * model_rate * delta_;
            const double gamma = (static_cast<double>(coincidences_[i]) - expected) / (0.5 * (n_data + n_model)) / norm;
            const double rate_term = rate_correction_ ? 1 + 2 * std::abs(data_rate - model_rate) / data_rate : 1.0;
            e(i / setup_->n_traces, i % setup_->n_traces) = std::max(0.0, rate_term - gamma);
        }
        return e;
    }

private:
    double delta_, time_, t_start_;
    bool rate_correction_;
    const metric_setup* setup_ = nullptr;
    double duration_ = 0;
    std::vector<std::vector<double>> data_;
    std::vector<std::size_t> next_, coincidences_, model_spikes_;
};

} // namespace

CELLFIT_PLUGIN_LIBRARY(sink) {
    sink.add<metric>(
        {.name = "gamma",
         .version = CELLFIT_VERSION_STRING,
         .description = "Gamma coincidence factor of spike trains (Jolivet et al. 2008): error 1 - Gamma, optionally "
                        "rate-corrected",
         .options = {{.name = "delta", .type = option_type::real, .default_value = "0.004",
                      .help = "coincidence window in seconds (+-delta)", .choices = {}},
                     {.name = "time", .type = option_type::real, .default_value = "0",
                      .help = "duration in seconds for the rates (0: the simulated duration)", .choices = {}},
                     {.name = "t_start", .type = option_type::real, .default_value = "0",
                      .help = "seconds: spikes before it are ignored", .choices = {}},
                     {.name = "rate_correction", .type = option_type::boolean, .default_value = "true",
                      .help = "add 2*|r_data - r_model|/r_data (Clopath et al. 2007)", .choices = {}}}},
        [](const plugin_options& o) { return std::make_unique<gamma_factor>(o); });
}
