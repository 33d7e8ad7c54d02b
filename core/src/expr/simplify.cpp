#include <cellfit/expr/functions.hpp>
#include <cellfit/expr/transform.hpp>

#include <algorithm>

namespace cellfit::expr {

namespace {

bool is_number(const ptr& e, double v) { return e->kind == op::number && e->value == v; }

bool all_numbers(const std::vector<ptr>& args) {
    for (const auto& a : args)
        if (a->kind != op::number) return false;
    return !args.empty();
}

bool foldable(const node& n) {
    if (n.kind == op::call) {
        const function_info* f = find_function(n.name);
        return f && f->rule != unit_rule::random;
    }
    return n.kind != op::number && n.kind != op::name;
}

ptr rebuild(const ptr& e, std::vector<ptr> args) {
    node copy = *e;
    copy.depth = 1;
    for (const auto& a : args) copy.depth = std::max(copy.depth, a->depth + 1);
    copy.args = std::move(args);
    return std::make_shared<const node>(std::move(copy));
}

} // namespace

ptr simplify(const ptr& e) {
    if (e->args.empty()) return e;
    std::vector<ptr> args;
    bool changed = false;
    for (const auto& a : e->args) {
        args.push_back(simplify(a));
        changed = changed || args.back() != a;
    }
    const ptr s = changed ? rebuild(e, args) : e;

    if (all_numbers(args) && foldable(*s))
        return number(evaluate(s, [](const std::string&) { return 0.0; }), s->offset);

    const std::uint32_t at = s->offset;
    switch (s->kind) {
    case op::negate:
        if (args[0]->kind == op::negate) return args[0]->args[0];
        break;
    case op::add:
        if (is_number(args[1], 0)) return args[0];
        if (is_number(args[0], 0)) return args[1];
        if (args[1]->kind == op::negate) return simplify(binary(op::subtract, args[0], args[1]->args[0], at));
        break;
    case op::subtract:
        if (is_number(args[1], 0)) return args[0];
        if (is_number(args[0], 0)) return simplify(unary(op::negate, args[1], at));
        break;
    case op::multiply:
        if (is_number(args[0], 0) || is_number(args[1], 0)) return number(0, at);
        if (is_number(args[1], 1)) return args[0];
        if (is_number(args[0], 1)) return args[1];
        if (is_number(args[0], -1)) return simplify(unary(op::negate, args[1], at));
        if (is_number(args[1], -1)) return simplify(unary(op::negate, args[0], at));
        break;
    case op::divide:
        if (is_number(args[1], 1)) return args[0];
        if (is_number(args[0], 0)) return number(0, at);
        break;
    case op::power:
        if (is_number(args[1], 1)) return args[0];
        if (is_number(args[1], 0)) return number(1, at);
        break;
    default: break;
    }
    return s;
}

} // namespace cellfit::expr
