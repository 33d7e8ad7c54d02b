#pragma once

// What a report computes from the data before drawing: traces thinned to
// what a screen can show without losing their shape, the best error so far,
// a Pareto front, recorded and fitted spikes paired, and samples binned when
// they are too many to draw one by one. No drawing here: svg_plot draws.

#include <cstddef>
#include <vector>

namespace cellfit::report {

struct polyline {
    std::vector<double> x, y;
};

// Samples y[k] at x0 + k * dx, thinned to at most 2 points per column of
// `columns` (a pixel column): each column's lowest and highest point, in
// their order. Drawn as a line, the columns cover what the full trace
// covers, so every peak and trough survives (a one-step spike too).
// Non-finite values are left out. With at most 2 * columns samples, all of
// them are kept.
polyline envelope(const std::vector<double>& y, double x0, double dx, std::size_t columns);

// The lowest value up to each index (non-finite values do not lower it;
// +inf until the first finite one).
std::vector<double> running_minimum(const std::vector<double>& values);

// The indexes of the points not dominated in (a, b), both minimised, sorted
// by a; points with a non-finite coordinate are left out. Of equal points,
// the first is kept.
std::vector<std::size_t> pareto_front(const std::vector<double>& a, const std::vector<double>& b);

// Coincidences as the gamma factor counts them: a recorded spike coincides
// when some fitted spike is at most `delta` from it (one fitted spike may
// cover two recorded ones); a fitted spike is matched when some recorded
// spike is that close. coincidences counts the recorded spikes that coincide.
struct spike_pairs {
    std::vector<bool> recorded_matched, fitted_matched;
    std::size_t coincidences = 0;
};
spike_pairs match_spikes(const std::vector<double>& recorded, const std::vector<double>& fitted, double delta);

// Points counted in a grid of nx x ny cells over [x0, x1] x [y0, y1] (on
// the values' logarithms where asked), with the lowest y of each column.
// Points outside the grid or not finite are not counted.
struct grid_counts {
    std::size_t nx = 0, ny = 0;
    std::vector<std::size_t> counts;      // nx * ny, row (y) by row
    std::vector<double> column_minimum;   // nx; +inf where a column is empty
    std::size_t max_count = 0;
};
grid_counts bin_points(const std::vector<double>& x, const std::vector<double>& y, std::size_t nx, std::size_t ny,
                       double x0, double x1, bool x_log, double y0, double y1, bool y_log);

} // namespace cellfit::report
