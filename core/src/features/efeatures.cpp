// eFEL 5.7.13's features, computed as eFEL computes them (docs/features.md
// lists the definitions): the trace resampled once to interp_step on eFEL's
// accumulated grid, then each feature from the dependencies it reads. A
// dependency that eFEL leaves unset or empty makes what reads it undefined.
// Sums run left to right and this file is built without contracted
// multiply-adds, so the numbers are eFEL's to the last bit on its own traces.

#include <cellfit/efeatures.hpp>
#include <cellfit/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <sstream>

namespace cellfit::features {

namespace {

using series = std::vector<double>;
using indices = std::vector<std::size_t>;
using maybe_indices = std::optional<indices>;

// eFEL's "interpolate": a grid built by adding h again and again from the
// first time (it drifts from k*h), one point past the last time when the
// accumulated grid falls short of it, linear values in between; a point
// beyond the data takes the last value.
void resample(const series& x, const series& y, double h, series& t, series& v) {
    const std::size_t n = x.size();
    const double start = x.front(), stop = x.back();
    const auto m = static_cast<std::size_t>(std::ceil((stop - start) / h));
    double at = start;
    for (std::size_t k = 0; k < m; ++k) {
        t.push_back(at);
        at += h;
    }
    if (t.empty() || t.back() < stop) t.push_back(at);
    std::size_t j = 0;
    for (const double g : t) {
        while (x[j + 1] < g) {
            ++j;
            if (j + 1 >= n) {
                j = n - 1;
                break;
            }
        }
        if (j == n - 1) {
            v.push_back(y[n - 1]);
            break;
        }
        const double slope = (y[j + 1] - y[j]) / (x[j + 1] - x[j]);
        v.push_back(y[j] + slope * (g - x[j]));
    }
    t.resize(v.size());
}

// The first index with t[i] >= x, t.size() if none.
std::size_t first_at_or_after(const series& t, double x) {
    return static_cast<std::size_t>(std::lower_bound(t.begin(), t.end(), x) - t.begin());
}

// The first i in [a, b) with pred(v[i]), else b; a reversed range gives b
// (eFEL relies on that where a spike precedes the stimulus).
template <class Pred>
std::size_t find_first(const series& v, std::size_t a, std::size_t b, Pred pred) {
    for (std::size_t i = a; i < b; ++i)
        if (pred(v[i])) return i;
    return b;
}

// The running minimum of v[a, b), returned as soon as the two samples after
// it are not lower: the first local minimum, else the global one.
std::size_t first_local_minimum(const series& v, std::size_t a, std::size_t b) {
    if (a == b) return b;
    std::size_t lowest = a;
    int confirmations = 0;
    for (std::size_t i = a + 1; i < b; ++i) {
        if (v[i] < v[lowest]) {
            lowest = i;
            confirmations = 0;
        } else {
            ++confirmations;
        }
        if (confirmations == 2) return lowest;
    }
    return lowest;
}

// Central differences (one-sided at the ends).
series differences(const series& u) {
    const std::size_t n = u.size();
    series d(n);
    d[0] = u[1] - u[0];
    for (std::size_t i = 1; i + 1 < n; ++i) d[i] = (u[i + 1] - u[i - 1]) / 2;
    d[n - 1] = u[n - 1] - u[n - 2];
    return d;
}

double sequential_mean(const series& v, std::size_t a, std::size_t b) {
    double sum = 0;
    for (std::size_t i = a; i < b; ++i) sum += v[i];
    return sum / static_cast<double>(b - a);
}

// The first index of the smallest |v[i] - level| over [a, b), a if empty.
std::size_t nearest_to(const series& v, std::size_t a, std::size_t b, double level) {
    std::size_t best = a;
    for (std::size_t i = a + 1; i < b; ++i)
        if (std::abs(v[i] - level) < std::abs(v[best] - level)) best = i;
    return best;
}

std::optional<double> mean_of(const series& values) {
    if (values.empty()) return std::nullopt;
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

bool usable(const maybe_indices& x) { return x && !x->empty(); }

class trace_features {
public:
    trace_features(const std::vector<double>& v_mv, const trace_context& c) : c_(c) {
        series x(v_mv.size());
        for (std::size_t k = 0; k < x.size(); ++k) x[k] = static_cast<double>(k) * c.dt_ms;
        resample(x, v_mv, c.interp_step_ms, t_, v_);
        n_ = v_.size();
        const series dv = differences(v_), dt = differences(t_);
        dvdt_.resize(n_);
        for (std::size_t i = 0; i < n_; ++i) dvdt_[i] = dv[i] / dt[i];
        stim_begin_ = first_at_or_after(t_, c.stim_start_ms);
        peaks_ = peak_indices();
        ahp_ = min_ahp_indices();
        begins_ = ap_begin_indices();
    }

    std::map<std::string, std::optional<double>> all() const {
        std::map<std::string, std::optional<double>> f;
        const std::optional<double> base = voltage_base(), steady = steady_state();
        f["spike_count"] = usable(peaks_) ? static_cast<double>(peaks_->size()) : 0.0;
        f["mean_frequency"] = mean_frequency();
        f["time_to_first_spike"] =
            usable(peaks_) ? std::optional<double>(t_[peaks_->front()] - c_.stim_start_ms) : std::nullopt;
        f["ISI_CV"] = isi_cv();
        f["AP_height"] = usable(peaks_) ? mean_of(at(v_, *peaks_)) : std::nullopt;
        f["AP_amplitude"] = ap_amplitude();
        f["AP_duration_half_width"] = ap_duration_half_width();
        f["spike_half_width"] = spike_half_width();
        f["AP_width"] = ap_width();
        f["AHP_depth_abs"] = usable(ahp_) ? mean_of(at(v_, *ahp_)) : std::nullopt;
        if (usable(ahp_) && base) {
            series depths;
            for (double x : at(v_, *ahp_)) depths.push_back(x - *base);
            f["AHP_depth"] = mean_of(depths);
        } else {
            f["AHP_depth"] = std::nullopt;
        }
        f["voltage_base"] = base;
        f["steady_state_voltage_stimend"] = steady;
        f["voltage_deflection"] = voltage_deflection();
        const std::optional<double> deflection =
            base && steady ? std::optional<double>(*steady - *base) : std::nullopt;
        f["voltage_deflection_vb_ssse"] = deflection;
        const std::optional<double> minimum = minimum_voltage();
        f["minimum_voltage"] = minimum;
        f["sag_amplitude"] = deflection && minimum && *deflection <= 0 ? std::optional<double>(*steady - *minimum)
                                                                       : std::nullopt;
        return f;
    }

private:
    static series at(const series& v, const indices& k) {
        series out;
        for (std::size_t i : k) out.push_back(v[i]);
        return out;
    }

    // Strict crossings of the threshold, up then down; the first maximum of
    // each [up, down] (both included). A spike cut off by the trace's end,
    // or a trace that starts above the threshold, loses the unpaired crossing.
    maybe_indices peak_indices() const {
        const double thr = c_.threshold_mv;
        indices up, down;
        for (std::size_t i = 1; i < n_; ++i) {
            if (v_[i] > thr && v_[i - 1] < thr) up.push_back(i);
            if (v_[i] < thr && v_[i - 1] > thr) down.push_back(i);
        }
        if (up.empty() || down.empty()) return std::nullopt;
        std::size_t d0 = 0;
        while (d0 < down.size() && down[d0] < up[0]) ++d0;
        indices peaks;
        for (std::size_t k = 0; k < up.size() && d0 + k < down.size(); ++k) {
            std::size_t peak = up[k];
            for (std::size_t i = up[k]; i <= down[d0 + k]; ++i)
                if (v_[i] > v_[peak]) peak = i;
            peaks.push_back(peak);
        }
        if (peaks.empty()) return std::nullopt;
        return peaks;
    }

    // From each peak to the next (the last to the trace's end), the first
    // local minimum; one on the very last sample does not count.
    maybe_indices min_ahp_indices() const {
        if (!usable(peaks_)) return std::nullopt;
        indices bounds = *peaks_;
        bounds.push_back(n_);
        indices out;
        for (std::size_t k = 0; k + 1 < bounds.size(); ++k) {
            const std::size_t a = first_local_minimum(v_, bounds[k], bounds[k + 1]);
            if (a != n_ - 1) out.push_back(a);
        }
        if (out.empty()) return std::nullopt;
        return out;
    }

    // The AP onset of each peak after the stimulus-begin sample: searching
    // back from the peak, the sample after the last one with dV/dt <= the
    // derivative threshold, provided the three samples from there all rise at
    // least that fast; else the search goes on further back. The search stops
    // at the previous AHP (the first spike: two samples before the stimulus).
    maybe_indices ap_begin_indices() const {
        if (!usable(peaks_)) return std::nullopt;
        const double th = c_.derivative_threshold;
        constexpr std::size_t window = 3;
        indices minima{stim_begin_ >= 2 ? stim_begin_ - 2 : 0};
        if (ahp_)
            for (std::size_t a : *ahp_)
                if (a > stim_begin_) minima.push_back(a);
        indices peaks;
        for (std::size_t p : *peaks_)
            if (p > stim_begin_) peaks.push_back(p);
        if (minima.size() < peaks.size()) return std::nullopt;
        indices out;
        for (std::size_t i = 0; i < peaks.size(); ++i) {
            const std::size_t lo = minima[i];
            std::size_t hi = peaks[i];
            for (;;) {
                std::size_t begin = lo;
                for (std::size_t j = hi; j-- > lo;)
                    if (dvdt_[j] <= th) {
                        begin = j + 1;
                        break;
                    }
                if (n_ >= window && begin > n_ - window) begin = n_ - window;
                if (begin == lo) break;  // no onset: the spike gets none
                hi = begin - 1;
                bool rising = true;
                for (std::size_t k = begin; k < begin + window && k < n_; ++k)
                    if (dvdt_[k] < th) rising = false;
                if (rising) {
                    out.push_back(begin);
                    break;
                }
            }
        }
        if (out.empty()) return std::nullopt;
        return out;
    }

    // After each peak past the stimulus begin: the steepest fall, then the
    // first sample from there whose dV/dt is back above the down threshold.
    indices ap_end_indices() const {
        indices out;
        if (!usable(peaks_)) return out;
        indices bounds;
        for (std::size_t p : *peaks_)
            if (p > stim_begin_) bounds.push_back(p);
        bounds.push_back(n_ - 1);
        for (std::size_t k = 0; k + 1 < bounds.size(); ++k) {
            const std::size_t a = bounds[k] + 1, b = bounds[k + 1];
            if (a >= b || a >= n_ || b >= n_) continue;
            const std::size_t steepest =
                static_cast<std::size_t>(std::min_element(dvdt_.begin() + static_cast<std::ptrdiff_t>(a),
                                                          dvdt_.begin() + static_cast<std::ptrdiff_t>(b)) -
                                         dvdt_.begin());
            const std::size_t end = find_first(dvdt_, steepest, b, [&](double x) { return x >= c_.down_derivative_threshold; });
            if (end != b) out.push_back(end);
        }
        return out;
    }

    std::optional<double> mean_frequency() const {
        if (!usable(peaks_)) return std::nullopt;
        double last = 0;
        int count = 0;
        for (std::size_t p : *peaks_)
            if (t_[p] >= c_.stim_start_ms && t_[p] <= c_.stim_end_ms) {
                last = t_[p];
                ++count;
            }
        if (last == c_.stim_start_ms) return std::nullopt;
        return static_cast<double>(count * 1000) / (last - c_.stim_start_ms);
    }

    // The first interval dropped (eFEL's ignore_first_ISI); sample standard
    // deviation over mean.
    std::optional<double> isi_cv() const {
        if (!usable(peaks_) || peaks_->size() < 4) return std::nullopt;
        series isi;
        for (std::size_t k = 2; k < peaks_->size(); ++k) isi.push_back(t_[(*peaks_)[k]] - t_[(*peaks_)[k - 1]]);
        const double mean = *mean_of(isi);
        double squares = 0;
        for (double x : isi) squares += (x - mean) * (x - mean);
        return std::sqrt(squares / static_cast<double>(isi.size() - 1)) / mean;
    }

    // Peaks inside the stimulus paired by position with the onsets.
    std::optional<double> ap_amplitude() const {
        if (!usable(peaks_) || !usable(begins_)) return std::nullopt;
        series inside;
        for (std::size_t p : *peaks_)
            if (t_[p] >= c_.stim_start_ms && t_[p] <= c_.stim_end_ms) inside.push_back(v_[p]);
        if (inside.size() > begins_->size()) return std::nullopt;
        series amplitudes;
        for (std::size_t i = 0; i < inside.size(); ++i) amplitudes.push_back(inside[i] - v_[(*begins_)[i]]);
        return mean_of(amplitudes);
    }

    // From the sample nearest half the onset-to-peak height on the rise to
    // the one nearest it on the fall (bounded by the AP end); every peak
    // paired with the onsets by position.
    std::optional<double> ap_duration_half_width() const {
        if (!usable(peaks_) || !usable(begins_)) return std::nullopt;
        const indices ends = ap_end_indices();
        if (ends.empty()) return std::nullopt;
        const indices& peaks = *peaks_;
        const indices& begins = *begins_;
        const std::size_t m = std::min(begins.size(), peaks.size());
        indices rise(m), fall(m, 0);
        for (std::size_t i = 0; i < m; ++i) {
            if (peaks[i] < begins[i]) return std::nullopt;
            const double half = (v_[peaks[i]] + v_[begins[i]]) / 2;
            rise[i] = nearest_to(v_, begins[i], peaks[i], half);
        }
        // eFEL reads past the end of its AP ends when the trace stops during
        // a downstroke (its result is then memory garbage, often a large
        // negative width): cellfit leaves the spikes without an end out.
        const std::size_t measured = std::min(m, ends.size());
        for (std::size_t i = 0; i < measured; ++i) {
            if (peaks[i] > ends[i]) continue;  // the fall index stays 0, as in eFEL
            const double half = (v_[peaks[i]] + v_[begins[i]]) / 2;
            fall[i] = nearest_to(v_, peaks[i], ends[i], half);
        }
        series widths;
        for (std::size_t i = 0; i < measured; ++i) widths.push_back(t_[fall[i]] - t_[rise[i]]);
        return mean_of(widths);
    }

    // Width at half the height between the peak and its AHP, interpolated
    // linearly; the rise searched from the previous AHP (the first: from the
    // stimulus begin).
    std::optional<double> spike_half_width() const {
        if (!usable(peaks_) || !usable(ahp_)) return std::nullopt;
        indices bounds{stim_begin_};
        bounds.insert(bounds.end(), ahp_->begin(), ahp_->end());
        series widths;
        for (std::size_t i = 1; i < bounds.size(); ++i) {
            const std::size_t p = (*peaks_)[i - 1], a = bounds[i];
            const double half = (v_[p] + v_[a]) / 2;
            const std::size_t r = find_first(v_, bounds[i - 1], p, [&](double x) { return x >= half; });
            const std::size_t f = find_first(v_, p, a, [&](double x) { return x <= half; });
            auto back = [&](std::size_t k) {
                return k == 0 ? 0.0 : (t_[k] - t_[k - 1]) * (half - v_[k]) / (v_[k] - v_[k - 1]);
            };
            const double dtr = back(r), dtf = back(f);
            widths.push_back(t_[f] - dtr - t_[r] + dtf);
        }
        return mean_of(widths);
    }

    // Threshold-crossing width, one per AHP, at sample resolution.
    std::optional<double> ap_width() const {
        if (!usable(peaks_) || !usable(ahp_)) return std::nullopt;
        indices bounds{0};
        bounds.insert(bounds.end(), ahp_->begin(), ahp_->end());
        series widths;
        const double thr = c_.threshold_mv;
        for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
            const std::size_t on = find_first(v_, bounds[i], bounds[i + 1], [&](double x) { return x >= thr; });
            const std::size_t off = find_first(v_, on, bounds[i + 1], [&](double x) { return x <= thr; });
            widths.push_back(t_[off] - t_[on]);
        }
        return mean_of(widths);
    }

    // Mean over [0.9, 1.0] x stim_start, the sample at stim_start included.
    std::optional<double> voltage_base() const {
        const double from = c_.stim_start_ms * 0.9, to = c_.stim_start_ms * 1.0;
        if (from >= to) return std::nullopt;
        std::size_t a = first_at_or_after(t_, from);
        if (a == n_) a = 0;
        std::size_t b = n_;
        for (std::size_t i = n_ - 1; i >= 1; --i)
            if (t_[i] - to < 1e-10) {
                b = i + 1;
                break;
            }
        if (a >= b) return std::nullopt;
        return sequential_mean(v_, a, b);
    }

    // Mean over the last tenth of the stimulus.
    std::optional<double> steady_state() const {
        const double from = c_.stim_end_ms - 0.1 * (c_.stim_end_ms - c_.stim_start_ms);
        const std::size_t a = first_at_or_after(t_, from), b = first_at_or_after(t_, c_.stim_end_ms);
        if (b <= a) return std::nullopt;
        return sequential_mean(v_, a, b);
    }

    // Five samples ending five before the first sample after the stimulus,
    // minus the mean of everything before it.
    std::optional<double> voltage_deflection() const {
        double base = 0;
        std::size_t before = 0, after_end = 0;
        for (std::size_t i = 0; i < n_; ++i) {
            if (t_[i] < c_.stim_start_ms) {
                base += v_[i];
                ++before;
            }
            if (t_[i] > c_.stim_end_ms) {
                after_end = i;
                break;
            }
        }
        if (before == 0 || after_end < 10) return std::nullopt;
        base /= static_cast<double>(before);
        double window = 0;
        for (std::size_t i = after_end - 10; i < after_end - 5; ++i) window += v_[i];
        return window / 5 - base;
    }

    std::optional<double> minimum_voltage() const {
        if (c_.stim_start_ms > t_.back()) return std::nullopt;
        const double end = std::min(c_.stim_end_ms, t_.back());
        const std::size_t a = first_at_or_after(t_, c_.stim_start_ms), b = first_at_or_after(t_, end);
        if (a >= n_ || b >= n_ || a >= b) return std::nullopt;
        return *std::min_element(v_.begin() + static_cast<std::ptrdiff_t>(a), v_.begin() + static_cast<std::ptrdiff_t>(b));
    }

    trace_context c_;
    series t_, v_, dvdt_;
    std::size_t n_ = 0, stim_begin_ = 0;
    maybe_indices peaks_, ahp_, begins_;
};

} // namespace

const std::vector<feature_info>& feature_list() {
    static const std::vector<feature_info> list = {
        {"spike_count", "1", "number of spikes (peaks above the threshold) in the whole trace"},
        {"mean_frequency", "Hz", "spikes inside the stimulus per time from stimulus start to the last of them"},
        {"time_to_first_spike", "ms", "first peak time minus stimulus start"},
        {"ISI_CV", "1", "coefficient of variation of the interspike intervals, the first dropped"},
        {"AP_height", "mV", "peak voltage, mean over spikes"},
        {"AP_amplitude", "mV", "peak minus onset voltage, spikes inside the stimulus, mean"},
        {"AP_duration_half_width", "ms", "width at half the onset-to-peak height, sample resolution, mean"},
        {"spike_half_width", "ms", "width at half the AHP-to-peak height, interpolated, mean"},
        {"AP_width", "ms", "width at the threshold, sample resolution, mean"},
        {"AHP_depth", "mV", "AHP minimum minus voltage_base, mean"},
        {"AHP_depth_abs", "mV", "AHP minimum, mean"},
        {"voltage_base", "mV", "mean voltage over [0.9, 1.0] x stimulus start"},
        {"steady_state_voltage_stimend", "mV", "mean voltage over the last tenth of the stimulus"},
        {"voltage_deflection", "mV", "five samples ending five before the stimulus end, minus the mean before it"},
        {"voltage_deflection_vb_ssse", "mV", "steady_state_voltage_stimend minus voltage_base"},
        {"sag_amplitude", "mV", "steady state minus the minimum during the stimulus (hyperpolarising steps)"},
        {"minimum_voltage", "mV", "minimum voltage during the stimulus"},
    };
    return list;
}

std::vector<std::string> feature_names() {
    std::vector<std::string> names;
    for (const auto& f : feature_list()) names.push_back(f.name);
    return names;
}

std::map<std::string, std::optional<double>> compute(const std::vector<double>& v_mv, const trace_context& context) {
    if (!(context.dt_ms > 0) || !std::isfinite(context.dt_ms))
        throw input_error("features: the time step must be a positive duration");
    if (!(context.interp_step_ms > 0) || !std::isfinite(context.interp_step_ms))
        throw input_error("features: interp_step must be a positive duration (eFEL's default: 0.1 ms)");
    if (v_mv.size() < 3) throw input_error("features: a trace needs at least three samples");
    // The resampled grid is built in memory: a step far below the data's
    // would ask for more points than any recording needs.
    const double points = static_cast<double>(v_mv.size() - 1) * context.dt_ms / context.interp_step_ms;
    if (!(points <= 1e7)) {
        std::ostringstream message;
        message << "features: interp_step " << context.interp_step_ms << " ms would resample a trace of "
                << v_mv.size() << " samples of " << context.dt_ms
                << " ms to more than 1e7 points; choose a step near the data's dt";
        throw input_error(message.str());
    }
    std::map<std::string, std::optional<double>> values = trace_features(v_mv, context).all();
    // A division by a zero step (flat samples at a half level) gives no number: undefined.
    for (auto& [name, value] : values)
        if (value && !std::isfinite(*value)) value.reset();
    return values;
}

} // namespace cellfit::features
