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

namespace {

// Each rand() or randn() of a right-hand side drawn once, into _draw_<x>_<k>:
// B and A both repeat parts of the right-hand side, and a call repeated
// there would otherwise be several draws (Brian's sympy split keeps one).
ptr with_draws_hoisted(const ptr& e, const std::string& x, std::vector<update_statement>& program) {
    if (e->kind == op::call && (e->name == "rand" || e->name == "randn") && e->args.empty()) {
        const std::string draw = "_draw_" + x + "_" + std::to_string(program.size());
        program.push_back({draw, e});
        return name(draw);
    }
    if (e->args.empty()) return e;
    std::vector<ptr> args;
    for (const auto& a : e->args) args.push_back(with_draws_hoisted(a, x, program));
    node copy = *e;
    copy.args = std::move(args);
    return std::make_shared<const node>(std::move(copy));
}

} // namespace

std::vector<update_statement> exponential_euler(const ode_system& system) {
    std::vector<update_statement> program;
    for (const auto& original : system.odes) {
        const ode o{original.variable, with_draws_hoisted(original.rhs, original.variable, program)};
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
