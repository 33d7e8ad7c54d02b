// Expansion of an expression into a sum of products, to split it into parts
// linear in some variables and the rest (exponential Euler's B*x + A, the
// exact integrator's linear systems).

#include <cellfit/expr/linear.hpp>
#include <cellfit/expr/printer.hpp>
#include <cellfit/expr/transform.hpp>

#include <algorithm>
#include <cmath>

namespace cellfit::expr {

namespace {

// coefficient * prod(factor_k ** power_k)
struct term {
    double coefficient = 1;
    std::vector<std::pair<ptr, int>> factors;
};

using sum = std::vector<term>;

void multiply_factor(term& t, const ptr& f, int power) {
    for (auto& [g, p] : t.factors)
        if (equal(g, f)) {
            p += power;
            return;
        }
    t.factors.emplace_back(f, power);
}

sum multiply(const sum& a, const sum& b) {
    sum out;
    for (const auto& x : a)
        for (const auto& y : b) {
            term t = x;
            t.coefficient *= y.coefficient;
            for (const auto& [f, p] : y.factors) multiply_factor(t, f, p);
            out.push_back(std::move(t));
        }
    return out;
}

sum single(const ptr& e) { return {term{1, {{e, 1}}}}; }

// Expands products over sums; powers with small integer exponents of sums are
// multiplied out. Divisions by a single product invert its factors; other
// divisors stay opaque factors with power -1.
sum expand(const ptr& e) {
    switch (e->kind) {
    case op::number: return e->value == 0 ? sum{} : sum{term{e->value, {}}};
    case op::add: {
        sum a = expand(e->args[0]);
        sum b = expand(e->args[1]);
        a.insert(a.end(), b.begin(), b.end());
        return a;
    }
    case op::subtract: {
        sum a = expand(e->args[0]);
        for (auto t : expand(e->args[1])) {
            t.coefficient = -t.coefficient;
            a.push_back(std::move(t));
        }
        return a;
    }
    case op::negate: {
        sum a = expand(e->args[0]);
        for (auto& t : a) t.coefficient = -t.coefficient;
        return a;
    }
    case op::multiply: return multiply(expand(e->args[0]), expand(e->args[1]));
    case op::divide: {
        const sum divisor = expand(e->args[1]);
        if (divisor.size() == 1) {
            term inverse{1 / divisor[0].coefficient, {}};
            for (const auto& [f, p] : divisor[0].factors) inverse.factors.emplace_back(f, -p);
            return multiply(expand(e->args[0]), {inverse});
        }
        return multiply(expand(e->args[0]), {term{1, {{e->args[1], -1}}}});
    }
    case op::power: {
        const ptr& exponent = e->args[1];
        if (exponent->kind == op::number && exponent->value == std::round(exponent->value) &&
            std::abs(exponent->value) <= 8) {
            const int n = static_cast<int>(exponent->value);
            const sum base = expand(e->args[0]);
            if (base.size() == 1) {
                term t{std::pow(base[0].coefficient, n), {}};
                for (const auto& [f, p] : base[0].factors) t.factors.emplace_back(f, p * n);
                return {t};
            }
            if (n >= 0) {
                sum result{term{1, {}}};
                for (int k = 0; k < n; ++k) result = multiply(result, base);
                return result;
            }
        }
        return single(e);
    }
    default: return single(e);
    }
}

bool mentions_any(const ptr& e, const std::vector<std::string>& variables) {
    for (const auto& v : variables)
        if (depends_on(e, v)) return true;
    return false;
}

// coefficient * (factors with positive powers) / (factors with negative
// powers): divisions rather than x**-1, which costs a pow() per evaluation.
ptr rebuild(const term& t) {
    auto power_of = [](const ptr& f, int p) {
        if (p == 1) return f;
        if (p == 2) return binary(op::multiply, f, f);
        return binary(op::power, f, number(p));
    };
    ptr product = number(t.coefficient);
    for (const auto& [f, p] : t.factors)
        if (p > 0) product = binary(op::multiply, product, power_of(f, p));
    for (const auto& [f, p] : t.factors)
        if (p < 0) product = binary(op::divide, product, power_of(f, -p));
    return product;
}

void add_to(ptr& total, const ptr& e) { total = total ? binary(op::add, total, e) : e; }

} // namespace

linear_split split_linear(const ptr& f, const std::vector<std::string>& variables, bool nonlinear_in_constant) {
    linear_split result;
    result.coefficients.assign(variables.size(), nullptr);
    for (const term& t : expand(f)) {
        // Which variables appear as bare factors, and with which power?
        int linear_index = -1;
        bool problem = false;
        term rest{t.coefficient, {}};
        for (const auto& [factor, power] : t.factors) {
            if (factor->kind == op::name) {
                auto it = std::find(variables.begin(), variables.end(), factor->name);
                if (it != variables.end()) {
                    if (power != 1 || linear_index >= 0) problem = true;
                    linear_index = static_cast<int>(it - variables.begin());
                    continue;
                }
            }
            rest.factors.emplace_back(factor, power);
        }
        const bool rest_mentions = std::any_of(rest.factors.begin(), rest.factors.end(),
                                               [&](const auto& fp) { return mentions_any(fp.first, variables); });
        if (!problem && linear_index < 0 && (!rest_mentions || nonlinear_in_constant)) {
            add_to(result.constant, rebuild(t));
            continue;
        }
        if (problem || rest_mentions) {
            result.problem = to_string(rebuild(t));
            return result;
        }
        add_to(result.coefficients[static_cast<std::size_t>(linear_index)], rebuild(rest));
    }
    for (auto& c : result.coefficients)
        if (c) c = simplify(c);
    if (result.constant) result.constant = simplify(result.constant);
    return result;
}

} // namespace cellfit::expr
