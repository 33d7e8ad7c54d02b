// Brian's explicit methods as update programs: euler, rk2 (midpoint), rk4
// and heun (Brian's stochastic Heun, which for deterministic equations is
// forward Euler: only a noise term would get the predictor-corrector).

#include "methods.hpp"

#include <cellfit/expr/transform.hpp>

namespace cellfit::integrators {

namespace {

using namespace cellfit::expr;

// rhs with every state variable x replaced by x + scale*k_x, and t by t + dt*time_fraction.
ptr stage(const ptr& rhs, const ode_system& system, const std::string& k_prefix, double scale, double time_fraction) {
    std::vector<std::pair<std::string, ptr>> replacements;
    for (const auto& o : system.odes)
        replacements.emplace_back(o.variable, binary(op::add, name(o.variable),
                                                     binary(op::multiply, number(scale), name(k_prefix + o.variable))));
    if (time_fraction != 0)
        replacements.emplace_back("t", binary(op::add, name("t"), binary(op::multiply, number(time_fraction), name("dt"))));
    return substitute(rhs, replacements);
}

ptr times_dt(const ptr& e) { return binary(op::multiply, name("dt"), e); }

void assign_new_values(const ode_system& system, std::vector<update_statement>& program) {
    for (const auto& o : system.odes) program.push_back({o.variable, name("_new_" + o.variable)});
}

} // namespace

std::vector<update_statement> euler(const ode_system& system) {
    std::vector<update_statement> program;
    for (const auto& o : system.odes)
        program.push_back({"_new_" + o.variable, binary(op::add, name(o.variable), times_dt(o.rhs))});
    assign_new_values(system, program);
    return program;
}

std::vector<update_statement> rk2(const ode_system& system) {
    std::vector<update_statement> program;
    for (const auto& o : system.odes) program.push_back({"_k_" + o.variable, times_dt(o.rhs)});
    for (const auto& o : system.odes)
        program.push_back({"_new_" + o.variable,
                           binary(op::add, name(o.variable), times_dt(stage(o.rhs, system, "_k_", 0.5, 0.5)))});
    assign_new_values(system, program);
    return program;
}

std::vector<update_statement> rk4(const ode_system& system) {
    std::vector<update_statement> program;
    for (const auto& o : system.odes) program.push_back({"_k1_" + o.variable, times_dt(o.rhs)});
    for (const auto& o : system.odes) program.push_back({"_k2_" + o.variable, times_dt(stage(o.rhs, system, "_k1_", 0.5, 0.5))});
    for (const auto& o : system.odes) program.push_back({"_k3_" + o.variable, times_dt(stage(o.rhs, system, "_k2_", 0.5, 0.5))});
    for (const auto& o : system.odes) program.push_back({"_k4_" + o.variable, times_dt(stage(o.rhs, system, "_k3_", 1.0, 1.0))});
    for (const auto& o : system.odes) {
        // x + k1/6 + k2/3 + k3/3 + k4/6
        const std::string& x = o.variable;
        ptr sum = binary(op::add, name(x), binary(op::divide, name("_k1_" + x), number(6)));
        sum = binary(op::add, sum, binary(op::divide, name("_k2_" + x), number(3)));
        sum = binary(op::add, sum, binary(op::divide, name("_k3_" + x), number(3)));
        sum = binary(op::add, sum, binary(op::divide, name("_k4_" + x), number(6)));
        program.push_back({"_new_" + x, sum});
    }
    assign_new_values(system, program);
    return program;
}

} // namespace cellfit::integrators
