#pragma once

#include <cellfit/export.hpp>
#include <cellfit/expr/ast.hpp>
#include <cellfit/expr/parser.hpp>
#include <cellfit/units/dimension.hpp>

#include <memory>
#include <string>
#include <vector>

namespace cellfit {

enum class value_type { floating, integer, boolean };

CELLFIT_API std::string_view to_string(value_type type) noexcept;

enum class equation_kind { differential, subexpression, parameter };

// One line of a Brian model, as written: `dv/dt = rhs : unit (flags)`,
// `x = rhs : unit (flags)` or `x : unit (flags)`.
struct equation {
    equation_kind kind = equation_kind::parameter;
    std::string name;
    expr::ptr rhs;              // null for a parameter
    dimension dim;
    value_type type = value_type::floating;
    std::string unit_text;      // as written after the colon
    std::vector<std::string> flags;
    std::size_t offset = 0;     // of the name, in the source text

    bool has_flag(std::string_view flag) const;
};

struct parsed_equations {
    std::shared_ptr<const source_text> source;
    std::vector<equation> equations;
};

// Parses Brian equations: one per line, expressions may continue over lines,
// `#` starts a comment. Checks the syntax, the units after the colons (only
// base units such as volt or siemens/metre**2, or 1, integer, boolean), the
// flags of each kind of equation, reserved and duplicate names. Throws
// model_error with line and column.
CELLFIT_API parsed_equations parse_equations(std::string text, std::string origin = "model");

// Evaluates a unit written after an equation's colon. Throws model_error.
struct unit_spec {
    dimension dim;
    value_type type = value_type::floating;
};
CELLFIT_API unit_spec parse_unit_spec(const source_text& source, std::size_t begin, std::size_t end);

} // namespace cellfit
