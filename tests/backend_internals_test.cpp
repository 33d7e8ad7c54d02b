// The stages behind the simulator, reached directly: lowering and the
// sensitivities (core; private headers through cellfit_core_internals), the
// compiled backend's code generator and kernel cache, and the interpreter's
// compiler (plugins/backend/*, linked here as libraries of their own).

#include "test_support.hpp"

#include "sim/sensitivity.hpp"

#include "codegen.hpp"
#include "compiled_kernel.hpp"
#include "kernel.hpp"

#include <cellfit/error.hpp>
#include <cellfit/expr/ast.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/sim/integrator_choice.hpp>
#include <cellfit/sim/lower.hpp>

#include <catch2/catch.hpp>

#include <set>

using namespace cellfit;
using Catch::Matchers::Contains;

namespace {

// A LIF neuron with an input, a recorded subexpression, a threshold, a reset
// and a refractory period: every phase of the step has something in it.
struct lif {
    model m;
    simulation_setup setup;
    lif() {
        model_spec spec;
        spec.equations = "dv/dt = (El - v + R*I)/tau : volt (unless refractory)\nIR = R*I : volt\n";
        spec.constants = {{"El", "-65*mV"}, {"R", "100*Mohm"}, {"tau", "10*ms"}};
        spec.inputs = {{"I", "amp"}};
        spec.threshold = "v > -50*mV";
        spec.reset = "v = El";
        spec.refractory = "2*ms";
        m = build_model(spec);
        setup.n_neurons = 3;
        setup.n_traces = 3;
        setup.n_steps = 10;
        setup.lookups["I"] = lookup_table{1, 10, std::vector<double>(10, 0.2e-9)};
        setup.initial_values = {{"v", {"El"}}};
        setup.record = {"v", "IR"};
    }
};

step_program lowered(const lif& c) {
    const auto chosen = choose_integrator(ode_system_of(c.m, c.setup), "euler", test::builtin_registry());
    return lower(c.m, c.setup, chosen.method.get());
}

void names_in(const expr::ptr& e, std::set<std::string>& names) {
    if (e->kind == expr::op::name) names.insert(e->name);
    for (const auto& a : e->args) names_in(a, names);
}

} // namespace

TEST_CASE("lowering gives every phase of Brian's step, with slots for every name", "[lowering]") {
    const lif c;
    const step_program p = lowered(c);
    CHECK(p.state_names == std::vector<std::string>{"v"});
    CHECK(p.has_threshold);
    CHECK(p.has_refractory);
    REQUIRE(p.record_slots.size() == 2);
    CHECK(p.record_slots[0] == p.slots.at("v"));                // a state is read where it lives
    REQUIRE(p.record.size() == 1);                              // the subexpression is computed
    CHECK(p.record[0].slot == p.record_slots[1]);
    REQUIRE(p.refractory.size() == 1);
    CHECK(p.refractory[0].slot == p.not_refractory);
    REQUIRE(p.threshold.size() == 1);
    CHECK(p.threshold[0].slot == p.cond);
    REQUIRE(p.reset.size() == 1);
    CHECK(p.reset[0].value->kind == expr::op::call);
    CHECK(p.reset[0].value->name == "__where");                  // written only where the neuron spiked
    CHECK_FALSE(p.update.empty());
    REQUIRE(p.lookups.size() == 1);
    CHECK(p.lookups[0].row_of_neuron == std::vector<std::size_t>{0, 0, 0});  // one row for all
    REQUIRE(p.initial.size() == 1);
    CHECK(p.initial[0].slot == p.slots.at("v"));
    // Constants and units are folded into numbers: every name left is a slot.
    std::set<std::string> names;
    for (const auto* phase : {&p.constant_over_dt, &p.record, &p.refractory, &p.update, &p.threshold, &p.reset})
        for (const auto& a : *phase) names_in(a.value, names);
    for (const auto& name : names) {
        INFO(name);
        CHECK(p.slots.count(name) == 1);
    }
    CHECK(names.count("El") == 0);
    for (const auto& [name, slot] : p.slots) CHECK(slot < p.slot_count);
}

TEST_CASE("lowering with discrete sensitivities carries S_v__tau from step to step", "[lowering]") {
    lif c;
    c.setup.sensitivity = gradient_kind::discrete;
    c.setup.sensitivity_parameters = {"tau"};
    model_spec spec;
    spec.equations = "dv/dt = (El - v + R*I)/tau : volt\ntau : second (constant)\n";
    spec.constants = {{"El", "-65*mV"}, {"R", "100*Mohm"}};
    spec.inputs = {{"I", "amp"}};
    c.m = build_model(spec);
    c.setup.record = {"v"};
    c.setup.parameters = {{"tau", {10e-3}}};
    const step_program p = lowered(c);
    const std::string s = detail::sensitivity_name("v", "tau");
    CHECK(s == "S_v__tau");
    REQUIRE(p.slots.count(s) == 1);
    CHECK(p.sensitivity_slots == std::vector<slot_index>{p.slots.at(s)});
    bool assigned = false;
    for (const auto& a : p.update) assigned = assigned || a.slot == p.slots.at(s);
    CHECK(assigned);  // its update is part of the step
}

TEST_CASE("lowering refuses what cannot be recorded or initialised, naming the choices", "[lowering]") {
    lif c;
    c.setup.record = {"w"};
    CHECK_THROWS_WITH(lowered(c), Contains("cannot record 'w'") && Contains("choose from v, IR"));
    c.setup.record = {"v"};
    c.setup.initial_values = {{"IR", {"0*mV"}}};
    CHECK_THROWS_WITH(lowered(c), Contains("cannot set the initial value of 'IR'"));
}

TEST_CASE("the code generator writes the step for slots only, with spikes only where there is a threshold",
          "[codegen]") {
    const lif c;
    const step_program p = lowered(c);
    compiled::codegen_slots cg;
    cg.resolve = [&](const std::string& name) {
        auto it = p.slots.find(name);
        return it == p.slots.end() ? -1 : static_cast<int>(it->second);
    };
    cg.lookup_index = [](const std::string& name) { return name == "I" ? 0 : -1; };
    cg.constant = [](const std::string&, double&) { return false; };
    cg.special = {{p.t, "t"}, {p.dt, "dt"}, {p.i, "double(n)"}, {p.N, "(3.0)"}};
    cg.uniform = {p.t, p.dt};
    cg.neuron_index = p.i;
    cg.single_row_lookups = {0};
    cg.persistent = {p.slots.at("v"), p.cond, p.not_refractory, p.lastspike};
    cg.record_slots = p.record_slots;
    cg.cond = p.cond;
    cg.not_refractory = p.not_refractory;
    cg.lastspike = p.lastspike;
    cg.has_threshold = true;
    const std::string source = compiled::generate_kernel_source(p, cg);
    CHECK_THAT(source, Contains("void cellfit_kernel(const cellfit_kernel_args* a)") && Contains("#pragma omp simd"));
    const std::string v = std::to_string(p.slots.at("v"));
    CHECK_THAT(source, Contains("D" + v + "[n] = L" + v + ";"));  // the state is stored back
    CHECK_THAT(source, Contains("a->spike(a->spike_context, k, n);"));
    CHECK_THAT(source, !Contains("El") && !Contains("tau"));  // no model name reaches the C++
    cg.has_threshold = false;
    step_program no_threshold = p;
    no_threshold.threshold.clear();
    no_threshold.reset.clear();
    CHECK_THAT(compiled::generate_kernel_source(no_threshold, cg), !Contains("a->spike("));
}

TEST_CASE("the kernel cache builds a kernel once and finds it again", "[cache]") {
    test::temp_dir cache;
    const test::scoped_env private_cache("CELLFIT_CACHE_DIR", cache.path().string());
    const std::string source = "struct cellfit_kernel_args;\n"
                               "extern \"C\" __attribute__((visibility(\"default\"))) int cellfit_kernel_abi() { return 2; }\n"
                               "extern \"C\" __attribute__((visibility(\"default\"))) void cellfit_kernel(const cellfit_kernel_args*) {}\n";
    std::string unavailable;
    const auto first = compiled::compiled_kernel::build(source, unavailable);
    REQUIRE(first);
    const auto built_at = std::filesystem::last_write_time(first->library_path());
    const auto again = compiled::compiled_kernel::build(source, unavailable);
    REQUIRE(again);
    CHECK(again->library_path() == first->library_path());
    CHECK(std::filesystem::last_write_time(again->library_path()) == built_at);  // found, not rebuilt
    const auto other = compiled::compiled_kernel::build(source + "// another kernel\n", unavailable);
    REQUIRE(other);
    CHECK(other->library_path() != first->library_path());
}

TEST_CASE("a simulator built from a given integrator and backend, without the registry choosing", "[lowering]") {
    const lif c;
    const auto& registry = test::builtin_registry();
    const auto euler = registry.create<integrator>("euler");
    simulator with_given(c.m, c.setup, euler, "euler", registry.create<backend>("interp"));
    CHECK(with_given.method() == "euler");
    CHECK(with_given.backend() == "interpreter");
    simulation_setup by_name = c.setup;
    by_name.method = "euler";
    by_name.backend = "interp";
    const auto expected = simulate(c.m, by_name, registry);
    struct last_v final : simulation_consumer {
        std::vector<double> values;
        void block(std::size_t, std::size_t n, const std::vector<const double*>& v) override {
            values.assign(v[0], v[0] + 3 * n);
        }
        void spike(std::size_t, std::size_t) override {}
    } out;
    const auto summary = with_given.run(out);
    CHECK(summary.final_state.at("v") == expected.summary.final_state.at("v"));
    CHECK(out.values == expected.values[0]);
    // A model with ODEs and no integrator is the caller's mistake, said so.
    CHECK_THROWS_WITH(simulator(c.m, c.setup, nullptr, "", registry.create<backend>("interp")),
                      Contains("needs an integrator"));
}

TEST_CASE("the interpreter's compiler refuses a name that is not a slot", "[interp]") {
    interp::kernel_compiler compiler([](const std::string& name) { return name == "v" ? 0 : -1; },
                                     [](const std::string&) { return -1; }, 1);
    interp::kernel_program program;
    compiler.assign(0, expr::binary(expr::op::multiply, expr::name("v"), expr::number(2)), program);
    CHECK(program.code.size() == 1);
    CHECK_THROWS_AS(compiler.assign(0, expr::name("El"), program), internal_error);
}
