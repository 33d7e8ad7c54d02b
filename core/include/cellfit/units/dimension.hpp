#pragma once

#include <cellfit/export.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace cellfit {

// An exact fraction num/den with den > 0 and gcd(num, den) = 1. Exponents of
// dimensions are rational so that tau**-0.5 and sqrt(second) work.
class CELLFIT_API rational {
public:
    constexpr rational(std::int64_t n = 0) : num_(n), den_(1) {}
    rational(std::int64_t num, std::int64_t den);

    std::int64_t num() const noexcept { return num_; }
    std::int64_t den() const noexcept { return den_; }
    bool is_zero() const noexcept { return num_ == 0; }
    double to_double() const noexcept { return static_cast<double>(num_) / static_cast<double>(den_); }

    // The fraction with denominator <= max_den closest to x, if it is within
    // 1e-9 of x; used for exponents written as decimals (0.5, -1.5).
    static bool from_double(double x, rational& out, std::int64_t max_den = 1000);

    friend rational operator+(rational a, rational b) { return {a.num_ * b.den_ + b.num_ * a.den_, a.den_ * b.den_}; }
    friend rational operator-(rational a, rational b) { return {a.num_ * b.den_ - b.num_ * a.den_, a.den_ * b.den_}; }
    friend rational operator*(rational a, rational b) { return {a.num_ * b.num_, a.den_ * b.den_}; }
    friend rational operator-(rational a) { return {-a.num_, a.den_}; }
    friend bool operator==(rational a, rational b) = default;

    std::string to_string() const;  // "2", "-1/3", "-1.5" where exact

private:
    std::int64_t num_;
    std::int64_t den_;
};

// A physical dimension: the exponents of the seven SI base units, in the
// order metre, kilogram, second, ampere, kelvin, mole, candela.
class CELLFIT_API dimension {
public:
    static constexpr int count = 7;
    enum base { length, mass, time, current, temperature, amount, luminosity };

    constexpr dimension() = default;
    static dimension of(base b, rational exponent = 1);
    // From integer exponents of m, kg, s, A, K, mol, cd: si(2, 1, -3, -1) is volt.
    static dimension si(int m, int kg, int s, int A, int K = 0, int mol = 0, int cd = 0);

    rational exponent(base b) const noexcept { return exps_[b]; }
    bool is_dimensionless() const noexcept;

    friend dimension operator*(const dimension& a, const dimension& b);
    friend dimension operator/(const dimension& a, const dimension& b);
    dimension pow(rational p) const;
    friend bool operator==(const dimension&, const dimension&) = default;

    // SI base units with exponents, as Brian prints them: "m^2 kg s^-3 A^-1";
    // "1" when dimensionless.
    std::string to_string() const;

private:
    std::array<rational, count> exps_{};
};

} // namespace cellfit
