#pragma once

#include <cellfit/export.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace cellfit::expr {

// How a built-in function treats units.
enum class unit_rule {
    dimensionless,  // exp, log, sin, ...: arguments and result dimensionless
    same_as_first,  // abs, floor, ceil: result has the argument's unit
    square_root,    // sqrt: result unit is the square root of the argument's
    sign,           // sign: any unit in, dimensionless out
    to_integer,     // int: dimensionless or boolean in, integer out
    clip,           // clip(x, low, high): all three in x's unit
    random,         // rand(), randn(): no arguments, dimensionless, a new value per call
};

struct function_info {
    std::string name;
    int arity;
    unit_rule rule;
    double (*evaluate1)(double) = nullptr;  // for arity 1
};

// Brian's functions: exp log log10 sqrt sin cos tan sinh cosh tanh arcsin
// arccos arctan abs sign floor ceil clip int exprel expm1 log1p rand randn.
CELLFIT_API const function_info* find_function(std::string_view name) noexcept;
CELLFIT_API const std::vector<function_info>& all_functions();

// Brian's numeric constants: pi, e, inf; True and False are booleans.
CELLFIT_API bool find_constant(std::string_view name, double& value, bool& is_boolean) noexcept;

// exprel(x) = (exp(x) - 1)/x, continuous at 0.
CELLFIT_API double exprel(double x) noexcept;

// Python's a % b: floored, the result has the sign of b.
CELLFIT_API double python_modulo(double a, double b) noexcept;

} // namespace cellfit::expr
