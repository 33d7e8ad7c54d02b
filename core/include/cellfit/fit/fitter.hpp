#pragma once

// Fitting a model to recordings: TraceFitter, SpikeFitter and
// OnlineTraceFitter of brian2modelfitting, round by round. Each round the
// optimizer proposes a population of parameter samples; the simulator runs
// every sample against every input trace at once (neuron i carries sample
// i / n_traces and trace i % n_traces); the metrics score the streamed
// simulation; the errors go back to the optimizer.

#include <cellfit/export.hpp>
#include <cellfit/fit/fit_data.hpp>
#include <cellfit/fit/fit_options.hpp>
#include <cellfit/fit/refine_options.hpp>
#include <cellfit/fit/results.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/sim/simulation.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cellfit {

class plugin_registry;

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

    // Sets up a fit (optimizer, metrics, bounds; the kernel is compiled)
    // without running a round, so that a caller can describe it first
    // (population_size, population_note). fit() with the same options then
    // runs the rounds; it prepares by itself when this was not called.
    void prepare(const fit_options& options);

    // Runs n_rounds rounds. A second call continues the same optimizer and
    // metrics (they may not change) unless options.restart. Diverged samples
    // score +inf. Errors thrown mid-fit leave the results of the finished
    // rounds in results().
    fit_outcome fit(const fit_options& options);

    // Continues the fit recorded in `recorded` (read_results of a JSON file):
    // starts the optimizer with `options` as fit() would, then tells it
    // every recorded round without simulating, so that the next fit()
    // continues exactly where the recorded one stopped (its samples, rounds,
    // random streams and `iteration`). The optimizer must propose exactly the
    // recorded samples, round by round; input_error names the first round
    // where it does not (another set-up made the file, or the optimizer
    // cannot be replayed). With options.restart the recorded samples are kept
    // but a fresh optimizer starts, with `iteration` from
    // options.start_iteration (else 0), as brian2modelfitting's restart.
    // options.n_rounds is the budget the recorded fit was set up with, and
    // options.optimizer the optimizer it ran: left empty, it is chosen from
    // options' budget as fit() chose it, so name it (optimizer_name() and
    // optimizer_options() after the first fit) when the budget differs.
    void resume(const fit_results& recorded, const fit_options& options);

    // On a process after the first of settings.exchange: sets up the fit
    // as fit() would with `options` (the same on every process), then
    // simulates this process's share of each round the first one sends,
    // until it finishes. A set-up that fails answers every round with its
    // error, so that the first process stops with it, and then throws.
    void serve(const fit_options& options);

    // Polishes parameters by bounded least squares on the traces' residuals
    // (model - data) * sqrt(weights) / normalization, stacked over traces and
    // outputs; standard errors and correlations from the Jacobian at the
    // solution. The outcome is also results().refine, and the best
    // parameters become the refined ones when their error is lower. Throws
    // input_error for a spike fit (no traces) or a start without every
    // parameter.
    refine_record refine(const refine_options& options = {});

    // The seed of the model's random draws (rand(), randn(), xi) in
    // generate() and refine() until a fit sets its own: the recorded fit's,
    // to simulate its best parameters again exactly.
    void seed_random_draws(std::uint64_t seed) noexcept;

    // The description of the fit that its results carry (results().description:
    // a JSON object; the command line records its flags and data files there).
    void describe_results(std::string json_object);

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

    // The integrator that runs the model ("none" without ODEs), and how it
    // was chosen: "given", "Brian's default choice" (with a note when
    // exponential_euler could integrate the model instead of Brian's euler),
    // or the spike fitter's default. Chosen once, by the constructor.
    const std::string& method() const noexcept;

    // The optimizer that runs (once prepared or fitted; chosen from the
    // budget when fit_options named none), without "optimizer.", and its options.
    const std::string& optimizer_name() const noexcept;
    const std::vector<std::pair<std::string, std::string>>& optimizer_options() const noexcept;
    const std::string& method_origin() const noexcept;

    // Samples per round the optimizer uses (once prepared or fitted), and
    // why it differs from the settings' n_samples ("" when it does not).
    std::size_t population_size() const noexcept;
    std::string population_note() const;

    // What looks wrong in the data and set-up, found before any simulation:
    // recordings implausible in their unit, a state variable left at 0 whose
    // equation names a rest value; once prepared, also a population the
    // optimizer changed and errors summed across units. fit_outcome.warnings
    // begins with these, then adds what the rounds found.
    std::vector<std::string> setup_warnings() const;

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
