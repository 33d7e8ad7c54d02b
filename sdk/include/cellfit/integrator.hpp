#pragma once

#include <cellfit/export.hpp>
#include <cellfit/expr/ast.hpp>
#include <cellfit/plugin_info.hpp>
#include <cellfit/plugin_object.hpp>

#include <string>
#include <vector>

namespace cellfit {

// dx/dt = rhs for each state variable. The right-hand sides use the state
// variables, parameters, constants, t, dt, i, N, and lookups NAME(t, i) for
// inputs and timed arrays. Time enters only through `t` (inputs included), so
// an integrator gives a stage its time by replacing t.
struct ode {
    std::string variable;
    expr::ptr rhs;
};

struct ode_system {
    std::vector<ode> odes;
};

// One statement of an update program: target = value. Targets starting with
// '_' are temporaries; others are state variables, written in order, so an
// integrator computes every new value into a temporary before assigning.
struct update_statement {
    std::string target;
    expr::ptr value;
};

// Turns an ODE system into an update program that advances it by one step dt.
class CELLFIT_API integrator : public plugin_object {
public:
    static constexpr plugin_kind kind = plugin_kind::integrator;

    // Empty when this method can integrate the system; else the reason, as a
    // sentence the user reads ("the right-hand side of v depends on t").
    virtual std::string cannot_integrate(const ode_system& system) const = 0;

    // The update program. Call only when cannot_integrate() is empty.
    virtual std::vector<update_statement> integrate(const ode_system& system) const = 0;
};

} // namespace cellfit
