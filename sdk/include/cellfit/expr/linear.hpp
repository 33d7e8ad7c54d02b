#pragma once

#include <cellfit/export.hpp>
#include <cellfit/expr/ast.hpp>

#include <optional>
#include <string>
#include <vector>

namespace cellfit::expr {

// f written as sum_j B_j * x_j + A, found by expanding f into a sum of
// products (as sympy's expand and collect do). A term is linear in x_j when
// x_j is a factor of it exactly once and no other factor mentions any of the
// variables; terms that mention no variable, or mention them only inside
// function calls or non-integer powers (exp(v/DeltaT)), go to A when
// `nonlinear_in_constant` is set. Anything else (x**2, x*y, 1/x) makes the
// split fail, with the offending term in `problem`.
struct linear_split {
    std::vector<ptr> coefficients;  // B_j per variable, nullptr where 0
    ptr constant;                   // A, nullptr where 0
    std::string problem;            // empty on success
};

CELLFIT_API linear_split split_linear(const ptr& f, const std::vector<std::string>& variables,
                                      bool nonlinear_in_constant);

// f written as B*x + A as Brian 2's exponential Euler splits it: f expanded
// into a sum of products, then the terms grouped by the power of x they carry
// as a bare factor. B is the group of the first power and A the group without
// x; either may still mention x inside functions, denominators and opaque
// powers (x/(1 + x), x*exp(x), exp(x/k)). The split fails when some term
// carries another power of x (x**2, 1/x, x**0.5), or when x occurs but no term
// is proportional to it (exp(-x)).
struct conditionally_linear_split {
    ptr coefficient;      // B, nullptr where 0
    ptr remainder;        // A, nullptr where 0
    std::string problem;  // empty on success
};

CELLFIT_API conditionally_linear_split split_conditionally_linear(const ptr& f, const std::string& x);

} // namespace cellfit::expr
