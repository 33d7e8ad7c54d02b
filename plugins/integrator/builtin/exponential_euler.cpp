// Exponential Euler as Brian does it: each right-hand side is written as
// B*x + A (B the coefficient of x, A everything else, evaluated on the old
// state), and x advances by the exact solution of that linear equation.

#include "methods.hpp"

#include <cellfit/expr/linear.hpp>
#include <cellfit/expr/transform.hpp>

namespace cellfit::integrators {

using namespace cellfit::expr;

std::string exponential_euler_problem(const ode_system& system) {
    for (const auto& o : system.odes) {
        const linear_split split = split_linear(o.rhs, {o.variable}, true);
        if (!split.problem.empty())
            return "the right-hand side of d" + o.variable + "/dt could not be separated into linear components B*" +
                   o.variable + " + A: the term '" + split.problem + "' is not linear in " + o.variable;
    }
    return {};
}

std::vector<update_statement> exponential_euler(const ode_system& system) {
    std::vector<update_statement> program;
    for (const auto& o : system.odes) {
        const std::string& x = o.variable;
        const linear_split split = split_linear(o.rhs, {x}, true);
        // When f is affine in x, B is simply df/dx: compact, where the
        // expansion repeats every factor of every term.
        const bool affine = split_linear(o.rhs, {x}, false).problem.empty();
        const ptr B = split.coefficients[0] && affine ? derivative(o.rhs, x) : split.coefficients[0];
        // A = f - B*x: the same value as the expanded remainder, from the
        // compact right-hand side (the expansion repeats every factor).
        const ptr A = split.constant ? (B ? binary(op::subtract, o.rhs, binary(op::multiply, B, name(x))) : o.rhs)
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
