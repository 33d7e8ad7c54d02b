// optimizer.pagmo.*: pagmo2's population-based algorithms behind ask/tell,
// each round a whole generation as one batch ("record and replay",
// measured in NOTES-deps.md): a copy of the algorithm and population evolves
// one generation against a problem that records every point it has no value
// for; those points are the batch; once told, the copy evolves again with
// the values known. A dry run that meets no unknown point is the real
// generation (bit-identical to a plain pagmo run): its copies are kept.

#include <cellfit/error.hpp>
#include <cellfit/plugin.hpp>
#include <cellfit/version.hpp>

#include <pagmo/algorithm.hpp>
#include <pagmo/algorithms/bee_colony.hpp>
#include <pagmo/algorithms/cmaes.hpp>
#include <pagmo/algorithms/de.hpp>
#include <pagmo/algorithms/de1220.hpp>
#include <pagmo/algorithms/gaco.hpp>
#include <pagmo/algorithms/nsga2.hpp>
#include <pagmo/algorithms/pso_gen.hpp>
#include <pagmo/algorithms/pso.hpp>
#include <pagmo/algorithms/sade.hpp>
#include <pagmo/algorithms/sga.hpp>
#include <pagmo/algorithms/xnes.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <set>

namespace {

using namespace cellfit;

// What the dry runs share: values known so far, points still unknown. The
// unknown points keep their order in a vector and are looked up in a set:
// a population of a million points costs N log N, not N squared.
struct evaluation_cache {
    std::size_t dimension = 0;
    std::size_t objectives = 1;
    std::map<pagmo::vector_double, pagmo::vector_double> known;
    std::vector<pagmo::vector_double> unknown;  // in the order met, without repeats
    std::set<pagmo::vector_double> unknown_set;  // the same points, for lookups

    void remember(const pagmo::vector_double& x) {
        if (unknown_set.insert(x).second) unknown.push_back(x);
    }
    // Drops the points now known, in one pass.
    void forget(const std::vector<pagmo::vector_double>& done) {
        std::set<pagmo::vector_double> gone;
        for (const auto& x : done)
            if (unknown_set.erase(x)) gone.insert(x);
        if (!gone.empty()) std::erase_if(unknown, [&](const pagmo::vector_double& x) { return gone.count(x) > 0; });
    }
};

// The problem pagmo sees: the unit cube; a point's fitness is its value if
// known, else it is recorded and gets +inf (never -inf: bee_colony hangs).
struct recording_problem {
    std::shared_ptr<evaluation_cache> state;
    pagmo::vector_double fitness(const pagmo::vector_double& x) const {
        if (auto it = state->known.find(x); it != state->known.end()) return it->second;
        state->remember(x);
        return pagmo::vector_double(state->objectives, std::numeric_limits<double>::infinity());
    }
    pagmo::vector_double::size_type get_nobj() const { return state->objectives; }
    std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const {
        return {pagmo::vector_double(state->dimension, 0.0), pagmo::vector_double(state->dimension, 1.0)};
    }
};

using algorithm_factory = pagmo::algorithm (*)(const plugin_options&, unsigned seed);

struct algorithm_entry {
    const char* name;
    const char* description;
    std::vector<option_spec> options;
    std::size_t minimum_population;
    algorithm_factory make;
    bool multi_objective = false;
    // A population size the algorithm accepts, from the one asked for, and
    // the rule it follows, for the user.
    std::size_t (*adjust_population)(std::size_t, const plugin_options&) = nullptr;
    const char* population_rule = "";
};

unsigned as_unsigned(std::int64_t v, const char* what) {
    if (v < 0) throw option_error(std::string("optimizer.pagmo: ") + what + " must be >= 0");
    return static_cast<unsigned>(v);
}

const std::vector<algorithm_entry>& algorithms() {
    using T = option_type;
    static const std::vector<algorithm_entry> list = {
        {"de", "Differential evolution (Storn and Price)",
         {{"F", T::real, "0.8", "weight coefficient", {}}, {"CR", T::real, "0.9", "crossover probability", {}},
          {"variant", T::integer, "2", "mutation variant 1-10 (2: rand/1/exp)", {}}},
         5, [](const plugin_options& o, unsigned seed) {
             return pagmo::algorithm{pagmo::de(1, o.real("F"), o.real("CR"), as_unsigned(o.integer("variant"), "variant"),
                                               0, 0, seed)};
         }},
        {"sade", "Self-adaptive differential evolution (jDE or iDE adaptation)",
         {{"variant", T::integer, "2", "mutation variant 1-18", {}},
          {"variant_adptv", T::integer, "1", "1: jDE (one batch per generation), 2: iDE (sub-batches)", {}}},
         7, [](const plugin_options& o, unsigned seed) {
             return pagmo::algorithm{pagmo::sade(1, as_unsigned(o.integer("variant"), "variant"),
                                                 as_unsigned(o.integer("variant_adptv"), "variant_adptv"), 0, 0, true, seed)};
         }},
        {"de1220", "Differential evolution choosing its variant per individual (pagmo's de1220)",
         {{"variant_adptv", T::integer, "1", "1: jDE, 2: iDE", {}}},
         7, [](const plugin_options& o, unsigned seed) {
             return pagmo::algorithm{pagmo::de1220(1, pagmo::de1220_statics<void>::allowed_variants,
                                                   as_unsigned(o.integer("variant_adptv"), "variant_adptv"), 0, 0, true, seed)};
         }},
        {"cmaes", "Covariance matrix adaptation evolution strategy",
         {{"sigma0", T::real, "0.5", "initial step size, as a fraction of each range", {}}},
         5, [](const plugin_options& o, unsigned seed) {
             return pagmo::algorithm{pagmo::cmaes(1, -1, -1, -1, -1, o.real("sigma0"), 0, 0, true, true, seed)};
         }},
        {"xnes", "Exponential natural evolution strategies",
         {{"sigma0", T::real, "-1", "initial step size (-1: pagmo's default)", {}}},
         5, [](const plugin_options& o, unsigned seed) {
             return pagmo::algorithm{pagmo::xnes(1, -1, -1, -1, o.real("sigma0"), 0, 0, true, true, seed)};
         }},
        {"sga", "Simple genetic algorithm (repeats points: a round may ask for fewer samples)",
         {{"cr", T::real, "0.9", "crossover probability", {}}, {"m", T::real, "0.02", "mutation probability", {}}},
         2, [](const plugin_options& o, unsigned seed) {
             return pagmo::algorithm{pagmo::sga(1, o.real("cr"), 1., o.real("m"), 1., 2u, "exponential", "polynomial",
                                                "tournament", seed)};
         }},
        {"pso", "Particle swarm optimisation; not equal to one long run when stepped (positions reset to bests)",
         {{"omega", T::real, "0.7298", "inertia weight", {}}},
         2, [](const plugin_options& o, unsigned seed) {
             return pagmo::algorithm{pagmo::pso(1, o.real("omega"), 2.05, 2.05, 0.5, 5u, 2u, 4u, true, seed)};
         }},
        {"bee_colony", "Artificial bee colony; not equal to one long run when stepped (trial counters reset)",
         {{"limit", T::integer, "20", "trials before a food source is abandoned", {}}},
         2, [](const plugin_options& o, unsigned seed) {
             return pagmo::algorithm{pagmo::bee_colony(1, as_unsigned(o.integer("limit"), "limit"), seed)};
         }},
        {"pso_gen", "Generational particle swarm; not equal to one long run when stepped (positions reset to bests)",
         {{"omega", T::real, "0.7298", "inertia weight", {}}},
         2, [](const plugin_options& o, unsigned seed) {
             return pagmo::algorithm{pagmo::pso_gen(1, o.real("omega"), 2.05, 2.05, 0.5, 5u, 2u, 4u, true, seed)};
         }},
        {"gaco", "Extended ant colony optimisation (pagmo's gaco, with memory across rounds)",
         {{"ker", T::integer, "20", "solutions kept in the archive (the population is at least this)", {}},
          {"q", T::real, "1.0", "convergence speed", {}}},
         2, [](const plugin_options& o, unsigned seed) {
             return pagmo::algorithm{pagmo::gaco(1, as_unsigned(o.integer("ker"), "ker"), o.real("q"), 0., 0.01, 1u, 7u,
                                                 100000u, 100000u, 0., true, seed)};
         },
         false, [](std::size_t n, const plugin_options& o) { return std::max<std::size_t>(n, as_unsigned(o.integer("ker"), "ker")); },
         "keeps ker solutions in its archive and needs at least as many samples per round (option ker)"},
        {"nsga2", "Non-dominated sorting genetic algorithm II, for several objectives (population a multiple of 4)",
         {{"cr", T::real, "0.95", "crossover probability", {}}, {"m", T::real, "0.01", "mutation probability", {}}},
         8, [](const plugin_options& o, unsigned seed) {
             return pagmo::algorithm{pagmo::nsga2(1, o.real("cr"), 10., o.real("m"), 50., seed)};
         },
         true, [](std::size_t n, const plugin_options&) { return (n + 3) / 4 * 4; },
         "needs a multiple of 4 samples per round"},
    };
    return list;
}

class pagmo_search final : public optimizer {
public:
    pagmo_search(const algorithm_entry& entry, const plugin_options& options) : entry_(entry), options_(options) {}

protected:
    std::size_t do_initialize(const optimizer_setup& setup) override {
        if (setup.n_objectives != 1 && !entry_.multi_objective)
            throw input_error(std::string("optimizer.pagmo.") + entry_.name + " optimises one objective, not " +
                              std::to_string(setup.n_objectives) + "; use optimizer.pagmo.nsga2");
        if (setup.n_objectives < 2 && entry_.multi_objective)
            throw input_error(std::string("optimizer.pagmo.") + entry_.name +
                              " needs several objectives (one metric per output); for one, use optimizer.pagmo.cmaes or .de");
        state_ = std::make_shared<evaluation_cache>();
        state_->dimension = setup.parameters.size();
        state_->objectives = setup.n_objectives;
        const auto seed = static_cast<unsigned>(setup.seed ^ (setup.seed >> 32));
        algorithm_ = entry_.make(options_, seed);
        population_size_ = std::max(setup.population_size, entry_.minimum_population);
        population_note_.clear();
        if (population_size_ != setup.population_size)
            population_note_ = std::string("pagmo's ") + entry_.name + " needs at least " +
                               std::to_string(entry_.minimum_population) + " samples per round";
        if (entry_.adjust_population) {
            const std::size_t adjusted = entry_.adjust_population(population_size_, options_);
            if (adjusted != population_size_) population_note_ = std::string("pagmo's ") + entry_.name + " " + entry_.population_rule;
            population_size_ = adjusted;
        }
        // The first batch: the random points of a throwaway population.
        try {
            const pagmo::population initial{pagmo::problem{recording_problem{state_}}, population_size_, seed};
        } catch (const std::exception& e) {
            throw error(std::string("optimizer.pagmo.") + entry_.name + ": pagmo refused the setup: " + e.what());
        }
        initial_points_ = state_->unknown;
        population_.reset();
        generations_ = rounds_ = extra_rounds_ = 0;
        initial_just_done_ = false;
        return population_size_;
    }

    matrix do_ask(std::size_t n) override {
        ++rounds_;
        if (state_->unknown.empty()) {
            try {
                advance();
            } catch (const std::exception& e) {
                throw error(std::string("optimizer.pagmo.") + entry_.name + ": pagmo refused a generation: " + e.what());
            }
        }
        const auto& params = setup().parameters;
        asked_.assign(state_->unknown.begin(), state_->unknown.begin() + static_cast<std::ptrdiff_t>(std::min(n, state_->unknown.size())));
        if (asked_.empty()) asked_.push_back(population_->get_x().front());  // nothing new: re-evaluate a member
        matrix samples(asked_.size(), params.size());
        for (std::size_t r = 0; r < asked_.size(); ++r)
            for (std::size_t c = 0; c < params.size(); ++c) samples(r, c) = from_unit(params[c], asked_[r][c]);
        return samples;
    }

    void do_tell(const matrix& samples, const matrix& errors) override {
        if (samples.rows() != asked_.size())
            throw plugin_contract_error("optimizer.pagmo: tell() needs the samples of the last ask(), in order");
        for (std::size_t r = 0; r < asked_.size(); ++r)
            state_->known[asked_[r]] = pagmo::vector_double(errors.row(r).begin(), errors.row(r).end());
        state_->forget(asked_);
        asked_.clear();
        if (!population_ && state_->unknown.empty()) {
            population_.emplace(pagmo::problem{recording_problem{state_}});
            for (const auto& x : initial_points_) population_->push_back(x, state_->known.at(x));
            initial_just_done_ = true;
        }
    }

public:
    std::string population_note() const override { return population_note_; }

    // generations: real generations done; rounds: batches asked for;
    // extra_rounds: rounds that completed no generation (sub-batches: zero
    // for de, sade, de1220, cmaes, xnes, gaco, sga, pso_gen).
    std::map<std::string, double> statistics() const override {
        return {{"generations", static_cast<double>(generations_)},
                {"rounds", static_cast<double>(rounds_)},
                {"extra_rounds", static_cast<double>(extra_rounds_)},
                {"known_points", static_cast<double>(state_ ? state_->known.size() : 0)}};
    }

private:
    // Dry runs until one meets unknown points; the runs that meet none are
    // real generations and are kept.
    void advance() {
        if (!population_) return;  // still evaluating the initial population
        bool completed = false;
        for (int generations = 0; generations < 1000; ++generations) {
            pagmo::algorithm trial = algorithm_;
            pagmo::population evolved = trial.evolve(*population_);
            if (!state_->unknown.empty()) break;
            algorithm_ = std::move(trial);
            population_ = std::move(evolved);
            ++generations_;
            completed = true;
        }
        // A round that starts without completing a generation (other than
        // the one right after the initial population) is a sub-batch.
        if (!completed && !initial_just_done_) ++extra_rounds_;
        initial_just_done_ = false;
    }

    const algorithm_entry& entry_;
    plugin_options options_;
    std::shared_ptr<evaluation_cache> state_;
    pagmo::algorithm algorithm_;
    std::optional<pagmo::population> population_;
    std::vector<pagmo::vector_double> initial_points_, asked_;
    std::size_t population_size_ = 0;
    std::string population_note_;
    std::size_t generations_ = 0, rounds_ = 0, extra_rounds_ = 0;
    bool initial_just_done_ = false;
};

} // namespace

CELLFIT_PLUGIN_LIBRARY(sink) {
    for (const auto& entry : algorithms()) {
        sink.add<optimizer>(
            {.name = std::string("pagmo.") + entry.name,
             .version = CELLFIT_VERSION_STRING,
             .description = std::string(entry.description) + " (pagmo2); each round one generation as one batch",
             .options = entry.options},
            [&entry](const plugin_options& o) { return std::make_unique<pagmo_search>(entry, o); });
    }
}
