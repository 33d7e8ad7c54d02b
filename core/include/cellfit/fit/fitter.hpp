#pragma once

// Fitting a model to recordings: TraceFitter, SpikeFitter and
// OnlineTraceFitter of brian2modelfitting, round by round. Each round the
// optimizer proposes a population of parameter samples; the simulator runs
// every sample against every input trace at once (neuron i carries sample
// i / n_traces and trace i % n_traces); the metrics score the streamed
// simulation; the errors go back to the optimizer.

#include <cellfit/export.hpp>
#include <cellfit/fit/results.hpp>
#include <cellfit/matrix.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/options.hpp>
#include <cellfit/sim/simulation.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cellfit {

class plugin_registry;

// A recorded variable to fit: one row per input trace, one value per step, SI.
struct trace_output {
    std::string variable;  // a state variable or subexpression of the model
    std::vector<std::vector<double>> traces;
};

// What the fit is given besides the model: the inputs and the recording.
struct fit_data {
    double dt = 0;            // seconds: the sampling interval of the recording
    std::size_t n_steps = 0;  // 0: the length of the inputs
    // Inputs and timed arrays by name: one row per trace (or one for all).
    std::map<std::string, lookup_table> inputs;
    std::vector<trace_output> outputs;          // traces to fit (TraceFitter, OnlineTraceFitter)
    std::vector<std::vector<double>> spikes;    // spike times in seconds, one list per trace (SpikeFitter)
};

// The fitter's fixed choices (brian2modelfitting's constructor arguments
// besides the model and data).
struct fitter_settings {
    std::size_t n_samples = 30;  // samples per round; the optimizer may round it
    std::string method;          // integrator; empty: Brian's default choice
    std::string backend = "compiled";  // a backend plugin's name (simulation_setup::backend)
    unsigned threads = 1;
    // Parameters that are not fitted, in SI: one value for all samples.
    std::map<std::string, double> fixed_parameters;
    // Initial values in order, as expressions (they may use the parameters).
    std::vector<std::pair<std::string, std::string>> param_init;
    // A state variable or subexpression whose value at the end of each
    // simulation is added to the sample's error (summed over traces).
    std::string penalty;
};

// A fitted parameter's search interval, SI; log_scale searches log(x).
struct fit_bound {
    double lower = 0;
    double upper = 0;
    bool log_scale = false;
};

// One metric: for every output (output empty) or for one output variable.
// For a SpikeFitter the output is "spikes".
struct metric_choice {
    std::string output;
    std::string name;
    raw_options options;
};

// What a callback sees after each round.
struct round_report {
    std::size_t round = 0;                     // 0, 1, ... over the fitter's life
    std::size_t n_rounds = 0;                  // rounds asked of this fit() call
    const std::vector<std::string>* parameter_names = nullptr;
    const matrix* samples = nullptr;           // this round's samples (rows), SI
    const std::vector<double>* errors = nullptr;  // their total errors
    const std::map<std::string, double>* best_params = nullptr;  // best so far, SI
    double best_error = 0;
    std::string error_unit;                    // of the total error
    std::string best_params_text;              // "gl = 10.2 nS, Cm = 198 pF"
    std::string best_error_text;               // "1.005 mV^2"
    double seconds = 0;                        // this round's wall time
};

// Returns true to stop the fit after this round.
using fit_callback = std::function<bool(const round_report&)>;

// The built-in callbacks: one line per round, or a progress bar that
// redraws itself on a terminal.
CELLFIT_API fit_callback text_callback(std::ostream& out);
CELLFIT_API fit_callback progress_callback(std::ostream& out);

struct fit_options {
    std::string optimizer;       // empty: cellfit::default_optimizer
    raw_options optimizer_options;
    std::vector<metric_choice> metrics;  // empty: mse for traces, gamma for spikes
    std::size_t n_rounds = 10;
    fit_callback callback;               // none: silent
    bool restart = false;                // start over (new optimizer, metrics, bounds allowed)
    std::optional<std::size_t> start_iteration;  // value of `iteration` in the first round
    std::optional<std::string> penalty;  // overrides the fitter's penalty
    std::map<std::string, fit_bound> bounds;  // by parameter name: these are fitted
    std::uint64_t seed = 1;
    // Tell the optimizer each objective (one per output, and the penalty)
    // instead of their sum: for multi-objective optimizers (pagmo.nsga2).
    bool multi_objective = false;
};

struct fit_outcome {
    std::map<std::string, double> best_params;  // SI
    double best_error = 0;
    std::string error_unit;
    std::size_t rounds_run = 0;    // in this call
    bool stopped = false;          // by the callback or stop()
    std::vector<std::string> warnings;  // e.g. a population the optimizer changed
};

struct refine_options {
    // Where to start: these parameters (SI), or else the best `top` distinct
    // samples of the fit (each refined, on its own thread; the best kept).
    std::optional<std::map<std::string, double>> params;
    std::size_t top = 1;
    // Or several starts given (each refined, the best kept).
    std::vector<std::map<std::string, double>> starts;
    // The MSE of each output (t_start, t_weights, normalization, as
    // metric.mse): by output variable; default: the fit's mse options.
    std::map<std::string, raw_options> metric_options;
    // How the Jacobian of the residuals is computed: finite differences (every
    // parameter perturbed in one batch simulation), the exact derivative of
    // the discrete simulation, or brian2modelfitting's continuous sensitivity
    // equations integrated with the model.
    gradient_kind gradient = gradient_kind::finite_differences;
    std::map<std::string, fit_bound> bounds;  // default: the fit's (else unbounded)
    std::optional<std::size_t> iteration;     // the value of `iteration`; default 1e9
    std::size_t max_nfev = 0;                 // residual evaluations per start; 0: 100 * (parameters + 1)
    double ftol = 1e-10, xtol = 1e-10, gtol = 1e-10;
    // Called at each accepted point: parameters (SI), error, evaluations so
    // far; true stops the refinement there. (Only with a single start.)
    std::function<bool(const std::map<std::string, double>&, double, std::size_t)> callback;
};

// Which recording the fitter compares against.
enum class fit_target { traces, spikes, online_traces };

class CELLFIT_API fitter {
public:
    // Checks the model, data and settings (input_error or model_error with the
    // place and the fix). Adds the shared parameter `iteration` (the round
    // number) to the model unless it declares one.
    fitter(fit_target target, const model_spec& spec, fit_data data, fitter_settings settings,
           const plugin_registry& registry);
    ~fitter();
    fitter(fitter&&) noexcept;

    // Runs n_rounds rounds. A second call continues the same optimizer and
    // metrics (they may not change) unless options.restart. Diverged samples
    // score +inf. Errors thrown mid-fit leave the results of the finished
    // rounds in results().
    fit_outcome fit(const fit_options& options);

    // Polishes parameters by bounded least squares on the traces' residuals
    // (model - data) * sqrt(weights) / normalization, stacked over traces and
    // outputs; standard errors and correlations from the Jacobian at the
    // solution. The outcome is also results().refine, and the best
    // parameters become the refined ones when their error is lower. Throws
    // input_error for a spike fit (no traces) or a start without every
    // parameter.
    refine_record refine(const refine_options& options = {});

    // Asks a running fit() to stop after the current round (thread-safe,
    // async-signal-safe).
    void stop() noexcept;

    // Every evaluated sample, in order.
    const fit_results& results() const noexcept;

    // Simulates the given parameters (default: the best so far) against every
    // input trace and records the variables; "spikes" gives spike times.
    // iteration: the value of `iteration` (default 1e9, as brian2modelfitting).
    struct generated {
        std::map<std::string, std::vector<std::vector<double>>> traces;  // variable -> rows = traces, SI
        std::vector<std::vector<double>> spikes;                          // seconds, per trace
    };
    generated generate(const std::vector<std::string>& variables,
                       const std::optional<std::map<std::string, double>>& params = std::nullopt,
                       const std::vector<std::pair<std::string, std::string>>& param_init = {},
                       std::optional<std::size_t> iteration = std::nullopt) const;

    const model& fitted_model() const noexcept;
    std::size_t n_traces() const noexcept;
    std::size_t n_steps() const noexcept;
    double dt() const noexcept;

private:
    struct state;
    std::unique_ptr<state> state_;
};

// The model a fitter fits: the spec's, with the shared parameter
// `iteration` added unless declared. Throws model_error or input_error.
CELLFIT_API model build_fit_model(const model_spec& spec);

// brian2modelfitting's names for the three kinds.
class CELLFIT_API trace_fitter : public fitter {
public:
    trace_fitter(const model_spec& spec, fit_data data, fitter_settings settings, const plugin_registry& registry)
        : fitter(fit_target::traces, spec, std::move(data), std::move(settings), registry) {}
};
class CELLFIT_API spike_fitter : public fitter {
public:
    spike_fitter(const model_spec& spec, fit_data data, fitter_settings settings, const plugin_registry& registry)
        : fitter(fit_target::spikes, spec, std::move(data), std::move(settings), registry) {}
};
// Mean squared error only, accumulated while the simulation runs. (Every
// cellfit metric streams, so no fitter keeps traces; this one exists for
// brian2modelfitting's users and refuses other metrics.)
class CELLFIT_API online_trace_fitter : public fitter {
public:
    online_trace_fitter(const model_spec& spec, fit_data data, fitter_settings settings,
                        const plugin_registry& registry)
        : fitter(fit_target::online_traces, spec, std::move(data), std::move(settings), registry) {}
};

} // namespace cellfit
