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

// Stochastic equations (stochastic.cpp): the checks each method makes, and
// the programs of euler, heun and milstein when noise is present.
bool is_stochastic(const ode_system& system);
std::string deterministic_only(const ode_system& system);
std::string additive_noise_problem(const ode_system& system);
std::string multiplicative_noise_problem(const ode_system& system);
std::string diagonal_noise_problem(const ode_system& system);
std::vector<update_statement> stochastic_euler(const ode_system& system);
std::vector<update_statement> stochastic_heun(const ode_system& system);
std::vector<update_statement> stochastic_milstein(const ode_system& system);

} // namespace cellfit::integrators
