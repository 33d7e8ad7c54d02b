#include "plot_data.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace cellfit::report {

polyline envelope(const std::vector<double>& y, double x0, double dx, std::size_t columns) {
    polyline out;
    const std::size_t n = y.size();
    const auto keep = [&](std::size_t k) {
        if (!std::isfinite(y[k])) return;
        out.x.push_back(x0 + static_cast<double>(k) * dx);
        out.y.push_back(y[k]);
    };
    if (columns == 0 || n <= 2 * columns) {
        for (std::size_t k = 0; k < n; ++k) keep(k);
        return out;
    }
    out.x.reserve(2 * columns);
    out.y.reserve(2 * columns);
    for (std::size_t c = 0; c < columns; ++c) {
        const std::size_t begin = n * c / columns, end = n * (c + 1) / columns;
        std::size_t low = end, high = end;
        for (std::size_t k = begin; k < end; ++k) {
            if (!std::isfinite(y[k])) continue;
            if (low == end || y[k] < y[low]) low = k;
            if (high == end || y[k] > y[high]) high = k;
        }
        if (low == end) continue;
        keep(std::min(low, high));
        if (high != low) keep(std::max(low, high));
    }
    return out;
}

std::vector<double> running_minimum(const std::vector<double>& values) {
    std::vector<double> out(values.size());
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < values.size(); ++k) {
        if (std::isfinite(values[k]) && values[k] < best) best = values[k];
        out[k] = best;
    }
    return out;
}

std::vector<std::size_t> pareto_front(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<std::size_t> order;
    for (std::size_t k = 0; k < a.size() && k < b.size(); ++k)
        if (std::isfinite(a[k]) && std::isfinite(b[k])) order.push_back(k);
    // By a, then b, then index: a point is on the front when its b is below
    // every b before it.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
        return a[i] < a[j] || (a[i] == a[j] && b[i] < b[j]);
    });
    std::vector<std::size_t> front;
    double lowest_b = std::numeric_limits<double>::infinity();
    for (const std::size_t k : order)
        if (b[k] < lowest_b) {
            front.push_back(k);
            lowest_b = b[k];
        }
    return front;
}

spike_pairs match_spikes(const std::vector<double>& recorded, const std::vector<double>& fitted, double delta) {
    // Whether some time of `others` is within delta of each of `times`.
    const auto near_any = [delta](const std::vector<double>& times, const std::vector<double>& others) {
        std::vector<double> sorted(others);
        std::sort(sorted.begin(), sorted.end());
        std::vector<bool> near(times.size(), false);
        for (std::size_t k = 0; k < times.size(); ++k) {
            const auto at = std::lower_bound(sorted.begin(), sorted.end(), times[k] - delta);
            near[k] = at != sorted.end() && *at <= times[k] + delta;
        }
        return near;
    };
    spike_pairs out;
    out.recorded_matched = near_any(recorded, fitted);
    out.fitted_matched = near_any(fitted, recorded);
    out.coincidences = static_cast<std::size_t>(std::count(out.recorded_matched.begin(), out.recorded_matched.end(), true));
    return out;
}

grid_counts bin_points(const std::vector<double>& x, const std::vector<double>& y, std::size_t nx, std::size_t ny,
                       double x0, double x1, bool x_log, double y0, double y1, bool y_log) {
    grid_counts g;
    g.nx = nx;
    g.ny = ny;
    g.counts.assign(nx * ny, 0);
    g.column_minimum.assign(nx, std::numeric_limits<double>::infinity());
    const auto to = [](double v, bool log) { return log ? std::log10(v) : v; };
    const double ax = to(x0, x_log), bx = to(x1, x_log), ay = to(y0, y_log), by = to(y1, y_log);
    if (nx == 0 || ny == 0 || !(bx > ax) || !(by > ay)) return g;
    for (std::size_t k = 0; k < x.size() && k < y.size(); ++k) {
        if ((x_log && !(x[k] > 0)) || (y_log && !(y[k] > 0))) continue;
        const double u = (to(x[k], x_log) - ax) / (bx - ax), v = (to(y[k], y_log) - ay) / (by - ay);
        if (!(u >= 0 && u <= 1 && v >= 0 && v <= 1)) continue;  // also NaN
        const std::size_t cx = std::min(nx - 1, static_cast<std::size_t>(u * static_cast<double>(nx)));
        const std::size_t cy = std::min(ny - 1, static_cast<std::size_t>(v * static_cast<double>(ny)));
        const std::size_t count = ++g.counts[cy * nx + cx];
        g.max_count = std::max(g.max_count, count);
        g.column_minimum[cx] = std::min(g.column_minimum[cx], y[k]);
    }
    return g;
}

} // namespace cellfit::report
