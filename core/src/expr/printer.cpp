#include <cellfit/expr/printer.hpp>

#include <charconv>
#include <cmath>

namespace cellfit::expr {

namespace {

// Binding strength, as in Python's grammar.
int precedence(const node& n) {
    switch (n.kind) {
    case op::logical_or: return 1;
    case op::logical_and: return 2;
    case op::logical_not: return 3;
    case op::less: case op::less_equal: case op::greater: case op::greater_equal: case op::equal:
    case op::not_equal: return 4;
    case op::add: case op::subtract: return 5;
    case op::multiply: case op::divide: case op::modulo: return 6;
    case op::negate: return 7;
    case op::power: return 8;
    case op::number: return n.value < 0 || std::signbit(n.value) ? 7 : 9;  // a negative literal reads as -x
    case op::name: case op::call: return 9;
    }
    return 9;
}

std::string format_number(double v) {
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    if (std::isnan(v)) return "nan";
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);  // shortest exact form
    return std::string(buffer, ec == std::errc{} ? end : buffer);
}

const char* symbol(op kind) {
    switch (kind) {
    case op::add: return " + ";
    case op::subtract: return " - ";
    case op::multiply: return "*";
    case op::divide: return "/";
    case op::modulo: return " % ";
    case op::power: return "**";
    case op::less: return " < ";
    case op::less_equal: return " <= ";
    case op::greater: return " > ";
    case op::greater_equal: return " >= ";
    case op::equal: return " == ";
    case op::not_equal: return " != ";
    case op::logical_and: return " and ";
    case op::logical_or: return " or ";
    default: return " ? ";
    }
}

void print(const ptr& e, std::string& out);

void print_operand(const ptr& e, bool parenthesize, std::string& out) {
    if (parenthesize) out += '(';
    print(e, out);
    if (parenthesize) out += ')';
}

void print(const ptr& e, std::string& out) {
    const int mine = precedence(*e);
    switch (e->kind) {
    case op::number: out += format_number(e->value); return;
    case op::name: out += e->name; return;
    case op::call:
        out += e->name + "(";
        for (std::size_t k = 0; k < e->args.size(); ++k) {
            if (k > 0) out += ", ";
            print(e->args[k], out);
        }
        out += ")";
        return;
    case op::negate:
        out += "-";
        print_operand(e->args[0], precedence(*e->args[0]) < mine, out);
        return;
    case op::logical_not:
        out += "not ";
        print_operand(e->args[0], precedence(*e->args[0]) < mine, out);
        return;
    case op::power:
        // Right-associative; the exponent may carry a sign (2**-3).
        print_operand(e->args[0], precedence(*e->args[0]) <= mine, out);
        out += "**";
        print_operand(e->args[1], precedence(*e->args[1]) < 7, out);
        return;
    default: {
        // Left-associative (or, for comparisons, non-associative) binary
        // operators: an equal-precedence right operand needs parentheses.
        const bool comparison = is_comparison(e->kind);
        const int left = precedence(*e->args[0]);
        print_operand(e->args[0], comparison ? left <= mine : left < mine, out);
        out += symbol(e->kind);
        print_operand(e->args[1], precedence(*e->args[1]) <= mine, out);
        return;
    }
    }
}

} // namespace

std::string to_string(const ptr& e) {
    std::string out;
    print(e, out);
    return out;
}

} // namespace cellfit::expr
