#pragma once

#include <cellfit/export.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cellfit::expr {

// Node kinds of the expression language (Python/Brian syntax).
enum class op : std::uint8_t {
    number,       // value
    name,         // identifier: variable, constant, unit, t, dt, i, N, xi, True/False
    negate,       // -a
    add, subtract, multiply, divide, power, modulo,   // a OP b (modulo: Python's floored %)
    less, less_equal, greater, greater_equal, equal, not_equal,
    logical_and, logical_or, logical_not,
    call,         // name(args...)
};

struct node;
// Expressions are immutable trees that share subtrees freely.
using ptr = std::shared_ptr<const node>;

struct node {
    op kind = op::number;
    double value = 0;           // number
    std::string name;           // name, call
    std::vector<ptr> args;      // operands, or call arguments
    std::uint32_t offset = 0;   // where it starts in its source text (for errors)
    std::uint32_t depth = 1;    // levels of the tree below and including this node
};

// Trees deeper than this are refused by the parser: every pass over a tree
// recurses, and a user's model never comes close.
inline constexpr std::uint32_t max_depth = 400;

CELLFIT_API ptr number(double value, std::uint32_t offset = 0);
CELLFIT_API ptr name(std::string identifier, std::uint32_t offset = 0);
CELLFIT_API ptr unary(op kind, ptr a, std::uint32_t offset = 0);
CELLFIT_API ptr binary(op kind, ptr a, ptr b, std::uint32_t offset = 0);
CELLFIT_API ptr call(std::string function, std::vector<ptr> args, std::uint32_t offset = 0);

CELLFIT_API bool is_comparison(op kind) noexcept;
CELLFIT_API bool is_logical(op kind) noexcept;   // and, or, not
CELLFIT_API bool is_binary(op kind) noexcept;

// Where the expression's text starts (its leftmost token): binary nodes sit
// at their operator, so errors about a whole expression point here instead.
CELLFIT_API std::uint32_t first_offset(const ptr& e);

// Same tree, ignoring source offsets.
CELLFIT_API bool equal(const ptr& a, const ptr& b);

// Every identifier used (names and called functions), in order of first use.
CELLFIT_API std::vector<std::string> identifiers(const ptr& e);
CELLFIT_API std::vector<std::string> called_functions(const ptr& e);

// Replaces names by expressions (e.g. subexpressions by their definitions).
CELLFIT_API ptr substitute(const ptr& e, const std::vector<std::pair<std::string, ptr>>& replacements);

} // namespace cellfit::expr
