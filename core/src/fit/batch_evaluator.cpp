#include "batch_evaluator.hpp"

#include <cellfit/error.hpp>
#include <cellfit/expr/transform.hpp>
#include <cellfit/units/quantity.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace cellfit::detail {

namespace {

// Routes the streamed recording to the metrics.
class metric_router final : public simulation_consumer {
public:
    metric_router(std::vector<bound_metric>& metrics, const std::vector<std::size_t>& record_index)
        : metrics_(metrics), record_index_(record_index) {}

    void block(std::size_t first, std::size_t n, const std::vector<const double*>& values) override {
        for (std::size_t k = 0; k < metrics_.size(); ++k)
            if (metrics_[k].scorer->uses_traces()) metrics_[k].scorer->block(first, n, values[record_index_[k]]);
    }
    void spike(std::size_t neuron, std::size_t step) override {
        for (auto& bm : metrics_)
            if (bm.scorer->uses_spikes()) bm.scorer->spike(neuron, step);
    }

private:
    std::vector<bound_metric>& metrics_;
    const std::vector<std::size_t>& record_index_;
};

simulation_setup with_recording(simulation_setup setup, const std::vector<bound_metric>& metrics,
                                std::vector<std::size_t>& record_index) {
    setup.record.clear();
    for (const auto& bm : metrics) {
        std::size_t index = 0;
        if (bm.scorer->uses_traces()) {
            auto it = std::find(setup.record.begin(), setup.record.end(), bm.output);
            index = static_cast<std::size_t>(it - setup.record.begin());
            if (it == setup.record.end()) setup.record.push_back(bm.output);
        }
        record_index.push_back(index);
    }
    return setup;
}

} // namespace

batch_evaluator::batch_evaluator(const model& m, simulation_setup setup, std::vector<bound_metric> metrics,
                                 std::string penalty, const batch_layout& layout, const plugin_registry& registry)
    : m_(m), metrics_(std::move(metrics)), penalty_(std::move(penalty)), layout_(layout), parameters_(setup.parameters),
      sim_(m, with_recording(std::move(setup), metrics_, record_index_), registry) {}

const std::string& batch_evaluator::method() const { return sim_.method(); }

matrix batch_evaluator::evaluate(const std::map<std::string, std::vector<double>>& parameters,
                                 std::uint64_t random_stream) {
    sim_.restart(parameters, random_stream);
    for (const auto& [name, values] : parameters) parameters_[name] = values;
    for (auto& bm : metrics_) bm.scorer->start(bm.setup);
    metric_router router(metrics_, record_index_);
    const simulation_summary summary = sim_.run(router);
    for (const auto& w : summary.warnings)
        if (std::find(warnings_.begin(), warnings_.end(), w) == warnings_.end()) warnings_.push_back(w);

    const std::size_t n_objectives = metrics_.size() + (penalty_.empty() ? 0 : 1);
    const double inf = std::numeric_limits<double>::infinity();
    matrix objectives(layout_.n_samples, n_objectives, 0.0);
    for (std::size_t k = 0; k < metrics_.size(); ++k) {
        const matrix e = metrics_[k].scorer->errors();
        if (e.rows() != layout_.n_samples || e.cols() != layout_.n_traces)
            throw plugin_contract_error("metric." + metrics_[k].name + " returned " + std::to_string(e.rows()) + " x " +
                                        std::to_string(e.cols()) + " errors for " + std::to_string(layout_.n_samples) +
                                        " samples x " + std::to_string(layout_.n_traces) + " traces");
        for (std::size_t s = 0; s < layout_.n_samples; ++s) {
            double sum = 0;
            for (std::size_t t = 0; t < layout_.n_traces; ++t) sum += e(s, t);
            objectives(s, k) = std::isnan(sum) ? inf : sum / static_cast<double>(layout_.n_traces);
        }
    }
    if (!penalty_.empty()) {
        const std::vector<double> values =
            final_values(m_, penalty_, summary, parameters_, layout_.n_samples * layout_.n_traces,
                         static_cast<double>(layout_.n_steps) * layout_.dt);
        for (std::size_t s = 0; s < layout_.n_samples; ++s) {
            double sum = 0;
            for (std::size_t t = 0; t < layout_.n_traces; ++t) sum += values[s * layout_.n_traces + t];
            objectives(s, metrics_.size()) = std::isnan(sum) ? inf : sum / static_cast<double>(layout_.n_traces);
        }
    }
    for (std::size_t n = 0; n < summary.diverged.size(); ++n)
        if (summary.diverged[n])
            for (std::size_t k = 0; k < n_objectives; ++k) objectives(n / layout_.n_traces, k) = inf;
    return objectives;
}

std::vector<double> final_values(const model& m, const std::string& variable, const simulation_summary& summary,
                                 const std::map<std::string, std::vector<double>>& parameters, std::size_t n_neurons,
                                 double t_end) {
    if (auto it = summary.final_state.find(variable); it != summary.final_state.end()) return it->second;
    // A subexpression: expanded into states, parameters and constants.
    std::vector<std::pair<std::string, expr::ptr>> expanded;
    expr::ptr value;
    for (const auto& sub : m.subexpressions) {
        expr::ptr rhs = expr::substitute(sub.rhs, expanded);
        expanded.emplace_back(sub.name, rhs);
        if (sub.name == variable) value = rhs;
    }
    if (!value) throw input_error("the penalty '" + variable + "' is not a state variable or subexpression of the model");
    std::vector<double> out(n_neurons);
    for (std::size_t n = 0; n < n_neurons; ++n)
        out[n] = expr::evaluate(value, [&](const std::string& id) -> double {
            if (id == "t") return t_end;
            if (auto s = summary.final_state.find(id); s != summary.final_state.end()) return s->second[n];
            if (auto p = parameters.find(id); p != parameters.end()) return p->second.size() == 1 ? p->second[0] : p->second[n];
            if (double x = 0; constant_value(m, id, x)) return x;
            throw input_error("the penalty '" + variable + "' uses '" + id +
                              "', which has no value at the end of the simulation (inputs and timed arrays do not)");
        });
    return out;
}

} // namespace cellfit::detail
