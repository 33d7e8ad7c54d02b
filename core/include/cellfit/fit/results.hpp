#pragma once

// Every sample a fit evaluated, with units, and its exchange formats:
// CSV (one row per sample, units in the header) and JSON (best parameters,
// their units, the error, and every sample).

#include <cellfit/export.hpp>
#include <cellfit/units/quantity.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cellfit {

struct sample_record {
    std::size_t round = 0;
    std::vector<double> params;      // in fit_results::parameter_names order, SI
    double error = 0;                // total: the objectives summed (+inf: diverged)
    std::vector<double> objectives;  // one per fit_results::objective_names
};

// The outcome of a local refinement (least squares from the best samples).
struct refine_record {
    std::vector<std::string> parameter_names;
    std::vector<std::string> parameter_units;
    std::vector<double> params;              // SI
    std::vector<double> standard_errors;     // SI; NaN where the data do not determine them
    std::vector<std::vector<double>> correlation;
    double cost = 0;                         // 0.5 * sum of squared residuals
    double error = 0;                        // the MSE error (2 * cost): outputs' mean squared errors summed
    std::string error_unit;
    bool comparable = false;                 // error is the fit's own error (mse metrics, no penalty)
    std::size_t nfev = 0, njev = 0, simulations = 0;
    std::string status, message, gradient;
    std::vector<std::string> warnings;
    std::vector<double> start;               // where the kept refinement started
    std::size_t starts = 1;                  // refinements run (--refine-top)
    double seconds = 0;
};

struct fit_results {
    std::vector<std::string> parameter_names;
    std::vector<std::string> parameter_units;  // SI unit of each, Brian syntax ("siemens", "1")
    std::vector<std::string> objective_names;  // an output variable, "spikes", or "penalty"
    std::vector<std::string> objective_units;
    // Each objective's raw, unnormalised error is its error times this factor
    // (normalization^2 for mse and gamma; NaN where it cannot be undone), in
    // the raw unit. 1 and the objective's unit when nothing is normalised.
    std::vector<double> objective_raw_factors;
    std::vector<std::string> objective_raw_units;
    std::string error_unit;                    // of the total ("1" when the objectives' units differ)
    std::size_t n_samples = 0;                 // per round
    std::size_t n_rounds = 0;                  // rounds evaluated
    std::vector<sample_record> samples;
    std::vector<double> round_seconds;         // wall time of each round (ask, simulate, score, tell)
    std::vector<std::size_t> round_diverged;   // samples of each round that diverged (error not finite)
    std::optional<refine_record> refine;       // the last refinement, if any
    // The round where the running optimizer started (0; later after a
    // restart), and the value of `iteration` in that round. A resume replays
    // the rounds from there; the rounds before are another optimizer's.
    std::size_t optimizer_start_round = 0;
    std::size_t first_iteration = 0;
    // The description of the fit that made these results, as a JSON object
    // (the command line's: model, data files and their hashes, settings;
    // see docs/results.md), kept as text; empty when none was given.
    std::string description;

    // The sample with the lowest total error; samples.size() when none is finite.
    std::size_t best_index() const;
    // The best parameters by name (SI) and their error: the best sample's, or
    // the refinement's when it is comparable and lower (or there is no sample).
    // Empty / +inf when there is neither.
    std::map<std::string, double> best_params() const;
    double best_error() const;
    bool best_is_refined() const;

    // Up to k samples with finite errors, best first, no two with the same
    // parameters (the starts of a refinement).
    std::vector<std::size_t> best_distinct(std::size_t k) const;

    // Column by column: "round", each parameter, "error", "error_<objective>".
    std::map<std::string, std::vector<double>> columns() const;
};

// Parameter values with their units (the fit's parameter_units), for
// printing: format_quantity(with_units(r, params).at("gl")) gives "10 nS".
CELLFIT_API std::map<std::string, quantity> with_units(const fit_results& results,
                                                      const std::map<std::string, double>& params);

// CSV: header `round,gl (siemens),...,error (volt**2),error_v (volt**2)`,
// then one row per sample, values in SI. Throws input_error when the file
// cannot be written.
CELLFIT_API void write_results_csv(const fit_results& results, const std::string& path);

// JSON: format_version, best_params (SI), best_params_units, best_error,
// best_error_unit, n_rounds, n_samples, optimizer_start_round,
// first_iteration, objectives,
// round_seconds, round_diverged, fit (the description), samples [{round,
// params, error, errors}]. Infinite errors are written as null; numbers
// round-trip exactly, so a fit can be replayed from its file.
CELLFIT_API void write_results_json(const fit_results& results, const std::string& path);
CELLFIT_API std::string results_json(const fit_results& results, int indent = 1);

// The JSON format this cellfit writes; it reads this one and version 1 (the
// files without format_version), and refuses newer ones by name.
inline constexpr int results_format_version = 2;

// Reads either format back (by extension: .csv, else JSON), values in SI;
// a CSV unit other than SI is converted. Throws input_error naming the file
// and the problem.
CELLFIT_API fit_results read_results(const std::string& path);

} // namespace cellfit
