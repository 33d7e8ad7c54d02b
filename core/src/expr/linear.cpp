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

// coefficient * prod(factor_k ** power_k). Powers are real: a bare variable
// may carry any numeric exponent (v**0.5), as in sympy.
struct term {
    double coefficient = 1;
    std::vector<std::pair<ptr, double>> factors;
};

using sum = std::vector<term>;

void multiply_factor(term& t, const ptr& f, double power) {
    for (auto it = t.factors.begin(); it != t.factors.end(); ++it)
        if (equal(it->first, f)) {
            it->second += power;
            if (it->second == 0) t.factors.erase(it);  // v/v is 1, as sympy has it
            return;
        }
    t.factors.emplace_back(f, power);
}

bool same_factors(const term& a, const term& b) {
    if (a.factors.size() != b.factors.size()) return false;
    for (const auto& factor : a.factors) {
        const bool found = std::any_of(b.factors.begin(), b.factors.end(), [&](const auto& g) {
            return g.second == factor.second && equal(g.first, factor.first);
        });
        if (!found) return false;
    }
    return true;
}

// Like terms added up and zero terms dropped, as sympy's automatic
// simplification does: (v + 1)*(v - 1) - v**2 has no v**2 term.
sum combine_like_terms(const sum& s) {
    sum out;
    for (const term& t : s) {
        auto like = std::find_if(out.begin(), out.end(), [&](const term& u) { return same_factors(u, t); });
        if (like == out.end()) out.push_back(t);
        else like->coefficient += t.coefficient;
    }
    std::erase_if(out, [](const term& t) { return t.coefficient == 0; });
    return out;
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
    return combine_like_terms(out);
}

sum single(const ptr& e) { return {term{1, {{e, 1}}}}; }

// Products and integer powers of sums are multiplied out while they stay
// under this many terms (sympy's expand has no limit; past it a model is far
// from anything published, and expanding it would take long): beyond, the
// product or power stays one opaque factor, listed in `truncated`.
constexpr std::size_t max_expanded_terms = 4096;

struct expansion {
    std::vector<ptr> truncated;  // parts left whole because they were too large
};

sum expand(const ptr& e, expansion& ctx);

sum truncated(const ptr& e, expansion& ctx) {
    ctx.truncated.push_back(e);
    return single(e);
}

// e = base**n for a number n, expanded as sympy's expand does.
sum expand_power(const ptr& e, double n, expansion& ctx) {
    const ptr& base = e->args[0];
    if (n != std::round(n)) {
        // A name keeps its power (v**0.5); sympy also pulls a positive number
        // out of a product, (2*v)**0.5 = 2**0.5*v**0.5, and leaves the rest whole.
        if (base->kind == op::name) return {term{1, {{base, n}}}};
        const sum b = expand(base, ctx);
        if (b.size() == 1 && b[0].coefficient > 0 && b[0].factors.size() == 1 &&
            b[0].factors[0].first->kind == op::name && b[0].factors[0].second == 1)
            return {term{std::pow(b[0].coefficient, n), {{b[0].factors[0].first, n}}}};
        return single(e);
    }
    const sum b = expand(base, ctx);
    if (b.size() == 1) {  // a product: each factor to the n
        term t{std::pow(b[0].coefficient, n), {}};
        if (n != 0)
            for (const auto& [f, p] : b[0].factors) t.factors.emplace_back(f, p * n);
        return {t};
    }
    if (b.empty()) return n > 0 ? sum{} : n == 0 ? sum{term{1, {}}} : single(e);
    if (n < 0) return single(e);  // a denominator, as sympy leaves it
    if (n > static_cast<double>(max_expanded_terms)) return truncated(e, ctx);
    sum result{term{1, {}}};
    for (double k = 0; k < n; ++k) {
        if (result.size() * b.size() > max_expanded_terms) return truncated(e, ctx);
        result = multiply(result, b);
    }
    return result;
}

// Expands products over sums and integer powers of sums, as sympy's expand
// does. Divisions by a single product invert its factors; other divisors stay
// opaque factors with power -1. A name raised to a non-integer number keeps
// that power (v**0.5); other non-integer powers stay opaque, as sympy leaves
// (v*w)**0.5 for real v and w.
sum expand(const ptr& e, expansion& ctx) {
    switch (e->kind) {
    case op::number: return e->value == 0 ? sum{} : sum{term{e->value, {}}};
    case op::add:
    case op::subtract: {
        sum a = expand(e->args[0], ctx);
        sum b = expand(e->args[1], ctx);
        if (a.size() + b.size() > max_expanded_terms) return truncated(e, ctx);
        if (e->kind == op::subtract)
            for (auto& t : b) t.coefficient = -t.coefficient;
        a.insert(a.end(), b.begin(), b.end());
        return combine_like_terms(a);
    }
    case op::negate: {
        sum a = expand(e->args[0], ctx);
        for (auto& t : a) t.coefficient = -t.coefficient;
        return a;
    }
    case op::multiply: {
        const sum a = expand(e->args[0], ctx), b = expand(e->args[1], ctx);
        if (a.size() * b.size() > max_expanded_terms) return truncated(e, ctx);
        return multiply(a, b);
    }
    case op::divide: {
        const sum divisor = expand(e->args[1], ctx);
        if (divisor.size() == 1) {
            term inverse{1 / divisor[0].coefficient, {}};
            for (const auto& [f, p] : divisor[0].factors) inverse.factors.emplace_back(f, -p);
            return multiply(expand(e->args[0], ctx), {inverse});
        }
        return multiply(expand(e->args[0], ctx), {term{1, {{e->args[1], -1}}}});
    }
    case op::power: {
        const ptr& exponent = e->args[1];
        if (exponent->kind != op::number || !std::isfinite(exponent->value)) return single(e);
        return expand_power(e, exponent->value, ctx);
    }
    default: return single(e);
    }
}

sum expand(const ptr& e) {
    expansion ctx;
    return expand(e, ctx);
}

bool mentions_any(const ptr& e, const std::vector<std::string>& variables) {
    for (const auto& v : variables)
        if (depends_on(e, v)) return true;
    return false;
}

// coefficient * (factors with positive powers) / (factors with negative
// powers): divisions rather than x**-1, which costs a pow() per evaluation.
ptr rebuild(const term& t) {
    auto power_of = [](const ptr& f, double p) {
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

// A term as the user would write it, for messages: x**2/tau2.
std::string term_text(const term& t) {
    term written{1, {}};
    ptr product;
    for (const auto& [f, p] : t.factors)
        if (p > 0) {
            const ptr factor = p == 1 ? f : binary(op::power, f, number(p));
            product = product ? binary(op::multiply, product, factor) : factor;
        }
    if (!product || std::abs(t.coefficient) != 1) product = product ? binary(op::multiply, number(std::abs(t.coefficient)), product)
                                                                     : number(std::abs(t.coefficient));
    for (const auto& [f, p] : t.factors)
        if (p < 0) product = binary(op::divide, product, p == -1 ? f : binary(op::power, f, number(-p)));
    return (t.coefficient < 0 ? "-" : "") + to_string(product);
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

namespace cellfit::expr {

conditionally_linear_split split_conditionally_linear(const ptr& f, const std::string& x) {
    conditionally_linear_split result;
    std::vector<double> group_powers;  // the powers of bare x that occur: Brian's collect groups
    std::string other_power_term;
    std::string only_inside_term;
    expansion ctx;
    const sum terms = expand(f, ctx);
    for (const ptr& part : ctx.truncated)
        if (depends_on(part, x)) {
            result.problem = "the right-hand side is too large to expand (more than " + std::to_string(max_expanded_terms) +
                             " terms), so its split by powers of " + x + " cannot be decided";
            return result;
        }
    for (const term& t : terms) {
        double power = 0;
        term rest{t.coefficient, {}};
        for (const auto& [factor, p] : t.factors) {
            if (factor->kind == op::name && factor->name == x) power = p;
            else rest.factors.emplace_back(factor, p);
        }
        if (std::find(group_powers.begin(), group_powers.end(), power) == group_powers.end())
            group_powers.push_back(power);
        if (power == 1) {
            add_to(result.coefficient, rebuild(rest));
        } else if (power == 0) {
            if (only_inside_term.empty() && depends_on(rebuild(t), x)) only_inside_term = term_text(t);
            add_to(result.remainder, rebuild(t));
        } else if (other_power_term.empty()) {
            other_power_term = term_text(t);
        }
    }
    const bool has_first_power = result.coefficient != nullptr;
    if (!other_power_term.empty()) {
        // Brian keeps two groups: with exactly x and one other power, it
        // integrates as if that other term were not there.
        const bool brian_drops_it = group_powers.size() == 2 && has_first_power;
        result.problem = "the term '" + other_power_term + "' is a power of " + x + " other than the first" +
                         (brian_drops_it ? " (Brian 2 would leave it out of the integration without a word; "
                                           "cellfit refuses instead)"
                                         : "");
    } else if (!has_first_power && !only_inside_term.empty()) {
        result.problem = "no term is proportional to " + x + ", which appears only inside '" + only_inside_term + "'";
    }
    if (result.coefficient) result.coefficient = simplify(result.coefficient);
    if (result.remainder) result.remainder = simplify(result.remainder);
    return result;
}

} // namespace cellfit::expr
