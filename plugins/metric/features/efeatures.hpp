#pragma once

// Electrophysiology features of one voltage trace, with eFEL's conventions
// (shared/reference/FEATURES.md): time in ms, voltage in mV, features in
// ms, mV or Hz. A feature that is undefined for the trace (a spike feature
// without spikes) is nullopt.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cellfit::features {

struct trace_context {
    double dt_ms = 0;
    double stim_start_ms = 0;
    double stim_end_ms = 0;
    double threshold_mv = -20;            // spike detection
    double derivative_threshold = 10;     // mV/ms, AP onset
};

// The names computed, in a fixed order.
const std::vector<std::string>& feature_names();

// Every feature of feature_names() for the trace (voltage in mV, one value per step).
std::map<std::string, std::optional<double>> compute(const std::vector<double>& v_mv, const trace_context& context);

} // namespace cellfit::features
