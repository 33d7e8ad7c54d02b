#include <cellfit/error.hpp>
#include <cellfit/expr/functions.hpp>
#include <cellfit/expr/transform.hpp>
#include <cellfit/random_stream.hpp>

#include <algorithm>
#include <cmath>

namespace cellfit::expr {

double evaluate(const ptr& e, const std::function<double(const std::string&)>& lookup) {
    auto arg = [&](std::size_t k) { return evaluate(e->args[k], lookup); };
    switch (e->kind) {
    case op::number: return e->value;
    case op::name: {
        double value = 0;
        bool is_boolean = false;
        if (find_constant(e->name, value, is_boolean)) return value;
        return lookup(e->name);
    }
    case op::negate: return -arg(0);
    case op::add: return arg(0) + arg(1);
    case op::subtract: return arg(0) - arg(1);
    case op::multiply: return arg(0) * arg(1);
    case op::divide: return arg(0) / arg(1);
    case op::power: return std::pow(arg(0), arg(1));
    case op::modulo: return python_modulo(arg(0), arg(1));
    case op::less: return arg(0) < arg(1);
    case op::less_equal: return arg(0) <= arg(1);
    case op::greater: return arg(0) > arg(1);
    case op::greater_equal: return arg(0) >= arg(1);
    case op::equal: return arg(0) == arg(1);
    case op::not_equal: return arg(0) != arg(1);
    case op::logical_and: return arg(0) != 0 && arg(1) != 0;
    case op::logical_or: return arg(0) != 0 || arg(1) != 0;
    case op::logical_not: return arg(0) == 0;
    case op::call: {
        // A draw of the step program: __rand(site, t, dt, key_hi, key_lo).
        if (e->name == "__rand" || e->name == "__randn") {
            const double site = arg(0), t = arg(1), dt = arg(2), hi = arg(3), lo = arg(4);
            return e->name == "__rand" ? cf_rand(site, t, dt, hi, lo) : cf_randn(site, t, dt, hi, lo);
        }
        const function_info* f = find_function(e->name);
        if (!f || f->rule == unit_rule::random) throw error("cannot evaluate " + e->name + "() here");
        if (f->rule == unit_rule::clip) return std::min(std::max(arg(0), arg(1)), arg(2));
        return f->evaluate1(arg(0));
    }
    }
    return 0;
}

} // namespace cellfit::expr
