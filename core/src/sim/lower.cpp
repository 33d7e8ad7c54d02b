// Lowering: the model and setup become one step's program (Brian's schedule:
// constant-over-dt values, record, refractoriness, state update, threshold,
// reset), with sensitivities where asked, constants folded into numbers and
// every value given a slot.

#include "sensitivity.hpp"

#include <cellfit/error.hpp>
#include <cellfit/expr/functions.hpp>
#include <cellfit/expr/transform.hpp>
#include <cellfit/sim/lower.hpp>
#include <cellfit/suggest.hpp>

#include <algorithm>
#include <cmath>
#include <set>

namespace cellfit {

namespace {

using namespace cellfit::detail;
using expr::ptr;

ptr call_lookup(const std::string& name) { return expr::call(name, {expr::name("t"), expr::name("i")}); }

// x / c -> x * (1/c) for a constant c: a multiplication costs a fraction of a
// division, and the results differ by at most one rounding. Not below a
// comparison, %, int, floor, ceil or sign, where one rounding can move a
// switch by a whole step (Brian divides there too: (t/ms) % 20.05 < 10).
ptr multiply_by_reciprocals(const ptr& e, bool exact = false) {
    if (e->args.empty()) return e;
    const bool discontinuous =
        expr::is_comparison(e->kind) || e->kind == expr::op::modulo ||
        (e->kind == expr::op::call && (e->name == "int" || e->name == "floor" || e->name == "ceil" || e->name == "sign"));
    std::vector<ptr> args;
    for (const auto& a : e->args) args.push_back(multiply_by_reciprocals(a, exact || discontinuous));
    if (!exact && e->kind == expr::op::divide && args[1]->kind == expr::op::number && args[1]->value != 0 &&
        std::isfinite(1 / args[1]->value))
        return expr::binary(expr::op::multiply, args[0], expr::number(1 / args[1]->value), e->offset);
    expr::node copy = *e;
    copy.args = std::move(args);
    return std::make_shared<const expr::node>(std::move(copy));
}

bool is_zero(const ptr& e) { return e->kind == expr::op::number && e->value == 0; }

// Every call of rand() or randn() becomes a draw of its own call site,
// __rand(site, t, dt, _rng_key_hi, _rng_key_lo) (cellfit/random_stream.hpp):
// a function of the neuron's stream key, the site and the step alone.
class draw_sites {
public:
    ptr number_calls(const ptr& e, const ptr& time) {
        if (e->kind == expr::op::call && (e->name == "rand" || e->name == "randn") && e->args.empty()) {
            return expr::call("__" + e->name, {expr::number(next_++), time, expr::name("dt"), expr::name("_rng_key_hi"),
                                                expr::name("_rng_key_lo")}, e->offset);
        }
        if (e->args.empty()) return e;
        std::vector<ptr> args;
        for (const auto& a : e->args) args.push_back(number_calls(a, time));
        expr::node copy = *e;
        copy.args = std::move(args);
        return std::make_shared<const expr::node>(std::move(copy));
    }

private:
    double next_ = 0;
};

// The statements of one step by phase, as names, before slots are assigned:
// what the integrator is chosen for and what lowering finishes.
struct statements {
    const model& m;
    const simulation_setup& setup;
    bool has_refractory, discrete, continuous;
    std::vector<std::pair<std::string, ptr>> expanded;  // subexpressions, expanded (not constant over dt)
    std::vector<std::pair<std::string, std::vector<ptr>>> initial;  // parsed initial values
    std::set<std::string> state_names, live, carried, constant_names, reset_temporaries;
    ode_system system;
    std::vector<update_statement> constant_over_dt, reset;
    std::vector<std::string> sensitivity_states;  // S_x__p kept between steps (continuous ones so far)

    statements(const model& model, const simulation_setup& s)
        : m(model), setup(s), has_refractory(model.refractory.type != refractoriness::kind::none),
          discrete(s.sensitivity == gradient_kind::discrete), continuous(s.sensitivity == gradient_kind::sensitivity) {
        for (const auto& sub : m.subexpressions)
            if (!sub.constant_over_dt) expanded.emplace_back(sub.name, expr::substitute(sub.rhs, expanded));
        parse_initial_values();
        for (const auto& st : m.states) state_names.insert(st.name);
        // Sensitivities live from the start: those of initial values that
        // depend on a parameter (directly or through states set before).
        if (discrete || continuous)
            for (const auto& [name, parsed] : initial)
                for (const auto& p : setup.sensitivity_parameters)
                    for (const auto& e : parsed)
                        if (!is_zero(total_derivative(e, p, state_names, live))) live.insert(sensitivity_name(name, p));
        for (const auto& st : m.states) {
            ptr rhs = expand(st.rhs_substituted);
            if (st.unless_refractory && has_refractory)
                rhs = expr::binary(expr::op::multiply, expr::call("int", {expr::name("not_refractory")}), rhs);
            system.odes.push_back({st.name, rhs});
        }
        // The reset's temporaries get slots of their own, named apart from
        // the model's (_reset_x), and carry derivatives like the states.
        std::vector<std::pair<std::string, ptr>> temporaries;  // reset name -> its slot's name
        for (const auto& r : m.reset) {
            const ptr target = expr::name(r.temporary ? "_reset_" + r.target : r.target);
            // The right-hand side reads the temporaries set before this statement.
            ptr value = expr::substitute(expand(r.rhs), temporaries);
            if (r.temporary && reset_temporaries.insert(target->name).second) temporaries.emplace_back(r.target, target);
            switch (r.how) {
            case assignment::set: break;
            case assignment::add: value = expr::binary(expr::op::add, target, value); break;
            case assignment::subtract: value = expr::binary(expr::op::subtract, target, value); break;
            case assignment::multiply: value = expr::binary(expr::op::multiply, target, value); break;
            case assignment::divide: value = expr::binary(expr::op::divide, target, value); break;
            }
            reset.push_back({target->name, expr::call("__where", {expr::name("_cond"), value, target})});
        }
        for (const auto& sub : m.subexpressions)
            if (sub.constant_over_dt) {  // in dependency order
                constant_over_dt.push_back({sub.name, expand(sub.rhs)});
                constant_names.insert(sub.name);
            }
        // Derivatives exist for the states and the constant-over-dt values
        // (and, in discrete mode, the integrator's temporaries: added later).
        carried = state_names;
        carried.insert(constant_names.begin(), constant_names.end());
        carried.insert(reset_temporaries.begin(), reset_temporaries.end());
        if (continuous) add_sensitivity_equations();
    }

    // Subexpressions replaced by their definitions (except constant over dt)
    // and inputs by lookups at time t.
    ptr expand(const ptr& e) const {
        ptr out = expr::substitute(e, expanded);
        std::vector<std::pair<std::string, ptr>> inputs;
        for (const auto& v : m.inputs) inputs.emplace_back(v.name, call_lookup(v.name));
        return expr::substitute(out, inputs);
    }

    void parse_initial_values() {
        for (const auto& entry : setup.initial_values) {
            const std::string& name = entry.first;  // a plain name: lambdas below capture it
            const auto& texts = entry.second;
            const model_variable* target = m.find(name);
            const bool is_state = std::any_of(m.states.begin(), m.states.end(), [&](const auto& x) { return x.name == name; });
            if (!target || !is_state) {
                std::vector<std::string> names;
                for (const auto& st : m.states) names.push_back(st.name);
                throw input_error("cannot set the initial value of '" + name + "': the state variables are " +
                                  join_alternatives(names, ", "));
            }
            if (texts.size() != 1 && texts.size() != setup.n_neurons)
                throw input_error("the initial value of " + name + " has " + std::to_string(texts.size()) +
                                  " expressions; give one for all neurons or one per neuron");
            std::vector<ptr> parsed;
            for (const auto& text : texts) parsed.push_back(expand(parse_checked(m, text, "--init " + name, *target)));
            initial.emplace_back(name, std::move(parsed));
        }
    }

    // Continuous sensitivities: equations integrated with the model. A reset
    // that depends on a parameter makes more of them live; iterate.
    void add_sensitivity_equations() {
        std::vector<ode> equations;
        for (;;) {
            std::set<std::string> after_constants, after_odes, after_reset;
            with_discrete_sensitivities(constant_over_dt, setup.sensitivity_parameters, carried, live, after_constants);
            equations = sensitivity_equations(system, setup.sensitivity_parameters, constant_names, after_constants,
                                              after_odes);
            with_discrete_sensitivities(reset, setup.sensitivity_parameters, carried, after_odes, after_reset);
            if (after_reset == live) break;
            live = after_reset;
        }
        for (const auto& e : equations) sensitivity_states.push_back(e.variable);
        system.odes.insert(system.odes.end(), equations.begin(), equations.end());
    }
};

// Brian's timestep(x, dt) = int64((x + 1e-3*dt)/dt).
ptr timestep(const ptr& x) {
    const ptr dt = expr::name("dt");
    return expr::call("int", {expr::binary(expr::op::divide,
                                           expr::binary(expr::op::add, x, expr::binary(expr::op::multiply, expr::number(1e-3), dt)),
                                           dt)});
}

} // namespace

void check_simulation_setup(const model& m, const simulation_setup& s) {
    if (!(s.dt > 0) || !std::isfinite(s.dt)) throw input_error("dt must be a positive duration");
    if (s.n_steps == 0) throw input_error("nothing to simulate: the duration is 0 steps");
    if (s.n_neurons == 0) throw input_error("the number of neurons must be at least 1");
    if (s.n_traces == 0 || s.n_neurons % s.n_traces != 0)
        throw input_error("the number of neurons (" + std::to_string(s.n_neurons) +
                          ") must be a multiple of the number of traces (" + std::to_string(s.n_traces) + ")");
    for (const auto& entry : s.parameters) {
        const std::string& name = entry.first;  // a plain name: lambdas below capture it
        const auto& values = entry.second;
        const auto* v = m.find(name);
        const bool is_parameter = std::any_of(m.parameters.begin(), m.parameters.end(),
                                              [&](const auto& p) { return p.name == name; });
        if (!v || !is_parameter) {
            std::vector<std::string> names;
            for (const auto& p : m.parameters) names.push_back(p.name);
            throw input_error("'" + name + "' is not a parameter of the model; parameters: " +
                              (names.empty() ? std::string("none") : join_alternatives(names, ", ")));
        }
        if (values.size() != 1 && values.size() != s.n_neurons)
            throw input_error("parameter " + name + " has " + std::to_string(values.size()) +
                              " values; give one for all neurons or one per neuron (" + std::to_string(s.n_neurons) + ")");
    }
    for (const auto& v : m.inputs)
        if (!s.lookups.count(v.name)) throw input_error("the model's input '" + v.name + "' has no values (--input " + v.name + "=FILE.csv:UNIT)");
    for (const auto& v : m.timed_arrays)
        if (!s.lookups.count(v.name))
            throw input_error("the timed array '" + v.name + "' has no values (--timed-array " + v.name + "=FILE.csv:UNIT)");
    for (const auto& [name, table] : s.lookups) {
        if (table.rows == 0 || table.steps == 0 || table.values.size() != table.rows * table.steps)
            throw input_error("the values of '" + name + "' are empty or not a full rows x steps table");
        if (table.rows != s.n_neurons && table.rows != s.n_traces && table.rows != 1)
            throw input_error("'" + name + "' has " + std::to_string(table.rows) + " rows; it needs one per neuron (" +
                              std::to_string(s.n_neurons) + ") or one per trace (" + std::to_string(s.n_traces) + ")");
    }
}

ode_system ode_system_of(const model& m, const simulation_setup& setup) { return statements(m, setup).system; }

step_program lower(const model& m, const simulation_setup& setup, const integrator* integ) {
    statements s(m, setup);
    if (!s.system.odes.empty() && !integ)
        throw error("the model has differential equations, so lowering needs an integrator (see choose_integrator)");
    const std::vector<update_statement> integrated = integ ? integ->integrate(s.system) : std::vector<update_statement>{};
    // The update phase; (unless refractory) variables keep their value while refractory.
    std::vector<update_statement> update;
    for (const auto& st : integrated) {
        ptr value = st.value;
        const auto var = std::find_if(m.states.begin(), m.states.end(), [&](const auto& x) { return x.name == st.target; });
        if (var != m.states.end() && var->unless_refractory && s.has_refractory)
            value = expr::call("__where", {expr::name("not_refractory"), value, expr::name(st.target)});
        update.push_back({st.target, value});
    }
    // Sensitivities: discrete ones inserted before each statement, then the
    // statements split back into their phases (each original one ends its group).
    if (s.discrete) {
        for (const auto& st : integrated) s.carried.insert(st.target);
        std::vector<update_statement> all = s.constant_over_dt;
        all.insert(all.end(), update.begin(), update.end());
        all.insert(all.end(), s.reset.begin(), s.reset.end());
        std::set<std::string> after;
        const auto augmented = with_discrete_sensitivities(all, setup.sensitivity_parameters, s.carried, s.live, after);
        s.live = after;
        std::vector<update_statement>* phases[] = {&s.constant_over_dt, &update, &s.reset};
        const std::size_t sizes[] = {s.constant_over_dt.size(), update.size(), s.reset.size()};
        std::size_t phase = 0, seen = 0;
        for (auto* list : phases) list->clear();
        for (const auto& st : augmented) {
            while (phase < 3 && seen == sizes[phase]) {
                ++phase;
                seen = 0;
            }
            phases[phase]->push_back(st);
            if (!st.target.starts_with("S_") || s.carried.count(st.target)) ++seen;
        }
        for (const auto& name : s.state_names)
            for (const auto& p : setup.sensitivity_parameters)
                if (s.live.count(sensitivity_name(name, p))) s.sensitivity_states.push_back(sensitivity_name(name, p));
    } else if (s.continuous) {
        std::set<std::string> after;
        s.constant_over_dt = with_discrete_sensitivities(s.constant_over_dt, setup.sensitivity_parameters, s.carried, s.live, after);
        s.reset = with_discrete_sensitivities(s.reset, setup.sensitivity_parameters, s.carried, s.live, after);
    }

    // Named slots: state, parameters, constant-over-dt values, t, dt, i, N,
    // refractoriness, the spike condition, the integrator's temporaries,
    // sensitivities and the recorded values that are not slots already.
    step_program p;
    auto named = [&](const std::string& name) {
        const slot_index slot = p.slot_count++;
        p.slots[name] = slot;
        return slot;
    };
    for (const auto& st : m.states) {
        p.state_names.push_back(st.name);
        p.state_slots.push_back(named(st.name));
    }
    for (const auto& par : m.parameters) named(par.name);
    for (const auto& sub : m.subexpressions)
        if (sub.constant_over_dt) named(sub.name);
    p.t = named("t");
    p.dt = named("dt");
    p.i = named("i");
    p.N = named("N");
    p.not_refractory = named("not_refractory");
    p.lastspike = named("lastspike");
    p.cond = named("_cond");
    // The neuron's random stream key (cellfit/random_stream.hpp), set by the simulator.
    named("_rng_key_hi");
    named("_rng_key_lo");
    p.has_threshold = m.threshold.has_value();
    p.has_refractory = s.has_refractory;
    for (const auto* list : {&s.constant_over_dt, &update, &s.reset})
        for (const auto& st : *list)
            if (!p.slots.count(st.target)) named(st.target);
    for (const auto& name : s.sensitivity_states)
        if (!p.slots.count(name)) named(name);
    for (const auto& name : s.sensitivity_states) p.sensitivity_slots.push_back(p.slots.at(name));
    for (const auto& [name, table] : setup.lookups) {
        program_lookup l{name, table.rows, std::vector<std::size_t>(setup.n_neurons, 0)};
        for (std::size_t n = 0; n < setup.n_neurons; ++n)
            l.row_of_neuron[n] = table.rows == setup.n_neurons ? n : table.rows == 1 ? 0 : n % setup.n_traces;
        p.lookups.push_back(std::move(l));
    }

    // 1. Constant over dt subexpressions, in dependency order.
    for (const auto& st : s.constant_over_dt) p.constant_over_dt.push_back({p.slots.at(st.target), st.value});
    // 2. Recorded variables.
    for (std::size_t r = 0; r < setup.record.size(); ++r) {
        const std::string& name = setup.record[r];
        if (p.slots.count(name) && !name.starts_with("_")) {
            p.record_slots.push_back(p.slots.at(name));
            continue;
        }
        const std::string slot_name = "_record" + std::to_string(r);
        // S_<var>__<param>: a derivative that is zero, or of a subexpression.
        if (const auto split = name.rfind("__"); (s.discrete || s.continuous) && name.starts_with("S_") && split != std::string::npos) {
            const std::string var = name.substr(2, split - 2), par = name.substr(split + 2);
            const bool known = std::find(setup.sensitivity_parameters.begin(), setup.sensitivity_parameters.end(), par) !=
                               setup.sensitivity_parameters.end();
            auto of = std::find_if(m.subexpressions.begin(), m.subexpressions.end(), [&](const auto& x) { return x.name == var; });
            if (known && (s.state_names.count(var) || of != m.subexpressions.end())) {
                const ptr value = of != m.subexpressions.end()
                                      ? total_derivative(s.expand(of->rhs), par, s.carried, s.live)
                                      : expr::number(0);  // a state whose derivative is structurally zero
                const slot_index slot = named(slot_name);
                p.record.push_back({slot, value});
                p.record_slots.push_back(slot);
                continue;
            }
        }
        auto sub = std::find_if(m.subexpressions.begin(), m.subexpressions.end(), [&](const auto& x) { return x.name == name; });
        auto input = std::find_if(m.inputs.begin(), m.inputs.end(), [&](const auto& x) { return x.name == name; });
        if (sub == m.subexpressions.end() && input == m.inputs.end()) {
            std::vector<std::string> names;
            for (const auto& st : m.states) names.push_back(st.name);
            for (const auto& x : m.subexpressions) names.push_back(x.name);
            throw input_error("cannot record '" + name + "': not a variable of the model; choose from " +
                              join_alternatives(names, ", "));
        }
        const slot_index slot = named(slot_name);
        p.record.push_back({slot, sub != m.subexpressions.end() ? s.expand(sub->rhs) : call_lookup(name)});
        p.record_slots.push_back(slot);
    }
    // 3. Refractoriness, on the state at the start of the step.
    const ptr since_spike = timestep(expr::binary(expr::op::subtract, expr::name("t"), expr::name("lastspike")));
    switch (m.refractory.type) {
    case refractoriness::kind::none: break;
    case refractoriness::kind::duration: {
        // Brian passes a fixed period through "%f": rounded to 1 us.
        const double period = std::round(m.refractory.seconds * 1e6) / 1e6;
        p.refractory.push_back({p.not_refractory, expr::binary(expr::op::greater_equal, since_spike, timestep(expr::number(period)))});
        break;
    }
    case refractoriness::kind::duration_expression:
        p.refractory.push_back(
            {p.not_refractory, expr::binary(expr::op::greater_equal, since_spike, timestep(s.expand(m.refractory.expression)))});
        break;
    case refractoriness::kind::condition:
        p.refractory.push_back({p.not_refractory, expr::binary(expr::op::logical_or, expr::name("not_refractory"),
                                                               expr::unary(expr::op::logical_not, s.expand(m.refractory.expression)))});
        break;
    }
    // 4. The state update.
    for (const auto& st : update) p.update.push_back({p.slots.at(st.target), st.value});
    // 5. Threshold, on the updated state.
    if (m.threshold) {
        ptr cond = s.expand(*m.threshold);
        if (s.has_refractory) cond = expr::binary(expr::op::logical_and, cond, expr::name("not_refractory"));
        p.threshold.push_back({p.cond, cond});
    }
    // 6. Reset statements, each written only where the neuron spiked.
    for (const auto& st : s.reset) p.reset.push_back({p.slots.at(st.target), st.value});
    // Each call of rand() or randn() its own site: the initial values' first
    // (at t = 0; their numbers do not change with the method), then the
    // step's in program order (t is the step's start).
    draw_sites sites;
    for (auto& [name, parsed] : s.initial)
        for (auto& e : parsed) e = sites.number_calls(e, expr::number(0));
    for (auto* phase : {&p.constant_over_dt, &p.record, &p.refractory, &p.update, &p.threshold, &p.reset})
        for (auto& a : *phase) a.value = sites.number_calls(a.value, expr::name("t"));
    // Constants and units become numbers, and constant parts fold: the
    // backends compute only what varies, and every name left is a slot.
    auto fold = [&](const ptr& e) {
        std::vector<std::pair<std::string, ptr>> numbers;
        for (const auto& id : expr::identifiers(e)) {
            if (p.slots.count(id)) continue;
            if (double value = 0; constant_value(m, id, value)) numbers.emplace_back(id, expr::number(value));
        }
        return multiply_by_reciprocals(expr::simplify(expr::substitute(e, numbers)));
    };
    for (auto* phase : {&p.constant_over_dt, &p.record, &p.refractory, &p.update, &p.threshold, &p.reset})
        for (auto& a : *phase) a.value = fold(a.value);

    // Initial values and their derivatives, by slot (evaluated by the simulator).
    for (auto& [name, parsed] : s.initial) {
        initial_assignment a{name, p.slots.at(name), parsed, {}};
        for (const auto& par : setup.sensitivity_parameters) {
            const std::string sname = sensitivity_name(name, par);
            if (!s.live.count(sname)) continue;
            std::vector<ptr> d;
            for (const auto& e : parsed) d.push_back(total_derivative(e, par, s.state_names, s.live));
            a.derivatives.emplace_back(p.slots.at(sname), std::move(d));
        }
        p.initial.push_back(std::move(a));
    }
    return p;
}

} // namespace cellfit
