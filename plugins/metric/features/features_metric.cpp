// metric.features: eFEL's features (cellfit/efeatures.hpp) of every
// simulated and recorded trace, with the options of brian2modelfitting's
// FeatureMetric: the error of a sample and trace is the sum over features of
// weight * |model - data| (or the squared difference) over normalization, an
// undefined feature taking the value 99 as in the toolbox. The metric keeps
// the simulated traces whole (features need them).

#include <cellfit/efeatures.hpp>
#include <cellfit/error.hpp>
#include <cellfit/io/numbers.hpp>
#include <cellfit/plugin.hpp>
#include <cellfit/version.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
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

// Stimulus times: seconds, or a number times a time unit (50*ms, 0.05*second).
std::vector<double> times(const std::string& option, const std::string& text) {
    static const std::vector<std::pair<std::string, double>> units = {
        {"second", 1}, {"s", 1}, {"msecond", 1e-3}, {"ms", 1e-3}, {"usecond", 1e-6}, {"us", 1e-6}};
    std::vector<double> values;
    for (const auto& item : split(text)) {
        const auto star = item.find('*');
        double scale = 1;
        if (star != std::string::npos) {
            std::string unit = item.substr(star + 1);
            unit.erase(0, unit.find_first_not_of(" \t"));
            const auto it = std::find_if(units.begin(), units.end(), [&](const auto& u) { return u.first == unit; });
            if (it == units.end())
                throw option_error("metric.features: " + option + " holds '" + item +
                                   "'; give seconds or a number times second, ms or us (50*ms)");
            scale = it->second;
        }
        std::string number = item.substr(0, star);
        number.erase(number.find_last_not_of(" \t") + 1);
        const auto value = parse_number(number);
        if (!value || !std::isfinite(*value))
            throw option_error("metric.features: " + option + " holds '" + item + "', not a time (0.05 or 50*ms)");
        values.push_back(*value * scale);
    }
    return values;
}

class feature_metric final : public metric {
public:
    explicit feature_metric(const plugin_options& o)
        : stim_start_(times("stim_start", o.string("stim_start"))),
          stim_end_(times("stim_end", o.string("stim_end"))), t_start_(o.real("t_start")),
          normalization_(o.real("normalization")), undefined_value_(o.real("undefined_value")),
          squared_(o.string("combine") == "squared") {
        context_.interp_step_ms = o.real("interp_step") * 1e3;
        context_.threshold_mv = o.real("threshold") * 1e3;
        context_.derivative_threshold = o.real("derivative_threshold");            // V/s = mV/ms
        context_.down_derivative_threshold = o.real("down_derivative_threshold");
        const auto known = features::feature_names();
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
            throw option_error("metric.features: give stim_start and stim_end (50*ms or seconds; one value, or one per "
                               "trace)");
        if (!(context_.interp_step_ms > 0) || !std::isfinite(context_.interp_step_ms))
            throw option_error("metric.features: interp_step must be a positive duration (eFEL's default: 0.1*ms)");
        if (!(t_start_ >= 0) || !std::isfinite(t_start_)) throw option_error("metric.features: t_start must be >= 0");
        if (!(normalization_ > 0) || !std::isfinite(normalization_))
            throw option_error("metric.features: normalization must be a positive number");
        if (!std::isfinite(undefined_value_)) throw option_error("metric.features: undefined_value must be finite");
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
        // The toolbox cuts the traces at t_start; eFEL's time starts there.
        const double cut = std::round(t_start_ / setup.dt);
        if (!(cut + 3 <= static_cast<double>(setup.n_steps)))
            throw input_error("metric.features: t_start leaves fewer than three samples of the traces");
        first_step_ = static_cast<std::size_t>(cut);
        data_features_.clear();
        for (std::size_t trace = 0; trace < setup.n_traces; ++trace) {
            const features::trace_context c = context(trace);
            if (!(c.stim_end_ms > c.stim_start_ms))
                throw input_error("metric.features: the stimulus of trace " + std::to_string(trace) + " ends before it starts");
            std::vector<double> mv;
            for (std::size_t k = first_step_; k < setup.n_steps && k < setup.target_traces[trace].size(); ++k) {
                const double v = setup.target_traces[trace][k];
                if (!std::isfinite(v))
                    throw input_error("metric.features: recorded trace " + std::to_string(trace) + " has a value that "
                                      "is not finite at step " + std::to_string(k) + "; cut or fill the recording");
                mv.push_back(v * 1e3 / normalization_);
            }
            if (mv.size() < 3)
                throw input_error("metric.features: recorded trace " + std::to_string(trace) + " is too short");
            data_features_.push_back(features::compute(mv, c));
        }
        traces_.assign(setup.n_samples * setup.n_traces, std::vector<double>(setup.n_steps - first_step_, 0.0));
    }

    void block(std::size_t first, std::size_t n, const double* values) override {
        for (std::size_t i = 0; i < traces_.size(); ++i)
            for (std::size_t s = 0; s < n; ++s)
                if (first + s >= first_step_)
                    traces_[i][first + s - first_step_] = values[i * n + s] * 1e3 / normalization_;  // mV
    }

    void spike(std::size_t, std::size_t) override {}

    // Per trace: sum over features of weight * combine(model, data) divided by
    // the normalization, an undefined feature taking undefined_value (the
    // toolbox's 99).
    matrix errors() const override {
        matrix e(setup_->n_samples, setup_->n_traces);
        for (std::size_t i = 0; i < traces_.size(); ++i) {
            const std::size_t trace = i % setup_->n_traces;
            // A simulation that diverged has no features: NaN, which the fit scores +inf.
            if (!std::all_of(traces_[i].begin(), traces_[i].end(), [](double x) { return std::isfinite(x); })) {
                e(i / setup_->n_traces, trace) = std::numeric_limits<double>::quiet_NaN();
                continue;
            }
            const auto model = features::compute(traces_[i], context(trace));
            double error = 0;
            for (std::size_t f = 0; f < selected_.size(); ++f) {
                const double a = model.at(selected_[f]).value_or(undefined_value_);
                const double b = data_features_[trace].at(selected_[f]).value_or(undefined_value_);
                error += weights_[f] * (squared_ ? (a - b) * (a - b) : std::abs(a - b));
            }
            e(i / setup_->n_traces, trace) = error / normalization_;
        }
        return e;
    }

    // Features of traces divided by the normalization cannot be undone in
    // general (a spike time does not scale, a voltage does).
    double raw_error_factor() const override {
        return normalization_ == 1 ? 1.0 : std::numeric_limits<double>::quiet_NaN();
    }

private:
    features::trace_context context(std::size_t trace) const {
        auto pick = [&](const std::vector<double>& v) { return v.size() == 1 ? v[0] : v[trace]; };
        features::trace_context c = context_;
        c.dt_ms = setup_->dt * 1e3;
        c.stim_start_ms = pick(stim_start_) * 1e3;
        c.stim_end_ms = pick(stim_end_) * 1e3;
        return c;
    }

    features::trace_context context_;
    std::vector<double> stim_start_, stim_end_;
    double t_start_, normalization_, undefined_value_;
    bool squared_;
    std::vector<std::string> selected_;
    std::vector<double> weights_;
    const metric_setup* setup_ = nullptr;
    std::size_t first_step_ = 0;
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
         .description = "eFEL's electrophysiology features of each trace; weighted differences, as the toolbox's "
                        "FeatureMetric",
         .options = {{.name = "features", .type = option_type::string, .default_value = default_features(),
                      .help = "comma-separated eFEL feature names (cellfit features lists them with units)",
                      .choices = {}},
                     {.name = "weights", .type = option_type::string, .default_value = "",
                      .help = "NAME=W,... (default weight 1)", .choices = {}},
                     {.name = "stim_start", .type = option_type::string, .default_value = "",
                      .help = "stimulus start, from t_start (50*ms, or seconds): one value, or one per trace "
                              "(comma-separated)",
                      .choices = {}},
                     {.name = "stim_end", .type = option_type::string, .default_value = "",
                      .help = "stimulus end, from t_start (250*ms, or seconds): one value, or one per trace",
                      .choices = {}},
                     {.name = "t_start", .type = option_type::real, .default_value = "0",
                      .help = "the traces are cut here before their features are computed, as the toolbox does",
                      .choices = {}, .unit = "second"},
                     {.name = "interp_step", .type = option_type::real, .default_value = "0.0001",
                      .help = "eFEL resamples every trace to this step first (eFEL's default 0.1 ms)", .choices = {},
                      .unit = "second"},
                     {.name = "combine", .type = option_type::string, .default_value = "absolute",
                      .help = "how a feature's model and data values make its error", .choices = {"absolute", "squared"}},
                     {.name = "normalization", .type = option_type::real, .default_value = "1",
                      .help = "traces are divided by it before their features, and errors after (the toolbox's)",
                      .choices = {}},
                     {.name = "undefined_value", .type = option_type::real, .default_value = "99",
                      .help = "the value an undefined feature takes (the toolbox's 99)", .choices = {}},
                     {.name = "threshold", .type = option_type::real, .default_value = "-0.02",
                      .help = "spike detection threshold (eFEL's Threshold, -20 mV)", .choices = {}, .unit = "volt"},
                     {.name = "derivative_threshold", .type = option_type::real, .default_value = "10",
                      .help = "AP onset: dV/dt from this up (eFEL's DerivativeThreshold, 10 mV/ms)", .choices = {},
                      .unit = "volt/second"},
                     {.name = "down_derivative_threshold", .type = option_type::real, .default_value = "-12",
                      .help = "AP end: dV/dt back above this (eFEL's DownDerivativeThreshold, -12 mV/ms)",
                      .choices = {}, .unit = "volt/second"}}},
        [](const plugin_options& o) { return std::make_unique<feature_metric>(o); });
}
