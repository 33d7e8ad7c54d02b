#include <cellfit/error.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/sim/integrator_choice.hpp>
#include <cellfit/suggest.hpp>

namespace cellfit {

chosen_integrator choose_integrator(const ode_system& system, const std::string& method, const plugin_registry& registry) {
    if (!method.empty()) {
        if (!registry.find(plugin_kind::integrator, method)) {
            std::vector<std::string> installed;
            for (const auto* p : registry.plugins(plugin_kind::integrator)) installed.push_back(p->info.name);
            const auto close = closest_names(method, installed);
            throw input_error("the method '" + method + "' (--method; method in the C++ API) is not one an installed integrator runs" +
                              (close.empty() ? "" : " (did you mean '" + close.front() + "'?)") + "; installed: " +
                              (installed.empty() ? std::string("none (see cellfit plugins --kind integrator)")
                                                 : join_alternatives(installed, ", ")));
        }
        if (system.odes.empty()) return {nullptr, "none"};
        auto integ = registry.create<integrator>(method);
        const std::string problem = integ->cannot_integrate(system);
        if (!problem.empty()) {
            std::vector<std::string> able;
            for (const auto* p : registry.plugins(plugin_kind::integrator)) {
                auto other = registry.create<integrator>(p->info.name);
                if (other->cannot_integrate(system).empty()) able.push_back(p->info.name);
            }
            throw input_error("the method " + method + " cannot integrate this model: " + problem + ". Methods that can: " +
                              (able.empty() ? std::string("none") : join_alternatives(able, ", ")));
        }
        return {integ, method};
    }
    if (system.odes.empty()) return {nullptr, "none"};
    for (const char* name : {"exact", "euler", "heun"}) {
        if (!registry.find(plugin_kind::integrator, name)) continue;
        auto integ = registry.create<integrator>(name);
        if (integ->cannot_integrate(system).empty()) return {integ, name};
    }
    throw input_error("no integrator can integrate this model (tried exact, euler and heun); are the integrator plugins "
                      "installed? See `cellfit plugins --kind integrator`");
}

} // namespace cellfit
