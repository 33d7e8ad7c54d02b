#pragma once

// The integration methods of the builtin integrator plugins, as functions
// from an ODE system to an update program.

#include <cellfit/integrator.hpp>

#include <string>
#include <vector>

namespace cellfit::integrators {

std::vector<update_statement> euler(const ode_system& system);
std::vector<update_statement> rk2(const ode_system& system);
std::vector<update_statement> rk4(const ode_system& system);

std::string exponential_euler_problem(const ode_system& system);
std::vector<update_statement> exponential_euler(const ode_system& system);

std::string exact_problem(const ode_system& system);
std::vector<update_statement> exact(const ode_system& system);

} // namespace cellfit::integrators
