#include <cellfit/fit/optimizer_choice.hpp>

namespace cellfit {

error_shape error_shape_of(const fit_error_traits& traits, const std::vector<std::string>& metric_names) {
    if (traits.spike_fit) return error_shape::stepwise;
    bool all_mse = true;
    for (const auto& name : metric_names) {
        const std::string plain = name.starts_with("metric.") ? name.substr(7) : name;
        if (plain == "gamma" || plain == "features") return error_shape::stepwise;
        all_mse = all_mse && plain == "mse";
    }
    const bool residuals = all_mse && !traits.online && !traits.has_penalty && !traits.reads_neuron_index;
    return residuals ? error_shape::residuals : error_shape::smooth;
}

optimizer_choice choose_optimizer(std::size_t samples_per_round, std::size_t rounds, std::size_t parameters,
                                  bool multi_objective, error_shape shape) {
    const std::string budget = std::to_string(samples_per_round) + " samples x " + std::to_string(rounds) + " rounds, " +
                               std::to_string(parameters) + (parameters == 1 ? " parameter" : " parameters");
    if (multi_objective) return {"pagmo.nsga2", {}, "a multi-objective fit (" + budget + ")"};
    if (shape == error_shape::residuals && rounds >= 2 && samples_per_round >= 2 * (parameters + 1))
        return {"multistart", {},
                budget + ": traces scored by mse, rounds of 2 x (parameters + 1) samples or more and a round after "
                         "the screen, where Levenberg-Marquardt descents from a Sobol screen reach lower errors"};
    const bool smooth = shape != error_shape::stepwise;
    const bool population = samples_per_round >= 10 && samples_per_round >= 3 * parameters;
    if (population && (rounds <= 30 || !smooth))
        return {"pagmo.de", {{"variant", "3"}, {"F", "0.5"}},
                budget + ": rounds of 10 samples or more (3 or more per parameter)" +
                    (smooth ? std::string(", at most 30") : std::string(" and an error that changes in steps")) +
                    ", where differential evolution reaches lower errors"};
    return {"pagmo.cmaes", {}, budget + ": " + (population ? "over 30 rounds of a smooth error, where CMA-ES converges closest"
                                                           : "rounds of under 10 samples or under 3 per parameter, where "
                                                             "CMA-ES reaches lower errors")};
}

optimizer_choice choose_optimizer(const fit_options& options, std::size_t samples_per_round, std::size_t parameters,
                                  const fit_error_traits& traits) {
    std::vector<std::string> metric_names;
    for (const auto& m : options.metrics) metric_names.push_back(m.name);
    return choose_optimizer(samples_per_round, options.n_rounds, parameters, options.multi_objective,
                            error_shape_of(traits, metric_names));
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
