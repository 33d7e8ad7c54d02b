#include "checker.hpp"

#include <cellfit/expr/functions.hpp>
#include <cellfit/expr/printer.hpp>
#include <cellfit/suggest.hpp>
#include <cellfit/units/quantity.hpp>

#include <algorithm>
#include <cmath>

namespace cellfit::detail {

namespace {

std::optional<double> fold(const std::optional<double>& a, const std::optional<double>& b, double (*f)(double, double)) {
    if (a && b) return f(*a, *b);
    return std::nullopt;
}

std::string quoted(const expr::ptr& e) { return "'" + expr::to_string(e) + "'"; }

// The unit a physiologist would write a number in: -50*mV, not -50*volt.
std::string typical_unit(const dimension& dim) {
    for (const char* name : {"mV", "nA", "nS", "pF", "Mohm", "ms", "Hz", "um"})
        if (find_unit(name)->value.dim == dim) return name;
    return unit_name(dim);
}

} // namespace

std::string describe(const dimension& dim) {
    const std::string name = unit_name(dim);
    return name == "1" ? "1 (dimensionless)" : name;
}

void checker::fail(const expr::ptr& at, const std::string& message) const { source_.fail(at->offset, message); }

std::string given_constants_in(const scope& names, const expr::ptr& e) {
    std::string list;
    std::vector<std::string> seen;
    for (const auto& id : expr::identifiers(e)) {
        const auto s = names.lookup(id);
        if (!s || s->what != "given constant" || !s->type.value ||
            std::find(seen.begin(), seen.end(), id) != seen.end())
            continue;
        seen.push_back(id);
        list += (list.empty() ? " " : ", ") + id + " = " + format_quantity({*s->type.value, s->type.dim});
    }
    return list.empty() ? "" : "; it uses the given constants" + list + " (--const): check their units";
}

// An operand that is a constant given with the model (--const) in the
// wrong unit: the fix is where the constant is given, not here.
std::string checker::given_constant_hint(const expr::ptr& operand, const typed& t, const typed& other) const {
    if (operand->kind != expr::op::name) return {};
    const auto s = names_.lookup(operand->name);
    if (!s || s->what != "given constant" || !t.value) return {};
    const std::string fix = other.dim.is_dimensionless() ? "give it without a unit"
                            : t.dim.is_dimensionless()   ? "give it a unit, e.g. " + operand->name + "=" +
                                                             expr::to_string(expr::number(*t.value)) + "*" +
                                                             typical_unit(other.dim)
                                                         : "give it in " + unit_name(other.dim);
    return "; the constant " + operand->name + " is given as " + format_quantity({*t.value, t.dim}) + ": " + fix;
}

void checker::require_number(const expr::ptr& e, const typed& t, const std::string& context) const {
    if (t.type == value_type::boolean)
        fail(e, quoted(e) + " is a condition (true or false) and cannot be used " + context +
                    "; convert it to a number with int(" + expr::to_string(e) + ")");
}

typed checker::check(const expr::ptr& e) {
    using expr::op;
    switch (e->kind) {
    case op::number: return {dimension{}, value_type::floating, e->value};
    case op::name: {
        if (auto s = names_.lookup(e->name)) return s->type;
        if (expr::find_function(e->name) || names_.timed_array(e->name))
            fail(e, "'" + e->name + "' is a function; call it with its arguments, e.g. " + e->name + "(...)");
        const auto close = closest_names(e->name, names_.known_names());
        fail(e, "unknown name '" + e->name + "'" +
                    (close.empty() ? "" : "; did you mean " + join_alternatives(close) + "?") + " " +
                    (names_.unknown_name_fix ? names_.unknown_name_fix(e->name)
                                             : "Declare it in the model ('" + e->name + " : UNIT')"));
    }
    case op::negate: {
        typed a = check(e->args[0]);
        require_number(e->args[0], a, "with '-'");
        if (a.value) a.value = -*a.value;
        return a;
    }
    case op::add:
    case op::subtract:
    case op::modulo: {
        const typed a = check(e->args[0]);
        const typed b = check(e->args[1]);
        const char* symbol = e->kind == op::add ? "+" : e->kind == op::subtract ? "-" : "%";
        require_number(e->args[0], a, std::string("with '") + symbol + "'");
        require_number(e->args[1], b, std::string("with '") + symbol + "'");
        if (!(a.dim == b.dim)) {
            std::string hint;
            if (e->args[1]->kind == op::number && !a.dim.is_dimensionless())
                hint = "; give the number a unit, e.g. " + expr::to_string(e->args[1]) + "*" + typical_unit(a.dim);
            else if (e->args[0]->kind == op::number && !b.dim.is_dimensionless())
                hint = "; give the number a unit, e.g. " + expr::to_string(e->args[0]) + "*" + typical_unit(b.dim);
            else
                hint = given_constant_hint(e->args[0], a, b) + given_constant_hint(e->args[1], b, a);
            if (hint.empty()) hint = given_constants_in(names_, e);
            fail(e, quoted(e) + " uses inconsistent units: " + quoted(e->args[0]) + " has unit " + describe(a.dim) +
                        " but " + quoted(e->args[1]) + " has unit " + describe(b.dim) + hint);
        }
        const auto type = a.type == value_type::integer && b.type == value_type::integer ? value_type::integer
                                                                                          : value_type::floating;
        auto f = e->kind == op::add        ? +[](double x, double y) { return x + y; }
                 : e->kind == op::subtract ? +[](double x, double y) { return x - y; }
                                           : +[](double x, double y) { return expr::python_modulo(x, y); };
        return {a.dim, type, fold(a.value, b.value, f)};
    }
    case op::multiply:
    case op::divide: {
        const typed a = check(e->args[0]);
        const typed b = check(e->args[1]);
        const bool times = e->kind == op::multiply;
        require_number(e->args[0], a, times ? "in a product" : "in a division");
        require_number(e->args[1], b, times ? "in a product" : "in a division");
        const auto type = times && a.type == value_type::integer && b.type == value_type::integer
                              ? value_type::integer
                              : value_type::floating;
        if (times) return {a.dim * b.dim, type, fold(a.value, b.value, [](double x, double y) { return x * y; })};
        return {a.dim / b.dim, type, fold(a.value, b.value, [](double x, double y) { return x / y; })};
    }
    case op::power: {
        const typed base = check(e->args[0]);
        const typed exponent = check(e->args[1]);
        require_number(e->args[0], base, "as the base of '**'");
        require_number(e->args[1], exponent, "as an exponent");
        if (!exponent.dim.is_dimensionless())
            fail(e->args[1], "the exponent " + quoted(e->args[1]) + " has unit " + describe(exponent.dim) +
                                 "; an exponent must be dimensionless");
        const auto value = fold(base.value, exponent.value, [](double x, double y) { return std::pow(x, y); });
        if (base.dim.is_dimensionless()) return {dimension{}, value_type::floating, value};
        if (!exponent.value)
            fail(e->args[1], "the exponent " + quoted(e->args[1]) + " is not a constant, but the base " +
                                 quoted(e->args[0]) + " has unit " + describe(base.dim) +
                                 ": the unit of the result would change with it; make the base dimensionless "
                                 "(e.g. (" + expr::to_string(e->args[0]) + "/" + unit_name(base.dim) + ")**...)");
        rational p;
        if (!rational::from_double(*exponent.value, p))
            fail(e->args[1], "the exponent " + quoted(e->args[1]) + " of a quantity with unit " +
                                 describe(base.dim) + " must be a simple fraction (like 2, -1 or 0.5)");
        return {base.dim.pow(p), value_type::floating, value};
    }
    case op::less: case op::less_equal: case op::greater: case op::greater_equal: case op::equal:
    case op::not_equal: {
        const typed a = check(e->args[0]);
        const typed b = check(e->args[1]);
        const bool equality = e->kind == op::equal || e->kind == op::not_equal;
        if (a.type == value_type::boolean || b.type == value_type::boolean) {
            if (!(equality && a.type == b.type))
                fail(e, quoted(e) + " compares a condition with a number; compare numbers, or combine "
                                    "conditions with and/or/not");
        } else if (!(a.dim == b.dim)) {
            std::string hint;
            if (e->args[1]->kind == op::number && !a.dim.is_dimensionless())
                hint = "; give the number a unit, e.g. " + expr::to_string(e->args[1]) + "*" + typical_unit(a.dim);
            fail(e, "comparison of expressions with different units: " + quoted(e->args[0]) + " has unit " +
                        describe(a.dim) + " but " + quoted(e->args[1]) + " has unit " + describe(b.dim) + hint);
        }
        return {dimension{}, value_type::boolean, std::nullopt};
    }
    case op::logical_and:
    case op::logical_or:
    case op::logical_not: {
        const char* word = e->kind == op::logical_and ? "and" : e->kind == op::logical_or ? "or" : "not";
        for (const auto& operand : e->args) {
            const typed t = check(operand);
            if (t.type != value_type::boolean)
                fail(operand, std::string("'") + word + "' combines conditions, but " + quoted(operand) +
                                  " is a number (unit " + describe(t.dim) + "); write a comparison such as " +
                                  expr::to_string(operand) + " > 0" +
                                  (t.dim.is_dimensionless() ? "" : "*" + unit_name(t.dim)));
        }
        return {dimension{}, value_type::boolean, std::nullopt};
    }
    case op::call: return check_call(e);
    }
    fail(e, "unsupported expression");
}

typed checker::check_call(const expr::ptr& e) {
    const auto* f = expr::find_function(e->name);
    if (!f) {
        if (auto array = names_.timed_array(e->name)) {
            if (e->args.size() != 2)
                fail(e, e->name + "() is a timed array and takes two arguments, " + e->name + "(t, i); got " +
                            std::to_string(e->args.size()));
            const typed time = check(e->args[0]);
            const typed index = check(e->args[1]);
            if (!(time.dim == dimension::of(dimension::time)))
                fail(e->args[0], "the first argument of " + e->name + "() must be a time (t), but " +
                                     quoted(e->args[0]) + " has unit " + describe(time.dim));
            if (!index.dim.is_dimensionless() || index.type == value_type::boolean)
                fail(e->args[1], "the second argument of " + e->name + "() must be the neuron index (i)");
            return {array->result, value_type::floating, std::nullopt};
        }
        if (names_.lookup(e->name)) fail(e, "'" + e->name + "' is not a function and cannot be called");
        std::vector<std::string> functions;
        for (const auto& g : expr::all_functions()) functions.push_back(g.name);
        const auto close = closest_names(e->name, functions);
        fail(e, "unknown function '" + e->name + "'" +
                    (close.empty() ? "" : "; did you mean " + join_alternatives(close) + "?") +
                    " (a timed array input must be declared, e.g. --timed-array " + e->name + ":amp)");
    }
    if (static_cast<int>(e->args.size()) != f->arity)
        fail(e, e->name + "() takes " + std::to_string(f->arity) + " argument" + (f->arity == 1 ? "" : "s") +
                    ", got " + std::to_string(e->args.size()));

    std::vector<typed> args;
    for (const auto& a : e->args) args.push_back(check(a));
    auto value1 = [&]() -> std::optional<double> {
        if (f->evaluate1 && args[0].value) return f->evaluate1(*args[0].value);
        return std::nullopt;
    };
    using expr::unit_rule;
    switch (f->rule) {
    case unit_rule::dimensionless:
        require_number(e->args[0], args[0], "as the argument of " + e->name + "()");
        if (!args[0].dim.is_dimensionless())
            fail(e->args[0], "the argument of " + e->name + "() must be dimensionless, but " + quoted(e->args[0]) +
                                 " has unit " + describe(args[0].dim) + "; divide it by a quantity of that unit (e.g. " +
                                 expr::to_string(e->args[0]) + "/" + unit_name(args[0].dim) + ")");
        return {dimension{}, value_type::floating, value1()};
    case unit_rule::same_as_first:
        require_number(e->args[0], args[0], "as the argument of " + e->name + "()");
        return {args[0].dim, args[0].type == value_type::integer && e->name != "abs" ? value_type::floating
                                                                                    : args[0].type,
                value1()};
    case unit_rule::square_root:
        require_number(e->args[0], args[0], "as the argument of sqrt()");
        return {args[0].dim.pow(rational(1, 2)), value_type::floating, value1()};
    case unit_rule::sign:
        require_number(e->args[0], args[0], "as the argument of sign()");
        return {dimension{}, value_type::floating, value1()};
    case unit_rule::to_integer:
        if (!args[0].dim.is_dimensionless())
            fail(e->args[0], "the argument of int() must be dimensionless or a condition, but " + quoted(e->args[0]) +
                                 " has unit " + describe(args[0].dim) + "; divide it by a quantity (e.g. int(" +
                                 expr::to_string(e->args[0]) + "/" + unit_name(args[0].dim) + "))");
        return {dimension{}, value_type::integer, value1()};
    case unit_rule::clip:
        for (std::size_t k = 0; k < 3; ++k) require_number(e->args[k], args[k], "as an argument of clip()");
        for (std::size_t k = 1; k < 3; ++k)
            if (!(args[k].dim == args[0].dim))
                fail(e->args[k], "argument " + std::to_string(k + 1) + " of clip() must have the unit of argument 1 (" +
                                     quoted(e->args[0]) + ", " + describe(args[0].dim) + "), but " + quoted(e->args[k]) +
                                     " has unit " + describe(args[k].dim));
        if (args[0].value && args[1].value && args[2].value)
            return {args[0].dim, value_type::floating, std::min(std::max(*args[0].value, *args[1].value), *args[2].value)};
        return {args[0].dim, value_type::floating, std::nullopt};
    case unit_rule::random:
        if (std::find(random_calls_.begin(), random_calls_.end(), e->name) == random_calls_.end())
            random_calls_.push_back(e->name);
        return {dimension{}, value_type::floating, std::nullopt};
    }
    fail(e, "unsupported function");
}

} // namespace cellfit::detail
