#include <cellfit/expr/functions.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace cellfit::expr {

double exprel(double x) noexcept {
    // expm1(x)/x loses nothing away from 0; near 0 use the series.
    if (std::abs(x) < 1e-8) return 1.0 + x / 2.0;
    return std::expm1(x) / x;
}

double python_modulo(double a, double b) noexcept {
    double r = std::fmod(a, b);
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
}

namespace {

double sign(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; }
double to_int(double x) { return std::trunc(x); }  // Python's int() rounds toward zero

} // namespace

const std::vector<function_info>& all_functions() {
    using R = unit_rule;
    static const std::vector<function_info> functions = {
        {"exp", 1, R::dimensionless, [](double x) { return std::exp(x); }},
        {"log", 1, R::dimensionless, [](double x) { return std::log(x); }},
        {"log10", 1, R::dimensionless, [](double x) { return std::log10(x); }},
        {"expm1", 1, R::dimensionless, [](double x) { return std::expm1(x); }},
        {"log1p", 1, R::dimensionless, [](double x) { return std::log1p(x); }},
        {"exprel", 1, R::dimensionless, exprel},
        {"sin", 1, R::dimensionless, [](double x) { return std::sin(x); }},
        {"cos", 1, R::dimensionless, [](double x) { return std::cos(x); }},
        {"tan", 1, R::dimensionless, [](double x) { return std::tan(x); }},
        {"sinh", 1, R::dimensionless, [](double x) { return std::sinh(x); }},
        {"cosh", 1, R::dimensionless, [](double x) { return std::cosh(x); }},
        {"tanh", 1, R::dimensionless, [](double x) { return std::tanh(x); }},
        {"arcsin", 1, R::dimensionless, [](double x) { return std::asin(x); }},
        {"arccos", 1, R::dimensionless, [](double x) { return std::acos(x); }},
        {"arctan", 1, R::dimensionless, [](double x) { return std::atan(x); }},
        {"sqrt", 1, R::square_root, [](double x) { return std::sqrt(x); }},
        {"abs", 1, R::same_as_first, [](double x) { return std::abs(x); }},
        {"floor", 1, R::same_as_first, [](double x) { return std::floor(x); }},
        {"ceil", 1, R::same_as_first, [](double x) { return std::ceil(x); }},
        {"sign", 1, R::sign, sign},
        {"int", 1, R::to_integer, to_int},
        {"clip", 3, R::clip, nullptr},
        {"rand", 0, R::random, nullptr},
        {"randn", 0, R::random, nullptr},
    };
    return functions;
}

const function_info* find_function(std::string_view name) noexcept {
    const auto& functions = all_functions();
    auto it = std::find_if(functions.begin(), functions.end(), [&](const auto& f) { return f.name == name; });
    return it == functions.end() ? nullptr : &*it;
}

bool find_constant(std::string_view name, double& value, bool& is_boolean) noexcept {
    is_boolean = false;
    if (name == "pi") value = std::numbers::pi;
    else if (name == "e") value = std::numbers::e;
    else if (name == "inf") value = INFINITY;
    else if (name == "True" || name == "False") {
        value = name == "True" ? 1.0 : 0.0;
        is_boolean = true;
    } else {
        return false;
    }
    return true;
}

} // namespace cellfit::expr
