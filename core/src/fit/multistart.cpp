// optimizer "multistart" (cellfit/fit/multistart.hpp): short bounded
// Levenberg-Marquardt runs from the points of a Sobol design, each within
// its share of a round's samples.

#include "fitter_state.hpp"
#include "trace_residuals.hpp"

#include <cellfit/error.hpp>
#include <cellfit/fit/least_squares.hpp>
#include <cellfit/fit/multistart.hpp>
#include <cellfit/fit/round_exchange.hpp>
#include <cellfit/io/numbers.hpp>
#include <cellfit/options.hpp>
#include <cellfit/version.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <span>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

namespace cellfit {

const plugin_info& multistart_info() {
    static const plugin_info info{
        .kind = plugin_kind::optimizer,
        .name = "multistart",
        .version = CELLFIT_VERSION_STRING,
        .description = "Many short Levenberg-Marquardt runs from a Sobol design, each within its share of a "
                       "round's samples (trace fits scored by mse; built into the fitter)",
        .options = {{.name = "gradient",
                     .type = option_type::string,
                     .default_value = "fd",
                     .help = "the Jacobian: fd (finite differences, n samples), discrete (the exact derivative of "
                             "the discrete simulation) or sensitivity (continuous sensitivity equations; both "
                             "1 + n samples)",
                     .choices = {"fd", "discrete", "sensitivity"}},
                    {.name = "start_samples",
                     .type = option_type::integer,
                     .default_value = "0",
                     .help = "the samples each start may spend (0: 10 x (parameters + 1)); a round runs "
                             "samples / start_samples starts, at least one",
                     .choices = {}}}};
    return info;
}

bool is_multistart(const std::string& optimizer_name) {
    return optimizer_name == "multistart" || optimizer_name == "optimizer.multistart";
}

bool reads_neuron_index(const model& m, const std::vector<std::pair<std::string, std::string>>& param_init) {
    std::vector<expr::ptr> expressions;
    for (const auto& st : m.states) expressions.push_back(st.rhs);
    for (const auto& sub : m.subexpressions) expressions.push_back(sub.rhs);
    for (const auto& r : m.reset) expressions.push_back(r.rhs);
    if (m.threshold) expressions.push_back(*m.threshold);
    if (m.refractory.expression) expressions.push_back(m.refractory.expression);
    // A timed array's row argument `i` is the trace, the same in every
    // simulation (the table's rows follow the traces), so it does not count.
    const auto timed_array = [&](const std::string& name) {
        return std::any_of(m.timed_arrays.begin(), m.timed_arrays.end(), [&](const auto& a) { return a.name == name; });
    };
    const std::function<bool(const expr::ptr&)> reads = [&](const expr::ptr& e) {
        if (!e) return false;
        if (e->kind == expr::op::name) return e->name == "i" || e->name == "N";
        for (std::size_t k = 0; k < e->args.size(); ++k) {
            const bool row = e->kind == expr::op::call && k == 1 && timed_array(e->name) &&
                             e->args[k]->kind == expr::op::name && e->args[k]->name == "i";
            if (!row && reads(e->args[k])) return true;
        }
        return false;
    };
    if (std::any_of(expressions.begin(), expressions.end(), reads)) return true;
    // Initial values are text until the simulator reads them: whole words.
    static const std::regex index_word(R"((^|[^A-Za-z0-9_])(i|N)([^A-Za-z0-9_]|$))");
    return std::any_of(param_init.begin(), param_init.end(),
                       [](const auto& init) { return std::regex_search(init.second, index_word); });
}

namespace {

// Bit for bit, as a replay must reproduce the starts.
bool same_point(const std::vector<double>& x, std::span<const double> y) {
    return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), detail::bit_equal);
}

gradient_kind parse_gradient(const std::string& name) {
    if (name == "discrete") return gradient_kind::discrete;
    if (name == "sensitivity") return gradient_kind::sensitivity;
    return gradient_kind::finite_differences;
}

} // namespace

void fitter::state::plan_multistart(const fit_options& options) {
    const char* other = "; choose another optimizer (--optimizer), or leave it to the budget";
    if (target == fit_target::spikes)
        throw input_error(std::string("optimizer multistart fits traces by least squares; a spike fit has no traces to "
                                      "compare") + other);
    if (options.multi_objective)
        throw input_error(std::string("optimizer multistart minimises one error, the traces' summed mse; it cannot "
                                      "run a multi-objective fit") + other);
    if (!penalty.empty())
        throw input_error("optimizer multistart minimises the traces' squared residuals, and the penalty '" + penalty +
                          "' is not one of them" + other);
    if (reads_neuron_index(m, settings.param_init))
        throw input_error(std::string("the model reads i or N, a sample's place in the round; optimizer multistart's "
                                      "descents simulate each start on its own, where i and N would differ") + other);
    for (const auto& out : data.outputs)
        if (const metric_choice* c = detail::choice_for(metric_choices, out.variable);
            c && detail::plain_name(c->name, "metric") != "mse")
            throw input_error("optimizer multistart minimises each output's mse by least squares; output " + out.variable +
                              " is scored by metric." + detail::plain_name(c->name, "metric") + other);
    const plugin_options o = validate_options(multistart_info(), optimizer_options);
    detail::multistart_plan plan;
    plan.gradient = parse_gradient(o.string("gradient"));
    bool same_as_fit = false;
    plan.outputs = residual_outputs({}, same_as_fit);
    const std::size_t n = fitted.size();
    const std::size_t jacobian = plan.gradient == gradient_kind::finite_differences ? n : n + 1;
    const std::size_t samples = settings.n_samples;
    // A start must afford its first residuals, a Jacobian and a step.
    if (samples < jacobian + 2)
        throw input_error("optimizer multistart needs at least " + std::to_string(jacobian + 2) + " samples per round for " +
                          std::to_string(n) + " parameters (a start's residuals, a Jacobian and one step); give "
                          "--samples " + std::to_string(jacobian + 2) + " or more");
    const long long given = o.integer("start_samples");
    if (given < 0 || (given > 0 && static_cast<std::size_t>(given) < jacobian + 2))
        throw option_error("optimizer multistart: start_samples must be 0 (automatic) or at least " +
                           std::to_string(jacobian + 2) + " (a start's residuals, a Jacobian and one step)");
    const std::size_t wanted = given > 0 ? static_cast<std::size_t>(given) : 10 * (n + 1);
    plan.starts_per_round = std::max<std::size_t>(1, samples / wanted);
    // A descent is judged over its share's worth of rounds, but at most 10:
    // a longer window would let a crawling descent keep every round.
    plan.judged_rounds = std::min<std::size_t>(10, (wanted + samples - 1) / samples);
    plan.evaluations_per_start = samples / plan.starts_per_round;
    multistart = std::move(plan);
}

std::vector<detail::start_record> fitter::state::run_starts(const matrix& starts, std::size_t first, std::size_t last,
                                                            std::size_t round_iteration) const {
    const detail::multistart_plan& plan = *multistart;
    const std::size_t count = last - first;
    std::vector<std::vector<detail::start_record>> records(count);
    std::vector<std::exception_ptr> failures(count);
    std::vector<double> lower, upper;
    for (const auto& name : fitted) {
        lower.push_back(bounds.at(name).lower);
        upper.push_back(bounds.at(name).upper);
    }

    const auto note = [this](const std::string& warning) {
        const std::lock_guard<std::mutex> lock(multistart_warnings_mutex);
        if (std::find(multistart_warnings.begin(), multistart_warnings.end(), warning) == multistart_warnings.end())
            multistart_warnings.push_back(warning);
    };
    auto run_one = [&](std::size_t k, unsigned threads) {
        const std::size_t row = first + k;
        std::vector<detail::start_record>& out = records[k];
        try {
            simulation_setup base = base_setup(n_traces);
            base.threads = threads;
            // The same noise for every evaluation: the error is then a
            // function of the parameters, and finite differences see them alone.
            base.common_random_numbers = true;
            base.parameters[detail::iteration_name] = {static_cast<double>(round_iteration)};
            std::vector<double> x0(starts.row(row).begin(), starts.row(row).end());
            for (std::size_t j = 0; j < fitted.size(); ++j) base.parameters[fitted[j]] = {x0[j]};
            detail::trace_residuals residuals(m, base, plan.outputs, fitted, plan.gradient, registry);
            residuals.lower = lower;
            residuals.upper = upper;
            least_squares_problem problem;
            problem.n_residuals = residuals.size();
            problem.lower = lower;
            problem.upper = upper;
            problem.residuals = [&](const std::vector<double>& x, std::vector<double>& r) {
                residuals.residuals(x, r);
                out.push_back({row, x, residuals.output_errors(r)});
            };
            problem.jacobian = [&](const std::vector<double>& x, const std::vector<double>& r, matrix& J) {
                residuals.jacobian(x, r, J);
            };
            // Its share of the round bounds it: no simulation passes the limit.
            residuals.evaluation_limit = plan.evaluations_per_start;
            least_squares_options solver;
            solver.max_nfev = std::numeric_limits<std::size_t>::max();
            try {
                solve_least_squares(problem, x0, solver);
            } catch (const detail::evaluation_limit_reached&) {
                // its share is spent: its records stand
            } catch (const input_error& e) {
                // The solver refuses a start whose residuals or Jacobian are
                // not finite. The start ends there: its residuals are recorded
                // (a diverged sample when they are not finite), and the fit
                // goes on. Anything else (a simulator that cannot be built)
                // stands.
                if (out.size() != 1) throw;
                const bool diverged = std::any_of(out[0].objectives.begin(), out[0].objectives.end(),
                                                  [](double e) { return !std::isfinite(e); });
                if (!diverged) note("a multistart descent ended at its start: " + std::string(e.what()));
            }
            for (const auto& w : residuals.warnings()) note(w);
        } catch (...) {
            failures[k] = std::current_exception();
        }
    };

    // Starts run side by side, each simulating on its share of the threads.
    const unsigned threads = std::max(1u, settings.threads);
    const std::size_t workers = std::min<std::size_t>(count, threads);
    const unsigned per_start = std::max(1u, threads / static_cast<unsigned>(std::max<std::size_t>(1, workers)));
    if (workers <= 1) {
        for (std::size_t k = 0; k < count; ++k) run_one(k, per_start);
    } else {
        std::atomic<std::size_t> next{0};
        std::vector<std::thread> pool;
        for (std::size_t w = 0; w < workers; ++w)
            pool.emplace_back([&] {
                for (std::size_t k = next++; k < count; k = next++) run_one(k, per_start);
            });
        for (auto& t : pool) t.join();
    }
    for (const auto& f : failures)
        if (f) std::rethrow_exception(f);
    std::vector<detail::start_record> all;
    for (auto& r : records) std::move(r.begin(), r.end(), std::back_inserter(all));
    return all;
}

std::vector<detail::start_record> fitter::state::run_multistart_round(const matrix& starts) {
    round_exchange* exchange = settings.exchange && settings.exchange->size() > 1 ? settings.exchange.get() : nullptr;
    const std::size_t n_params = fitted.size(), n_objectives = results.objective_names.size();
    if (!exchange) return run_starts(starts, 0, starts.rows(), iteration);
    round_message message{starts.rows(), n_params, iteration, round, {}, true};
    message.samples.assign(starts.data(), starts.data() + starts.rows() * n_params);
    exchange->send_round(message);
    // Every process's answer is received before any error is thrown (see evaluate_round).
    std::vector<detail::start_record> all;
    std::exception_ptr failure;
    try {
        const auto [first, last] = share_of(starts.rows(), 0, exchange->size());
        all = run_starts(starts, first, last, iteration);
    } catch (...) {
        failure = std::current_exception();
    }
    const std::size_t width = 1 + n_params + n_objectives;  // start, parameters, objectives
    for (std::size_t r = 1; r < exchange->size(); ++r) {
        try {
            const auto [first, last] = share_of(starts.rows(), r, exchange->size());
            const std::vector<double> theirs = exchange->receive_objectives(r);
            if (theirs.size() % width != 0)
                throw error("process " + std::to_string(r) + " returned " + std::to_string(theirs.size()) +
                            " values, not records of " + std::to_string(width));
            for (std::size_t i = 0; i < theirs.size(); i += width) {
                const double start = theirs[i];
                if (!(start >= static_cast<double>(first) && start < static_cast<double>(last)))
                    throw error("process " + std::to_string(r) + " returned a record of a start it was not given");
                all.push_back({static_cast<std::size_t>(start),
                               std::vector<double>(theirs.begin() + i + 1, theirs.begin() + i + 1 + n_params),
                               std::vector<double>(theirs.begin() + i + 1 + n_params, theirs.begin() + i + width)});
            }
        } catch (...) {
            if (!failure) failure = std::current_exception();
        }
    }
    if (failure) std::rethrow_exception(failure);
    return all;
}

// A recorded multistart round, told to its Sobol design again: each start's
// records begin with the start itself, so the design must propose the
// first record of each, in order.
std::size_t fitter::state::multistart_starts(const std::vector<sample_record>& samples, std::size_t round_index,
                                            std::size_t first_round, matrix& starts) {
    // The screen (the design's first round), each round's best sample and
    // the error of its first start, and every point a descent evaluated.
    const std::size_t n_rounds = round_index > first_round ? round_index - first_round : 0;
    std::vector<const sample_record*> screen, round_best(n_rounds, nullptr), round_first(n_rounds, nullptr);
    std::set<std::vector<double>> descended;
    for (const auto& rec : samples) {
        if (rec.round < first_round || rec.round >= round_index) continue;
        const std::size_t q = rec.round - first_round;
        if (q == 0)
            screen.push_back(&rec);
        else
            descended.insert(rec.params);
        if (!round_first[q]) round_first[q] = &rec;
        if (!round_best[q] || rec.error < round_best[q]->error) round_best[q] = &rec;
    }
    // The descent that goes on from round to round, from the best sample of
    // the last round: given start_samples' worth of rounds (judged_rounds),
    // it continues while the last round lowered its error, and over the last
    // judged_rounds by more than 10 %. A start cut short by its share goes on descending; one that has
    // converged, or crawls (a poor local minimum's valley), gives way to the
    // next start. (bench/search-quality: 0.1 % let one crawling descent take
    // all ten rounds of an HH fit.) Decided again for every round from the
    // records alone, so that a resumed fit decides as the first did.
    const std::size_t judged = multistart->judged_rounds;
    std::vector<double> chain;  // the descent's start error, then its best after each round
    const auto goes_on = [&] {
        if (chain.size() < 2 || !std::isfinite(chain.back())) return false;
        // A descent that has converged gains nothing from one round to the next.
        if (!(chain.back() < chain[chain.size() - 2] * (1 - 1e-6))) return false;
        if (chain.size() <= judged) return true;
        return chain.back() < 0.9 * chain[chain.size() - 1 - judged];
    };
    for (std::size_t q = 1; q < n_rounds; ++q) {
        if (!round_best[q]) {  // not made by a fit (a round has a record per start); no descent goes on
            chain.clear();
            continue;
        }
        if (goes_on())
            chain.push_back(std::min(chain.back(), round_best[q]->error));
        else
            chain = {round_first[q]->error, std::min(round_first[q]->error, round_best[q]->error)};
    }
    const bool continued = goes_on();
    const sample_record* best_sample = continued ? round_best[n_rounds - 1] : nullptr;
    if (continued) descended.insert(best_sample->params);
    const std::size_t n_new = multistart->starts_per_round - (continued ? 1 : 0);
    // New starts: the screen's points from the lowest error up, each once
    // (a start's first record is the start itself), then new design points.
    std::stable_sort(screen.begin(), screen.end(),
                     [](const sample_record* a, const sample_record* b) { return a->error < b->error; });
    std::vector<const std::vector<double>*> fresh;
    for (const sample_record* rec : screen)
        if (fresh.size() < n_new && std::isfinite(rec->error) && !descended.count(rec->params)) fresh.push_back(&rec->params);
    const std::size_t from_design = n_new - fresh.size();
    const matrix design = from_design > 0 ? opt->ask(from_design) : matrix(0, fitted.size());
    starts = matrix((continued ? 1 : 0) + fresh.size() + design.rows(), fitted.size());
    std::size_t row = 0;
    if (continued) std::copy(best_sample->params.begin(), best_sample->params.end(), starts.row(row++).begin());
    for (const auto* x : fresh) std::copy(x->begin(), x->end(), starts.row(row++).begin());
    std::copy(design.data(), design.data() + design.rows() * design.cols(), starts.row(row).begin());
    return row;  // the starts before the design's own
}

void fitter::state::replay_multistart_round(const fit_results& recorded, std::size_t begin, std::size_t end,
                                            std::size_t round) {
    matrix starts;
    const std::size_t reused = multistart_starts(recorded.samples, round, recorded.optimizer_start_round, starts);
    matrix errors(starts.rows(), 1, std::numeric_limits<double>::infinity());
    std::size_t k = begin;
    for (std::size_t i = 0; i < starts.rows(); ++i) {
        if (k == end || !same_point(recorded.samples[k].params, starts.row(i)))
            throw input_error("the multistart design does not propose the recorded start " + std::to_string(i + 1) +
                              " of round " + std::to_string(round) + " (it proposes " +
                              detail::sample_text(fitted, starts.row(i)) +
                              "): the file was made with another seed or set-up (samples, start_samples); "
                              "--restart keeps the file's samples and starts a fresh design");
        do errors(i, 0) = std::min(errors(i, 0), recorded.samples[k++].error);
        while (k < end && !(i + 1 < starts.rows() && same_point(recorded.samples[k].params, starts.row(i + 1))));
    }
    tell_design(starts, errors, reused);
}

void fitter::state::tell_design(const matrix& starts, const matrix& errors, std::size_t reused) {
    if (starts.rows() == reused) return;
    matrix design(starts.rows() - reused, starts.cols()), design_errors(starts.rows() - reused, 1);
    for (std::size_t i = reused; i < starts.rows(); ++i) {
        std::copy(starts.row(i).begin(), starts.row(i).end(), design.row(i - reused).begin());
        design_errors(i - reused, 0) = errors(i, 0);
    }
    opt->tell(design, design_errors);  // optimizer.random does not read them
}

namespace detail {

std::vector<double> flatten_records(const std::vector<start_record>& records) {
    std::vector<double> flat;
    for (const auto& r : records) {
        flat.push_back(static_cast<double>(r.start));
        flat.insert(flat.end(), r.params.begin(), r.params.end());
        flat.insert(flat.end(), r.objectives.begin(), r.objectives.end());
    }
    return flat;
}

} // namespace detail

} // namespace cellfit
