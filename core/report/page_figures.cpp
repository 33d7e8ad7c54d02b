#include "page_parts.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace cellfit::report::detail {

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
            // Thinned first, then scaled: only the points drawn are converted.
            const auto shown = [&](const std::vector<double>& si) {
                polyline p = envelope(si, 0, dt, columns);
                p.y = scaled(p.y, value.factor);
                return p;
            };
            const polyline rec = shown(recorded), fit = shown(fitted);
            std::vector<double> residual(std::min(recorded.size(), fitted.size()));
            for (std::size_t s = 0; s < residual.size(); ++s) residual[s] = fitted[s] - recorded[s];
            const polyline res = shown(residual);
            std::vector<double> all = rec.y;
            all.insert(all.end(), fit.y.begin(), fit.y.end());
            const axis x{label("time", time), 0, std::max(1.0, static_cast<double>(steps)) * dt, false};
            plot overlay(next_id(), "Trace " + std::to_string(k + 1) + ": " + out.variable, page_width, 300, x,
                        axis_for(label(out.variable, value), all));
            overlay.line("recorded", rec, {colour::black, 1.2});
            overlay.line("fitted", fit, {colour::vermillion, 1.6});
            if (t_start && *t_start > 0) overlay.vertical("t_start: the metric starts here", *t_start / time.factor, {colour::grey, 1, "4 3"});
            std::vector<double> residual_range = res.y;
            residual_range.push_back(0);
            plot residuals(next_id(), "Residual, fitted - recorded", page_width, 170, x,
                           axis_for(label("residual", value), residual_range));
            residuals.line("fitted - recorded", res, {colour::blue, 1.1});
            residuals.line("", {{0, x.high}, {0, 0}}, {colour::grey, 1, "2 2"});
            figure(overlay.svg() + residuals.svg(), "", "figure trace");
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
    // As the metric: with t_start > 0 only the spikes after it are scored.
    const double t_start = metric_option(in.description, "spikes", "t_start").value_or(0);
    std::vector<double> matched_x, matched_row, missed_x, missed_row, extra_x, extra_row, early_x, early_row;
    std::size_t recorded_total = 0, fitted_total = 0, coincident_total = 0;
    std::string per_trace;
    for (std::size_t k = 0; k < n; ++k) {
        std::vector<double> rec, fit;
        const std::vector<double> none;
        const auto split = [&](const std::vector<double>& times, std::vector<double>& scored, bool recorded) {
            for (const double t : times)
                if (t_start > 0 && !(t > t_start)) {
                    early_x.push_back(t / time.factor);
                    early_row.push_back(row_of(k, recorded));
                } else {
                    scored.push_back(t);
                }
        };
        split(in.recorded_spikes[k], rec, true);
        split(k < in.fitted_spikes.size() ? in.fitted_spikes[k] : none, fit, false);
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
    if (t_start > 0) {
        raster.marks("before t_start (not scored)", early_x, early_row, half, {colour::grey, 1.2});
        raster.vertical("", t_start / time.factor, {colour::grey, 1, "4 3"});
    }
    for (std::size_t k = 0; k < n; ++k) {
        raster.row_label(row_of(k, true), std::to_string(k + 1) + " rec.");
        raster.row_label(row_of(k, false), std::to_string(k + 1) + " fit");
    }
    figure(raster.svg(), escape(std::to_string(coincident_total) + " of " + std::to_string(recorded_total) +
                                " recorded spikes have a fitted spike within " +
                                format_quantity({delta, dimension::of(dimension::time)}, 3) + "; the model fired " +
                                std::to_string(fitted_total) + " in all" +
                                (t_start > 0 ? " (after t_start = " + format_quantity({t_start, dimension::of(dimension::time)}, 3) +
                                                   ", as the metric counts)"
                                             : std::string()) +
                                "."));
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
            polyline lowest;  // through the columns' centres
            for (std::size_t c = 0; c < g.nx; ++c) {
                lowest.x.push_back(axis_value(x_axis, (static_cast<double>(c) + 0.5) / static_cast<double>(g.nx)));
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

} // namespace cellfit::report::detail
