#pragma once

// Lowering: a model and a simulation setup become one step's program
// (cellfit/step_program.hpp), the plain data a backend runs. The integrator
// is chosen by the caller (cellfit/sim/integrator_choice.hpp) for the system
// ode_system_of gives; the plugin registry plays no part here.

#include <cellfit/export.hpp>
#include <cellfit/integrator.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/sim/simulation.hpp>
#include <cellfit/step_program.hpp>

#include <string>

namespace cellfit {

// Throws input_error when the setup does not fit the model (parameters,
// inputs, sizes).
CELLFIT_API void check_simulation_setup(const model& m, const simulation_setup& setup);

// The ODE system the integrator integrates: the model's equations, inputs
// read as lookups NAME(t, i), (unless refractory) as a factor, and with
// continuous sensitivities their equations.
CELLFIT_API ode_system ode_system_of(const model& m, const simulation_setup& setup);

// The step of `m` under `setup`, integrated by `integ` (null when the model
// has no ODE). Throws input_error for a bad setup (what to record, initial
// values), model_error for an initial value that does not parse.
CELLFIT_API step_program lower(const model& m, const simulation_setup& setup, const integrator* integ);

} // namespace cellfit
