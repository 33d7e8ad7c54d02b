#include <cellfit/error.hpp>
#include <cellfit/expr/functions.hpp>
#include <cellfit/expr/printer.hpp>
#include <cellfit/expr/transform.hpp>

namespace cellfit::expr {

namespace {

ptr num(double v) { return number(v); }
ptr add(ptr a, ptr b) { return binary(op::add, std::move(a), std::move(b)); }
ptr sub(ptr a, ptr b) { return binary(op::subtract, std::move(a), std::move(b)); }
ptr mul(ptr a, ptr b) { return binary(op::multiply, std::move(a), std::move(b)); }
ptr div(ptr a, ptr b) { return binary(op::divide, std::move(a), std::move(b)); }
ptr pow(ptr a, ptr b) { return binary(op::power, std::move(a), std::move(b)); }
ptr neg(ptr a) { return unary(op::negate, std::move(a)); }
ptr fn(const char* f, ptr a) { return call(f, {std::move(a)}); }
ptr as_int(ptr condition) { return call("int", {std::move(condition)}); }

// f'(u) for a one-argument function, as an expression in u.
ptr outer_derivative(const std::string& f, const ptr& u) {
    if (f == "exp" || f == "expm1") return fn("exp", u);
    if (f == "log") return div(num(1), u);
    if (f == "log10") return div(num(1), mul(u, fn("log", num(10))));
    if (f == "log1p") return div(num(1), add(num(1), u));
    if (f == "sqrt") return div(num(0.5), fn("sqrt", u));
    if (f == "sin") return fn("cos", u);
    if (f == "cos") return neg(fn("sin", u));
    if (f == "tan") return add(num(1), pow(fn("tan", u), num(2)));
    if (f == "sinh") return fn("cosh", u);
    if (f == "cosh") return fn("sinh", u);
    if (f == "tanh") return sub(num(1), pow(fn("tanh", u), num(2)));
    if (f == "arcsin") return div(num(1), fn("sqrt", sub(num(1), pow(u, num(2)))));
    if (f == "arccos") return neg(div(num(1), fn("sqrt", sub(num(1), pow(u, num(2))))));
    if (f == "arctan") return div(num(1), add(num(1), pow(u, num(2))));
    if (f == "abs") return fn("sign", u);
    if (f == "exprel") return div(add(mul(fn("exp", u), sub(u, num(1))), num(1)), pow(u, num(2)));
    if (f == "floor" || f == "ceil" || f == "sign" || f == "int") return num(0);
    return nullptr;
}

ptr d(const ptr& e, std::string_view x) {
    if (!depends_on(e, x)) return num(0);
    const auto& a = e->args;
    switch (e->kind) {
    case op::number: return num(0);
    case op::name: return num(e->name == x ? 1 : 0);
    case op::negate: return neg(d(a[0], x));
    case op::add: return add(d(a[0], x), d(a[1], x));
    case op::subtract: return sub(d(a[0], x), d(a[1], x));
    case op::multiply: return add(mul(d(a[0], x), a[1]), mul(a[0], d(a[1], x)));
    case op::divide:  // u'/v - u v'/v^2
        return sub(div(d(a[0], x), a[1]), div(mul(a[0], d(a[1], x)), pow(a[1], num(2))));
    case op::power:
        if (!depends_on(a[1], x))  // n u^(n-1) u'
            return mul(mul(a[1], pow(a[0], sub(a[1], num(1)))), d(a[0], x));
        if (!depends_on(a[0], x))  // u^v log(u) v'
            return mul(mul(e, fn("log", a[0])), d(a[1], x));
        return mul(e, add(mul(d(a[1], x), fn("log", a[0])), div(mul(a[1], d(a[0], x)), a[0])));
    case op::modulo:  // a % b = a - b*floor(a/b)
        return sub(d(a[0], x), mul(fn("floor", div(a[0], a[1])), d(a[1], x)));
    case op::less: case op::less_equal: case op::greater: case op::greater_equal: case op::equal:
    case op::not_equal: case op::logical_and: case op::logical_or: case op::logical_not:
        return num(0);  // piecewise constant
    case op::call: {
        if (e->name == "rand" || e->name == "randn" || e->name == "__rand" || e->name == "__randn")
            return num(0);  // a draw does not depend on the parameters
        if (e->name == "__where")  // the simulator's select: differentiate both branches
            return call("__where", {a[0], d(a[1], x), d(a[2], x)});
        if (e->name == "clip") {
            const ptr& v = a[0];
            return add(add(mul(d(v, x), as_int(binary(op::logical_and, binary(op::greater, v, a[1]),
                                                      binary(op::less, v, a[2])))),
                           mul(d(a[1], x), as_int(binary(op::less_equal, v, a[1])))),
                       mul(d(a[2], x), as_int(binary(op::greater_equal, v, a[2]))));
        }
        if (a.size() == 1)
            if (ptr outer = outer_derivative(e->name, a[0])) return mul(outer, d(a[0], x));
        throw error("cannot differentiate " + to_string(e) + " with respect to " + std::string(x) + ": " +
                    e->name + "() has no known derivative");
    }
    }
    return num(0);
}

} // namespace

bool depends_on(const ptr& e, std::string_view variable) {
    if (e->kind == op::name) return e->name == variable;
    for (const auto& a : e->args)
        if (depends_on(a, variable)) return true;
    return false;
}

ptr derivative(const ptr& e, std::string_view variable) { return simplify(d(e, variable)); }

} // namespace cellfit::expr
