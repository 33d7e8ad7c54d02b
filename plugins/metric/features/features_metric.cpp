// metric.features: electrophysiology features (efeatures.hpp, eFEL's
// conventions) of every simulated and recorded trace; the error of a sample
// and trace is sum over features of weight * |feature(model) - feature(data)|.
// A feature undefined for one trace and defined for the other (no spikes)
// costs `penalty`; undefined for both costs nothing. The metric keeps the
// simulated traces whole (features need them).

#include "efeatures.hpp"

#include <cellfit/error.hpp>
#include <cellfit/io/numbers.hpp>
#include <cellfit/plugin.hpp>
#include <cellfit/version.hpp>

#include <cmath>
#include <sstream>

namespace {

using namespace cellfit;

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) items.push_back(item);
    }
    return items;
}

std::vector<double> numbers(const std::string& option, const std::string& text) {
    std::vector<double> values;
    for (const auto& item : split(text)) {
        const auto value = parse_number(item);
        if (!value) throw option_error("metric.features: " + option + " holds '" + item + "', not a number");
        values.push_back(*value);
    }
    return values;
}

class feature_metric final : public metric {
public:
    explicit feature_metric(const plugin_options& o)
        : threshold_(o.real("threshold")), derivative_threshold_(o.real("derivative_threshold")),
          penalty_(o.real("penalty")), stim_start_(numbers("stim_start", o.string("stim_start"))),
          stim_end_(numbers("stim_end", o.string("stim_end"))) {
        const auto& known = features::feature_names();
        for (const auto& name : split(o.string("features"))) {
            if (std::find(known.begin(), known.end(), name) == known.end()) {
                std::string list;
                for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
                throw option_error("metric.features: unknown feature '" + name + "'; known: " + list);
            }
            selected_.push_back(name);
            weights_.push_back(1.0);
        }
        if (selected_.empty()) throw option_error("metric.features: the feature list is empty");
        for (const auto& item : split(o.string("weights"))) {
            const auto eq = item.find('=');
            const std::string name = item.substr(0, eq);
            auto it = std::find(selected_.begin(), selected_.end(), name);
            if (eq == std::string::npos || it == selected_.end())
                throw option_error("metric.features: weights are NAME=W for selected features, got '" + item + "'");
            const double w = numbers("weights", item.substr(eq + 1)).at(0);
            if (!(w >= 0)) throw option_error("metric.features: the weight of " + name + " must be >= 0");
            weights_[static_cast<std::size_t>(it - selected_.begin())] = w;
        }
        if (stim_start_.empty() || stim_end_.empty())
            throw option_error("metric.features: give stim_start and stim_end (seconds; one value, or one per trace)");
        if (!(penalty_ >= 0) || !std::isfinite(penalty_)) throw option_error("metric.features: penalty must be finite and >= 0");
    }

    bool uses_traces() const override { return true; }
    bool uses_spikes() const override { return false; }

    void start(const metric_setup& setup) override {
        setup_ = &setup;
        for (const auto* list : {&stim_start_, &stim_end_})
            if (list->size() != 1 && list->size() != setup.n_traces)
                throw input_error("metric.features: stim_start and stim_end need one value or one per trace (" +
                                  std::to_string(setup.n_traces) + ")");
        if (setup.target_traces.size() != setup.n_traces)
            throw input_error("metric.features: " + std::to_string(setup.target_traces.size()) +
                              " recorded traces for " + std::to_string(setup.n_traces) + " input traces");
        data_features_.clear();
        for (std::size_t trace = 0; trace < setup.n_traces; ++trace) {
            const features::trace_context c = context(trace);
            if (!(c.stim_end_ms > c.stim_start_ms))
                throw input_error("metric.features: the stimulus of trace " + std::to_string(trace) + " ends before it starts");
            std::vector<double> mv;
            for (std::size_t k = 0; k < setup.n_steps && k < setup.target_traces[trace].size(); ++k)
                mv.push_back(setup.target_traces[trace][k] * 1e3);
            data_features_.push_back(features::compute(mv, c));
        }
        traces_.assign(setup.n_samples * setup.n_traces, std::vector<double>(setup.n_steps, 0.0));
    }

    void block(std::size_t first, std::size_t n, const double* values) override {
        for (std::size_t i = 0; i < traces_.size(); ++i)
            for (std::size_t s = 0; s < n; ++s) traces_[i][first + s] = values[i * n + s] * 1e3;  // mV
    }

    void spike(std::size_t, std::size_t) override {}

    matrix errors() const override {
        matrix e(setup_->n_samples, setup_->n_traces);
        for (std::size_t i = 0; i < traces_.size(); ++i) {
            const std::size_t trace = i % setup_->n_traces;
            const auto model = features::compute(traces_[i], context(trace));
            double error = 0;
            for (std::size_t f = 0; f < selected_.size(); ++f) {
                const auto& a = model.at(selected_[f]);
                const auto& b = data_features_[trace].at(selected_[f]);
                if (a && b) error += weights_[f] * std::abs(*a - *b);
                else if (a.has_value() != b.has_value()) error += weights_[f] * penalty_;
            }
            e(i / setup_->n_traces, trace) = error;
        }
        return e;
    }

private:
    features::trace_context context(std::size_t trace) const {
        auto pick = [&](const std::vector<double>& v) { return v.size() == 1 ? v[0] : v[trace]; };
        return {setup_->dt * 1e3, pick(stim_start_) * 1e3, pick(stim_end_) * 1e3, threshold_ * 1e3,
                derivative_threshold_};
    }

    double threshold_, derivative_threshold_, penalty_;
    std::vector<double> stim_start_, stim_end_;
    std::vector<std::string> selected_;
    std::vector<double> weights_;
    const metric_setup* setup_ = nullptr;
    std::vector<std::map<std::string, std::optional<double>>> data_features_;
    std::vector<std::vector<double>> traces_;
};

std::string default_features() {
    std::string list;
    for (const auto& name : features::feature_names()) list += (list.empty() ? "" : ",") + name;
    return list;
}

} // namespace

CELLFIT_PLUGIN_LIBRARY(sink) {
    sink.add<metric>(
        {.name = "features",
         .version = CELLFIT_VERSION_STRING,
         .description = "Electrophysiology features (eFEL conventions) of each trace; weighted absolute differences",
         .options = {{.name = "features", .type = option_type::string, .default_value = default_features(),
                      .help = "comma-separated feature names", .choices = {}},
                     {.name = "weights", .type = option_type::string, .default_value = "",
                      .help = "NAME=W,... (default weight 1)", .choices = {}},
                     {.name = "stim_start", .type = option_type::string, .default_value = "",
                      .help = "stimulus start in seconds: one value, or one per trace (comma-separated)", .choices = {}},
                     {.name = "stim_end", .type = option_type::string, .default_value = "",
                      .help = "stimulus end in seconds: one value, or one per trace", .choices = {}},
                     {.name = "threshold", .type = option_type::real, .default_value = "-0.02",
                      .help = "spike detection threshold (eFEL: -20 mV)", .choices = {}, .unit = "volt"},
                     {.name = "derivative_threshold", .type = option_type::real, .default_value = "10",
                      .help = "AP onset: dV/dt above this (eFEL: 10 mV/ms)", .choices = {}, .unit = "volt/second"},
                     {.name = "penalty", .type = option_type::real, .default_value = "99",
                      .help = "cost of a feature defined for one trace but not the other (brian2modelfitting: 99)",
                      .choices = {}}}},
        [](const plugin_options& o) { return std::make_unique<feature_metric>(o); });
}
