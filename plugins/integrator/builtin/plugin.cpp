// The integrators that ship with cellfit, one plugin each, from one library.

#include "methods.hpp"

#include <cellfit/plugin.hpp>
#include <cellfit/version.hpp>

#include <functional>

namespace {

using namespace cellfit;

using program_fn = std::vector<update_statement> (*)(const ode_system&);
using problem_fn = std::string (*)(const ode_system&);

class method final : public integrator {
public:
    method(program_fn program, problem_fn problem) : program_(program), problem_(problem) {}
    std::string cannot_integrate(const ode_system& system) const override { return problem_ ? problem_(system) : ""; }
    std::vector<update_statement> integrate(const ode_system& system) const override { return program_(system); }

private:
    program_fn program_;
    problem_fn problem_;
};

void add(plugin_sink& sink, const char* name, const char* description, program_fn program, problem_fn problem) {
    sink.add<integrator>({.name = name, .version = CELLFIT_VERSION_STRING, .description = description, .options = {}},
                         [program, problem](const plugin_options&) { return std::make_unique<method>(program, problem); });
}

// A deterministic method refuses noise before its own checks.
template <problem_fn own>
std::string deterministic_and(const ode_system& system) {
    const std::string noisy = integrators::deterministic_only(system);
    return noisy.empty() ? own(system) : noisy;
}

std::string no_problem(const ode_system&) { return {}; }

// The stochastic program when the equations have noise, else the plain one.
template <program_fn plain, program_fn noisy>
std::vector<update_statement> either(const ode_system& system) {
    return integrators::is_stochastic(system) ? noisy(system) : plain(system);
}

} // namespace

CELLFIT_PLUGIN_LIBRARY(sink) {
    using namespace cellfit::integrators;
    add(sink, "euler", "Forward Euler: x += dt*f(x, t) + g*dW (additive noise)",
        either<euler, stochastic_euler>, additive_noise_problem);
    add(sink, "heun",
        "Brian's stochastic Heun (Stratonovich, multiplicative noise); for deterministic equations forward Euler",
        either<euler, stochastic_heun>, multiplicative_noise_problem);
    add(sink, "milstein",
        "Brian's derivative-free Milstein (Stratonovich, diagonal multiplicative noise); for deterministic equations "
        "forward Euler",
        either<euler, stochastic_milstein>, diagonal_noise_problem);
    add(sink, "rk2", "Second-order Runge-Kutta (midpoint): stages at t and t + dt/2", rk2, deterministic_and<no_problem>);
    add(sink, "rk4", "Classic fourth-order Runge-Kutta: stages at t, t + dt/2, t + dt/2, t + dt", rk4,
        deterministic_and<no_problem>);
    add(sink, "exponential_euler",
        "Exponential Euler: each equation as B*x + A, advanced by exp(B*dt) (Hodgkin-Huxley type models)",
        exponential_euler, deterministic_and<exponential_euler_problem>);
    add(sink, "exact",
        "Exact solution of linear systems with constant coefficients and no coupling cycle; inputs constant "
        "over a step",
        exact, deterministic_and<exact_problem>);
}
