#include <cellfit/error.hpp>
#include <cellfit/units/dimension.hpp>

#include <cmath>
#include <numeric>
#include <string>

namespace cellfit {

rational::rational(std::int64_t num, std::int64_t den) {
    if (den == 0) throw input_error("a unit exponent has a zero denominator");
    if (den < 0) {
        num = -num;
        den = -den;
    }
    const std::int64_t g = std::gcd(num, den);
    num_ = g ? num / g : 0;
    den_ = g ? den / g : 1;
    // Exponents stay small in any real unit; refusing huge ones keeps every
    // product of two of them (as + - * compute) inside 64 bits.
    constexpr std::int64_t limit = std::int64_t{1} << 30;
    if (num_ > limit || num_ < -limit || den_ > limit)
        throw input_error("a unit exponent is out of range (" + std::to_string(num_) + "/" + std::to_string(den_) + ")");
}

bool rational::from_double(double x, rational& out, std::int64_t max_den) {
    if (!std::isfinite(x)) return false;
    for (std::int64_t den = 1; den <= max_den; ++den) {
        const double scaled = x * static_cast<double>(den);
        const double rounded = std::round(scaled);
        if (std::abs(scaled - rounded) < 1e-9 * static_cast<double>(den) && std::abs(rounded) < 1e9) {
            out = rational(static_cast<std::int64_t>(rounded), den);
            return true;
        }
    }
    return false;
}

std::string rational::to_string() const {
    if (den_ == 1) return std::to_string(num_);
    // Halves, quarters, fifths...: exact as decimals, and Brian prints them so.
    std::int64_t d = den_;
    while (d % 2 == 0) d /= 2;
    while (d % 5 == 0) d /= 5;
    if (d == 1) {
        std::string text = std::to_string(to_double());
        text.erase(text.find_last_not_of('0') + 1);
        return text;
    }
    return std::to_string(num_) + "/" + std::to_string(den_);
}

dimension dimension::of(base b, rational exponent) {
    dimension d;
    d.exps_[b] = exponent;
    return d;
}

dimension dimension::si(int m, int kg, int s, int A, int K, int mol, int cd) {
    dimension d;
    const int exps[count] = {m, kg, s, A, K, mol, cd};
    for (int k = 0; k < count; ++k) d.exps_[k] = exps[k];
    return d;
}

bool dimension::is_dimensionless() const noexcept {
    for (const auto& e : exps_)
        if (!e.is_zero()) return false;
    return true;
}

dimension operator*(const dimension& a, const dimension& b) {
    dimension d;
    for (int k = 0; k < dimension::count; ++k) d.exps_[k] = a.exps_[k] + b.exps_[k];
    return d;
}

dimension operator/(const dimension& a, const dimension& b) {
    dimension d;
    for (int k = 0; k < dimension::count; ++k) d.exps_[k] = a.exps_[k] - b.exps_[k];
    return d;
}

dimension dimension::pow(rational p) const {
    dimension d;
    for (int k = 0; k < count; ++k) d.exps_[k] = exps_[k] * p;
    return d;
}

std::string dimension::to_string() const {
    static constexpr const char* symbols[count] = {"m", "kg", "s", "A", "K", "mol", "cd"};
    std::string text;
    for (int k = 0; k < count; ++k) {
        if (exps_[k].is_zero()) continue;
        if (!text.empty()) text += ' ';
        text += symbols[k];
        if (!(exps_[k] == rational(1))) text += "^" + exps_[k].to_string();
    }
    return text.empty() ? "1" : text;
}

} // namespace cellfit
