#include <cellfit/fit/optimizer_choice.hpp>

namespace cellfit {

bool smooth_error(bool spike_fit, const std::vector<std::string>& metric_names) {
    if (spike_fit) return false;
    for (const auto& name : metric_names) {
        const std::string plain = name.starts_with("metric.") ? name.substr(7) : name;
        if (plain == "gamma" || plain == "features") return false;
    }
    return true;
}

optimizer_choice choose_optimizer(std::size_t samples_per_round, std::size_t rounds, std::size_t parameters,
                                  bool multi_objective, bool smooth_error) {
    const std::string budget = std::to_string(samples_per_round) + " samples x " + std::to_string(rounds) + " rounds, " +
                               std::to_string(parameters) + (parameters == 1 ? " parameter" : " parameters");
    if (multi_objective) return {"pagmo.nsga2", {}, "a multi-objective fit (" + budget + ")"};
    const bool population = samples_per_round >= 10 && samples_per_round >= 3 * parameters;
    if (population && (rounds <= 30 || !smooth_error))
        return {"pagmo.de", {{"variant", "3"}, {"F", "0.5"}},
                budget + ": rounds of 10 samples or more (3 or more per parameter)" +
                    (smooth_error ? std::string(", at most 30") : std::string(" and an error that changes in steps")) +
                    ", where differential evolution reaches lower errors"};
    return {"pagmo.cmaes", {}, budget + ": " + (population ? "over 30 rounds of a smooth error, where CMA-ES converges closest"
                                                           : "rounds of under 10 samples or under 3 per parameter, where "
                                                             "CMA-ES reaches lower errors")};
}

optimizer_choice choose_optimizer(const fit_options& options, std::size_t samples_per_round, std::size_t parameters,
                                  bool spike_fit) {
    std::vector<std::string> metric_names;
    for (const auto& m : options.metrics) metric_names.push_back(m.name);
    return choose_optimizer(samples_per_round, options.n_rounds, parameters, options.multi_objective,
                            smooth_error(spike_fit, metric_names));
}

std::vector<std::pair<std::string, std::string>> merge_options(const std::vector<std::pair<std::string, std::string>>& chosen,
                                                               const std::vector<std::pair<std::string, std::string>>& given) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& kv : chosen) {
        bool replaced = false;
        for (const auto& g : given) replaced = replaced || g.first == kv.first;
        if (!replaced) out.push_back(kv);
    }
    out.insert(out.end(), given.begin(), given.end());
    return out;
}

} // namespace cellfit
