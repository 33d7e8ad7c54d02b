// Fit results: the best sample, columns, parameters with their units. (The
// CSV and JSON files: results_files.cpp.)

#include <cellfit/fit/results.hpp>
#include <cellfit/model/model.hpp>

#include <algorithm>
#include <cmath>

namespace cellfit {

std::size_t fit_results::best_index() const {
    std::size_t best = samples.size();
    for (std::size_t k = 0; k < samples.size(); ++k)
        if (std::isfinite(samples[k].error) && (best == samples.size() || samples[k].error < samples[best].error)) best = k;
    return best;
}

std::vector<std::size_t> fit_results::best_distinct(std::size_t k) const {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < samples.size(); ++i)
        if (std::isfinite(samples[i].error)) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return samples[a].error < samples[b].error; });
    std::vector<std::size_t> chosen;
    for (std::size_t i : order) {
        if (chosen.size() >= k) break;
        const bool seen = std::any_of(chosen.begin(), chosen.end(), [&](auto c) { return samples[c].params == samples[i].params; });
        if (!seen) chosen.push_back(i);
    }
    return chosen;
}

bool fit_results::best_is_refined() const {
    if (!refine || !std::isfinite(refine->error)) return false;
    const std::size_t best = best_index();
    if (best == samples.size()) return true;
    return refine->comparable && refine->error < samples[best].error;
}

std::map<std::string, double> fit_results::best_params() const {
    std::map<std::string, double> out;
    if (best_is_refined()) {
        for (std::size_t p = 0; p < refine->parameter_names.size(); ++p) out[refine->parameter_names[p]] = refine->params[p];
        return out;
    }
    const std::size_t best = best_index();
    if (best == samples.size()) return out;
    for (std::size_t p = 0; p < parameter_names.size(); ++p) out[parameter_names[p]] = samples[best].params[p];
    return out;
}

double fit_results::best_error() const {
    if (best_is_refined()) return refine->error;
    const std::size_t best = best_index();
    return best == samples.size() ? std::numeric_limits<double>::infinity() : samples[best].error;
}

std::map<std::string, std::vector<double>> fit_results::columns() const {
    std::map<std::string, std::vector<double>> out;
    auto& round = out["round"];
    auto& error = out["error"];
    for (const auto& s : samples) {
        round.push_back(static_cast<double>(s.round));
        error.push_back(s.error);
        for (std::size_t p = 0; p < parameter_names.size(); ++p) out[parameter_names[p]].push_back(s.params[p]);
        for (std::size_t o = 0; o < objective_names.size(); ++o) out["error_" + objective_names[o]].push_back(s.objectives[o]);
    }
    return out;
}

std::map<std::string, quantity> with_units(const fit_results& results, const std::map<std::string, double>& params) {
    std::map<std::string, quantity> out;
    for (const auto& [name, value] : params) {
        const auto it = std::find(results.parameter_names.begin(), results.parameter_names.end(), name);
        const dimension dim = it == results.parameter_names.end()
                                  ? dimension{}
                                  : evaluate_quantity(results.parameter_units[static_cast<std::size_t>(it - results.parameter_names.begin())],
                                                      "unit of " + name)
                                        .dim;
        out[name] = quantity{value, dim};
    }
    return out;
}

} // namespace cellfit
