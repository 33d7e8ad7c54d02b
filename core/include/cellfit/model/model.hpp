#pragma once

#include <cellfit/export.hpp>
#include <cellfit/model/equations.hpp>
#include <cellfit/units/quantity.hpp>

#include <optional>
#include <string>
#include <vector>

namespace cellfit {

// What a user gives besides the equations, all as text (as on the command line).
struct model_spec {
    std::string equations{};
    std::string origin = "model";                  // file name, for messages
    std::optional<std::string> threshold{};          // a condition: "v > -50*mV"
    std::optional<std::string> reset{};              // statements: "v = Vr; w += b"
    std::optional<std::string> refractory{};         // "5*ms", "tau_ref" or a condition "v > Vt"
    std::vector<std::pair<std::string, std::string>> constants{};  // name -> quantity, in order ("tau", "10*ms")
    std::vector<std::pair<std::string, std::string>> inputs{};     // variable -> unit ("I", "amp"): one value per trace and step
    std::vector<std::pair<std::string, std::string>> timed_arrays{};  // function -> unit ("I_in", "amp"): NAME(t, i)
    // How the caller supplies a name the equations use but do not define,
    // for the message that reports one (NAME is replaced by the name): the
    // command line gives its flags ("--const NAME=VALUE").
    std::string constant_hint = "a constant (model_spec::constants: {\"NAME\", \"10*mV\"})";
    std::string input_hint = "an input (model_spec::inputs: {\"NAME\", \"amp\"}, with its values in fit_data::inputs)";
};

struct model_variable {
    std::string name;
    dimension dim;
    value_type type = value_type::floating;
};

struct state_variable : model_variable {
    expr::ptr rhs;              // as written
    expr::ptr rhs_substituted;  // subexpressions replaced by their definitions (except constant over dt ones)
    bool unless_refractory = false;
    std::vector<std::string> depends_on;  // model names, constants and inputs used (after substitution)
};

struct parameter : model_variable {
    bool constant = false;
    bool shared = false;
};

struct subexpression : model_variable {
    expr::ptr rhs;
    bool shared = false;
    bool constant_over_dt = false;
    std::vector<std::string> depends_on;
};

struct named_constant {
    std::string name;
    quantity value;
};

enum class assignment { set, add, subtract, multiply, divide };

struct reset_statement {
    std::string target;
    assignment how = assignment::set;
    expr::ptr rhs;
    bool temporary = false;  // a name the model does not have: a temporary of the reset, as in Brian
};

struct refractoriness {
    enum class kind { none, duration, duration_expression, condition };
    kind type = kind::none;
    double seconds = 0;       // for duration
    expr::ptr expression;     // for duration_expression and condition
};

// A checked model: every name resolved, every dimension consistent.
// Subexpressions are in dependency order (each after those it uses).
class CELLFIT_API model {
public:
    std::vector<state_variable> states;
    std::vector<parameter> parameters;
    std::vector<subexpression> subexpressions;
    std::vector<model_variable> inputs;        // declared by the fit, one value per trace and step
    std::vector<model_variable> timed_arrays;  // functions NAME(t, i) with their result unit
    std::vector<named_constant> constants;
    std::optional<expr::ptr> threshold;
    std::vector<reset_statement> reset;
    refractoriness refractory;
    bool stochastic = false;      // uses xi: needs a stochastic integrator
    std::vector<std::string> random_functions;  // rand, randn where used
    std::vector<std::string> warnings;          // accepted, but probably not meant

    // The variable (state, parameter, subexpression or input) of that name.
    const model_variable* find(std::string_view name) const;

    // Whether a variable has one value per neuron (states, inputs, and
    // parameters and subexpressions not declared shared) or one per group.
    bool per_neuron(std::string_view name) const;
};

// Parses and checks everything. Throws model_error (with origin, line and
// column) for the first problem, or input_error for a bad constant or unit.
CELLFIT_API model build_model(const model_spec& spec);

// Parses an expression in the model's names (an initial value, say) and
// checks that it has the unit of `target`. Throws model_error.
CELLFIT_API expr::ptr parse_checked(const model& m, const std::string& text, const std::string& origin,
                                    const model_variable& target);

// Evaluates a constant quantity such as "10*ms" or "0.1*msiemens/cm**2",
// which may use earlier constants. Throws model_error.
CELLFIT_API quantity evaluate_quantity(const std::string& text, const std::string& origin,
                                       const std::vector<named_constant>& known = {});

// The value of a name that is not a variable: one of the model's constants,
// a unit (mV), or a built-in constant (pi, e, True). False for anything else.
CELLFIT_API bool constant_value(const model& m, const std::string& name, double& value);


} // namespace cellfit
