#include "report_page.hpp"
#include "svg_plot.hpp"

#include <cellfit/model/model.hpp>
#include <cellfit/units/quantity.hpp>
#include <cellfit/version.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

namespace cellfit::report {

namespace {

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

dimension dimension_of(const std::string& unit) {
    if (unit.empty() || unit == "1") return {};
    try {
        return evaluate_quantity(unit, "unit").dim;
    } catch (const std::exception&) {
        return {};
    }
}

// The unit format_quantity would print `typical` in ("mV" for -0.065 V).
display display_for(const dimension& dim, double typical) {
    if (dim.is_dimensionless()) return {};
    if (!(std::isfinite(typical) && typical != 0)) typical = 1;
    const std::string text = format_quantity({typical, dim}, 6);
    const auto space = text.find(' ');
    if (space == std::string::npos) return {1, unit_name(dim)};
    try {
        const double shown = std::stod(text.substr(0, space));
        if (shown != 0 && std::isfinite(shown)) return {typical / shown, text.substr(space + 1)};
    } catch (const std::exception&) {
    }
    return {1, unit_name(dim)};
}

std::string label(const std::string& name, const display& d) {
    return d.unit.empty() ? name : name + " (" + d.unit + ")";
}

double largest_magnitude(const std::vector<double>& values) {
    double m = 0;
    for (const double v : values)
        if (std::isfinite(v)) m = std::max(m, std::abs(v));
    return m;
}

// The unit errors are shown in follows the best (smallest) one: that is the
// value a reader compares.
double smallest_positive(const std::vector<double>& values) {
    double m = inf;
    for (const double v : values)
        if (std::isfinite(v) && v > 0) m = std::min(m, v);
    return std::isfinite(m) ? m : largest_magnitude(values);
}

std::vector<double> scaled(const std::vector<double>& values, double factor) {
    std::vector<double> out(values.size());
    for (std::size_t k = 0; k < values.size(); ++k) out[k] = values[k] / factor;
    return out;
}

std::string number(double v, int digits = 4) {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
    return buffer;
}

// Entries of the description, read defensively: a damaged file still gets a page.
std::string text_of(const json& j, const char* key) {
    if (!j.is_object() || !j.contains(key)) return {};
    const json& v = j.at(key);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return {};
    return v.dump();
}

const json& entry(const json& j, const char* key) {
    static const json none;
    return j.is_object() && j.contains(key) ? j.at(key) : none;
}

std::string pairs_text(const json& list, const char* separator = " = ") {
    std::string out;
    if (!list.is_array()) return out;
    for (const auto& kv : list)
        if (kv.is_array() && kv.size() == 2 && kv.at(0).is_string() && kv.at(1).is_string())
            out += (out.empty() ? "" : ", ") + kv.at(0).get<std::string>() + separator + kv.at(1).get<std::string>();
    return out;
}

// A metric option of one output, in SI (e.g. t_start, delta), if given.
std::optional<double> metric_option(const json& description, const std::string& output, const std::string& key) {
    for (const auto& m : entry(description, "metrics"))
        if (text_of(m, "output") == output)
            for (const auto& kv : entry(m, "options"))
                if (kv.is_array() && kv.size() == 2 && kv.at(0) == key && kv.at(1).is_string()) try {
                        return evaluate_quantity(kv.at(1).get<std::string>(), "metric option").value;
                    } catch (const std::exception&) {
                    }
    return std::nullopt;
}

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

    void header();
    void summary();
    void parameters();
    void traces();
    void spikes();
    void convergence();
    void parameter_scatter();
    void correlation();
    void pareto();
};

void page::header() {
    html += "<header><h1>" + escape(in.title) + "</h1><p class=\"subtitle\">cellfit fit report";
    const std::string target = text_of(in.description, "target");
    if (!target.empty()) html += ": " + escape(target);
    html += "</p></header>\n";
    if (!in.notes.empty()) {
        html += "<section class=\"notes\"><h2>Notes</h2><ul>";
        for (const auto& n : in.notes) html += "<li>" + escape(n) + "</li>";
        html += "</ul></section>\n";
    }
}

void page::summary() {
    const json& d = in.description;
    html += "<section id=\"summary\"><h2>The fit</h2><table class=\"summary\">";
    const auto row = [&](const std::string& key, const std::string& value_html) {
        if (!value_html.empty()) html += "<tr><th>" + key + "</th><td>" + value_html + "</td></tr>";
    };
    if (d.is_null()) row("description", "none recorded (a results file of format 1, or of cellfit refine)");
    const json& model = entry(d, "model");
    row("model", escape(text_of(model, "file")));
    const auto code = [](const std::string& text) { return text.empty() ? text : "<code>" + escape(text) + "</code>"; };
    row("threshold", code(text_of(model, "threshold")));
    row("reset", code(text_of(model, "reset")));
    row("refractory", code(text_of(model, "refractory")));
    row("constants", escape(pairs_text(entry(model, "constants"))));
    row("initial values", escape(pairs_text(entry(d, "initial_values"))));
    std::string fixed;
    if (entry(d, "fixed_parameters").is_object())
        for (const auto& [name, value] : entry(d, "fixed_parameters").items())
            if (value.is_number()) {
                const auto unit = in.units.find(name);
                fixed += (fixed.empty() ? "" : ", ") + name + " = " +
                         (unit != in.units.end() ? format_quantity({value.get<double>(), dimension_of(unit->second)}, 6)
                                                 : number(value.get<double>(), 6) + " (SI)");
            }
    row("fixed parameters", escape(fixed));
    const json& data = entry(d, "data");
    if (data.is_object()) {
        std::string files;
        for (const auto& f : entry(data, "files"))
            files += "<li><code>--" + escape(text_of(f, "flag")) + (text_of(f, "name").empty() ? "" : " " + escape(text_of(f, "name"))) +
                     "</code> " + escape(text_of(f, "file")) + (text_of(f, "unit").empty() ? "" : " (" + escape(text_of(f, "unit")) + ")") +
                     "</li>";
        std::string sampling;
        if (entry(data, "dt").is_number()) {
            const double dt = entry(data, "dt").get<double>();
            sampling = "dt = " + format_quantity({dt, dimension::of(dimension::time)}, 4);
            if (entry(data, "steps").is_number() && entry(data, "traces").is_number()) {
                const double steps = entry(data, "steps").get<double>();
                sampling += ", " + number(steps, 12) + " steps (" + format_quantity({steps * dt, dimension::of(dimension::time)}, 4) +
                            ") per trace, " + number(entry(data, "traces").get<double>(), 12) + " traces";
            }
        }
        row("data", escape(sampling) + (files.empty() ? "" : "<ul class=\"files\">" + files + "</ul>"));
    }
    row("integration", escape(text_of(d, "method")));
    const json& optimizer = entry(d, "optimizer");
    if (optimizer.is_object()) {
        std::string text = text_of(optimizer, "name");
        const std::string options = pairs_text(entry(optimizer, "options"));
        if (!options.empty()) text += " (" + options + ")";
        if (!text_of(d, "seed").empty()) text += ", seed " + text_of(d, "seed");
        row("optimizer", escape(text));
    }
    std::string metrics;
    for (const auto& m : entry(d, "metrics")) {
        const std::string options = pairs_text(entry(m, "options"));
        metrics += (metrics.empty() ? "" : "; ") + text_of(m, "output") + ": " + text_of(m, "name") +
                   (options.empty() ? "" : " (" + options + ")");
    }
    row("metric", escape(metrics));
    row("penalty", code(text_of(d, "penalty")));
    std::string budget;
    if (entry(d, "samples_per_round").is_number() && entry(d, "planned_rounds").is_number()) {
        const double n = entry(d, "samples_per_round").get<double>(), rounds = entry(d, "planned_rounds").get<double>();
        budget = number(n, 12) + " samples per round x " + number(rounds, 12) + " rounds planned = " + number(n * rounds, 12) +
                 " evaluations";
        if (entry(d, "multi_objective").is_boolean() && entry(d, "multi_objective").get<bool>()) budget += "; multi-objective";
    }
    row("budget", escape(budget));
    std::size_t diverged = 0;
    for (const auto n : r.round_diverged) diverged += n;
    row("evaluated", escape(std::to_string(r.n_rounds) + (r.n_rounds == 1 ? " round, " : " rounds, ") +
                            std::to_string(r.samples.size()) + " samples" +
                            (diverged ? " (" + std::to_string(diverged) + " diverged)" : std::string())));
    double seconds = 0;
    for (const double s : r.round_seconds) seconds += s;
    std::string time = format_quantity({seconds, dimension::of(dimension::time)}, 3) + " for the rounds";
    if (r.refine) time += ", " + format_quantity({r.refine->seconds, dimension::of(dimension::time)}, 3) + " for the refinement";
    row("wall time", escape(time));
    std::string version = text_of(d, "cellfit_version");
    row("cellfit", escape((version.empty() ? std::string() : version + " (fit), ") + CELLFIT_VERSION_STRING + " (report)"));
    html += "</table>";
    const std::string equations = text_of(model, "text");
    if (!equations.empty()) html += "<details><summary>Equations</summary><pre>" + escape(equations) + "</pre></details>";
    html += "</section>\n";
}

// A small bar showing where a value lies within its bounds.
std::string position_bar(double value, double low, double high, bool log) {
    const auto to = [&](double v) { return log ? std::log10(v) : v; };
    double f = (to(value) - to(low)) / (to(high) - to(low));
    if (!std::isfinite(f)) return {};
    f = std::clamp(f, 0.0, 1.0);
    char svg[512];
    std::snprintf(svg, sizeof svg,
                  "<svg class=\"position\" width=\"120\" height=\"14\" viewBox=\"0 0 120 14\" role=\"img\" aria-label=\"%.0f %% "
                  "of the interval\"><line x1=\"4\" y1=\"7\" x2=\"116\" y2=\"7\" stroke=\"#888\" stroke-width=\"2\"/>"
                  "<circle cx=\"%.1f\" cy=\"7\" r=\"4.5\" fill=\"#D55E00\"/></svg>",
                  100 * f, 4 + 112 * f);
    return svg;
}

void page::parameters() {
    const auto best = r.best_params();
    html += "<section id=\"parameters\"><h2>Best parameters</h2>";
    if (best.empty()) {
        html += "<p>No sample has a finite error: every simulation diverged.</p></section>\n";
        return;
    }
    const dimension error_dim = dimension_of(r.error_unit);
    html += "<p>Best error: <strong>" + escape(format_quantity({r.best_error(), error_dim}, 6)) + "</strong>, from the " +
            (r.best_is_refined() ? "refinement" : "fit") + ".";
    const std::size_t b = r.best_index();
    if (r.objective_names.size() > 1 && b < r.samples.size()) {
        html += " By objective:";
        for (std::size_t k = 0; k < r.objective_names.size(); ++k)
            html += std::string(k ? "," : "") + " " + escape(r.objective_names[k]) + " " +
                    escape(format_quantity({r.samples[b].objectives[k], dimension_of(r.objective_units[k])}, 4));
        html += " (best sample).";
    }
    html += "</p>";
    const bool refined = r.refine.has_value();
    html += "<table class=\"parameters\"><thead><tr><th>parameter</th><th>value</th>";
    if (refined) html += "<th>standard error</th>";
    html += "<th>bounds</th><th>within the bounds</th></tr></thead><tbody>";
    for (std::size_t k = 0; k < r.parameter_names.size(); ++k) {
        const std::string& name = r.parameter_names[k];
        const dimension dim = parameter_dim(k);
        const double value = best.count(name) ? best.at(name) : std::nan("");
        html += "<tr><th>" + escape(name) + "</th><td>" + escape(format_quantity({value, dim}, 6)) + "</td>";
        if (refined) {
            std::string se = "n/a";
            const auto& names = r.refine->parameter_names;
            const auto at = std::find(names.begin(), names.end(), name);
            if (at != names.end()) {
                const double s = r.refine->standard_errors[static_cast<std::size_t>(at - names.begin())];
                if (std::isfinite(s))
                    se = "&plusmn; " + escape(format_quantity({s, dim}, 3)) +
                         (value != 0 ? " (" + number(100 * s / std::abs(value), 2) + " %)" : std::string());
                else
                    se = "not determined by the data";
            }
            html += "<td>" + se + "</td>";
        }
        bool log = false;
        if (const auto bounds = bounds_of(name, log)) {
            html += "<td>" + escape(format_quantity({bounds->first, dim}, 4)) + " to " +
                    escape(format_quantity({bounds->second, dim}, 4)) + (log ? " (log scale)" : "") + "</td><td>" +
                    position_bar(value, bounds->first, bounds->second, log);
            const auto to = [&](double v) { return log ? std::log10(v) : v; };
            const double f = (to(value) - to(bounds->first)) / (to(bounds->second) - to(bounds->first));
            if (f < 0.01 || f > 0.99) html += " <span class=\"warning\">at a bound: widen it?</span>";
            html += "</td>";
        } else {
            html += "<td></td><td></td>";
        }
        html += "</tr>";
    }
    html += "</tbody></table></section>\n";
}

void page::traces() {
    if (in.traces.empty()) return;
    html += "<section id=\"traces\"><h2>Recorded and fitted traces</h2>";
    const double plot_area = page_width - 88;
    const auto columns = static_cast<std::size_t>(plot_area);
    for (const auto& out : in.traces) {
        const dimension dim = dimension_of(out.unit);
        std::size_t steps = 0;
        double magnitude = 0;
        for (const auto& row : out.recorded) {
            steps = std::max(steps, row.size());
            magnitude = std::max(magnitude, largest_magnitude(row));
        }
        const display time = display_for(dimension::of(dimension::time), static_cast<double>(steps) * in.dt);
        const display value = display_for(dim, magnitude);
        const std::optional<double> t_start = metric_option(in.description, out.variable, "t_start");
        html += "<h3>" + escape(out.variable) + "</h3>";
        for (std::size_t k = 0; k < out.recorded.size(); ++k) {
            const auto& recorded = out.recorded[k];
            const std::vector<double> empty;
            const auto& fitted = k < out.fitted.size() ? out.fitted[k] : empty;
            const double dt = in.dt / time.factor;
            const polyline rec = envelope(scaled(recorded, value.factor), 0, dt, columns);
            const polyline fit = envelope(scaled(fitted, value.factor), 0, dt, columns);
            std::vector<double> residual(std::min(recorded.size(), fitted.size()));
            for (std::size_t s = 0; s < residual.size(); ++s) residual[s] = (fitted[s] - recorded[s]) / value.factor;
            const polyline res = envelope(residual, 0, dt, columns);
            std::vector<double> all = rec.y;
            all.insert(all.end(), fit.y.begin(), fit.y.end());
            const axis x{label("time", time), 0, std::max(1, static_cast<int>(steps)) * dt, false};
            plot traces(next_id(), "Trace " + std::to_string(k + 1) + ": " + out.variable, page_width, 300, x,
                        axis_for(label(out.variable, value), all));
            traces.line("recorded", rec, {colour::black, 1.2});
            traces.line("fitted", fit, {colour::vermillion, 1.6});
            if (t_start && *t_start > 0) traces.vertical("t_start: the metric starts here", *t_start / time.factor, {colour::grey, 1, "4 3"});
            std::vector<double> residual_range = res.y;
            residual_range.push_back(0);
            plot residuals(next_id(), "Residual, fitted - recorded", page_width, 170, x,
                           axis_for(label("residual", value), residual_range));
            residuals.line("fitted - recorded", res, {colour::blue, 1.1});
            residuals.line("", {{0, x.high}, {0, 0}}, {colour::grey, 1, "2 2"});
            figure(traces.svg() + residuals.svg(), "", "figure trace");
        }
    }
    html += "</section>\n";
}

void page::spikes() {
    if (in.recorded_spikes.empty()) return;
    const double delta = metric_option(in.description, "spikes", "delta").value_or(0.004);
    const display time = display_for(dimension::of(dimension::time), in.duration);
    const std::size_t n = in.recorded_spikes.size();
    // Rows from the top: trace 1 recorded, trace 1 fitted, a gap, trace 2...
    const auto row_of = [&](std::size_t trace, bool recorded) { return 3.0 * static_cast<double>(n - trace) - (recorded ? 1 : 2); };
    std::vector<double> matched_x, matched_row, missed_x, missed_row, extra_x, extra_row;
    std::size_t recorded_total = 0, fitted_total = 0, coincident_total = 0;
    std::string per_trace;
    for (std::size_t k = 0; k < n; ++k) {
        const auto& rec = in.recorded_spikes[k];
        const std::vector<double> none;
        const auto& fit = k < in.fitted_spikes.size() ? in.fitted_spikes[k] : none;
        const spike_pairs pairs = match_spikes(rec, fit, delta);
        for (std::size_t s = 0; s < rec.size(); ++s) {
            (pairs.recorded_matched[s] ? matched_x : missed_x).push_back(rec[s] / time.factor);
            (pairs.recorded_matched[s] ? matched_row : missed_row).push_back(row_of(k, true));
        }
        for (std::size_t s = 0; s < fit.size(); ++s) {
            (pairs.fitted_matched[s] ? matched_x : extra_x).push_back(fit[s] / time.factor);
            (pairs.fitted_matched[s] ? matched_row : extra_row).push_back(row_of(k, false));
        }
        recorded_total += rec.size();
        fitted_total += fit.size();
        coincident_total += pairs.coincidences;
        per_trace += "<tr><td>" + std::to_string(k + 1) + "</td><td>" + std::to_string(rec.size()) + "</td><td>" +
                     std::to_string(fit.size()) + "</td><td>" + std::to_string(pairs.coincidences) + "</td></tr>";
    }
    html += "<section id=\"spikes\"><h2>Recorded and fitted spikes</h2>";
    const double height = 110 + 42.0 * static_cast<double>(n);  // 14 px per row, a row's gap between traces
    axis y{"trace", 0, 3.0 * static_cast<double>(n), false, false};
    plot raster(next_id(), "Spikes per trace (upper row recorded, lower row fitted)", page_width, height,
                {label("time", time), 0, in.duration / time.factor}, y);
    const double half = 0.42;
    raster.marks("coincident (within " + format_quantity({delta, dimension::of(dimension::time)}, 3) + ")", matched_x, matched_row, half,
                 {colour::blue, 1.6});
    raster.marks("recorded only", missed_x, missed_row, half, {colour::black, 1.4}, marker::circle);
    raster.marks("fitted only", extra_x, extra_row, half, {colour::vermillion, 1.4}, marker::triangle);
    for (std::size_t k = 0; k < n; ++k) {
        raster.row_label(row_of(k, true), std::to_string(k + 1) + " rec.");
        raster.row_label(row_of(k, false), std::to_string(k + 1) + " fit");
    }
    figure(raster.svg(), escape(std::to_string(coincident_total) + " of " + std::to_string(recorded_total) +
                                " recorded spikes have a fitted spike within " +
                                format_quantity({delta, dimension::of(dimension::time)}, 3) + "; the model fired " +
                                std::to_string(fitted_total) + " in all."));
    html += "<details><summary>Spike counts per trace</summary><table class=\"counts\"><thead><tr><th>trace</th><th>recorded</th>"
            "<th>fitted</th><th>coincident</th></tr></thead><tbody>" +
            per_trace + "</tbody></table></details></section>\n";
}

void page::convergence() {
    if (r.samples.empty()) return;
    // The best error of each round, in the order evaluated, and the evaluations up to it.
    std::map<std::size_t, double> round_best;
    std::map<std::size_t, std::size_t> round_count;
    for (const auto& s : r.samples) {
        auto [it, fresh] = round_best.emplace(s.round, inf);
        if (std::isfinite(s.error)) it->second = std::min(it->second, s.error);
        ++round_count[s.round];
    }
    std::vector<double> rounds, evaluations, best;
    std::size_t evaluated = 0;
    for (const auto& [round, error] : round_best) {
        evaluated += round_count[round];
        rounds.push_back(static_cast<double>(round) + 1);
        evaluations.push_back(static_cast<double>(evaluated));
        best.push_back(error);
    }
    const std::vector<double> so_far = running_minimum(best);
    bool log = true;
    for (const double e : best)
        if (std::isfinite(e) && e <= 0) log = false;
    const display error = display_for(dimension_of(r.error_unit), smallest_positive(so_far));
    const std::vector<double> best_shown = scaled(best, error.factor), so_far_shown = scaled(so_far, error.factor);
    std::vector<double> range = best_shown;
    const axis y = axis_for(label("error", error) + (log ? ", log scale" : ""), range, log);
    html += "<section id=\"convergence\"><h2>Convergence</h2><div class=\"row\">";
    for (const bool by_round : {true, false}) {
        const std::vector<double>& x = by_round ? rounds : evaluations;
        plot p(next_id(), by_round ? "Best error by round" : "Best error by evaluations", half_width, 320,
               {by_round ? "round" : "evaluations", 0, x.empty() ? 1 : x.back() * 1.02}, y);
        // Many rounds: thinned per pixel column (the envelope's x is the round's index).
        const auto thinned = [&](const std::vector<double>& values) {
            polyline thin = envelope(values, 0, 1, 400);
            for (auto& v : thin.x) v = x[static_cast<std::size_t>(v)];
            return thin;
        };
        if (x.size() > 600)
            p.line("best in the round", thinned(best_shown), {colour::grey, 0.8});
        else
            p.points("best in the round", {x, best_shown}, {colour::grey, 1}, marker::circle, 2.5);
        p.steps("best so far", x.size() > 600 ? thinned(so_far_shown) : polyline{x, so_far_shown}, {colour::blue, 2});
        html += "<figure class=\"figure half\">" + p.svg() + "</figure>";
    }
    html += "</div></section>\n";
}

void page::parameter_scatter() {
    if (r.samples.empty() || r.parameter_names.empty()) return;
    std::vector<double> errors;
    errors.reserve(r.samples.size());
    bool log = true;
    for (const auto& s : r.samples) {
        errors.push_back(s.error);
        if (std::isfinite(s.error) && s.error <= 0) log = false;
    }
    const display error = display_for(dimension_of(r.error_unit), smallest_positive(errors));
    const std::vector<double> errors_shown = scaled(errors, error.factor);
    const axis y = axis_for(label("error", error) + (log ? ", log scale" : ""), errors_shown, log);
    const bool binned = r.samples.size() > bin_above;
    const auto best = r.best_params();
    const std::size_t b = r.best_index();
    html += "<section id=\"samples\"><h2>Every parameter against the error</h2><p>Each point is a sample";
    html += binned ? " (binned: " + std::to_string(r.samples.size()) + " samples; darker cells hold more samples)" : std::string();
    html += ". A parameter the data determine shows a clear valley around its best value; a flat floor means it is not identifiable.</p>";
    html += "<div class=\"row\">";
    for (std::size_t k = 0; k < r.parameter_names.size(); ++k) {
        const std::string& name = r.parameter_names[k];
        std::vector<double> x(r.samples.size());
        for (std::size_t s = 0; s < r.samples.size(); ++s) x[s] = r.samples[s].params[k];
        bool x_log = false;
        const auto bounds = bounds_of(name, x_log);
        const display shown = display_for(parameter_dim(k), bounds ? std::max(std::abs(bounds->first), std::abs(bounds->second))
                                                                    : largest_magnitude(x));
        const std::vector<double> xs = scaled(x, shown.factor);
        axis x_axis = bounds ? axis{label(name, shown), bounds->first / shown.factor, bounds->second / shown.factor, x_log}
                             : axis_for(label(name, shown), xs, x_log);
        if (!(x_axis.high > x_axis.low) || (x_axis.log && !(x_axis.low > 0))) x_axis = axis_for(label(name, shown), xs, false);
        x_axis.label += x_axis.log ? ", log scale" : "";
        plot p(next_id(), name, half_width, 300, x_axis, y);
        if (binned) {
            const grid_counts g = bin_points(xs, errors_shown, 48, 32, x_axis.low, x_axis.high, x_axis.log, y.low, y.high, y.log);
            p.cells("samples", g);
            polyline lowest;
            const auto to = [&](double v) { return x_axis.log ? std::log10(v) : v; };
            const auto from = [&](double v) { return x_axis.log ? std::pow(10.0, v) : v; };
            for (std::size_t c = 0; c < g.nx; ++c) {
                lowest.x.push_back(from(to(x_axis.low) + (static_cast<double>(c) + 0.5) / static_cast<double>(g.nx) *
                                                           (to(x_axis.high) - to(x_axis.low))));
                lowest.y.push_back(std::isfinite(g.column_minimum[c]) ? g.column_minimum[c] : std::nan(""));
            }
            p.line("lowest error per column", lowest, {colour::blue, 1.5});
        } else {
            p.points("samples", {xs, errors_shown}, {colour::sky_blue, 1, "", 0.6}, marker::circle, 2.2);
        }
        if (b < r.samples.size())
            p.points("best sample", {{xs[b]}, {errors_shown[b]}}, {colour::vermillion, 1}, marker::diamond, 5);
        if (r.best_is_refined() && best.count(name)) p.vertical("refined", best.at(name) / shown.factor, {colour::black, 1.2, "5 3"});
        html += "<figure class=\"figure half\">" + p.svg() + "</figure>";
    }
    html += "</div></section>\n";
}

void page::correlation() {
    if (!r.refine || r.refine->correlation.empty()) return;
    html += "<section id=\"correlation\"><h2>Correlations of the refined parameters</h2>";
    figure(heatmap("Correlation matrix", r.refine->parameter_names, r.refine->correlation),
           "From the Jacobian at the refined parameters. Values near +1 or -1 mean that the data fix a combination of the two "
           "parameters better than either alone.");
    html += "</section>\n";
}

void page::pareto() {
    const json& multi = entry(in.description, "multi_objective");
    if (!(multi.is_boolean() && multi.get<bool>()) || r.objective_names.size() < 2 || r.samples.empty()) return;
    html += "<section id=\"pareto\"><h2>Pareto front</h2><p>The samples no other sample beats in both objectives.</p><div class=\"row\">";
    const std::size_t shown_objectives = std::min<std::size_t>(3, r.objective_names.size());
    for (std::size_t i = 0; i < shown_objectives; ++i)
        for (std::size_t j = i + 1; j < shown_objectives; ++j) {
            std::vector<double> a, b;
            for (const auto& s : r.samples) {
                a.push_back(s.objectives[i]);
                b.push_back(s.objectives[j]);
            }
            const display da = display_for(dimension_of(r.objective_units[i]), smallest_positive(a));
            const display db = display_for(dimension_of(r.objective_units[j]), smallest_positive(b));
            const std::vector<double> as = scaled(a, da.factor), bs = scaled(b, db.factor);
            const auto positive = [](const std::vector<double>& v) {
                return std::all_of(v.begin(), v.end(), [](double x) { return !std::isfinite(x) || x > 0; });
            };
            const bool log_a = positive(as), log_b = positive(bs);
            const axis x = axis_for(label(r.objective_names[i], da) + (log_a ? ", log scale" : ""), as, log_a);
            const axis y = axis_for(label(r.objective_names[j], db) + (log_b ? ", log scale" : ""), bs, log_b);
            plot p(next_id(), r.objective_names[i] + " against " + r.objective_names[j], half_width, 320, x, y);
            if (as.size() > bin_above)
                p.cells("samples", bin_points(as, bs, 48, 32, x.low, x.high, x.log, y.low, y.high, y.log));
            else
                p.points("samples", {as, bs}, {colour::grey, 1, "", 0.5}, marker::circle, 2);
            polyline front;
            for (const std::size_t k : pareto_front(as, bs)) {
                front.x.push_back(as[k]);
                front.y.push_back(bs[k]);
            }
            p.steps("", front, {colour::vermillion, 1.2});
            p.points("Pareto front", front, {colour::vermillion, 1}, marker::square, 3);
            html += "<figure class=\"figure half\">" + p.svg() + "</figure>";
        }
    html += "</div></section>\n";
}

const char* const style_sheet = R"css(
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; margin: 0; background: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 24px 16px 64px; }
h1 { font-size: 26px; margin: 0 0 2px; word-break: break-all; }
h2 { font-size: 20px; margin: 34px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 22px 0 6px; }
.subtitle { color: #555; margin: 0 0 12px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 4px 12px 4px 0; border-bottom: 1px solid #eee; }
table.summary th { width: 150px; color: #444; font-weight: 600; }
table.parameters th, table.parameters td { padding-right: 18px; }
ul.files { margin: 4px 0 0; padding-left: 18px; }
pre { background: #f6f6f6; padding: 10px 12px; overflow-x: auto; font-size: 13px; border-radius: 4px; }
code { font-size: 13px; }
.notes { background: #fff6e0; border: 1px solid #e6c46a; padding: 4px 16px; border-radius: 4px; }
.notes h2 { border: 0; margin: 10px 0 4px; font-size: 17px; }
.warning { color: #a33b00; font-size: 13px; }
figure { margin: 10px 0 18px; }
figcaption { color: #444; font-size: 14px; margin-top: 4px; }
.row { display: flex; flex-wrap: wrap; gap: 12px; }
.row figure { margin: 4px 0; }
svg.plot { display: block; font: 12px system-ui, sans-serif; }
svg.plot .plot-title { font-weight: 600; font-size: 13px; }
svg.plot .axis-label { font-size: 13px; }
svg.plot text { fill: #222; }
svg.position { vertical-align: middle; }
@media print { h2 { break-after: avoid; } figure { break-inside: avoid; } }
)css";

} // namespace

std::string render_report(const report_input& input) {
    static const fit_results no_results;
    page p{input, input.results ? *input.results : no_results, 0, {}};
    p.html.reserve(1 << 20);
    p.html += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
              "<meta name=\"generator\" content=\"cellfit " CELLFIT_VERSION_STRING "\"><title>" +
              escape(input.title) + "</title><style>" + style_sheet + "</style></head>\n<body><main>\n";
    p.header();
    p.summary();
    p.parameters();
    p.traces();
    p.spikes();
    p.convergence();
    p.parameter_scatter();
    p.correlation();
    p.pareto();
    p.html += "</main></body></html>\n";
    return p.html;
}

} // namespace cellfit::report
