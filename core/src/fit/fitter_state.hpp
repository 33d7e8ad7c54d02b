#pragma once

// The fitter's state, shared by fitter.cpp (the rounds) and refine.cpp.

#include "batch_evaluator.hpp"
#include "fit_checks.hpp"
#include "trace_residuals.hpp"

#include <cellfit/fit/fitter.hpp>
#include <cellfit/io/numbers.hpp>
#include <cellfit/optimizer.hpp>

#include <atomic>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <memory>
#include <mutex>

namespace cellfit {

namespace detail {

// optimizer "multistart" (cellfit/fit/multistart.hpp): how it spends a round.
struct multistart_plan {
    std::size_t starts_per_round = 1;
    std::size_t evaluations_per_start = 0;  // the round's samples / starts_per_round
    std::size_t judged_rounds = 1;          // rounds a descent is judged over: start_samples' worth, at most 10
    gradient_kind gradient = gradient_kind::finite_differences;
    std::vector<residual_output> outputs;
};

// A residual evaluation of one start of a multistart round.
struct start_record {
    std::size_t start = 0;  // its row in the round's starts
    std::vector<double> params;
    std::vector<double> objectives;  // each output's mse
};

// Bit for bit (a replay must reproduce the samples exactly; -0 is not 0).
inline bool bit_equal(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

// "gl = 1e-08, C = 2e-10": a sample for messages.
inline std::string sample_text(const std::vector<std::string>& names, std::span<const double> x) {
    std::string text;
    for (std::size_t k = 0; k < names.size() && k < x.size(); ++k)
        text += (text.empty() ? "" : ", ") + names[k] + " = " + format_number(x[k]);
    return text;
}

// start, parameters, objectives of each record, one after another: what a
// process sends back for its starts of a multistart round.
std::vector<double> flatten_records(const std::vector<start_record>& records);

} // namespace detail

using detail::batch_evaluator;
using detail::bound_metric;

struct fitter::state {
    fit_target target;
    model m;
    fit_data data;
    fitter_settings settings;
    const plugin_registry& registry;
    std::size_t n_traces = 0;
    std::size_t n_steps = 0;
    std::string method;         // the integrator that runs the model
    std::string method_origin;  // "given", "Brian's default choice", ...
    std::vector<std::string> data_warnings;  // found by the constructor: units, initial values

    // The running fit, set up by the first fit() or a restart.
    bool started = false;
    std::optional<fit_options> prepared;  // by prepare(): the next fit() runs this set-up
    std::string optimizer_name;
    raw_options optimizer_options;
    std::vector<metric_choice> metric_choices;
    std::map<std::string, fit_bound> bounds;
    std::string penalty;
    bool multi_objective = false;     // the optimizer is told every objective
    std::vector<std::string> fitted;         // parameter names, in the model's order
    std::vector<dimension> fitted_dims;
    std::shared_ptr<optimizer> opt;
    std::optional<detail::multistart_plan> multistart;  // set when the optimizer is multistart (opt: its design)
    // What this process's descents found (each once), for the fit's warnings.
    mutable std::vector<std::string> multistart_warnings;
    mutable std::mutex multistart_warnings_mutex;
    std::unique_ptr<batch_evaluator> evaluator;  // this process's share of a round (none when it is empty)
    std::size_t population = 0;
    std::size_t share_first = 0, share_count = 0;  // the samples of a round this process simulates
    std::size_t iteration = 0;  // the value of `iteration` in the next round
    std::size_t round = 0;      // rounds run since the start: the random stream of the round's draws
    std::uint64_t random_seed = 0;  // the fit's seed, which keys the random draws too
    dimension error_dim;
    std::vector<std::string> start_warnings;  // found when the fit started, repeated by each fit()
    fit_results results;
    std::string description;  // kept by results across starts
    std::atomic<bool> stop_requested{false};

    state(fit_target t, model model_, fit_data d, fitter_settings s, const plugin_registry& r)
        : target(t), m(std::move(model_)), data(std::move(d)), settings(std::move(s)), registry(r) {}

    void start(const fit_options& options);
    void check_continuation(const fit_options& options) const;
    std::vector<bound_metric> make_metrics(const fit_options& options, std::vector<dimension>& dims) const;
    simulation_setup base_setup(std::size_t n_neurons) const;
    // The round's objectives, population x objectives; with a round
    // exchange, the other processes simulate their shares.
    matrix evaluate_round(const matrix& asked);
    // This process's share: value(sample, parameter) of every sample of the round.
    matrix evaluate_share(const std::function<double(std::size_t, std::size_t)>& value, std::size_t round_iteration,
                          std::uint64_t random_stream);
    std::string describe(const std::map<std::string, double>& params) const;
    // multistart (multistart.cpp): checks the fit and makes the plan.
    void plan_multistart(const fit_options& options);
    // One round: least squares from each start (rows), spread over the
    // round exchange; the records of every start, in start order.
    std::vector<detail::start_record> run_multistart_round(const matrix& starts);
    // The starts of a round of descents: the best sample so far while the
    // last round still lowered it, then the screen's points from the lowest
    // error up, then new design points. Returns how many come before the
    // design's new ones. `samples`: the fit's so far.
    std::size_t multistart_starts(const std::vector<sample_record>& samples, std::size_t round_index,
                                  std::size_t first_round, matrix& starts);
    // The design's new starts (after the `reused` ones) and their lowest errors.
    void tell_design(const matrix& starts, const matrix& errors, std::size_t reused);
    // resume: a recorded round told to the design again (its starts checked).
    void replay_multistart_round(const fit_results& recorded, std::size_t begin, std::size_t end, std::size_t round);
    // This process's starts [first, last) of a round.
    std::vector<detail::start_record> run_starts(const matrix& starts, std::size_t first, std::size_t last,
                                                 std::size_t round_iteration) const;
    // Each output's MSE residuals: the options `given` for it, else the
    // fit's mse options. `same_as_fit`: the fit scored every output by mse
    // with these options, so the residuals' sum of squares is its error.
    std::vector<detail::residual_output> residual_outputs(const std::map<std::string, raw_options>& given,
                                                          bool& same_as_fit) const;
};


namespace detail {

inline std::string plain_name(const std::string& name, const char* kind) {
    const std::string prefix = std::string(kind) + ".";
    return name.starts_with(prefix) ? name.substr(prefix.size()) : name;
}

// The metric chosen for an output: its own, else the one for every output.
inline const metric_choice* choice_for(const std::vector<metric_choice>& choices, const std::string& output) {
    for (const auto& c : choices)
        if (c.output == output) return &c;
    for (const auto& c : choices)
        if (c.output.empty()) return &c;
    return nullptr;
}

} // namespace detail

} // namespace cellfit
