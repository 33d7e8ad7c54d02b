#pragma once

#include <cellfit/export.hpp>
#include <cellfit/expr/ast.hpp>

#include <functional>
#include <string_view>

namespace cellfit::expr {

// Folds constant numbers (2*3 -> 6, exp(0) -> 1) and removes neutral terms
// (x + 0, x*1, x**1, x/1, --x) and absorbing ones (x*0 -> 0). Works on the
// tree alone, without units: simplify after checking dimensions.
CELLFIT_API ptr simplify(const ptr& e);

// d e / d variable, simplified. Brian's functions follow their usual rules;
// the derivative of abs is sign, of floor, ceil, sign and int is 0, and a
// comparison or boolean counts as constant. Throws cellfit::error for a
// function it does not know whose argument depends on the variable.
// exprel'(x) is written (exp(x)*(x - 1) + 1)/x**2, which is 0/0 at x = 0.
CELLFIT_API ptr derivative(const ptr& e, std::string_view variable);

// Whether e depends on the variable at all.
CELLFIT_API bool depends_on(const ptr& e, std::string_view variable);

// Numeric value, with names from `lookup`; booleans are 1 and 0, % is
// Python's floored modulo. For tests and constant folding (rand() is an
// error; the step program's draws __rand and __randn are evaluated).
CELLFIT_API double evaluate(const ptr& e, const std::function<double(const std::string&)>& lookup);

} // namespace cellfit::expr
