#pragma once

// Dimension and type inference for expressions, exactly as strict as Brian:
// + - % and comparisons between equal units, function arguments in the units
// each function expects, booleans only where conditions belong, exponents of
// quantities with units constant. Also folds constant values, so that it
// evaluates namespace constants and unit expressions too.

#include <cellfit/expr/ast.hpp>
#include <cellfit/expr/parser.hpp>
#include <cellfit/model/equations.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cellfit::detail {

struct typed {
    dimension dim;
    value_type type = value_type::floating;
    std::optional<double> value;  // known when the expression is a constant
};

// What a name means where an expression is checked.
struct symbol {
    typed type;
    std::string what;  // "state variable", "constant", "unit", ...: for messages
};

struct timed_array_symbol {
    dimension result;
};

struct scope {
    std::function<std::optional<symbol>(const std::string&)> lookup;
    std::function<std::optional<timed_array_symbol>(const std::string&)> timed_array;
    std::function<std::vector<std::string>()> known_names;  // for "did you mean"
    // What to do about an unknown name (given the name); empty: declare it
    // in the model.
    std::function<std::string(const std::string&)> unknown_name_fix;
};

// "; it uses the given constants tau = 10, El = -65 mV (--const): check
// their units" for an expression with a unit error, or "" when it uses none:
// one of them may lack its unit.
std::string given_constants_in(const scope& names, const expr::ptr& e);

class checker {
public:
    checker(const source_text& source, const scope& names) : source_(source), names_(names) {}

    typed check(const expr::ptr& e);

    // Random functions (rand, randn) met so far.
    const std::vector<std::string>& random_calls() const noexcept { return random_calls_; }

private:
    typed check_call(const expr::ptr& e);
    [[noreturn]] void fail(const expr::ptr& at, const std::string& message) const;
    void require_number(const expr::ptr& e, const typed& t, const std::string& context) const;
    std::string given_constant_hint(const expr::ptr& operand, const typed& t, const typed& other) const;

    const source_text& source_;
    const scope& names_;
    std::vector<std::string> random_calls_;
};

// "volt", "siemens/metre**2", "1" for messages.
std::string describe(const dimension& dim);

} // namespace cellfit::detail
