#include <cellfit/expr/ast.hpp>

#include <algorithm>

namespace cellfit::expr {

ptr number(double value, std::uint32_t offset) {
    return std::make_shared<const node>(node{op::number, value, {}, {}, offset});
}

ptr name(std::string identifier, std::uint32_t offset) {
    return std::make_shared<const node>(node{op::name, 0, std::move(identifier), {}, offset});
}

namespace {

std::uint32_t depth_over(const std::vector<ptr>& args) {
    std::uint32_t depth = 0;
    for (const auto& a : args) depth = std::max(depth, a->depth);
    return depth + 1;
}

} // namespace

ptr unary(op kind, ptr a, std::uint32_t offset) {
    const std::uint32_t depth = a->depth + 1;
    return std::make_shared<const node>(node{kind, 0, {}, {std::move(a)}, offset, depth});
}

ptr binary(op kind, ptr a, ptr b, std::uint32_t offset) {
    const std::uint32_t depth = std::max(a->depth, b->depth) + 1;
    return std::make_shared<const node>(node{kind, 0, {}, {std::move(a), std::move(b)}, offset, depth});
}

ptr call(std::string function, std::vector<ptr> args, std::uint32_t offset) {
    const std::uint32_t depth = depth_over(args);
    return std::make_shared<const node>(node{op::call, 0, std::move(function), std::move(args), offset, depth});
}

bool is_comparison(op kind) noexcept { return kind >= op::less && kind <= op::not_equal; }
bool is_logical(op kind) noexcept {
    return kind == op::logical_and || kind == op::logical_or || kind == op::logical_not;
}
bool is_binary(op kind) noexcept {
    return (kind >= op::add && kind <= op::not_equal) || kind == op::logical_and || kind == op::logical_or;
}

std::uint32_t first_offset(const ptr& e) {
    std::uint32_t offset = e->offset;
    for (const auto& a : e->args) offset = std::min(offset, first_offset(a));
    return offset;
}

bool equal(const ptr& a, const ptr& b) {
    if (a == b) return true;
    if (!a || !b || a->kind != b->kind || a->args.size() != b->args.size()) return false;
    if (a->kind == op::number && !(a->value == b->value || (a->value != a->value && b->value != b->value)))
        return false;
    if (a->name != b->name) return false;
    for (std::size_t k = 0; k < a->args.size(); ++k)
        if (!equal(a->args[k], b->args[k])) return false;
    return true;
}

namespace {

void collect(const ptr& e, bool functions, std::vector<std::string>& out) {
    const bool wanted = functions ? e->kind == op::call : e->kind == op::name;
    if (wanted && std::find(out.begin(), out.end(), e->name) == out.end()) out.push_back(e->name);
    for (const auto& a : e->args) collect(a, functions, out);
}

} // namespace

std::vector<std::string> identifiers(const ptr& e) {
    std::vector<std::string> out;
    collect(e, false, out);
    return out;
}

std::vector<std::string> called_functions(const ptr& e) {
    std::vector<std::string> out;
    collect(e, true, out);
    return out;
}

ptr substitute(const ptr& e, const std::vector<std::pair<std::string, ptr>>& replacements) {
    if (e->kind == op::name) {
        for (const auto& [from, to] : replacements)
            if (from == e->name) return to;
        return e;
    }
    if (e->args.empty()) return e;
    std::vector<ptr> args;
    bool changed = false;
    for (const auto& a : e->args) {
        args.push_back(substitute(a, replacements));
        changed = changed || args.back() != a;
    }
    if (!changed) return e;
    node copy = *e;
    copy.depth = depth_over(args);
    copy.args = std::move(args);
    return std::make_shared<const node>(std::move(copy));
}

} // namespace cellfit::expr
