// fitter::refine: least squares from the best samples of a fit (or given
// parameters), with finite-difference or sensitivity Jacobians.

#include "fit_diagnostics.hpp"
#include "fitter_state.hpp"
#include "trace_residuals.hpp"

#include <cellfit/error.hpp>
#include <cellfit/fit/least_squares.hpp>
#include <cellfit/io/csv.hpp>
#include <cellfit/registry.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

namespace cellfit {

namespace {

const char* gradient_name(gradient_kind g) {
    switch (g) {
    case gradient_kind::finite_differences: return "fd";
    case gradient_kind::discrete: return "discrete";
    case gradient_kind::sensitivity: return "sensitivity";
    }
    return "";
}

const char* status_name(least_squares_status s) {
    switch (s) {
    case least_squares_status::max_nfev: return "max_nfev";
    case least_squares_status::gtol: return "gtol";
    case least_squares_status::ftol: return "ftol";
    case least_squares_status::xtol: return "xtol";
    case least_squares_status::not_finite: return "not_finite";
    case least_squares_status::stopped: return "stopped";
    }
    return "";
}

// An output's MSE settings, read as metric.mse reads them.
detail::residual_output output_settings(const trace_output& out, const raw_options& raw, const plugin_registry& registry,
                                        double dt, std::size_t n_steps) {
    const plugin_options o = validate_options(registry.get(plugin_kind::metric, "mse").info, raw);
    detail::residual_output r;
    r.variable = out.variable;
    r.traces = &out.traces;
    r.normalization = o.real("normalization");
    r.normalized = o.given("normalization");
    const std::string where = "refine, output " + out.variable + ": ";
    if (!(r.normalization > 0) || !std::isfinite(r.normalization))
        throw input_error(where + "normalization must be a positive number");
    if (!(o.real("t_start") >= 0) || !std::isfinite(o.real("t_start"))) throw input_error(where + "t_start must be >= 0 seconds");
    const std::string& weights = o.string("t_weights");
    if (!weights.empty()) {
        if (o.given("t_start")) throw input_error(where + "give t_start or t_weights, not both");
        r.weights = read_step_weights(weights);
        if (r.weights.size() != n_steps)
            throw input_error(where + "t_weights " + weights + " has " + std::to_string(r.weights.size()) + " values for " +
                              std::to_string(n_steps) + " steps");
    } else {
        r.first_counted = static_cast<std::size_t>(std::ceil(o.real("t_start") / dt - 1e-9));
        if (r.first_counted >= n_steps) throw input_error("refine: t_start leaves no step of " + out.variable + " to compare");
    }
    return r;
}

} // namespace

std::vector<detail::residual_output> fitter::state::residual_outputs(const std::map<std::string, raw_options>& given,
                                                                     bool& same_as_fit) const {
    std::vector<detail::residual_output> outputs;
    same_as_fit = true;
    for (const auto& out : data.outputs) {
        // A trace fit given no metric scores every output by mse.
        const metric_choice* c = detail::choice_for(metric_choices, out.variable);
        const bool fit_by_mse = c ? detail::plain_name(c->name, "metric") == "mse" : target != fit_target::spikes;
        const raw_options fit_options = c ? c->options : raw_options{};
        raw_options raw = fit_by_mse ? fit_options : raw_options{};
        if (auto it = given.find(out.variable); it != given.end()) raw = it->second;
        // The residuals' error is the fit's own when the fit scored this
        // output by mse with the same settings.
        same_as_fit = same_as_fit && fit_by_mse && raw == fit_options;
        outputs.push_back(output_settings(out, raw, registry, data.dt, n_steps));
    }
    return outputs;
}

refine_record fitter::refine(const refine_options& options) {
    state& s = *state_;
    if (s.target == fit_target::spikes)
        throw input_error("refine fits traces by least squares; a spike fit has no recorded traces to compare");
    const auto started_at = std::chrono::steady_clock::now();

    // The parameters to refine and their box.
    std::map<std::string, fit_bound> bounds = options.bounds.empty() && s.started ? s.bounds : options.bounds;
    std::vector<std::string> fitted;
    if (!bounds.empty()) {
        fitted = detail::check_bounds(s.m, bounds, s.settings.fixed_parameters);
    } else if (options.params || !options.starts.empty()) {
        for (const auto& p : s.m.parameters)
            if (p.name != detail::iteration_name && !s.settings.fixed_parameters.count(p.name)) fitted.push_back(p.name);
    }
    if (fitted.empty()) throw input_error("refine: nothing to refine; give bounds or the parameters to start from");

    // Where to start.
    std::vector<std::vector<double>> starts;
    std::vector<std::map<std::string, double>> given = options.starts;
    if (options.params) given.insert(given.begin(), *options.params);
    if (!given.empty()) {
        for (const auto& start : given) {
            std::vector<double> x;
            for (const auto& name : fitted) {
                auto it = start.find(name);
                if (it == start.end())
                    throw input_error("refine: the start has no value for " + name + " (give every fitted parameter)");
                x.push_back(it->second);
            }
            starts.push_back(std::move(x));
        }
    } else {
        const auto& r = s.results;
        if (r.parameter_names != fitted)
            throw input_error("refine: no fit to start from; run fit() first or give the parameters to start from");
        for (std::size_t k : r.best_distinct(std::max<std::size_t>(1, options.top))) starts.push_back(r.samples[k].params);
        if (starts.empty()) throw input_error("refine: the fit has no sample with a finite error to start from");
    }

    bool comparable = false;
    const std::vector<detail::residual_output> outputs = s.residual_outputs(options.metric_options, comparable);
    comparable = comparable && s.started && s.penalty.empty();

    least_squares_problem problem_template;
    for (const auto& name : fitted) {
        auto it = bounds.find(name);
        problem_template.lower.push_back(it == bounds.end() ? -std::numeric_limits<double>::infinity() : it->second.lower);
        problem_template.upper.push_back(it == bounds.end() ? std::numeric_limits<double>::infinity() : it->second.upper);
    }
    least_squares_options solver;
    solver.max_nfev = options.max_nfev;
    solver.ftol = options.ftol;
    solver.xtol = options.xtol;
    solver.gtol = options.gtol;
    const gradient_kind kind = options.gradient;

    // One refinement per start, each on its own thread with its own simulators.
    struct run {
        least_squares_result result;
        std::size_t simulations = 0;
        std::vector<std::string> warnings;
        std::exception_ptr failure;
    };
    std::vector<run> runs(starts.size());
    const unsigned per_start = std::max(1u, s.settings.threads / static_cast<unsigned>(starts.size()));
    auto refine_one = [&](std::size_t k) {
        try {
            simulation_setup base = s.base_setup(s.n_traces);
            base.threads = per_start;
            // Every evaluation and every perturbed sample of one trace sees
            // the same noise: the objective is then a function of the
            // parameters, and finite differences measure their effect alone.
            base.common_random_numbers = true;
            base.parameters[detail::iteration_name] = {static_cast<double>(options.iteration.value_or(1000000000))};
            for (std::size_t j = 0; j < fitted.size(); ++j) base.parameters[fitted[j]] = {starts[k][j]};
            detail::trace_residuals residuals(s.m, base, outputs, fitted, kind, s.registry);
            residuals.lower = problem_template.lower;
            residuals.upper = problem_template.upper;
            least_squares_problem problem = problem_template;
            problem.n_residuals = residuals.size();
            problem.residuals = [&](const std::vector<double>& x, std::vector<double>& r) { residuals.residuals(x, r); };
            problem.jacobian = [&](const std::vector<double>& x, const std::vector<double>& r, matrix& J) {
                residuals.jacobian(x, r, J);
            };
            std::size_t accepted = 0;
            if (options.callback && starts.size() == 1)
                problem.on_accept = [&](const std::vector<double>& x, double cost) {
                    std::map<std::string, double> p;
                    for (std::size_t j = 0; j < fitted.size(); ++j) p[fitted[j]] = x[j];
                    return options.callback(p, 2 * cost, ++accepted);
                };
            runs[k].result = solve_least_squares(problem, starts[k], solver);
            runs[k].simulations = residuals.simulations();
            runs[k].warnings = residuals.warnings();
        } catch (...) {
            runs[k].failure = std::current_exception();
        }
    };
    if (starts.size() == 1) {
        refine_one(0);
    } else {
        std::vector<std::thread> threads;
        for (std::size_t k = 0; k < starts.size(); ++k) threads.emplace_back(refine_one, k);
        for (auto& t : threads) t.join();
    }
    std::size_t best = runs.size();
    for (std::size_t k = 0; k < runs.size(); ++k)
        if (!runs[k].failure && (best == runs.size() || runs[k].result.cost < runs[best].result.cost)) best = k;
    if (best == runs.size()) std::rethrow_exception(runs.front().failure);
    std::vector<std::string> failed;  // starts that could not be refined are named, not hidden
    for (std::size_t k = 0; k < runs.size(); ++k)
        if (runs[k].failure) try {
                std::rethrow_exception(runs[k].failure);
            } catch (const std::exception& e) {
                failed.push_back("start " + std::to_string(k + 1) + " of " + std::to_string(runs.size()) + " failed: " + e.what());
            }

    const least_squares_result& r = runs[best].result;
    refine_record rec;
    rec.parameter_names = fitted;
    for (const auto& name : fitted) rec.parameter_units.push_back(unit_name(s.m.find(name)->dim));
    rec.params = r.x;
    rec.standard_errors = r.standard_errors;
    for (std::size_t i = 0; i < fitted.size(); ++i) {
        rec.correlation.emplace_back();
        for (std::size_t j = 0; j < fitted.size(); ++j) rec.correlation.back().push_back(r.correlation(i, j));
    }
    rec.cost = r.cost;
    rec.error = 2 * r.cost;
    // As the fit's mse: a normalised output is a pure number, else its unit
    // squared; outputs in different units sum as plain numbers.
    std::vector<dimension> dims;
    for (const auto& o : outputs) dims.push_back(o.normalized ? dimension{} : s.m.find(o.variable)->dim.pow(rational(2)));
    const bool same = std::all_of(dims.begin(), dims.end(), [&](const dimension& d) { return d == dims.front(); });
    rec.error_unit = unit_name(same ? dims.front() : dimension{});
    rec.comparable = comparable;
    for (const auto& run : runs) {
        rec.nfev += run.result.nfev;
        rec.njev += run.result.njev;
        rec.simulations += run.simulations;
    }
    rec.status = status_name(r.status);
    rec.message = r.message;
    rec.gradient = gradient_name(options.gradient);
    rec.warnings = r.warnings;
    rec.warnings.insert(rec.warnings.end(), runs[best].warnings.begin(), runs[best].warnings.end());
    rec.warnings.insert(rec.warnings.end(), failed.begin(), failed.end());
    for (auto& w : detail::identifiability_warnings(rec)) rec.warnings.push_back(std::move(w));
    std::map<std::string, double> refined;
    for (std::size_t j = 0; j < fitted.size(); ++j) refined[fitted[j]] = rec.params[j];
    for (auto& w : detail::bound_warnings(s.m, bounds, refined, "the refined")) rec.warnings.push_back(std::move(w));
    rec.start = starts[best];
    rec.starts = starts.size();
    rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at).count();
    if (s.results.parameter_names.empty()) {
        s.results.parameter_names = fitted;
        s.results.parameter_units = rec.parameter_units;
        s.results.error_unit = rec.error_unit;
    }
    s.results.refine = rec;
    return rec;
}

} // namespace cellfit
