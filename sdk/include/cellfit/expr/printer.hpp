#pragma once

#include <cellfit/export.hpp>
#include <cellfit/expr/ast.hpp>

#include <string>

namespace cellfit::expr {

// Brian/Python syntax with the fewest parentheses that keep the tree:
// parse(to_string(e)) gives e back for every tree the parser produces.
CELLFIT_API std::string to_string(const ptr& e);

} // namespace cellfit::expr
