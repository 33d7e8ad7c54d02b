#pragma once

// Derivatives of a simulation with respect to parameters, carried with it:
//   discrete:   every statement `y = f(...)` of the step (constant-over-dt
//               values, the integrator's update program, resets) gets
//               `S_y__p = df/dp + sum_u df/du * S_u__p` before it: the exact
//               derivative of the discrete simulation (spike times held).
//   continuous: sensitivity equations dS_x__p/dt = sum_y df_x/dy S_y__p + df_x/dp
//               added to the ODEs and integrated with them.
// Sensitivities that stay zero when started at zero are dropped.

#include <cellfit/expr/ast.hpp>
#include <cellfit/integrator.hpp>

#include <set>
#include <string>
#include <vector>

namespace cellfit::detail {

// "S_v__gl": the derivative of v with respect to gl.
std::string sensitivity_name(const std::string& variable, const std::string& parameter);

// The statements with their derivatives inserted before each one. `carried`:
// the names whose derivatives exist (states, temporaries, constant-over-dt
// values); a name not in `carried` counts as independent of the parameters
// unless it is the parameter itself. Only live derivatives are emitted;
// `live` receives their names, and reads of dead ones become 0.
std::vector<update_statement> with_discrete_sensitivities(const std::vector<update_statement>& statements,
                                                          const std::vector<std::string>& parameters,
                                                          const std::set<std::string>& carried,
                                                          const std::set<std::string>& live_at_start,
                                                          std::set<std::string>& live);

// The sensitivity equations of the system's ODEs, live ones only. Besides
// the state variables, `extra_carried` names values whose derivatives exist
// (constant-over-dt subexpressions, differentiated in their own phase).
std::vector<ode> sensitivity_equations(const ode_system& system, const std::vector<std::string>& parameters,
                                       const std::set<std::string>& extra_carried,
                                       const std::set<std::string>& live_at_start, std::set<std::string>& live);

// d(e)/d(p) through the carried names: de/dp + sum_u de/du * S_u__p (dead S as 0).
expr::ptr total_derivative(const expr::ptr& e, const std::string& parameter, const std::set<std::string>& carried,
                           const std::set<std::string>& live);

} // namespace cellfit::detail
