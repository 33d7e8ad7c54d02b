#include "efeatures.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace cellfit::features {

namespace {

struct spike {
    std::size_t peak;   // index of the maximum
    std::size_t onset;  // AP begin: dV/dt first above the derivative threshold
};

double mean(const std::vector<double>& x) { return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size()); }

std::optional<double> mean_or_none(const std::vector<double>& x) {
    if (x.empty()) return std::nullopt;
    return mean(x);
}

// Mean of v over [from, to) in ms; nullopt if it holds no sample.
std::optional<double> window_mean(const std::vector<double>& v, double dt, double from, double to) {
    const auto first = static_cast<std::size_t>(std::max(0.0, std::ceil(from / dt - 1e-9)));
    const auto last = std::min(v.size(), static_cast<std::size_t>(std::max(0.0, std::ceil(to / dt - 1e-9))));
    if (first >= last) return std::nullopt;
    double sum = 0;
    for (std::size_t k = first; k < last; ++k) sum += v[k];
    return sum / static_cast<double>(last - first);
}

// Time (ms, fractional index * dt) where v crosses `level` between samples k and k+1.
double crossing(const std::vector<double>& v, std::size_t k, double level, double dt) {
    const double a = v[k], b = v[k + 1];
    const double f = b == a ? 0.0 : (level - a) / (b - a);
    return (static_cast<double>(k) + f) * dt;
}

std::vector<spike> find_spikes(const std::vector<double>& v, const trace_context& c) {
    std::vector<spike> spikes;
    std::size_t search_from = 0;  // onset search starts after the previous AHP minimum
    for (std::size_t k = 1; k < v.size(); ++k) {
        if (!(v[k - 1] < c.threshold_mv && v[k] >= c.threshold_mv)) continue;
        std::size_t end = k;
        while (end < v.size() && v[end] >= c.threshold_mv) ++end;
        const std::size_t peak = static_cast<std::size_t>(std::max_element(v.begin() + static_cast<std::ptrdiff_t>(k),
                                                                           v.begin() + static_cast<std::ptrdiff_t>(end)) -
                                                          v.begin());
        std::size_t onset = search_from;
        while (onset + 1 < peak && (v[onset + 1] - v[onset]) / c.dt_ms <= c.derivative_threshold) ++onset;
        spikes.push_back({peak, onset});
        k = end;
        // The next onset search starts at this spike's AHP minimum.
        std::size_t next_cross = end;
        while (next_cross + 1 < v.size() && !(v[next_cross] < c.threshold_mv && v[next_cross + 1] >= c.threshold_mv))
            ++next_cross;
        search_from = static_cast<std::size_t>(
            std::min_element(v.begin() + static_cast<std::ptrdiff_t>(peak), v.begin() + static_cast<std::ptrdiff_t>(next_cross)) -
            v.begin());
    }
    return spikes;
}

} // namespace

const std::vector<std::string>& feature_names() {
    static const std::vector<std::string> names = {
        "spike_count",       "mean_frequency", "time_to_first_spike",     "ISI_CV",
        "AP_height",         "AP_amplitude",   "AP_duration_half_width",  "AHP_depth",
        "voltage_base",      "steady_state_voltage_stimend", "voltage_deflection", "sag_amplitude"};
    return names;
}

std::map<std::string, std::optional<double>> compute(const std::vector<double>& v, const trace_context& c) {
    std::map<std::string, std::optional<double>> f;
    const double dt = c.dt_ms;
    const std::vector<spike> spikes = find_spikes(v, c);
    std::vector<double> peak_times;
    for (const auto& s : spikes) peak_times.push_back(static_cast<double>(s.peak) * dt);

    f["spike_count"] = static_cast<double>(spikes.size());

    std::vector<double> in_stimulus;
    for (double t : peak_times)
        if (t >= c.stim_start_ms && t <= c.stim_end_ms) in_stimulus.push_back(t);
    f["mean_frequency"] = in_stimulus.empty() || in_stimulus.back() <= c.stim_start_ms
                              ? std::nullopt
                              : std::optional<double>(1000.0 * static_cast<double>(in_stimulus.size()) /
                                                      (in_stimulus.back() - c.stim_start_ms));
    const auto first_after = std::find_if(peak_times.begin(), peak_times.end(), [&](double t) { return t >= c.stim_start_ms; });
    f["time_to_first_spike"] =
        first_after == peak_times.end() ? std::nullopt : std::optional<double>(*first_after - c.stim_start_ms);

    // ISI_CV with the first ISI ignored: needs two ISIs after it.
    std::vector<double> isi;
    for (std::size_t k = 2; k < peak_times.size(); ++k) isi.push_back(peak_times[k] - peak_times[k - 1]);
    if (isi.size() >= 2) {
        const double m = mean(isi);
        double ss = 0;
        for (double x : isi) ss += (x - m) * (x - m);
        f["ISI_CV"] = std::sqrt(ss / static_cast<double>(isi.size() - 1)) / m;
    } else {
        f["ISI_CV"] = std::nullopt;
    }

    const std::optional<double> base = window_mean(v, dt, 0.9 * c.stim_start_ms, c.stim_start_ms);
    f["voltage_base"] = base;

    std::vector<double> heights, amplitudes, widths, ahp;
    for (std::size_t n = 0; n < spikes.size(); ++n) {
        const spike& s = spikes[n];
        const double peak_v = v[s.peak];
        heights.push_back(peak_v);
        const double onset_v = v[s.onset];
        amplitudes.push_back(peak_v - onset_v);
        // Width at half the amplitude, from onset: rising and falling crossings.
        const double half = onset_v + (peak_v - onset_v) / 2;
        std::size_t r = s.onset;
        while (r + 1 < s.peak && v[r + 1] < half) ++r;
        std::size_t d = s.peak;
        while (d + 1 < v.size() && v[d + 1] > half) ++d;
        if (d + 1 < v.size() && r + 1 <= s.peak) widths.push_back(crossing(v, d, half, dt) - crossing(v, r, half, dt));
        // AHP: minimum until the next peak (or the stimulus end).
        const std::size_t end = n + 1 < spikes.size()
                                    ? spikes[n + 1].peak
                                    : std::min(v.size(), std::max(s.peak + 1, static_cast<std::size_t>(c.stim_end_ms / dt)));
        if (end > s.peak + 1 && base)
            ahp.push_back(*std::min_element(v.begin() + static_cast<std::ptrdiff_t>(s.peak), v.begin() + static_cast<std::ptrdiff_t>(end)) -
                          *base);
    }
    f["AP_height"] = mean_or_none(heights);
    f["AP_amplitude"] = mean_or_none(amplitudes);
    f["AP_duration_half_width"] = mean_or_none(widths);
    f["AHP_depth"] = mean_or_none(ahp);

    const double stim_length = c.stim_end_ms - c.stim_start_ms;
    const std::optional<double> steady = window_mean(v, dt, c.stim_end_ms - 0.1 * stim_length, c.stim_end_ms);
    f["steady_state_voltage_stimend"] = steady;
    f["voltage_deflection"] = steady && base ? std::optional<double>(*steady - *base) : std::nullopt;
    std::optional<double> minimum;
    const auto from = static_cast<std::size_t>(std::ceil(c.stim_start_ms / dt - 1e-9));
    const auto to = std::min(v.size(), static_cast<std::size_t>(std::ceil(c.stim_end_ms / dt - 1e-9)));
    for (std::size_t k = from; k < to; ++k) minimum = minimum ? std::min(*minimum, v[k]) : v[k];
    f["sag_amplitude"] = steady && minimum ? std::optional<double>(*steady - *minimum) : std::nullopt;
    return f;
}

} // namespace cellfit::features
