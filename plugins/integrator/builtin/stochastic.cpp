// Stochastic equations as Brian integrates them. Each right-hand side is
// f + sum_j g_j*xi_j, linear in the noise names (xi, xi_*). One normal draw
// per noise name and step, dW_j = sqrt(dt)*randn(), shared by every
// equation that names it. euler takes additive noise (no g depends on a
// state variable or on t), heun and milstein multiplicative noise, which
// Brian reads in the Stratonovich sense; milstein needs diagonal noise (each
// equation its own noise, each noise one equation).

#include "methods.hpp"

#include <cellfit/expr/functions.hpp>
#include <cellfit/expr/transform.hpp>

#include <algorithm>
#include <set>

namespace cellfit::integrators {

using namespace cellfit::expr;

namespace {

bool is_noise(const std::string& id) { return id == "xi" || id.starts_with("xi_"); }

// t outside lookups (inputs and timed arrays are constant over a step).
bool uses_time(const ptr& e) {
    if (e->kind == op::name) return e->name == "t";
    if (e->kind == op::call && !find_function(e->name)) return false;
    return std::any_of(e->args.begin(), e->args.end(), uses_time);
}

struct noisy_ode {
    std::string variable;
    ptr drift;                                     // f
    std::vector<std::pair<std::string, ptr>> diffusion;  // (xi_j, g_j), g_j non-zero
};

struct noisy_system {
    std::vector<noisy_ode> odes;
    std::vector<std::string> noises;  // in order of first use
    std::string problem;
};

noisy_system split_noise(const ode_system& system) {
    noisy_system out;
    for (const auto& o : system.odes)
        for (const auto& id : identifiers(o.rhs))
            if (is_noise(id) && std::find(out.noises.begin(), out.noises.end(), id) == out.noises.end())
                out.noises.push_back(id);
    std::vector<std::pair<std::string, ptr>> silent;
    for (const auto& xi : out.noises) silent.emplace_back(xi, number(0));
    for (const auto& o : system.odes) {
        noisy_ode n{o.variable, simplify(substitute(o.rhs, silent)), {}};
        for (const auto& xi : out.noises) {
            if (!depends_on(o.rhs, xi)) continue;
            const ptr g = derivative(o.rhs, xi);
            const bool linear = std::none_of(out.noises.begin(), out.noises.end(),
                                             [&](const std::string& other) { return depends_on(g, other); });
            if (!linear && out.problem.empty())
                out.problem = "the right-hand side of d" + o.variable + "/dt is not linear in " + xi;
            n.diffusion.emplace_back(xi, g);
        }
        out.odes.push_back(std::move(n));
    }
    return out;
}

// The support value of variable x for noise j: _support<j>_x (by index,
// so that no two noises and variables share a name).
std::string support_name(std::size_t j, const std::string& x) { return "_support" + std::to_string(j) + "_" + x; }

// Every state variable x replaced by its support value for noise j.
ptr at_support(const ptr& e, const ode_system& system, std::size_t j, bool next_time) {
    std::vector<std::pair<std::string, ptr>> replacements;
    for (const auto& o : system.odes) replacements.emplace_back(o.variable, name(support_name(j, o.variable)));
    if (next_time) replacements.emplace_back("t", binary(op::add, name("t"), name("dt")));
    return substitute(e, replacements);
}

ptr add(const ptr& a, const ptr& b) { return binary(op::add, a, b); }
ptr mul(const ptr& a, const ptr& b) { return binary(op::multiply, a, b); }
ptr sqrt_dt() { return call("sqrt", {name("dt")}); }

// _dW_<xi> = sqrt(dt)*randn(), once per noise and step.
void draw_increments(const noisy_system& s, std::vector<update_statement>& program) {
    for (const auto& xi : s.noises) program.push_back({"_dW_" + xi, mul(sqrt_dt(), call("randn", {}))});
}

ptr g_of(const noisy_ode& o, const std::string& xi) {
    for (const auto& [name, g] : o.diffusion)
        if (name == xi) return g;
    return nullptr;
}

void assign_new_values(const ode_system& system, std::vector<update_statement>& program) {
    for (const auto& o : system.odes) program.push_back({o.variable, name("_new_" + o.variable)});
}

} // namespace

bool is_stochastic(const ode_system& system) { return !split_noise(system).noises.empty(); }

std::string deterministic_only(const ode_system& system) {
    const noisy_system s = split_noise(system);
    if (s.noises.empty()) return {};
    return "the equations are stochastic (" + s.noises.front() + "), and this method integrates deterministic ones only";
}

std::string additive_noise_problem(const ode_system& system) {
    const noisy_system s = split_noise(system);
    if (!s.problem.empty()) return s.problem;
    for (const auto& o : s.odes)
        for (const auto& [xi, factor] : o.diffusion) {
            const ptr& g = factor;  // a plain name: the lambda below captures it
            const bool on_state = std::any_of(system.odes.begin(), system.odes.end(),
                                              [&](const ode& x) { return depends_on(g, x.variable); });
            if (on_state || uses_time(g))
                return "the noise of " + o.variable + " (the factor of " + xi + ") depends on " +
                       (on_state ? "a state variable" : "t") + ": it is multiplicative, and euler takes additive noise only";
        }
    return {};
}

std::string multiplicative_noise_problem(const ode_system& system) { return split_noise(system).problem; }

std::string diagonal_noise_problem(const ode_system& system) {
    const noisy_system s = split_noise(system);
    if (!s.problem.empty()) return s.problem;
    std::set<std::string> used;
    for (const auto& o : s.odes) {
        if (o.diffusion.size() > 1) return "d" + o.variable + "/dt has more than one noise; milstein needs one per equation";
        for (const auto& [xi, g] : o.diffusion)
            if (!used.insert(xi).second) return xi + " drives more than one equation; milstein needs a noise of its own per equation";
    }
    return {};
}

// x_new = x + dt*f + sum_j g_j*dW_j
std::vector<update_statement> stochastic_euler(const ode_system& system) {
    const noisy_system s = split_noise(system);
    std::vector<update_statement> program;
    draw_increments(s, program);
    for (const auto& o : s.odes) {
        ptr next = add(name(o.variable), mul(name("dt"), o.drift));
        for (const auto& [xi, g] : o.diffusion) next = add(next, mul(g, name("_dW_" + xi)));
        program.push_back({"_new_" + o.variable, next});
    }
    assign_new_values(system, program);
    return program;
}

// Per noise j: x_support = x + g_j(x, t)*dW_j; g_support = g_j(x_support, t + dt);
// x_new = x + dt*f(x, t) + sum_j dW_j*(g_j(x, t) + g_support)/2.
std::vector<update_statement> stochastic_heun(const ode_system& system) {
    const noisy_system s = split_noise(system);
    std::vector<update_statement> program;
    draw_increments(s, program);
    for (std::size_t j = 0; j < s.noises.size(); ++j)
        for (const auto& o : s.odes) {
            const ptr g = g_of(o, s.noises[j]);
            program.push_back({support_name(j, o.variable),
                               g ? add(name(o.variable), mul(g, name("_dW_" + s.noises[j]))) : name(o.variable)});
        }
    for (const auto& o : s.odes) {
        ptr next = add(name(o.variable), mul(name("dt"), o.drift));
        for (std::size_t j = 0; j < s.noises.size(); ++j) {
            const ptr g = g_of(o, s.noises[j]);
            if (!g) continue;
            const ptr g_support = at_support(g, system, j, true);
            next = add(next, mul(mul(number(0.5), name("_dW_" + s.noises[j])), add(g, g_support)));
        }
        program.push_back({"_new_" + o.variable, next});
    }
    assign_new_values(system, program);
    return program;
}

// Brian's derivative-free Milstein (diagonal noise), per noise j:
// x_support = x + dt*f + sqrt(dt)*g_j (the support of a variable that noise j
// does not drive is x + dt*f); g_support = g_j(x_support, t);
// k_j = (g_support - g_j)*dW_j**2/(2*sqrt(dt)); x_new = x + dt*f + sum_j (g_j*dW_j + k_j).
std::vector<update_statement> stochastic_milstein(const ode_system& system) {
    const noisy_system s = split_noise(system);
    std::vector<update_statement> program;
    draw_increments(s, program);
    for (std::size_t j = 0; j < s.noises.size(); ++j)
        for (const auto& o : s.odes) {
            ptr support = add(name(o.variable), mul(name("dt"), o.drift));
            if (const ptr g = g_of(o, s.noises[j])) support = add(support, mul(sqrt_dt(), g));
            program.push_back({support_name(j, o.variable), support});
        }
    for (const auto& o : s.odes) {
        ptr next = add(name(o.variable), mul(name("dt"), o.drift));
        for (std::size_t j = 0; j < s.noises.size(); ++j) {
            const ptr g = g_of(o, s.noises[j]);
            if (!g) continue;
            const ptr dW = name("_dW_" + s.noises[j]);
            const ptr g_support = at_support(g, system, j, false);
            const ptr k = binary(op::divide, mul(binary(op::subtract, g_support, g), mul(dW, dW)), mul(number(2), sqrt_dt()));
            next = add(add(next, mul(g, dW)), k);
        }
        program.push_back({"_new_" + o.variable, next});
    }
    assign_new_values(system, program);
    return program;
}

} // namespace cellfit::integrators
