#include "sensitivity.hpp"

#include <cellfit/expr/transform.hpp>

namespace cellfit::detail {

namespace {

bool is_zero(const expr::ptr& e) { return e->kind == expr::op::number && e->value == 0; }

} // namespace

std::string sensitivity_name(const std::string& variable, const std::string& parameter) {
    return "S_" + variable + "__" + parameter;
}

expr::ptr total_derivative(const expr::ptr& e, const std::string& parameter, const std::set<std::string>& carried,
                           const std::set<std::string>& live) {
    expr::ptr sum = expr::derivative(e, parameter);
    for (const auto& u : expr::identifiers(e)) {
        if (u == parameter || !carried.count(u)) continue;
        const std::string s = sensitivity_name(u, parameter);
        if (!live.count(s)) continue;
        const expr::ptr partial = expr::simplify(expr::derivative(e, u));
        if (is_zero(partial)) continue;
        sum = expr::binary(expr::op::add, sum, expr::binary(expr::op::multiply, partial, expr::name(s)));
    }
    return expr::simplify(sum);
}

std::vector<update_statement> with_discrete_sensitivities(const std::vector<update_statement>& statements,
                                                          const std::vector<std::string>& parameters,
                                                          const std::set<std::string>& carried,
                                                          const std::set<std::string>& live_at_start,
                                                          std::set<std::string>& live) {
    // Liveness to a fixed point: a derivative is live when its statement's
    // derivative is not identically zero given the live ones (the step repeats,
    // so a state's derivative may feed itself through the next step).
    live = live_at_start;
    for (bool changed = true; changed;) {
        changed = false;
        for (const auto& st : statements)
            for (const auto& p : parameters) {
                const std::string s = sensitivity_name(st.target, p);
                if (live.count(s)) continue;
                if (!is_zero(total_derivative(st.value, p, carried, live))) {
                    live.insert(s);
                    changed = true;
                }
            }
    }
    std::vector<update_statement> out;
    for (const auto& st : statements) {
        for (const auto& p : parameters) {
            const std::string s = sensitivity_name(st.target, p);
            if (live.count(s)) out.push_back({s, total_derivative(st.value, p, carried, live)});
        }
        out.push_back(st);
    }
    return out;
}

std::vector<ode> sensitivity_equations(const ode_system& system, const std::vector<std::string>& parameters,
                                       const std::set<std::string>& extra_carried,
                                       const std::set<std::string>& live_at_start, std::set<std::string>& live) {
    std::set<std::string> carried = extra_carried;
    for (const auto& o : system.odes) carried.insert(o.variable);
    live = live_at_start;
    for (bool changed = true; changed;) {
        changed = false;
        for (const auto& o : system.odes)
            for (const auto& p : parameters) {
                const std::string s = sensitivity_name(o.variable, p);
                if (live.count(s)) continue;
                if (!is_zero(total_derivative(o.rhs, p, carried, live))) {
                    live.insert(s);
                    changed = true;
                }
            }
    }
    std::vector<ode> out;
    for (const auto& o : system.odes)
        for (const auto& p : parameters) {
            const std::string s = sensitivity_name(o.variable, p);
            if (live.count(s)) out.push_back({s, total_derivative(o.rhs, p, carried, live)});
        }
    return out;
}

} // namespace cellfit::detail
