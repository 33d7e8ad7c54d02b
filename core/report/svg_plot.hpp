#pragma once

// A small SVG plotting module for the report: one plot is a frame with a
// title, two axes (linear or logarithmic, ticks at round numbers, labels
// with units), a legend row above the plot area, and series drawn in data
// coordinates: lines, markers, vertical marks (rasters) and shaded cells
// (binned samples). A heatmap with printed values draws a correlation
// matrix. docs/report.md says why this is ours and not a library's.
//
// The SVG carries what a test can check: <svg class="plot"> with
// data-series (the number of series), a <g class="series" data-name> per
// series, and <text class="axis-label"> per axis.

#include "plot_data.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cellfit::report {

// Text safe inside HTML or SVG text and attribute values.
std::string escape(std::string_view text);

struct axis {
    std::string label;          // with its unit: "time (ms)"
    double low = 0, high = 1;   // the range shown
    bool log = false;           // then low > 0
    bool ticks = true;          // false: no numbers (rows of a raster)
};

// Where v lies along the axis, on its scale: 0 at low, 1 at high (NaN for
// v <= 0 on a log axis); and the value at a position.
double axis_position(const axis& a, double v);
double axis_value(const axis& a, double position);

// Round-number ticks within [low, high]: about `target` of them at 1, 2 or
// 5 times a power of ten; on a log axis the powers of ten (and 2 and 5
// times them when the range spans under two decades).
std::vector<double> linear_ticks(double low, double high, int target = 6);
std::vector<double> log_ticks(double low, double high);

// The range an axis shows for these values: their span with 4 % to spare,
// widened around a single value; on a log axis the positive values only.
// {0, 1} (or {0.1, 10}) when there is nothing to show.
axis axis_for(std::string label, const std::vector<double>& values, bool log = false);

struct style {
    style(std::string colour_ = "#000000", double width_ = 1.5, std::string dash_ = "", double opacity_ = 1)
        : colour(std::move(colour_)), width(width_), dash(std::move(dash_)), opacity(opacity_) {}
    std::string colour;
    double width;
    std::string dash;  // an SVG dash array ("5 3"); empty: solid
    double opacity;
};

enum class marker { circle, square, triangle, diamond };

// Colours that stay apart for colour-blind readers (Okabe and Ito).
namespace colour {
inline constexpr const char* black = "#000000";
inline constexpr const char* orange = "#E69F00";
inline constexpr const char* sky_blue = "#56B4E9";
inline constexpr const char* green = "#009E73";
inline constexpr const char* blue = "#0072B2";
inline constexpr const char* vermillion = "#D55E00";
inline constexpr const char* purple = "#CC79A7";
inline constexpr const char* grey = "#999999";
} // namespace colour

// t in [0, 1] -> a colour from light yellow to dark purple whose lightness
// falls steadily, so that it reads in greyscale too.
std::string sequential_colour(double t);
// t in [-1, 1] -> blue, white, red (for correlations, whose printed values
// carry the sign in greyscale).
std::string diverging_colour(double t);

class plot {
public:
    // `id` is unique in the page (the plot area's clip path is named by it).
    plot(std::string id, std::string title, double width, double height, axis x, axis y);

    // A line through the points; a non-finite point (or one <= 0 on a log
    // axis) breaks it.
    void line(const std::string& name, const polyline& points, const style& s);
    // A line that holds each value until the next x (a running best).
    void steps(const std::string& name, const polyline& points, const style& s);
    void points(const std::string& name, const polyline& points, const style& s, marker m, double size);
    // Vertical marks at x[k], centred on row[k] and reaching `half` above
    // and below it (data coordinates): rows of a raster. With a marker, it
    // caps each mark, so that kinds of marks differ in shape, not colour only.
    void marks(const std::string& name, const std::vector<double>& x, const std::vector<double>& row, double half,
               const style& s, std::optional<marker> cap = std::nullopt);
    void vertical(const std::string& name, double x, const style& s);
    // Binned points drawn as cells shaded by count (bin_points over this
    // plot's axes, which must match).
    void cells(const std::string& name, const grid_counts& g);
    // A text label at the left of the plot area at data height y.
    void row_label(double y, const std::string& text);

    std::string svg() const;

private:
    struct legend_entry {
        std::string name;
        std::string symbol;  // SVG drawn in a 24 x 12 box
    };
    double px(double x) const;  // NaN where not drawable
    double py(double y) const;
    void begin_series(const std::string& name, const std::string& symbol);
    std::string path_data(const polyline& p, bool step) const;

    std::string id_, title_;
    double width_, height_;
    axis x_, y_;
    double left_, right_, top_, bottom_;  // the plot area, in pixels
    std::string body_;
    std::vector<legend_entry> legend_;
    std::size_t series_ = 0;
};

// A square matrix of values in [-1, 1] with its row and column names, each
// cell coloured and its value printed.
std::string heatmap(const std::string& title, const std::vector<std::string>& names,
                    const std::vector<std::vector<double>>& values);

} // namespace cellfit::report
