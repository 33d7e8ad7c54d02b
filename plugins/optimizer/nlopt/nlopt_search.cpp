// optimizer.nlopt.*: NLopt's algorithms behind ask/tell. NLopt runs one point
// at a time and calls back for each value, so each optimizer runs
// `population` independent instances, each in its own thread, seeded apart
// and started from a quasi-random design; every round collects one point from
// each instance, in lockstep, so a round is still a whole batch. An instance
// that converges restarts from the design's next point. Points several
// instances propose in the same round are evaluated once.

#include <cellfit/error.hpp>
#include <cellfit/plugin.hpp>
#include <cellfit/version.hpp>

#include <nlopt.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace {

using namespace cellfit;

struct algorithm_entry {
    const char* name;
    nlopt_algorithm id;
    const char* description;
};

const std::vector<algorithm_entry>& algorithms() {
    static const std::vector<algorithm_entry> list = {
        {"GN_DIRECT_L", NLOPT_GN_DIRECT_L, "DIRECT-L, global and deterministic (instances differ only by restarts)"},
        {"GN_CRS2_LM", NLOPT_GN_CRS2_LM, "controlled random search with local mutation, global"},
        {"GN_ISRES", NLOPT_GN_ISRES, "improved stochastic ranking evolution strategy, global"},
        {"GN_ESCH", NLOPT_GN_ESCH, "evolutionary strategy (ESCH), global"},
        {"LN_BOBYQA", NLOPT_LN_BOBYQA, "BOBYQA, local, derivative-free quadratic models"},
        {"LN_NELDERMEAD", NLOPT_LN_NELDERMEAD, "Nelder-Mead simplex, local"},
        {"LN_SBPLX", NLOPT_LN_SBPLX, "Subplex, local"},
        {"LN_COBYLA", NLOPT_LN_COBYLA, "COBYLA, local, linear approximations"},
    };
    return list;
}

// Halton points in the unit cube: the start of instance k, restart r.
double halton(std::size_t index, std::size_t dimension) {
    static constexpr unsigned primes[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71};
    const unsigned base = primes[dimension % 20];
    double f = 1, r = 0;
    for (std::size_t i = index + 1; i > 0; i /= base) {
        f /= base;
        r += f * static_cast<double>(i % base);
    }
    return r;
}

class nlopt_search final : public optimizer {
public:
    nlopt_search(const algorithm_entry& entry, const plugin_options& o)
        : entry_(entry), xtol_(o.real("xtol_rel")), max_instance_evaluations_(o.integer("instance_maxeval")) {
        if (!(xtol_ >= 0)) throw option_error("optimizer.nlopt: xtol_rel must be >= 0");
        if (max_instance_evaluations_ < 0) throw option_error("optimizer.nlopt: instance_maxeval must be >= 0");
    }
    ~nlopt_search() override { stop(); }

protected:
    std::size_t do_initialize(const optimizer_setup& setup) override {
        if (setup.n_objectives != 1) throw input_error(std::string("optimizer.nlopt.") + entry_.name + " optimises one objective");
        stop();
        dimension_ = setup.parameters.size();
        seed_ = setup.seed;
        stopping_ = false;
        ready_ = 0;
        instances_.clear();
        for (std::size_t k = 0; k < setup.population_size; ++k) instances_.push_back(std::make_unique<instance>());
        for (std::size_t k = 0; k < instances_.size(); ++k) instances_[k]->thread = std::thread([this, k] { run(k); });
        return instances_.size();
    }

    matrix do_ask(std::size_t n) override {
        std::unique_lock lock(mutex_);
        posted_.wait(lock, [&] { return ready_ == instances_.size(); });
        // One row per distinct point, in instance order.
        asked_.clear();
        rows_of_.assign(instances_.size(), 0);
        std::map<std::vector<double>, std::size_t> index;
        for (std::size_t k = 0; k < instances_.size(); ++k) {
            if (instances_[k]->failed) continue;
            auto [it, fresh] = index.emplace(instances_[k]->point, asked_.size());
            if (fresh) asked_.push_back(instances_[k]->point);
            rows_of_[k] = it->second;
        }
        if (asked_.empty())
            throw error(std::string("optimizer.nlopt.") + entry_.name + ": every instance failed (NLopt result " +
                        std::to_string(instances_.front()->result) + ")");
        if (asked_.size() > n)
            throw plugin_contract_error("optimizer.nlopt: asked for " + std::to_string(n) + " samples, but it runs " +
                                        std::to_string(asked_.size()) + " instances; ask for the population size");
        const auto& params = setup().parameters;
        matrix samples(asked_.size(), dimension_);
        for (std::size_t r = 0; r < asked_.size(); ++r)
            for (std::size_t c = 0; c < dimension_; ++c) samples(r, c) = from_unit(params[c], asked_[r][c]);
        return samples;
    }

    void do_tell(const matrix& samples, const matrix& errors) override {
        std::unique_lock lock(mutex_);
        if (samples.rows() != asked_.size())
            throw plugin_contract_error("optimizer.nlopt: tell() needs the samples of the last ask(), in order");
        for (std::size_t k = 0; k < instances_.size(); ++k) {
            if (instances_[k]->failed) continue;
            double value = errors(rows_of_[k], 0);
            // NLopt wants finite values: a diverged sample is merely very bad.
            if (!std::isfinite(value)) value = std::numeric_limits<double>::max();
            instances_[k]->value = value;
            instances_[k]->waiting = false;
            --ready_;
            instances_[k]->resume.notify_one();
        }
        asked_.clear();
    }

private:
    struct instance {
        std::thread thread;
        std::vector<double> point;
        double value = 0;
        bool waiting = false;  // a point is posted, its value not yet told
        bool failed = false;   // NLopt returned without evaluating anything
        std::condition_variable resume;  // its value is told, or the optimizer stops
        int result = 0;
        std::size_t evaluations = 0;
        nlopt_opt opt = nullptr;
    };

    struct callback_data {
        nlopt_search* self;
        std::size_t k;
    };

    static double objective(unsigned n, const double* x, double*, void* data) {
        auto* d = static_cast<callback_data*>(data);
        return d->self->evaluate(d->k, x, n);
    }

    double evaluate(std::size_t k, const double* x, unsigned n) {
        std::unique_lock lock(mutex_);
        instance& in = *instances_[k];
        in.point.assign(x, x + n);
        in.waiting = true;
        ++in.evaluations;
        // Only the last instance to post wakes ask(); each waits on its own
        // condition, so a round costs one wake-up per instance.
        if (++ready_ == instances_.size()) posted_.notify_one();
        in.resume.wait(lock, [&] { return !in.waiting || stopping_; });
        if (stopping_) {
            nlopt_force_stop(in.opt);
            return 0;
        }
        return in.value;
    }

    // One instance: optimise from a design point, restart when it converges.
    void run(std::size_t k) {
        nlopt_srand(static_cast<unsigned long>(seed_ * 1000003u + k));  // NLopt's RNG is per thread
        nlopt_opt opt = nlopt_create(entry_.id, static_cast<unsigned>(dimension_));
        {
            std::lock_guard lock(mutex_);
            instances_[k]->opt = opt;
        }
        const std::vector<double> lower(dimension_, 0.0), upper(dimension_, 1.0);
        nlopt_set_lower_bounds(opt, lower.data());
        nlopt_set_upper_bounds(opt, upper.data());
        callback_data data{this, k};
        nlopt_set_min_objective(opt, objective, &data);
        nlopt_set_xtol_rel(opt, xtol_);
        if (max_instance_evaluations_ > 0) nlopt_set_maxeval(opt, static_cast<int>(max_instance_evaluations_));
        for (std::size_t restart = 0;; ++restart) {
            std::vector<double> x(dimension_);
            for (std::size_t d = 0; d < dimension_; ++d) x[d] = halton(restart * instances_.size() + k, d);
            double value = 0;
            std::size_t before = 0;
            {
                std::lock_guard lock(mutex_);
                before = instances_[k]->evaluations;
            }
            const nlopt_result result = nlopt_optimize(opt, x.data(), &value);
            std::lock_guard lock(mutex_);
            if (stopping_) break;
            // A run that evaluated nothing would restart forever: give up.
            if (instances_[k]->evaluations == before) {
                instances_[k]->failed = true;
                instances_[k]->result = static_cast<int>(result);
                if (++ready_ == instances_.size()) posted_.notify_one();
                break;
            }
        }
        nlopt_destroy(opt);
    }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            for (auto& in : instances_) in->resume.notify_one();
        }
        for (auto& in : instances_)
            if (in->thread.joinable()) in->thread.join();
        instances_.clear();
    }

    const algorithm_entry& entry_;
    double xtol_;
    std::int64_t max_instance_evaluations_;
    std::size_t dimension_ = 0;
    std::uint64_t seed_ = 0;
    std::mutex mutex_;
    std::condition_variable posted_;  // every live instance has posted a point (or failed)
    std::size_t ready_ = 0;           // instances waiting for a value, plus failed ones
    bool stopping_ = false;
    std::vector<std::unique_ptr<instance>> instances_;
    std::vector<std::vector<double>> asked_;
    std::vector<std::size_t> rows_of_;
};

} // namespace

CELLFIT_PLUGIN_LIBRARY(sink) {
    for (const auto& entry : algorithms()) {
        sink.add<optimizer>(
            {.name = std::string("nlopt.") + entry.name,
             .version = CELLFIT_VERSION_STRING,
             .description = std::string("NLopt ") + entry.description +
                            "; one instance per sample, advancing in lockstep",
             .options = {{.name = "xtol_rel", .type = option_type::real, .default_value = "1e-8",
                          .help = "relative tolerance on the parameters (in the unit box) that ends an instance's run",
                          .choices = {}},
                         {.name = "instance_maxeval", .type = option_type::integer, .default_value = "0",
                          .help = "evaluations after which an instance restarts (0: until it converges)", .choices = {}}}},
            [&entry](const plugin_options& o) { return std::make_unique<nlopt_search>(entry, o); });
    }
}
