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

} // namespace cellfit::expr
