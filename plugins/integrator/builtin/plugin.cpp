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

} // namespace

CELLFIT_PLUGIN_LIBRARY(sink) {
    using namespace cellfit::integrators;
    add(sink, "euler", "Forward Euler: x += dt*f(x, t)", euler, nullptr);
    add(sink, "heun",
        "Brian's stochastic Heun; for deterministic equations identical to forward Euler", euler, nullptr);
    add(sink, "rk2", "Second-order Runge-Kutta (midpoint): stages at t and t + dt/2", rk2, nullptr);
    add(sink, "rk4", "Classic fourth-order Runge-Kutta: stages at t, t + dt/2, t + dt/2, t + dt", rk4, nullptr);
    add(sink, "exponential_euler",
        "Exponential Euler: each equation as B*x + A, advanced by exp(B*dt) (Hodgkin-Huxley type models)",
        exponential_euler, exponential_euler_problem);
    add(sink, "exact",
        "Exact solution of linear systems with constant coefficients and no coupling cycle; inputs constant "
        "over a step",
        exact, exact_problem);
}
