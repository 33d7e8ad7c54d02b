#include "svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace cellfit::report {

namespace {

constexpr double legend_row = 18;  // px per legend row
constexpr double char_width = 6.6;  // px per character of 12 px text, roughly

// A pixel coordinate: one decimal, no trailing ".0". Values far off the
// page (a sample far outside its axis) are clamped: they only cost bytes.
void append_coordinate(std::string& out, double v) {
    char buffer[32];
    v = std::isfinite(v) ? std::clamp(v, -1e6, 1e6) : 0.0;
    const int n = std::snprintf(buffer, sizeof buffer, "%.1f", v);
    std::string_view text(buffer, static_cast<std::size_t>(n));
    if (text.ends_with(".0")) text.remove_suffix(2);
    if (text == "-0") text = "0";
    out += text;
}

std::string coordinate(double v) {
    std::string out;
    append_coordinate(out, v);
    return out;
}

// A tick's number. On a log axis whose range leaves [0.001, 10000), every
// power of ten is written as one (10 with a raised exponent).
std::string tick_text(double v, bool log, double step, bool powers) {
    char buffer[64];
    if (v == 0) return "0";
    const double magnitude = std::abs(v);
    if (log) {
        const double e = std::log10(magnitude);
        if (std::abs(e - std::round(e)) < 1e-9 && powers) {
            // 10 with the exponent raised.
            std::snprintf(buffer, sizeof buffer, "10<tspan dy=\"-5\" font-size=\"9\">%d</tspan>", static_cast<int>(std::round(e)));
            return buffer;
        }
        std::snprintf(buffer, sizeof buffer, "%g", v);
        return buffer;
    }
    if (magnitude >= 1e5 || step < 1e-4) {
        // Enough significant digits that neighbouring ticks differ.
        const int digits = std::clamp(static_cast<int>(std::ceil(std::log10(magnitude / step))) + 1, 2, 15);
        std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
        return buffer;
    }
    const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    return buffer;
}

double round_step(double raw) {
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    const double m = raw / power;
    return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * power;  // the round step nearest the raw one
}

std::string rgb(double r, double g, double b) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", static_cast<int>(std::lround(std::clamp(r, 0.0, 255.0))),
                  static_cast<int>(std::lround(std::clamp(g, 0.0, 255.0))),
                  static_cast<int>(std::lround(std::clamp(b, 0.0, 255.0))));
    return buffer;
}

std::string stroke(const style& s) {
    std::string out = " stroke=\"" + s.colour + "\" stroke-width=\"";
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%g", s.width);
    out += buffer;
    out += "\"";
    if (!s.dash.empty()) out += " stroke-dasharray=\"" + s.dash + "\"";
    if (s.opacity < 1) {
        std::snprintf(buffer, sizeof buffer, "%g", s.opacity);
        out += " stroke-opacity=\"" + std::string(buffer) + "\"";
    }
    return out;
}

std::string marker_shape(marker m, double x, double y, double r, const std::string& colour) {
    const std::string fill = " fill=\"" + colour + "\"";
    switch (m) {
        case marker::circle:
            return "<circle cx=\"" + coordinate(x) + "\" cy=\"" + coordinate(y) + "\" r=\"" + coordinate(r) + "\"" + fill + "/>";
        case marker::square:
            return "<rect x=\"" + coordinate(x - r) + "\" y=\"" + coordinate(y - r) + "\" width=\"" + coordinate(2 * r) +
                   "\" height=\"" + coordinate(2 * r) + "\"" + fill + "/>";
        case marker::triangle:
            return "<path d=\"M" + coordinate(x) + "," + coordinate(y - 1.2 * r) + "L" + coordinate(x + 1.1 * r) + "," +
                   coordinate(y + 0.8 * r) + " " + coordinate(x - 1.1 * r) + "," + coordinate(y + 0.8 * r) + "Z\"" + fill + "/>";
        case marker::diamond:
            return "<path d=\"M" + coordinate(x) + "," + coordinate(y - 1.3 * r) + "L" + coordinate(x + 1.3 * r) + "," +
                   coordinate(y) + " " + coordinate(x) + "," + coordinate(y + 1.3 * r) + " " + coordinate(x - 1.3 * r) + "," +
                   coordinate(y) + "Z\"" + fill + "/>";
    }
    return {};
}

} // namespace

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    return out;
}

double axis_position(const axis& a, double v) {
    if (a.log && !(v > 0)) return std::numeric_limits<double>::quiet_NaN();
    const auto on_scale = [&](double x) { return a.log ? std::log10(x) : x; };
    return (on_scale(v) - on_scale(a.low)) / (on_scale(a.high) - on_scale(a.low));
}

double axis_value(const axis& a, double position) {
    if (!a.log) return a.low + position * (a.high - a.low);
    return std::pow(10.0, std::log10(a.low) + position * (std::log10(a.high) - std::log10(a.low)));
}

std::vector<double> linear_ticks(double low, double high, int target) {
    std::vector<double> ticks;
    if (!(high > low) || !std::isfinite(low) || !std::isfinite(high)) return ticks;
    const double step = round_step((high - low) / std::max(1, target));
    // A range too narrow for its values' precision has no round ticks.
    if (!(step > 0) || low + step == low || high - step == high) return ticks;
    const double first = std::ceil(low / step - 1e-9), last = std::floor(high / step + 1e-9);
    for (double k = first; k <= last && ticks.size() < 100; ++k) ticks.push_back(k == 0 ? 0.0 : k * step);
    return ticks;
}

std::vector<double> log_ticks(double low, double high) {
    std::vector<double> ticks;
    if (!(low > 0) || !(high > low) || !std::isfinite(high)) return ticks;
    const int first = static_cast<int>(std::floor(std::log10(low))), last = static_cast<int>(std::ceil(std::log10(high)));
    const bool fine = std::log10(high / low) < 2;
    int every = std::max(1, (last - first) / 8);  // at most about 8 decades labelled
    for (int e = first; e <= last; ++e) {
        const double decade = std::pow(10.0, e);
        for (const double m : fine ? std::vector<double>{1, 2, 5} : std::vector<double>{1}) {
            if (!fine && (e - first) % every != 0) continue;
            const double v = m * decade;
            if (v >= low * (1 - 1e-9) && v <= high * (1 + 1e-9)) ticks.push_back(v);
        }
    }
    return ticks;
}

axis axis_for(std::string label, const std::vector<double>& values, bool log) {
    double low = std::numeric_limits<double>::infinity(), high = -low;
    for (const double v : values)
        if (std::isfinite(v) && (!log || v > 0)) {
            low = std::min(low, v);
            high = std::max(high, v);
        }
    axis a{std::move(label), 0, 1, log};
    if (!(high >= low)) {
        if (log) a.low = 0.1, a.high = 10;
        return a;
    }
    if (log) {
        const double l = std::log10(low), h = std::log10(high), spare = std::max(0.04 * (h - l), 0.05);
        a.low = std::pow(10.0, l - spare);
        a.high = std::pow(10.0, h + spare);
        return a;
    }
    double spare = 0.04 * (high - low);
    const double precision = 1e-9 * std::max(std::abs(low), std::abs(high));
    if (high == low)
        spare = low == 0 ? 1 : 0.05 * std::abs(low);  // one value: centred
    else if (spare < precision)
        spare = precision;  // a flat trace with rounding noise still gets an axis
    a.low = low - spare;
    a.high = high + spare;
    return a;
}

std::string sequential_colour(double t) {
    // Light yellow to dark purple, lightness falling at every step.
    static constexpr double stops[][3] = {{255, 247, 188}, {254, 196, 79}, {236, 112, 20}, {153, 52, 4}, {68, 1, 84}};
    t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * 4;
    const int k = std::min(3, static_cast<int>(t));
    const double f = t - k;
    return rgb(stops[k][0] + f * (stops[k + 1][0] - stops[k][0]), stops[k][1] + f * (stops[k + 1][1] - stops[k][1]),
               stops[k][2] + f * (stops[k + 1][2] - stops[k][2]));
}

std::string diverging_colour(double t) {
    t = std::clamp(std::isfinite(t) ? t : 0.0, -1.0, 1.0);
    // White to red (positive) or white to blue (negative).
    const double red[3] = {178, 24, 43}, blue[3] = {33, 102, 172};
    const double* end = t >= 0 ? red : blue;
    const double f = std::abs(t);
    return rgb(255 + f * (end[0] - 255), 255 + f * (end[1] - 255), 255 + f * (end[2] - 255));
}

plot::plot(std::string id, std::string title, double width, double height, axis x, axis y)
    : id_(std::move(id)), title_(std::move(title)), width_(width), height_(height), x_(std::move(x)), y_(std::move(y)) {
    left_ = 72;
    right_ = width_ - 16;
    top_ = 30 + legend_row;
    bottom_ = height_ - 44;
}

double plot::px(double x) const { return left_ + axis_position(x_, x) * (right_ - left_); }

double plot::py(double y) const { return bottom_ - axis_position(y_, y) * (bottom_ - top_); }

void plot::begin_series(const std::string& name, const std::string& symbol) {
    ++series_;
    body_ += "<g class=\"series\" data-name=\"" + escape(name) + "\" clip-path=\"url(#" + id_ + "-area)\">";
    if (!name.empty() && !symbol.empty()) legend_.push_back({name, symbol});
}

std::string plot::path_data(const polyline& p, bool step) const {
    // "Mx,y x,y x,y" (pairs after M are lines) or, for steps, "Mx,yHxVy...".
    std::string d;
    d.reserve(p.x.size() * 12);
    bool open = false;
    for (std::size_t k = 0; k < p.x.size() && k < p.y.size(); ++k) {
        const double x = px(p.x[k]), y = py(p.y[k]);
        if (!std::isfinite(x) || !std::isfinite(y)) {
            open = false;
            continue;
        }
        // Far outside the area a coordinate only costs bytes: clamp it.
        const double cy = std::clamp(y, top_ - 2 * height_, bottom_ + 2 * height_);
        if (open && step) {
            d += 'H';
            append_coordinate(d, x);
            d += 'V';
            append_coordinate(d, cy);
            continue;
        }
        d += open ? ' ' : 'M';
        append_coordinate(d, x);
        d += ',';
        append_coordinate(d, cy);
        open = true;
    }
    return d;
}

void plot::line(const std::string& name, const polyline& points, const style& s) {
    begin_series(name, "<line x1=\"0\" y1=\"6\" x2=\"24\" y2=\"6\"" + stroke(s) + "/>");
    body_ += "<path fill=\"none\" stroke-linejoin=\"round\"" + stroke(s) + " d=\"" + path_data(points, false) + "\"/></g>";
}

void plot::steps(const std::string& name, const polyline& points, const style& s) {
    begin_series(name, "<line x1=\"0\" y1=\"6\" x2=\"24\" y2=\"6\"" + stroke(s) + "/>");
    body_ += "<path fill=\"none\"" + stroke(s) + " d=\"" + path_data(points, true) + "\"/></g>";
}

void plot::points(const std::string& name, const polyline& points, const style& s, marker m, double size) {
    begin_series(name, marker_shape(m, 12, 6, std::min(size, 5.0), s.colour));
    std::string opacity;
    if (s.opacity < 1) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, " fill-opacity=\"%g\"", s.opacity);
        opacity = buffer;
    }
    body_ += "<g" + opacity + ">";
    for (std::size_t k = 0; k < points.x.size() && k < points.y.size(); ++k) {
        const double x = px(points.x[k]), y = py(points.y[k]);
        if (std::isfinite(x) && std::isfinite(y)) body_ += marker_shape(m, x, y, size, s.colour);
    }
    body_ += "</g></g>";
}

void plot::marks(const std::string& name, const std::vector<double>& x, const std::vector<double>& row, double half,
                 const style& s, std::optional<marker> cap) {
    begin_series(name, "<line x1=\"12\" y1=\"0\" x2=\"12\" y2=\"12\"" + stroke(s) + "/>" +
                           (cap ? marker_shape(*cap, 12, 0, 3, s.colour) : std::string()));
    std::string d, caps;
    for (std::size_t k = 0; k < x.size() && k < row.size(); ++k) {
        const double u = px(x[k]), a = py(row[k] - half), b = py(row[k] + half);
        if (!std::isfinite(u) || !std::isfinite(a) || !std::isfinite(b)) continue;
        d += 'M';
        append_coordinate(d, u);
        d += ',';
        append_coordinate(d, a);
        d += 'V';
        append_coordinate(d, b);
        if (cap) caps += marker_shape(*cap, u, b, 2.6, s.colour);
    }
    body_ += "<path fill=\"none\"" + stroke(s) + " d=\"" + d + "\"/>" + caps + "</g>";
}

void plot::vertical(const std::string& name, double x, const style& s) {
    begin_series(name, "<line x1=\"12\" y1=\"0\" x2=\"12\" y2=\"12\"" + stroke(s) + "/>");
    const double u = px(x);
    if (std::isfinite(u))
        body_ += "<line x1=\"" + coordinate(u) + "\" y1=\"" + coordinate(top_) + "\" x2=\"" + coordinate(u) + "\" y2=\"" +
                 coordinate(bottom_) + "\"" + stroke(s) + "/>";
    body_ += "</g>";
}

void plot::cells(const std::string& name, const grid_counts& g) {
    begin_series(name, "<rect x=\"4\" y=\"0\" width=\"8\" height=\"12\" fill=\"" + sequential_colour(0.2) +
                           "\"/><rect x=\"12\" y=\"0\" width=\"8\" height=\"12\" fill=\"" + sequential_colour(0.9) + "\"/>");
    const double w = (right_ - left_) / static_cast<double>(std::max<std::size_t>(1, g.nx));
    const double h = (bottom_ - top_) / static_cast<double>(std::max<std::size_t>(1, g.ny));
    const double top_count = std::log1p(static_cast<double>(std::max<std::size_t>(1, g.max_count)));
    for (std::size_t cy = 0; cy < g.ny; ++cy)
        for (std::size_t cx = 0; cx < g.nx; ++cx) {
            const std::size_t n = g.counts[cy * g.nx + cx];
            if (n == 0) continue;
            // Counts on a log scale: a few samples still show beside thousands.
            const double t = 0.15 + 0.85 * std::log1p(static_cast<double>(n)) / top_count;
            body_ += "<rect x=\"" + coordinate(left_ + static_cast<double>(cx) * w) + "\" y=\"" +
                     coordinate(bottom_ - static_cast<double>(cy + 1) * h) + "\" width=\"" + coordinate(w + 0.3) +
                     "\" height=\"" + coordinate(h + 0.3) + "\" fill=\"" + sequential_colour(t) + "\"><title>" +
                     std::to_string(n) + (n == 1 ? " sample" : " samples") + "</title></rect>";
        }
    body_ += "</g>";
}

void plot::row_label(double y, const std::string& text) {
    const double v = py(y);
    if (!std::isfinite(v)) return;
    body_ += "<text class=\"row-label\" x=\"" + coordinate(left_ - 6) + "\" y=\"" + coordinate(v + 4) +
             "\" text-anchor=\"end\">" + escape(text) + "</text>";
}

std::string plot::svg() const {
    // Legend entries in rows that fit the width; rows after the first push the plot down.
    std::vector<std::pair<double, double>> at;  // each entry's position
    double x = left_, row = 0;
    for (const auto& e : legend_) {
        const double w = 30 + static_cast<double>(e.name.size()) * char_width + 16;
        if (x + w > right_ && x > left_) {
            x = left_;
            row += 1;
        }
        at.emplace_back(x, 32 + row * legend_row);
        x += w;
    }
    const double shift = row * legend_row;
    const double total_height = height_ + shift;
    std::string out;
    out.reserve(body_.size() + 4096);
    out += "<svg class=\"plot\" id=\"" + escape(id_) + "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + coordinate(width_) +
           "\" height=\"" + coordinate(total_height) + "\" viewBox=\"0 0 " + coordinate(width_) + " " +
           coordinate(total_height) + "\" role=\"img\" aria-label=\"" + escape(title_) + "\" data-series=\"" +
           std::to_string(series_) + "\">";
    out += "<text class=\"plot-title\" x=\"" + coordinate(left_) + "\" y=\"14\">" + escape(title_) + "</text>";
    for (std::size_t k = 0; k < legend_.size(); ++k) {
        out += "<g class=\"legend-entry\" transform=\"translate(" + coordinate(at[k].first) + "," +
               coordinate(at[k].second - 9) + ")\">" + legend_[k].symbol + "<text x=\"30\" y=\"10\">" +
               escape(legend_[k].name) + "</text></g>";
    }
    out += "<g transform=\"translate(0," + coordinate(shift) + ")\">";
    out += "<defs><clipPath id=\"" + escape(id_) + "-area\"><rect x=\"" + coordinate(left_) + "\" y=\"" + coordinate(top_) +
           "\" width=\"" + coordinate(right_ - left_) + "\" height=\"" + coordinate(bottom_ - top_) + "\"/></clipPath></defs>";
    // Grid and ticks.
    std::string grid, labels;
    // A log axis spanning less than a decade or so gets round linear ticks.
    const auto ticks_of = [](const axis& a, int target) {
        std::vector<double> t = a.log ? log_ticks(a.low, a.high) : linear_ticks(a.low, a.high, target);
        if (a.log && t.size() < 3) std::erase_if(t = linear_ticks(a.low, a.high, target), [](double v) { return v <= 0; });
        return t;
    };
    const auto xt = ticks_of(x_, std::max(3, static_cast<int>((right_ - left_) / 90)));
    const auto yt = ticks_of(y_, std::max(2, static_cast<int>((bottom_ - top_) / 45)));
    const double x_step = xt.size() > 1 ? xt[1] - xt[0] : 1, y_step = yt.size() > 1 ? yt[1] - yt[0] : 1;
    const bool x_powers = x_.low < 1e-3 || x_.high >= 1e4, y_powers = y_.low < 1e-3 || y_.high >= 1e4;
    for (const double t : x_.ticks ? xt : std::vector<double>{}) {
        const std::string u = coordinate(px(t));
        grid += "M" + u + "," + coordinate(top_) + "V" + coordinate(bottom_);
        labels += "<text x=\"" + u + "\" y=\"" + coordinate(bottom_ + 16) + "\" text-anchor=\"middle\">" +
                  tick_text(t, x_.log, x_step, x_powers) + "</text>";
    }
    for (const double t : y_.ticks ? yt : std::vector<double>{}) {
        const std::string v = coordinate(py(t));
        grid += "M" + coordinate(left_) + "," + v + "H" + coordinate(right_);
        labels += "<text x=\"" + coordinate(left_ - 6) + "\" y=\"" + coordinate(py(t) + 4) + "\" text-anchor=\"end\">" +
                  tick_text(t, y_.log, y_step, y_powers) + "</text>";
    }
    out += "<path class=\"grid\" fill=\"none\" stroke=\"#e4e4e4\" stroke-width=\"1\" d=\"" + grid + "\"/>";
    out += body_;
    out += "<rect class=\"frame\" x=\"" + coordinate(left_) + "\" y=\"" + coordinate(top_) + "\" width=\"" +
           coordinate(right_ - left_) + "\" height=\"" + coordinate(bottom_ - top_) +
           "\" fill=\"none\" stroke=\"#444\" stroke-width=\"1\"/>";
    out += "<g class=\"tick-labels\">" + labels + "</g>";
    out += "<text class=\"axis-label\" data-axis=\"x\" x=\"" + coordinate((left_ + right_) / 2) + "\" y=\"" +
           coordinate(bottom_ + 36) + "\" text-anchor=\"middle\">" + escape(x_.label) + "</text>";
    out += "<text class=\"axis-label\" data-axis=\"y\" transform=\"translate(16," + coordinate((top_ + bottom_) / 2) +
           ") rotate(-90)\" text-anchor=\"middle\">" + escape(y_.label) + "</text>";
    out += "</g></svg>";
    return out;
}

std::string heatmap(const std::string& title, const std::vector<std::string>& names,
                    const std::vector<std::vector<double>>& values) {
    const std::size_t n = names.size();
    std::size_t longest = 0;
    for (const auto& name : names) longest = std::max(longest, name.size());
    const double cell = 56, left = 16 + static_cast<double>(longest) * char_width, top = 30 + 18;
    const double width = left + cell * static_cast<double>(n) + 16, height = top + cell * static_cast<double>(n) + 16;
    std::string out = "<svg class=\"plot heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + coordinate(width) +
                      "\" height=\"" + coordinate(height) + "\" viewBox=\"0 0 " + coordinate(width) + " " +
                      coordinate(height) + "\" role=\"img\" aria-label=\"" + escape(title) + "\" data-series=\"1\">";
    out += "<text class=\"plot-title\" x=\"" + coordinate(left) + "\" y=\"14\">" + escape(title) + "</text>";
    out += "<g class=\"series\" data-name=\"correlation\">";
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            const double v = i < values.size() && j < values[i].size() ? values[i][j] : std::nan("");
            const double x = left + cell * static_cast<double>(j), y = top + cell * static_cast<double>(i);
            char text[32];
            std::snprintf(text, sizeof text, std::isfinite(v) ? "%.2f" : "n/a", v);
            out += "<rect x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) + "\" width=\"" + coordinate(cell) +
                   "\" height=\"" + coordinate(cell) + "\" fill=\"" + (std::isfinite(v) ? diverging_colour(v) : std::string("#dddddd")) +
                   "\" stroke=\"#ffffff\"/>";
            out += "<text x=\"" + coordinate(x + cell / 2) + "\" y=\"" + coordinate(y + cell / 2 + 4) +
                   "\" text-anchor=\"middle\" fill=\"" + (std::isfinite(v) && std::abs(v) > 0.6 ? "#ffffff" : "#000000") + "\">" +
                   text + "</text>";
        }
    out += "</g>";
    for (std::size_t k = 0; k < n; ++k) {
        const double mid = cell * static_cast<double>(k) + cell / 2;
        out += "<text class=\"axis-label\" data-axis=\"y\" x=\"" + coordinate(left - 6) + "\" y=\"" + coordinate(top + mid + 4) +
               "\" text-anchor=\"end\">" + escape(names[k]) + "</text>";
        out += "<text class=\"axis-label\" data-axis=\"x\" x=\"" + coordinate(left + mid) + "\" y=\"" + coordinate(top - 6) +
               "\" text-anchor=\"middle\">" + escape(names[k]) + "</text>";
    }
    out += "</svg>";
    return out;
}

} // namespace cellfit::report
