#pragma once

// The report page of a fit: one self-contained HTML file (inline CSS and
// SVG, nothing fetched) with the fit's description, the best parameters,
// the recorded and fitted traces or spikes, convergence, every parameter
// against the error, the refinement's correlations and, for multi-objective
// fits, the Pareto front. docs/report.md describes the page.

#include <cellfit/fit/results.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cellfit::report {

// One recorded variable: the recording and the best parameters' simulation
// of it, one row per trace, in SI.
struct trace_pair {
    std::string variable;
    std::string unit;  // the variable's SI unit, Brian syntax ("volt")
    std::vector<std::vector<double>> recorded, fitted;
};

struct report_input {
    std::string title;                     // usually the results file's name
    const fit_results* results = nullptr;  // the samples, best and refinement
    nlohmann::ordered_json description;    // the fit's (results->description), null when none
    double dt = 0;                         // the traces' step, seconds
    std::vector<trace_pair> traces;        // trace fits
    // Spike fits: recorded and fitted spike times (seconds) per trace, and
    // the simulated duration.
    std::vector<std::vector<double>> recorded_spikes, fitted_spikes;
    double duration = 0;
    std::vector<std::string> notes;        // shown at the top: what the reader should know
    std::map<std::string, std::string> units;  // SI unit of the model's parameters (Brian syntax), for fixed ones
};

// The page. Large inputs stay small: traces are thinned to their envelope
// per pixel column, and the samples are binned once they are many.
std::string render_report(const report_input& input);

} // namespace cellfit::report
