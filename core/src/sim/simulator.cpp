// The simulation loop: Brian's step schedule (constant-over-dt values, record,
// refractoriness, state update, threshold, reset) over chunks of neurons,
// blocks of steps streamed to a consumer, threads over neuron ranges.

#include "compiled_kernel.hpp"
#include "kernel.hpp"
#include "sensitivity.hpp"
#include "worker_pool.hpp"

#include <cellfit/error.hpp>
#include <cellfit/expr/functions.hpp>
#include <cellfit/expr/printer.hpp>
#include <cellfit/expr/transform.hpp>
#include <cellfit/integrator.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/sim/simulation.hpp>
#include <cellfit/suggest.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <set>

namespace cellfit {

simulation_consumer::~simulation_consumer() = default;

namespace {

using namespace cellfit::detail;
using expr::ptr;

constexpr std::size_t lanes = 128;  // neurons per chunk of the interpreter

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

} // namespace

struct simulator::state {
    const model& m;
    simulation_setup setup;
    std::string method;
    std::size_t padded = 0;  // neurons rounded up to whole chunks
    std::vector<double> memory;
    std::vector<kernel_lookup> lookups;
    std::vector<std::string> lookup_names;
    std::map<std::string, std::uint32_t> slots;  // named slots
    std::uint32_t slot_t = 0, slot_cond = 0, slot_not_refractory = 0, slot_lastspike = 0;
    std::vector<std::uint32_t> record_slots;
    std::vector<std::uint32_t> state_slots;
    // The step, phase by phase, as assignments to slots (what the compiled
    // backend turns into C++), and as the interpreter's programs.
    kernel_phases phases;
    kernel_program constant_over_dt, record, refractory, update, threshold, reset;
    bool has_refractory = false;
    std::optional<compiled_kernel> compiled;
    std::unique_ptr<worker_pool> pool;  // threads kept between blocks and runs
    std::vector<std::string> warnings;
    std::vector<cellfit_kernel_lookup> kernel_lookups;
    std::vector<std::pair<std::string, ptr>> expanded;  // subexpressions, expanded

    std::uint32_t slot_count = 0, slot_dt = 0, slot_N = 0, slot_i = 0;
    std::vector<std::pair<std::uint32_t, double>> constant_slots;       // numbers the programs read from slots
    struct initial_value {
        std::string name;
        std::uint32_t slot;
        std::vector<ptr> values;  // one, or one per neuron
        std::vector<std::pair<std::uint32_t, std::vector<ptr>>> derivatives;  // sensitivity slot, d(value)/dp
    };
    std::vector<initial_value> initial;
    std::vector<std::uint32_t> sensitivity_slots;  // S_x__p carried between steps

    state(const model& model, const simulation_setup& s) : m(model), setup(s) {}

    // Time 0: parameters, initial values and bookkeeping slots set afresh.
    void reset_memory();

    double* slot(std::uint32_t s) { return memory.data() + s * padded; }

    // Subexpressions replaced by their definitions (except constant over dt)
    // and inputs by lookups at time t.
    ptr expand(const ptr& e) const {
        ptr out = expr::substitute(e, expanded);
        std::vector<std::pair<std::string, ptr>> inputs;
        for (const auto& v : m.inputs) inputs.emplace_back(v.name, call_lookup(v.name));
        return expr::substitute(out, inputs);
    }
};

namespace {

void check_setup(const model& m, const simulation_setup& s) {
    if (!(s.dt > 0) || !std::isfinite(s.dt)) throw input_error("dt must be a positive duration");
    if (s.n_steps == 0) throw input_error("nothing to simulate: the duration is 0 steps");
    if (s.n_neurons == 0) throw input_error("the number of neurons must be at least 1");
    if (s.n_traces == 0 || s.n_neurons % s.n_traces != 0)
        throw input_error("the number of neurons (" + std::to_string(s.n_neurons) +
                          ") must be a multiple of the number of traces (" + std::to_string(s.n_traces) + ")");
    if (m.stochastic)
        throw input_error("the model uses xi (white noise); cellfit cannot integrate stochastic equations yet");
    if (!m.random_functions.empty())
        throw input_error("the model calls " + m.random_functions.front() + "(); random functions are not supported in "
                                                                            "simulations yet");
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

std::shared_ptr<integrator> choose_integrator(const ode_system& system, const std::string& method,
                                              const plugin_registry& registry, std::string& chosen) {
    if (system.odes.empty()) {
        chosen = "none";
        return nullptr;
    }
    if (!method.empty()) {
        auto integ = registry.create<integrator>(method);
        const std::string problem = integ->cannot_integrate(system);
        if (!problem.empty()) {
            std::vector<std::string> able;
            for (const auto* p : registry.plugins(plugin_kind::integrator)) {
                auto other = registry.create<integrator>(p->info.name);
                if (other->cannot_integrate(system).empty()) able.push_back(p->info.name);
            }
            throw input_error("the method " + method + " cannot integrate this model: " + problem + ". Methods that can: " +
                              (able.empty() ? std::string("none") : join_alternatives(able, ", ")));
        }
        chosen = method;
        return integ;
    }
    for (const char* name : {"exact", "euler", "heun"}) {
        if (!registry.find(plugin_kind::integrator, name)) continue;
        auto integ = registry.create<integrator>(name);
        if (integ->cannot_integrate(system).empty()) {
            chosen = name;
            return integ;
        }
    }
    throw input_error("no integrator can integrate this model (tried exact, euler and heun); are the integrator plugins "
                      "installed? See `cellfit plugins --kind integrator`");
}

} // namespace

simulator::simulator(const model& m, const simulation_setup& setup, const plugin_registry& registry)
    : state_(std::make_unique<state>(m, setup)) {
    state& s = *state_;
    check_setup(m, setup);
    s.has_refractory = m.refractory.type != refractoriness::kind::none;
    s.padded = (setup.n_neurons + lanes - 1) / lanes * lanes;

    for (const auto& sub : m.subexpressions)
        if (!sub.constant_over_dt) s.expanded.emplace_back(sub.name, expr::substitute(sub.rhs, s.expanded));

    // Initial values, parsed once: restart() evaluates them again.
    std::vector<std::pair<std::string, std::vector<ptr>>> initial_parsed;
    for (const auto& initial : setup.initial_values) {
        const std::string& name = initial.first;  // a plain name: lambdas below capture it
        const auto& texts = initial.second;
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
        for (std::size_t k = 0; k < texts.size(); ++k)
            parsed.push_back(s.expand(parse_checked(m, texts[k], "--init " + name, *target)));
        initial_parsed.emplace_back(name, std::move(parsed));
    }
    // Sensitivities live from the start: those of initial values that depend
    // on a parameter (directly or through states set before).
    std::set<std::string> state_names, live;
    for (const auto& st : m.states) state_names.insert(st.name);
    const bool discrete = setup.sensitivity == sensitivity_kind::discrete;
    const bool continuous = setup.sensitivity == sensitivity_kind::continuous;
    if (discrete || continuous)
        for (const auto& [name, parsed] : initial_parsed)
            for (const auto& p : setup.sensitivity_parameters)
                for (const auto& e : parsed)
                    if (!(total_derivative(e, p, state_names, live)->kind == expr::op::number &&
                          total_derivative(e, p, state_names, live)->value == 0))
                        live.insert(sensitivity_name(name, p));

    // The ODE system the integrator sees.
    ode_system system;
    for (const auto& st : m.states) {
        ptr rhs = s.expand(st.rhs_substituted);
        if (st.unless_refractory && s.has_refractory)
            rhs = expr::binary(expr::op::multiply, expr::call("int", {expr::name("not_refractory")}), rhs);
        system.odes.push_back({st.name, rhs});
    }
    // Continuous sensitivities: equations integrated with the model. A reset
    // that depends on a parameter makes more of them live; iterate.
    std::vector<update_statement> reset_statements;
    for (const auto& r : m.reset) {
        const ptr target = expr::name(r.target);
        ptr value = s.expand(r.rhs);
        switch (r.how) {
        case assignment::set: break;
        case assignment::add: value = expr::binary(expr::op::add, target, value); break;
        case assignment::subtract: value = expr::binary(expr::op::subtract, target, value); break;
        case assignment::multiply: value = expr::binary(expr::op::multiply, target, value); break;
        case assignment::divide: value = expr::binary(expr::op::divide, target, value); break;
        }
        reset_statements.push_back({r.target, expr::call("__where", {expr::name("_cond"), value, target})});
    }
    std::vector<update_statement> constant_statements;  // constant over dt, in dependency order
    std::set<std::string> constant_names;
    for (const auto& sub : m.subexpressions)
        if (sub.constant_over_dt) {
            constant_statements.push_back({sub.name, s.expand(sub.rhs)});
            constant_names.insert(sub.name);
        }
    // Derivatives exist for the states and the constant-over-dt values (and,
    // in discrete mode, the integrator's temporaries: added below).
    std::set<std::string> carried = state_names;
    carried.insert(constant_names.begin(), constant_names.end());
    std::vector<std::string> sensitivity_states;  // S_x__p with a slot kept between steps
    if (continuous) {
        std::vector<ode> equations;
        for (;;) {
            std::set<std::string> after_constants, after_odes, after_reset;
            with_discrete_sensitivities(constant_statements, setup.sensitivity_parameters, carried, live, after_constants);
            equations = sensitivity_equations(system, setup.sensitivity_parameters, constant_names, after_constants,
                                              after_odes);
            with_discrete_sensitivities(reset_statements, setup.sensitivity_parameters, carried, after_odes, after_reset);
            if (after_reset == live) break;
            live = after_reset;
        }
        for (const auto& e : equations) sensitivity_states.push_back(e.variable);
        system.odes.insert(system.odes.end(), equations.begin(), equations.end());
    }
    const auto integ = choose_integrator(system, setup.method, registry, s.method);
    std::vector<update_statement> program = integ ? integ->integrate(system) : std::vector<update_statement>{};
    // The step's statements by phase (constant over dt, update, reset), as
    // names; discrete sensitivities are inserted before each statement.
    std::vector<update_statement> update_statements;
    for (const auto& st : program) {
        ptr value = st.value;
        const auto var = std::find_if(m.states.begin(), m.states.end(), [&](const auto& x) { return x.name == st.target; });
        if (var != m.states.end() && var->unless_refractory && s.has_refractory)
            value = expr::call("__where", {expr::name("not_refractory"), value, expr::name(st.target)});
        update_statements.push_back({st.target, value});
    }
    if (discrete) {
        for (const auto& st : program) carried.insert(st.target);
        std::vector<update_statement> all = constant_statements;
        all.insert(all.end(), update_statements.begin(), update_statements.end());
        all.insert(all.end(), reset_statements.begin(), reset_statements.end());
        std::set<std::string> after;
        const auto augmented = with_discrete_sensitivities(all, setup.sensitivity_parameters, carried, live, after);
        live = after;
        // Split back into phases: each original statement ends its group.
        std::vector<update_statement>* phases[] = {&constant_statements, &update_statements, &reset_statements};
        const std::size_t sizes[] = {constant_statements.size(), update_statements.size(), reset_statements.size()};
        std::size_t phase = 0, seen = 0;
        for (auto* list : phases) list->clear();
        for (const auto& st : augmented) {
            while (phase < 3 && seen == sizes[phase]) {
                ++phase;
                seen = 0;
            }
            phases[phase]->push_back(st);
            if (!st.target.starts_with("S_") || carried.count(st.target)) ++seen;
        }
        for (const auto& name : state_names)
            for (const auto& p : setup.sensitivity_parameters)
                if (live.count(sensitivity_name(name, p))) sensitivity_states.push_back(sensitivity_name(name, p));
    } else if (continuous) {
        std::set<std::string> after;
        constant_statements = with_discrete_sensitivities(constant_statements, setup.sensitivity_parameters, carried, live, after);
        reset_statements = with_discrete_sensitivities(reset_statements, setup.sensitivity_parameters, carried, live, after);
    }

    // Named slots: state, parameters, constant-over-dt values, refractory
    // variables, t, dt, i, N, and the integrator's temporaries.
    kernel_compiler compiler(
        [&s](const std::string& name) {
            auto it = s.slots.find(name);
            return it == s.slots.end() ? -1 : static_cast<int>(it->second);
        },
        m,
        [&s](const std::string& name) {
            auto it = std::find(s.lookup_names.begin(), s.lookup_names.end(), name);
            return it == s.lookup_names.end() ? -1 : static_cast<int>(it - s.lookup_names.begin());
        });
    auto named = [&](const std::string& name) {
        const auto slot = compiler.new_slot();
        s.slots[name] = slot;
        return slot;
    };
    for (const auto& st : m.states) s.state_slots.push_back(named(st.name));
    for (const auto& p : m.parameters) named(p.name);
    for (const auto& sub : m.subexpressions)
        if (sub.constant_over_dt) named(sub.name);
    s.slot_t = named("t");
    const auto slot_dt = named("dt");
    const auto slot_i = named("i");
    const auto slot_N = named("N");
    s.slot_not_refractory = named("not_refractory");
    s.slot_lastspike = named("lastspike");
    s.slot_cond = named("_cond");
    for (const auto* list : {&constant_statements, &update_statements, &reset_statements})
        for (const auto& st : *list)
            if (!s.slots.count(st.target)) named(st.target);
    for (const auto& name : sensitivity_states)
        if (!s.slots.count(name)) named(name);
    for (const auto& name : sensitivity_states) s.sensitivity_slots.push_back(s.slots.at(name));
    // The tables the kernels read are the simulator's own copy: the caller's
    // setup may be a temporary.
    for (const auto& [name, table] : s.setup.lookups) {
        s.lookup_names.push_back(name);
        kernel_lookup l{&table, std::vector<std::size_t>(s.padded, 0)};
        for (std::size_t n = 0; n < setup.n_neurons; ++n)
            l.row_of_neuron[n] = table.rows == setup.n_neurons ? n : table.rows == 1 ? 0 : n % setup.n_traces;
        s.lookups.push_back(std::move(l));
    }
    for (const auto& l : s.lookups) s.kernel_lookups.push_back({l.table->values.data(), l.table->steps, l.row_of_neuron.data()});

    // 1. Constant over dt subexpressions, in dependency order.
    for (const auto& st : constant_statements) s.phases.constant_over_dt.push_back({s.slots.at(st.target), st.value});
    // 2. Recorded variables.
    for (const auto& name : setup.record) {
        if (s.slots.count(name) && !name.starts_with("_")) {
            s.record_slots.push_back(s.slots.at(name));
            continue;
        }
        // S_<var>__<param>: a derivative that is zero, or of a subexpression.
        if (const auto split = name.rfind("__"); (discrete || continuous) && name.starts_with("S_") && split != std::string::npos) {
            const std::string var = name.substr(2, split - 2), p = name.substr(split + 2);
            const bool known = std::find(setup.sensitivity_parameters.begin(), setup.sensitivity_parameters.end(), p) !=
                               setup.sensitivity_parameters.end();
            auto of = std::find_if(m.subexpressions.begin(), m.subexpressions.end(), [&](const auto& x) { return x.name == var; });
            if (known && (state_names.count(var) || of != m.subexpressions.end())) {
                const ptr value = of != m.subexpressions.end()
                                      ? total_derivative(s.expand(of->rhs), p, carried, live)
                                      : expr::number(0);  // a state whose derivative is structurally zero
                const auto slot = compiler.new_slot();
                s.phases.record.push_back({slot, value});
                s.record_slots.push_back(slot);
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
        const auto slot = compiler.new_slot();
        s.phases.record.push_back({slot, sub != m.subexpressions.end() ? s.expand(sub->rhs) : call_lookup(name)});
        s.record_slots.push_back(slot);
    }
    // 3. Refractoriness, on the state at the start of the step.
    const ptr t = expr::name("t"), dt = expr::name("dt");
    auto timestep = [&](const ptr& x) {  // Brian's int64((x + 1e-3*dt)/dt)
        return expr::call("int", {expr::binary(expr::op::divide,
                                               expr::binary(expr::op::add, x, expr::binary(expr::op::multiply, expr::number(1e-3), dt)),
                                               dt)});
    };
    const ptr since_spike = timestep(expr::binary(expr::op::subtract, t, expr::name("lastspike")));
    switch (m.refractory.type) {
    case refractoriness::kind::none: break;
    case refractoriness::kind::duration: {
        // Brian passes a fixed period through "%f": rounded to 1 us.
        const double period = std::round(m.refractory.seconds * 1e6) / 1e6;
        s.phases.refractory.push_back(
            {s.slot_not_refractory, expr::binary(expr::op::greater_equal, since_spike, timestep(expr::number(period)))});
        break;
    }
    case refractoriness::kind::duration_expression:
        s.phases.refractory.push_back(
            {s.slot_not_refractory,
             expr::binary(expr::op::greater_equal, since_spike, timestep(s.expand(m.refractory.expression)))});
        break;
    case refractoriness::kind::condition:
        s.phases.refractory.push_back(
            {s.slot_not_refractory, expr::binary(expr::op::logical_or, expr::name("not_refractory"),
                                                 expr::unary(expr::op::logical_not, s.expand(m.refractory.expression)))});
        break;
    }
    // 4. The state update; (unless refractory) variables keep their value while refractory.
    for (const auto& st : update_statements) s.phases.update.push_back({s.slots.at(st.target), st.value});
    // 5. Threshold, on the updated state.
    if (m.threshold) {
        ptr cond = s.expand(*m.threshold);
        if (s.has_refractory) cond = expr::binary(expr::op::logical_and, cond, expr::name("not_refractory"));
        s.phases.threshold.push_back({s.slot_cond, cond});
    }
    // 6. Reset statements, each written only where the neuron spiked.
    for (const auto& st : reset_statements) s.phases.reset.push_back({s.slots.at(st.target), st.value});
    // Constants and units become numbers, and constant parts fold: the
    // kernels compute only what varies.
    auto lower = [&](const ptr& e) {
        std::vector<std::pair<std::string, ptr>> numbers;
        for (const auto& id : expr::identifiers(e)) {
            if (s.slots.count(id)) continue;
            if (double value = 0; constant_value(m, id, value)) numbers.emplace_back(id, expr::number(value));
        }
        return multiply_by_reciprocals(expr::simplify(expr::substitute(e, numbers)));
    };
    for (auto* phase : {&s.phases.constant_over_dt, &s.phases.record, &s.phases.refractory, &s.phases.update,
                        &s.phases.threshold, &s.phases.reset})
        for (auto& a : *phase) a.value = lower(a.value);
    const std::pair<const std::vector<kernel_assignment>*, kernel_program*> compile_phases[] = {
        {&s.phases.constant_over_dt, &s.constant_over_dt}, {&s.phases.record, &s.record},
        {&s.phases.refractory, &s.refractory}, {&s.phases.update, &s.update},
        {&s.phases.threshold, &s.threshold}, {&s.phases.reset, &s.reset}};
    for (const auto& [phase, program] : compile_phases) {
        compiler.begin_program();
        for (const auto& a : *phase) compiler.assign(a.slot, a.value, *program);
    }

    if (setup.backend == simulation_backend::compiled) {
        codegen_slots cg;
        cg.resolve = [&s](const std::string& name) {
            auto it = s.slots.find(name);
            return it == s.slots.end() ? -1 : static_cast<int>(it->second);
        };
        cg.lookup_index = [&s](const std::string& name) {
            auto it = std::find(s.lookup_names.begin(), s.lookup_names.end(), name);
            return it == s.lookup_names.end() ? -1 : static_cast<int>(it - s.lookup_names.begin());
        };
        cg.constant = [&m](const std::string& name, double& value) { return constant_value(m, name, value); };
        cg.special = {{s.slot_t, "t"}, {slot_dt, "dt"}, {slot_i, "double(n)"},
                      {slot_N, "(" + std::to_string(setup.n_neurons) + ".0)"}};
        cg.uniform = {s.slot_t, slot_dt};
        cg.neuron_index = slot_i;
        for (std::size_t k = 0; k < s.lookups.size(); ++k)
            if (s.lookups[k].table->rows == 1) cg.single_row_lookups.insert(static_cast<int>(k));
        cg.persistent.insert(s.state_slots.begin(), s.state_slots.end());
        cg.persistent.insert(s.sensitivity_slots.begin(), s.sensitivity_slots.end());
        cg.persistent.insert({s.slot_cond, s.slot_not_refractory, s.slot_lastspike});
        cg.record_slots = s.record_slots;
        cg.cond = s.slot_cond;
        cg.not_refractory = s.slot_not_refractory;
        cg.lastspike = s.slot_lastspike;
        cg.has_threshold = m.threshold.has_value();
        std::string unavailable;
        s.compiled = compiled_kernel::build(generate_kernel_source(s.phases, cg), unavailable);
        if (!s.compiled)
            s.warnings.push_back("the compiled backend is unavailable (" + unavailable +
                                 "); using the interpreter, which is slower");
    }

    s.slot_count = compiler.slot_count();
    s.constant_slots = compiler.constants();
    s.slot_dt = slot_dt;
    s.slot_N = slot_N;
    s.slot_i = slot_i;
    // Initial values (parsed above) and their derivatives, by slot.
    for (auto& [name, parsed] : initial_parsed) {
        std::vector<std::pair<std::uint32_t, std::vector<ptr>>> derivatives;
        for (const auto& p : setup.sensitivity_parameters) {
            const std::string sname = sensitivity_name(name, p);
            if (!live.count(sname)) continue;
            std::vector<ptr> d;
            for (const auto& e : parsed) d.push_back(total_derivative(e, p, state_names, live));
            derivatives.emplace_back(s.slots.at(sname), std::move(d));
        }
        s.initial.push_back({name, s.slots.at(name), std::move(parsed), std::move(derivatives)});
    }
    s.reset_memory();
}

void simulator::state::reset_memory() {
    // Memory: every slot, one value per (padded) neuron.
    memory.assign(static_cast<std::size_t>(slot_count) * padded, 0.0);
    for (const auto& [index, value] : constant_slots) std::fill_n(slot(index), padded, value);
    std::fill_n(slot(slot_dt), padded, setup.dt);
    std::fill_n(slot(slot_N), padded, static_cast<double>(setup.n_neurons));
    for (std::size_t n = 0; n < padded; ++n) slot(slot_i)[n] = static_cast<double>(n);
    std::fill_n(slot(slot_not_refractory), padded, 1.0);
    std::fill_n(slot(slot_lastspike), padded, -1e4);
    for (const auto& [name, values] : setup.parameters) {
        double* p = slot(slots.at(name));
        for (std::size_t n = 0; n < setup.n_neurons; ++n) p[n] = values.size() == 1 ? values[0] : values[n];
    }
    // Initial values, in order, each neuron on its own (t = 0).
    for (const auto& init : initial) {
        for (std::size_t n = 0; n < setup.n_neurons; ++n) {
            auto value_of = [&](const ptr& e) {
                return expr::evaluate(e, [&](const std::string& id) -> double {
                    if (id == "t") return 0.0;
                    auto it = slots.find(id);
                    if (it != slots.end()) return slot(it->second)[n];
                    if (double x = 0; constant_value(m, id, x)) return x;
                    throw input_error("the initial value of " + init.name + " cannot use '" + id + "'");
                });
            };
            // Derivatives first: they read the values before this assignment.
            for (const auto& [target, d] : init.derivatives) slot(target)[n] = value_of(d.size() == 1 ? d[0] : d[n]);
            slot(init.slot)[n] = value_of(init.values.size() == 1 ? init.values[0] : init.values[n]);
        }
    }
}

void simulator::restart(const std::map<std::string, std::vector<double>>& parameters) {
    simulation_setup changed = state_->setup;
    for (const auto& [name, values] : parameters) changed.parameters[name] = values;
    check_setup(state_->m, changed);
    state_->setup.parameters = std::move(changed.parameters);
    state_->reset_memory();
}

simulator::~simulator() = default;
simulator::simulator(simulator&&) noexcept = default;

const std::string& simulator::method() const noexcept { return state_->method; }

std::string simulator::backend() const {
    return state_->compiled ? "compiled (" + state_->compiled->library_path() + ")" : "interpreter";
}

simulation_summary simulator::run(simulation_consumer& consumer) {
    state& s = *state_;
    const simulation_setup& setup = s.setup;
    const std::size_t n_neurons = setup.n_neurons;
    const std::size_t n_chunks = s.padded / lanes;
    const unsigned n_threads = std::max(1u, std::min<unsigned>(setup.threads, static_cast<unsigned>(n_chunks)));
    const kernel_memory memory{s.memory.data(), s.padded, setup.dt, &s.lookups};
    const std::size_t block = std::max<std::size_t>(1, setup.block_steps);
    std::vector<std::vector<double>> buffers(s.record_slots.size(), std::vector<double>(n_neurons * block));
    std::vector<std::vector<std::pair<std::size_t, std::size_t>>> thread_spikes(n_threads);  // (step, neuron)
    simulation_summary summary;
    summary.method = s.method;
    summary.backend = s.compiled ? "compiled" : "interpreter";
    summary.warnings = s.warnings;
    summary.diverged.assign(n_neurons, false);

    for (std::size_t k0 = 0; k0 < setup.n_steps; k0 += block) {
        const std::size_t k1 = std::min(setup.n_steps, k0 + block);
        const std::size_t len = k1 - k0;
        auto work = [&](unsigned thread) {
            auto& spikes = thread_spikes[thread];
            for (std::size_t chunk = thread; chunk < n_chunks; chunk += n_threads) {
                const std::size_t first = chunk * lanes;
                double* t = s.slot(s.slot_t) + first;
                const double* cond = s.slot(s.slot_cond) + first;
                for (std::size_t k = k0; k < k1; ++k) {
                    std::fill_n(t, lanes, static_cast<double>(k) * setup.dt);
                    run_program(s.constant_over_dt, memory, first, lanes);
                    run_program(s.record, memory, first, lanes);
                    for (std::size_t r = 0; r < s.record_slots.size(); ++r) {
                        const double* v = s.slot(s.record_slots[r]) + first;
                        for (std::size_t l = 0; l < lanes && first + l < n_neurons; ++l)
                            buffers[r][(first + l) * len + (k - k0)] = v[l];
                    }
                    run_program(s.refractory, memory, first, lanes);
                    run_program(s.update, memory, first, lanes);
                    if (!s.threshold.code.empty()) {
                        run_program(s.threshold, memory, first, lanes);
                        bool any = false;
                        for (std::size_t l = 0; l < lanes && first + l < n_neurons; ++l)
                            if (cond[l] != 0) {
                                any = true;
                                spikes.emplace_back(k, first + l);
                                s.slot(s.slot_not_refractory)[first + l] = 0;
                                s.slot(s.slot_lastspike)[first + l] = t[l];
                            }
                        if (any) run_program(s.reset, memory, first, lanes);
                    }
                }
            }
        };
        // The compiled kernel takes contiguous neuron ranges, one per thread.
        auto compiled_work = [&](unsigned thread) {
            const std::size_t per = (n_neurons + n_threads - 1) / n_threads;
            const std::size_t first = std::min(n_neurons, thread * per);
            const std::size_t last = std::min(n_neurons, first + per);
            if (first >= last) return;
            std::vector<double*> records;
            for (auto& b : buffers) records.push_back(b.data());
            const cellfit_kernel_args args{s.memory.data(), s.padded, first, last - first, k0, k1, setup.dt,
                                           s.kernel_lookups.data(), records.data(), len, &thread_spikes[thread],
                                           [](void* context, std::size_t step, std::size_t neuron) {
                                               static_cast<std::vector<std::pair<std::size_t, std::size_t>>*>(context)
                                                   ->emplace_back(step, neuron);
                                           }};
            s.compiled->run(args);
        };
        if (n_threads == 1) {
            if (s.compiled)
                compiled_work(0);
            else
                work(0);
        } else {
            if (!s.pool || s.pool->participants() != n_threads) s.pool = std::make_unique<worker_pool>(n_threads);
            if (s.compiled)
                s.pool->run(compiled_work);
            else
                s.pool->run(work);
        }
        std::vector<const double*> views;
        for (auto& b : buffers) views.push_back(b.data());
        consumer.block(k0, len, views);
        std::vector<std::pair<std::size_t, std::size_t>> spikes;
        for (auto& ts : thread_spikes) {
            spikes.insert(spikes.end(), ts.begin(), ts.end());
            ts.clear();
        }
        std::sort(spikes.begin(), spikes.end());
        for (const auto& [step, neuron] : spikes) consumer.spike(neuron, step);
        // A neuron whose state is no longer finite is flagged and runs on.
        for (auto slot : s.state_slots) {
            const double* v = s.slot(slot);
            for (std::size_t n = 0; n < n_neurons; ++n)
                if (!std::isfinite(v[n])) summary.diverged[n] = true;
        }
    }
    for (std::size_t k = 0; k < s.m.states.size(); ++k)
        summary.final_state[s.m.states[k].name].assign(s.slot(s.state_slots[k]), s.slot(s.state_slots[k]) + n_neurons);
    if (s.has_refractory) {
        summary.final_state["lastspike"].assign(s.slot(s.slot_lastspike), s.slot(s.slot_lastspike) + n_neurons);
        summary.final_state["not_refractory"].assign(s.slot(s.slot_not_refractory),
                                                     s.slot(s.slot_not_refractory) + n_neurons);
    }
    return summary;
}

recorded_simulation simulate(const model& m, const simulation_setup& setup, const plugin_registry& registry) {
    struct recorder final : simulation_consumer {
        recorded_simulation& out;
        std::size_t n_neurons, n_steps;
        recorder(recorded_simulation& o, std::size_t n, std::size_t steps) : out(o), n_neurons(n), n_steps(steps) {}
        void block(std::size_t first, std::size_t len, const std::vector<const double*>& values) override {
            for (std::size_t r = 0; r < values.size(); ++r)
                for (std::size_t n = 0; n < n_neurons; ++n)
                    std::copy_n(values[r] + n * len, len, out.values[r].begin() + static_cast<std::ptrdiff_t>(n * n_steps + first));
        }
        void spike(std::size_t neuron, std::size_t step) override { out.spike_steps[neuron].push_back(step); }
    };
    const auto start = std::chrono::steady_clock::now();
    simulator sim(m, setup, registry);
    const auto prepared = std::chrono::steady_clock::now();
    recorded_simulation result;
    result.values.assign(setup.record.size(), std::vector<double>(setup.n_neurons * setup.n_steps));
    result.spike_steps.resize(setup.n_neurons);
    recorder r(result, setup.n_neurons, setup.n_steps);
    result.summary = sim.run(r);
    result.prepare_seconds = std::chrono::duration<double>(prepared - start).count();
    result.run_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - prepared).count();
    return result;
}

} // namespace cellfit
