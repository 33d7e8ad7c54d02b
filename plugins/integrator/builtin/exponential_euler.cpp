// Exponential Euler as Brian does it: each right-hand side is written as
// B*x + A (B the coefficient of x, A everything else, both evaluated on the
// old state even where they mention x), and x advances by the exact solution
// of that linear equation.

#include "methods.hpp"

#include <cellfit/expr/linear.hpp>
#include <cellfit/expr/transform.hpp>

namespace cellfit::integrators {

using namespace cellfit::expr;

std::string exponential_euler_problem(const ode_system& system) {
    for (const auto& o : system.odes) {
        const conditionally_linear_split split = split_conditionally_linear(o.rhs, o.variable);
        if (!split.problem.empty())
            return "the right-hand side of d" + o.variable + "/dt could not be separated into linear components B*" +
                   o.variable + " + A: " + split.problem;
    }
    return {};
}

std::vector<update_statement> exponential_euler(const ode_system& system) {
    std::vector<update_statement> program;
    for (const auto& o : system.odes) {
        const std::string& x = o.variable;
        const conditionally_linear_split split = split_conditionally_linear(o.rhs, x);
        // When neither part mentions x, B is simply df/dx: compact, where the
        // expansion repeats every factor of every term.
        const bool affine = !(split.coefficient && depends_on(split.coefficient, x)) &&
                            !(split.remainder && depends_on(split.remainder, x));
        const ptr B = split.coefficient && affine ? derivative(o.rhs, x) : split.coefficient;
        // A = f - B*x: the value of the expanded remainder, from the compact
        // right-hand side.
        const ptr A = split.remainder ? (B ? binary(op::subtract, o.rhs, binary(op::multiply, B, name(x))) : o.rhs)
                                      : nullptr;
        ptr next;
        if (!B) {
            next = A ? binary(op::add, name(x), binary(op::multiply, name("dt"), A)) : name(x);
        } else {
            const ptr growth = call("exp", {binary(op::multiply, B, name("dt"))});
            if (!A) {
                next = binary(op::multiply, name(x), growth);
            } else {
                program.push_back({"_BA_" + x, binary(op::divide, A, B)});
                next = binary(op::add, unary(op::negate, name("_BA_" + x)),
                              binary(op::multiply, binary(op::add, name(x), name("_BA_" + x)), growth));
            }
        }
        program.push_back({"_new_" + x, next});
    }
    for (const auto& o : system.odes) program.push_back({o.variable, name("_new_" + o.variable)});
    return program;
}

} // namespace cellfit::integrators
