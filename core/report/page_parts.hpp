#pragma once

// What the sections of the report page share (report_page.cpp assembles
// them): how values are shown, the description read defensively, and the
// page being written. Internal to core/report.

#include "report_page.hpp"
#include "svg_plot.hpp"

#include <cellfit/units/quantity.hpp>

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cellfit::report::detail {

using json = nlohmann::ordered_json;

constexpr double page_width = 960;       // px: a full-width figure
constexpr double half_width = 474;       // two figures side by side
constexpr std::size_t bin_above = 3000;  // samples drawn one by one up to this many
constexpr double inf = std::numeric_limits<double>::infinity();

// How values of a dimension are shown: SI value / factor, in `unit`.
struct display {
    double factor = 1;
    std::string unit;  // empty: a plain number
};

// The dimension of a unit in Brian syntax ("volt**2"); dimensionless when unreadable.
dimension dimension_of(const std::string& unit);
// The unit format_quantity would print `typical` in ("mV" for -0.065 V).
display display_for(const dimension& dim, double typical);
// "v (mV)", or the name alone for a plain number.
std::string label(const std::string& name, const display& d);
double largest_magnitude(const std::vector<double>& values);
// The unit errors are shown in follows the best (smallest) one: that is the
// value a reader compares.
double smallest_positive(const std::vector<double>& values);
std::vector<double> scaled(const std::vector<double>& values, double factor);
std::string number(double v, int digits = 4);
// Entries of the description, read defensively: a damaged file still gets a page.
std::string text_of(const json& j, const char* key);
const json& entry(const json& j, const char* key);
std::string pairs_text(const json& list, const char* separator = " = ");
// A metric option of one output, in SI (e.g. t_start, delta), if given and readable.
std::optional<double> metric_option(const json& description, const std::string& output, const std::string& key);

// The page being written: each section appends its HTML.
struct page {
    const report_input& in;
    const fit_results& r;
    std::size_t plots = 0;
    std::string html;

    std::string next_id() { return "plot" + std::to_string(++plots); }
    void figure(const std::string& svg, const std::string& caption, const char* cls = "figure") {
        html += "<figure class=\"" + std::string(cls) + "\">" + svg;
        if (!caption.empty()) html += "<figcaption>" + caption + "</figcaption>";
        html += "</figure>\n";
    }

    dimension parameter_dim(std::size_t k) const {
        return k < r.parameter_units.size() ? dimension_of(r.parameter_units[k]) : dimension{};
    }

    // The search interval of a parameter (SI) from the description.
    std::optional<std::pair<double, double>> bounds_of(const std::string& name, bool& log) const {
        const json& b = entry(entry(in.description, "bounds"), name.c_str());
        log = b.is_object() && b.contains("log") && b.at("log").is_boolean() && b.at("log").get<bool>();
        if (b.is_object() && b.contains("lower") && b.contains("upper") && b.at("lower").is_number() && b.at("upper").is_number())
            return std::make_pair(b.at("lower").get<double>(), b.at("upper").get<double>());
        return std::nullopt;
    }

    // Text (page_text.cpp).
    void header();
    void summary();
    void parameters();
    // Figures (page_figures.cpp).
    void traces();
    void spikes();
    void convergence();
    void parameter_scatter();
    void correlation();
    void pareto();
};

} // namespace cellfit::report::detail
