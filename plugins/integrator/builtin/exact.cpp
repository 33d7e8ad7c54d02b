// Exact integration of linear systems with constant coefficients, for
// systems whose coupling has no cycle (after ordering, the matrix is
// triangular, so its eigenvalues are the real diagonal entries). Each
// variable's solution over a step is P + sum_k Q_k*exp(a_k*s), built
// variable by variable in dependency order. Inputs count as constant over the
// step, as in Brian. Cyclic coupling (which may have complex eigenvalues) is
// refused.

#include "methods.hpp"

#include <cellfit/expr/functions.hpp>
#include <cellfit/expr/linear.hpp>
#include <cellfit/expr/transform.hpp>

#include <algorithm>
#include <map>
#include <functional>
#include <set>

namespace cellfit::integrators {

using namespace cellfit::expr;

namespace {

// t outside lookups (inputs and timed arrays, constant over a step).
bool uses_time(const ptr& e) {
    if (e->kind == op::name) return e->name == "t";
    if (e->kind == op::call && !find_function(e->name)) return false;
    for (const auto& a : e->args)
        if (uses_time(a)) return true;
    return false;
}

struct linear_system {
    std::vector<std::string> variables;
    std::vector<linear_split> rows;  // per ODE, coefficients over `variables`
    std::vector<std::size_t> order;  // dependency order (upstream first)
    std::string problem;
};

linear_system analyse(const ode_system& system) {
    linear_system s;
    for (const auto& o : system.odes) s.variables.push_back(o.variable);
    const std::size_t n = s.variables.size();
    for (const auto& o : system.odes) {
        if (uses_time(o.rhs)) {
            s.problem = "the right-hand side of d" + o.variable + "/dt depends on t, so its coefficients are not constant";
            return s;
        }
        linear_split row = split_linear(o.rhs, s.variables, false);
        if (!row.problem.empty()) {
            s.problem = "the right-hand side of d" + o.variable + "/dt is not linear in the state variables (the term '" +
                        row.problem + "')";
            return s;
        }
        s.rows.push_back(std::move(row));
    }
    for (std::size_t i = 0; i < n; ++i)
        if (!s.rows[i].coefficients[i]) {
            s.problem = "the right-hand side of d" + s.variables[i] + "/dt does not contain " + s.variables[i];
            return s;
        }
    // Depth-first topological order over "i uses j".
    std::vector<int> state(n, 0);
    std::function<bool(std::size_t)> visit = [&](std::size_t i) {
        if (state[i] == 2) return true;
        if (state[i] == 1) return false;
        state[i] = 1;
        for (std::size_t j = 0; j < n; ++j)
            if (j != i && s.rows[i].coefficients[j] && !visit(j)) return false;
        state[i] = 2;
        s.order.push_back(i);
        return true;
    };
    for (std::size_t i = 0; i < n; ++i)
        if (!visit(i)) {
            s.problem = "the linear system couples its variables in a cycle (its eigenvalues may be complex); exact "
                        "integration supports systems without coupling cycles";
            return s;
        }
    return s;
}

} // namespace

std::string exact_problem(const ode_system& system) {
    // A draw is a new value at each evaluation: no closed form holds it.
    for (const auto& o : system.odes)
        for (const auto& f : called_functions(o.rhs))
            if (f == "rand" || f == "randn")
                return "the right-hand side of d" + o.variable + "/dt calls " + f + "(), a new value at each evaluation";
    return analyse(system).problem;
}

std::vector<update_statement> exact(const ode_system& system) {
    const linear_system s = analyse(system);
    const std::size_t n = s.variables.size();
    std::vector<update_statement> program;
    auto temp = [&](const std::string& what, std::size_t i) { return "_exact_" + what + "_" + s.variables[i]; };
    auto q_name = [&](std::size_t i, std::size_t k) { return "_exact_Q_" + s.variables[i] + "_" + s.variables[k]; };
    auto value = [](const ptr& e) { return e ? e : number(0); };

    std::vector<std::set<std::size_t>> exponents(n);  // k with a Q_ik term
    for (std::size_t i : s.order) {
        const linear_split& row = s.rows[i];
        program.push_back({temp("a", i), row.coefficients[i]});
        // P_i = -(b_i + sum_j c_ij P_j)/a_i
        ptr forcing = value(row.constant);
        for (std::size_t j = 0; j < n; ++j)
            if (j != i && row.coefficients[j])
                forcing = binary(op::add, forcing, binary(op::multiply, row.coefficients[j], name(temp("P", j))));
        program.push_back({temp("P", i), simplify(unary(op::negate, binary(op::divide, forcing, name(temp("a", i)))))});
        // Q_ik = sum_j c_ij Q_jk / (a_k - a_i) for the exponentials of upstream variables
        ptr homogeneous = binary(op::subtract, name(s.variables[i]), name(temp("P", i)));
        for (std::size_t j = 0; j < n; ++j) {
            if (j == i || !row.coefficients[j]) continue;
            for (std::size_t k : exponents[j]) exponents[i].insert(k);
        }
        exponents[i].erase(i);
        for (std::size_t k : exponents[i]) {
            ptr numerator;
            for (std::size_t j = 0; j < n; ++j)
                if (j != i && row.coefficients[j] && exponents[j].count(k)) {
                    const ptr part = binary(op::multiply, row.coefficients[j], name(q_name(j, k)));
                    numerator = numerator ? binary(op::add, numerator, part) : part;
                }
            program.push_back({q_name(i, k), binary(op::divide, numerator,
                                                    binary(op::subtract, name(temp("a", k)), name(temp("a", i))))});
            homogeneous = binary(op::subtract, homogeneous, name(q_name(i, k)));
        }
        program.push_back({q_name(i, i), homogeneous});
        exponents[i].insert(i);
        // x_i(dt) = P_i + sum_k Q_ik exp(a_k dt)
        ptr next = name(temp("P", i));
        for (std::size_t k : exponents[i])
            next = binary(op::add, next, binary(op::multiply, name(q_name(i, k)),
                                                call("exp", {binary(op::multiply, name(temp("a", k)), name("dt"))})));
        program.push_back({"_new_" + s.variables[i], next});
    }
    for (const auto& o : system.odes) program.push_back({o.variable, name("_new_" + o.variable)});
    return program;
}

} // namespace cellfit::integrators
