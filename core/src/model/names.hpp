#pragma once

#include <cellfit/expr/parser.hpp>

#include <string>

namespace cellfit::detail {

// Names a model may not define: Brian's special names (t, dt, i, N, xi),
// functions, constants, Python keywords, unit names and names starting with
// an underscore. Throws model_error at `offset` saying why.
void check_variable_name(const source_text& source, const std::string& name, std::size_t offset);

// The names Brian gives the group itself: t and dt (time), i (index), N (size).
bool is_special_name(const std::string& name);

} // namespace cellfit::detail
