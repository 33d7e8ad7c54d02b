#include "refine_options.hpp"
#include "fit_description.hpp"

#include <cellfit/units/quantity.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace cellfit::cli {

void add_refine_options(po::options_description& options) {
    options.add_options()
        ("gradient", po::value<std::string>()->value_name("KIND"),
         "the Jacobian of the refinement: fd (finite differences, one batch simulation; the default), discrete (the "
         "exact derivative of the simulation) or sensitivity (sensitivity equations, as brian2modelfitting)")
        ("max-nfev", po::value<whole_number>()->value_name("N"), "the refinement's residual evaluations per start (default 100 x (parameters + 1))")
        ("refine-top", po::value<whole_number>()->default_value(whole_number{1}, "1")->value_name("K"),
         "refine the K best distinct samples, each on its own thread, and keep the best");
}

std::string refine_notes(const po::variables_map& vm, const fit_options& fit) {
    std::string notes;
    for (const auto& m : fit.metrics)
        if (plugin_name(m.name, "metric") != "mse")
            notes += "the refinement minimises the mean squared error of the traces" +
                     (m.output.empty() ? std::string() : " of " + m.output) + ", not metric." + m.name +
                     "'s error: its error is not the fit's\n";
    if (vm.count("optimizer") || vm.count("opt"))
        notes += "--optimizer and --opt are not used: a refinement is bounded least squares (Levenberg-Marquardt)\n";
    return notes;
}

refine_options read_refine_options(const po::variables_map& vm, const fit_options& fit) {
    refine_options o;
    if (vm.count("gradient")) {
        const std::string g = vm["gradient"].as<std::string>();
        if (g == "fd")
            o.gradient = gradient_kind::finite_differences;
        else if (g == "discrete")
            o.gradient = gradient_kind::discrete;
        else if (g == "sensitivity")
            o.gradient = gradient_kind::sensitivity;
        else
            throw usage_error("--gradient " + g + ": use fd, discrete or sensitivity");
    }
    if (vm.count("max-nfev")) o.max_nfev = read_whole_number(vm, "max-nfev", 1, 1000000000);
    o.top = read_whole_number(vm, "refine-top", 1, 10000);
    if (o.top == 0) throw usage_error("--refine-top must be at least 1");
    for (const auto& m : fit.metrics)
        if (plugin_name(m.name, "metric") == "mse") o.metric_options[m.output] = m.options;
    o.bounds = fit.bounds;
    if (vm.count("iteration")) o.iteration = read_whole_number(vm, "iteration", 0, 1000000000000);
    return o;
}

void print_refine(std::ostream& out, const refine_record& r, double error_before, const std::string& error_unit) {
    const dimension error_dim = evaluate_quantity(r.error_unit, "error unit").dim;
    out << "refined (" << r.gradient << " Jacobian" << (r.starts > 1 ? ", best of " + std::to_string(r.starts) + " starts" : "")
        << "): " << r.message << "; " << r.nfev << " evaluations, " << r.njev << " Jacobians, " << r.simulations
        << " simulations in " << format_quantity({r.seconds, dimension::of(dimension::time)}, 3) << "\n";
    out << "refined error: " << format_quantity({r.error, error_dim}, 6);
    if (std::isfinite(error_before) && r.comparable)
        out << " (fit: " << format_quantity({error_before, evaluate_quantity(error_unit, "error unit").dim}, 6) << ")";
    out << "\nrefined parameters (standard errors from the Jacobian):\n";
    for (std::size_t j = 0; j < r.parameter_names.size(); ++j) {
        const dimension dim = evaluate_quantity(r.parameter_units[j], "unit").dim;
        out << "  " << r.parameter_names[j] << " = " << format_quantity({r.params[j], dim}, 6);
        if (std::isfinite(r.standard_errors[j])) {
            out << " +- " << format_quantity({r.standard_errors[j], dim}, 3);
            if (r.params[j] != 0)
                out << " (" << format_quantity({100 * r.standard_errors[j] / std::abs(r.params[j]), dimension{}}, 2) << " %)";
        } else {
            out << " (standard error undetermined)";
        }
        out << "\n";
    }
    out << "correlation:\n";
    std::size_t width = 0;
    for (const auto& name : r.parameter_names) width = std::max(width, name.size());
    for (std::size_t i = 0; i < r.correlation.size(); ++i) {
        out << "  " << r.parameter_names[i] << std::string(width - r.parameter_names[i].size(), ' ');
        for (double c : r.correlation[i]) {
            char cell[16];
            std::snprintf(cell, sizeof cell, " %6.3f", c);
            out << cell;
        }
        out << "\n";
    }
}

} // namespace cellfit::cli
