#pragma once

// Electrophysiology features of one voltage trace, as eFEL 5.7.13 computes
// them (the library behind brian2modelfitting's FeatureMetric): the trace is
// first resampled to interp_step as eFEL always does, then each feature is
// computed by eFEL's definition, per spike where eFEL gives one value per
// spike, and reduced to the mean over spikes. Time in ms, voltage in mV
// (eFEL's units); a feature eFEL leaves undefined is nullopt.

#include <cellfit/export.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cellfit::features {

struct trace_context {
    double dt_ms = 0.1;                   // the samples' spacing
    double stim_start_ms = 0;
    double stim_end_ms = 0;
    double interp_step_ms = 0.1;          // eFEL's resampling step (its default)
    double threshold_mv = -20;            // spike detection (eFEL's Threshold)
    double derivative_threshold = 10;     // mV/ms, AP onset (DerivativeThreshold)
    double down_derivative_threshold = -12;  // mV/ms, AP end (DownDerivativeThreshold)
};

struct feature_info {
    std::string name;         // eFEL's name
    std::string unit;         // "ms", "mV", "Hz" or "1"
    std::string description;  // one line, for listings
};

// Every feature offered, in a fixed order.
CELLFIT_API const std::vector<feature_info>& feature_list();
CELLFIT_API std::vector<std::string> feature_names();

// Every feature of feature_list() for one trace (v in mV, one sample per dt).
// Throws cellfit::input_error when the context is unusable (dt or
// interp_step not positive, fewer than three samples).
CELLFIT_API std::map<std::string, std::optional<double>> compute(const std::vector<double>& v_mv,
                                                                 const trace_context& context);

} // namespace cellfit::features
