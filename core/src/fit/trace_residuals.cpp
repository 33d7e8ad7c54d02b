#include "trace_residuals.hpp"

#include <cellfit/error.hpp>

#include <algorithm>
#include <cmath>

namespace cellfit::detail {

// Keeps every recorded value: n_record x (n_neurons * n_steps).
struct trace_residuals::recorder final : simulation_consumer {
    std::vector<std::vector<double>> values;
    std::size_t n_neurons, n_steps;
    recorder(std::size_t records, std::size_t neurons, std::size_t steps)
        : values(records, std::vector<double>(neurons * steps)), n_neurons(neurons), n_steps(steps) {}
    void block(std::size_t first, std::size_t len, const std::vector<const double*>& v) override {
        for (std::size_t r = 0; r < v.size(); ++r)
            for (std::size_t n = 0; n < n_neurons; ++n)
                std::copy_n(v[r] + n * len, len, values[r].begin() + static_cast<std::ptrdiff_t>(n * n_steps + first));
    }
    void spike(std::size_t, std::size_t) override {}
};

trace_residuals::trace_residuals(const model& m, simulation_setup base, std::vector<residual_output> outputs,
                                 std::vector<std::string> fitted, gradient_kind kind, const plugin_registry& registry)
    : m_(m), base_(std::move(base)), outputs_(std::move(outputs)), fitted_(std::move(fitted)), kind_(kind),
      registry_(registry), n_traces_(base_.n_traces), n_steps_(base_.n_steps) {
    for (const auto& o : outputs_) {
        offsets_.push_back(n_residuals_);
        n_residuals_ += n_traces_ * (n_steps_ - o.first_counted);
    }
    base_.record.clear();
    for (const auto& o : outputs_) base_.record.push_back(o.variable);
}

trace_residuals::~trace_residuals() = default;

simulator& trace_residuals::plain() {
    if (!plain_) {
        simulation_setup s = base_;
        s.n_neurons = n_traces_;
        plain_ = std::make_unique<simulator>(m_, s, registry_);
    }
    return *plain_;
}

simulator& trace_residuals::batch() {
    if (!batch_) {
        simulation_setup s = base_;
        s.n_neurons = n_traces_ * fitted_.size();
        batch_ = std::make_unique<simulator>(m_, s, registry_);
    }
    return *batch_;
}

simulator& trace_residuals::with_sensitivities() {
    if (!sensitive_) {
        simulation_setup s = base_;
        s.n_neurons = n_traces_;
        s.sensitivity = kind_;
        s.sensitivity_parameters = fitted_;
        for (const auto& o : outputs_)
            for (const auto& p : fitted_) s.record.push_back("S_" + o.variable + "__" + p);
        sensitive_ = std::make_unique<simulator>(m_, s, registry_);
    }
    return *sensitive_;
}

std::map<std::string, std::vector<double>>
trace_residuals::parameters_for(const std::vector<std::vector<double>>& samples) const {
    std::map<std::string, std::vector<double>> values;
    for (std::size_t p = 0; p < fitted_.size(); ++p) {
        auto& v = values[fitted_[p]];
        for (const auto& x : samples) v.insert(v.end(), n_traces_, x[p]);
    }
    return values;
}

std::vector<std::vector<double>> trace_residuals::run(simulator& (trace_residuals::*which)(), std::size_t cost,
                                                      std::size_t n_neurons, std::size_t n_record,
                                                      const std::vector<std::vector<double>>& samples) {
    if (cost > evaluation_limit || evaluations_ > evaluation_limit - cost) throw evaluation_limit_reached{};
    simulator& sim = (this->*which)();
    sim.restart(parameters_for(samples));
    recorder rec(n_record, n_neurons, n_steps_);
    sim.run(rec);
    ++simulations_;
    evaluations_ += cost;
    return std::move(rec.values);
}

void trace_residuals::fill_residuals(const std::vector<std::vector<double>>& values, std::size_t sample,
                                     std::vector<double>& r) const {
    for (std::size_t o = 0; o < outputs_.size(); ++o) {
        const auto& out = outputs_[o];
        const std::size_t counted = n_steps_ - out.first_counted;
        const double scale = 1.0 / (out.normalization * std::sqrt(static_cast<double>(n_traces_ * counted)));
        for (std::size_t t = 0; t < n_traces_; ++t) {
            const double* model_trace = values[o].data() + (sample * n_traces_ + t) * n_steps_;
            const auto& data = (*out.traces)[t];
            for (std::size_t k = out.first_counted; k < n_steps_; ++k) {
                const double w = out.weights.empty() ? 1.0 : std::sqrt(out.weights[k]);
                r[offsets_[o] + t * counted + (k - out.first_counted)] = (model_trace[k] - data[k]) * scale * w;
            }
        }
    }
}

std::vector<double> trace_residuals::output_errors(const std::vector<double>& r) const {
    std::vector<double> errors(outputs_.size(), 0.0);
    for (std::size_t o = 0; o < outputs_.size(); ++o) {
        const std::size_t end = o + 1 < outputs_.size() ? offsets_[o + 1] : n_residuals_;
        for (std::size_t i = offsets_[o]; i < end; ++i) errors[o] += r[i] * r[i];
    }
    return errors;
}

void trace_residuals::residuals(const std::vector<double>& x, std::vector<double>& r) {
    const auto values = run(&trace_residuals::plain, 1, n_traces_, outputs_.size(), {x});
    fill_residuals(values, 0, r);
}

void trace_residuals::finite_difference_columns(const std::vector<double>& x, const std::vector<double>& r, matrix& J,
                                                const std::vector<std::size_t>& columns) {
    // Every parameter perturbed at once: one simulation of n samples.
    std::vector<std::vector<double>> samples(fitted_.size(), x);
    std::vector<double> steps(fitted_.size());
    for (std::size_t j = 0; j < fitted_.size(); ++j) {
        // sqrt(eps) times the parameter's scale: |x|, but at least a hundredth
        // of its interval (a parameter at 0 must still move), else 1.
        const double width = upper[j] - lower[j];
        const double scale = std::max(std::abs(x[j]), std::isfinite(width) ? 1e-2 * width : (x[j] == 0 ? 1.0 : 0.0));
        double h = 1.4901161193847656e-08 * scale;
        if (x[j] + h > upper[j]) h = -h;
        samples[j][j] = x[j] + h;
        steps[j] = samples[j][j] - x[j];  // the step as represented
    }
    const auto values = run(&trace_residuals::batch, fitted_.size(), n_traces_ * fitted_.size(), outputs_.size(), samples);
    std::vector<double> shifted(n_residuals_);
    for (std::size_t j : columns) {
        fill_residuals(values, j, shifted);
        for (std::size_t i = 0; i < n_residuals_; ++i) J(i, j) = (shifted[i] - r[i]) / steps[j];
    }
}

void trace_residuals::jacobian(const std::vector<double>& x, const std::vector<double>& r, matrix& J) {
    std::vector<std::size_t> all(fitted_.size());
    for (std::size_t j = 0; j < all.size(); ++j) all[j] = j;
    if (kind_ == gradient_kind::finite_differences) {
        finite_difference_columns(x, r, J, all);
        return;
    }
    const std::size_t n_records = outputs_.size() * (1 + fitted_.size());
    const auto values = run(&trace_residuals::with_sensitivities, 1 + fitted_.size(), n_traces_, n_records, {x});
    std::vector<std::size_t> not_finite;
    for (std::size_t o = 0; o < outputs_.size(); ++o) {
        const auto& out = outputs_[o];
        const std::size_t counted = n_steps_ - out.first_counted;
        const double scale = 1.0 / (out.normalization * std::sqrt(static_cast<double>(n_traces_ * counted)));
        for (std::size_t j = 0; j < fitted_.size(); ++j) {
            const auto& s = values[outputs_.size() + o * fitted_.size() + j];
            for (std::size_t t = 0; t < n_traces_; ++t)
                for (std::size_t k = out.first_counted; k < n_steps_; ++k) {
                    const double w = out.weights.empty() ? 1.0 : std::sqrt(out.weights[k]);
                    const double d = s[t * n_steps_ + k];
                    J(offsets_[o] + t * counted + (k - out.first_counted), j) = d * scale * w;
                    if (!std::isfinite(d) && std::find(not_finite.begin(), not_finite.end(), j) == not_finite.end())
                        not_finite.push_back(j);
                }
        }
    }
    // A singular derivative (a division by a gating variable at exactly 0,
    // say) must not end the refinement: those columns by finite differences.
    if (!not_finite.empty()) {
        std::string names;
        for (std::size_t j : not_finite) names += (names.empty() ? "" : ", ") + fitted_[j];
        const std::string w = "the derivatives with respect to " + names +
                              " were not finite (a singular point of the model); used finite differences for them";
        if (std::find(warnings_.begin(), warnings_.end(), w) == warnings_.end()) warnings_.push_back(w);
        finite_difference_columns(x, r, J, not_finite);
    }
}

} // namespace cellfit::detail
