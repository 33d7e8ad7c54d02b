#pragma once

// Choosing the integrator plugin for a model's ODE system (ode_system_of in
// cellfit/sim/lower.hpp): the one named, or Brian's default choice.

#include <cellfit/export.hpp>
#include <cellfit/integrator.hpp>

#include <memory>
#include <string>

namespace cellfit {

class plugin_registry;

struct chosen_integrator {
    std::shared_ptr<integrator> method;  // null when the system has no ODE
    std::string name;                    // "none" then
};

// The integrator `method` names, or Brian's choice (exact, then euler, then
// heun) when it is empty. Throws input_error naming the methods that can.
CELLFIT_API chosen_integrator choose_integrator(const ode_system& system, const std::string& method,
                                                const plugin_registry& registry);

} // namespace cellfit
