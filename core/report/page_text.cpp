#include "page_parts.hpp"

#include <cellfit/model/model.hpp>
#include <cellfit/version.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cellfit::report::detail {

dimension dimension_of(const std::string& unit) {
    if (unit.empty() || unit == "1") return {};
    try {
        return evaluate_quantity(unit, "unit").dim;
    } catch (const std::exception&) {
        return {};
    }
}

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

std::string number(double v, int digits) {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
    return buffer;
}

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

std::string pairs_text(const json& list, const char* separator) {
    std::string out;
    if (!list.is_array()) return out;
    for (const auto& kv : list)
        if (kv.is_array() && kv.size() == 2 && kv.at(0).is_string() && kv.at(1).is_string())
            out += (out.empty() ? "" : ", ") + kv.at(0).get<std::string>() + separator + kv.at(1).get<std::string>();
    return out;
}

std::optional<double> metric_option(const json& description, const std::string& output, const std::string& key) {
    // The last value given wins, as in the metric (an output's own after those for all).
    std::optional<double> value;
    for (const auto& m : entry(description, "metrics"))
        if (text_of(m, "output") == output)
            for (const auto& kv : entry(m, "options"))
                if (kv.is_array() && kv.size() == 2 && kv.at(0) == key && kv.at(1).is_string()) try {
                        value = evaluate_quantity(kv.at(1).get<std::string>(), "metric option").value;
                    } catch (const std::exception&) {
                    }
    return value;
}

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

namespace {

// A small bar showing where a value lies within its bounds: its position
// there (axis_position over the bounds, on the search scale).
std::string position_bar(double f) {
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

} // namespace

void page::parameters() {
    const auto best = r.best_params();
    html += "<section id=\"parameters\"><h2>Best parameters</h2>";
    if (best.empty()) {
        html += r.samples.empty() ? "<p>No samples: the fit evaluated no round.</p></section>\n"
                                  : "<p>No sample has a finite error: every simulation diverged.</p></section>\n";
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
            const double f = axis_position({"", bounds->first, bounds->second, log}, value);
            html += "<td>" + escape(format_quantity({bounds->first, dim}, 4)) + " to " +
                    escape(format_quantity({bounds->second, dim}, 4)) + (log ? " (log scale)" : "") + "</td><td>" +
                    position_bar(f);
            if (f < 0.01 || f > 0.99) html += " <span class=\"warning\">at a bound: widen it?</span>";
            html += "</td>";
        } else {
            html += "<td></td><td></td>";
        }
        html += "</tr>";
    }
    html += "</tbody></table></section>\n";
}

} // namespace cellfit::report::detail
