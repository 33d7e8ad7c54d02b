// Readable units for messages and results: "30 nS", "-65 mV",
// "120 mS/cm^2", and Brian-syntax unit names for suggestions.

#include <cellfit/units/quantity.hpp>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace cellfit {

namespace {


struct named_unit {
    const char* symbol;  // for printing values: "V"
    const char* name;    // Brian syntax: "volt"
    dimension dim;
};

// In order of preference, the units a neuroscientist reads.
const std::vector<named_unit>& preferred_units() {
    static const std::vector<named_unit> units = {
        {"V", "volt", dimension::si(2, 1, -3, -1)},   {"A", "amp", dimension::si(0, 0, 0, 1)},
        {"S", "siemens", dimension::si(-2, -1, 3, 2)}, {"F", "farad", dimension::si(-2, -1, 4, 2)},
        {"ohm", "ohm", dimension::si(2, 1, -3, -2)},  {"s", "second", dimension::si(0, 0, 1, 0)},
        {"Hz", "hertz", dimension::si(0, 0, -1, 0)},  {"m", "metre", dimension::si(1, 0, 0, 0)},
        {"g", "kilogram", dimension::si(0, 1, 0, 0)}, {"mol", "mole", dimension::si(0, 0, 0, 0, 0, 1)},
        {"K", "kelvin", dimension::si(0, 0, 0, 0, 1)}, {"cd", "candle", dimension::si(0, 0, 0, 0, 0, 0, 1)},
        {"C", "coulomb", dimension::si(0, 0, 1, 1)},  {"J", "joule", dimension::si(2, 1, -2, 0)},
        {"W", "watt", dimension::si(2, 1, -3, 0)},    {"N", "newton", dimension::si(1, 1, -2, 0)},
        {"Pa", "pascal", dimension::si(-1, 1, -2, 0)}, {"T", "tesla", dimension::si(0, 1, -2, -1)},
        {"Wb", "weber", dimension::si(2, 1, -2, -1)}, {"H", "henry", dimension::si(2, 1, -2, -2)},
    };
    return units;
}

const named_unit* named_for(const dimension& dim) {
    for (const auto& u : preferred_units())
        if (u.dim == dim) return &u;
    return nullptr;
}

std::string number(double v, int digits) {
    std::ostringstream out;
    out << std::setprecision(digits) << v;
    return out.str();
}

// value in the unit -> "<number> <prefix><symbol>", with the number in [1, 1000).
std::string with_prefix(double value, const char* symbol, int digits, bool grams) {
    static constexpr struct {
        int exponent;
        const char* name;
    } prefixes[] = {{-15, "f"}, {-12, "p"}, {-9, "n"}, {-6, "u"}, {-3, "m"}, {0, ""},
                    {3, "k"},   {6, "M"},   {9, "G"},  {12, "T"}};
    if (grams) value *= 1e3;  // the SI value is in kilograms
    int exponent = 0;
    if (value != 0 && std::isfinite(value)) {
        exponent = static_cast<int>(std::floor(std::log10(std::abs(value)) / 3)) * 3;
        exponent = std::clamp(exponent, -15, 12);
    }
    // Rounding may carry to 1000 (999.9999999 mV): move up one prefix.
    double scaled = value / std::pow(10.0, exponent);
    if (std::abs(std::stod(number(scaled, digits))) >= 1000 && exponent < 12) {
        exponent += 3;
        scaled = value / std::pow(10.0, exponent);
    }
    for (const auto& p : prefixes)
        if (p.exponent == exponent) return number(scaled, digits) + " " + p.name + symbol;
    return number(value, digits) + " " + symbol;
}

} // namespace

std::string format_quantity(const quantity& q, int digits) {
    if (q.dim.is_dimensionless()) return number(q.value, digits);
    if (const auto* u = named_for(q.dim)) return with_prefix(q.value, u->symbol, digits, u->dim == dimension::si(0, 1, 0, 0));
    // Densities per membrane area, as physiologists write them: mS/cm^2.
    const dimension per_area = q.dim * dimension::si(2, 0, 0, 0);
    if (const auto* u = named_for(per_area))
        return with_prefix(q.value * 1e-4, (std::string(u->symbol) + "/cm^2").c_str(), digits, false);
    // Squares of named units (a mean squared error): mV^2, with the prefix
    // that puts the number in [0.001, 1000).
    const dimension root = q.dim.pow(rational(1, 2));
    if (const auto* u = named_for(root); u && u->dim != dimension::si(0, 1, 0, 0)) {
        static constexpr struct {
            int exponent;
            const char* name;
        } prefixes[] = {{-15, "f"}, {-12, "p"}, {-9, "n"}, {-6, "u"}, {-3, "m"}, {0, ""}, {3, "k"}, {6, "M"}};
        int exponent = 0;
        if (q.value != 0 && std::isfinite(q.value))
            exponent = std::clamp(static_cast<int>(std::floor((std::log10(std::abs(q.value)) + 3) / 6)) * 3, -15, 6);
        for (const auto& p : prefixes)
            if (p.exponent == exponent)
                return number(q.value / std::pow(10.0, 2 * exponent), digits) + " " + p.name + u->symbol + "^2";
    }
    return number(q.value, digits) + " " + q.dim.to_string();
}

std::string unit_name(const dimension& dim) {
    if (dim.is_dimensionless()) return "1";
    if (const auto* u = named_for(dim)) return u->name;
    // Rates of named units (volt/second), then densities (siemens/metre**2).
    if (const auto* u = named_for(dim * dimension::si(0, 0, 1, 0))) return std::string(u->name) + "/second";
    for (int k = 1; k <= 3; ++k) {
        const dimension metre_k = dimension::si(k, 0, 0, 0);
        const std::string power = k == 1 ? "" : "**" + std::to_string(k);
        if (const auto* u = named_for(dim * metre_k)) return std::string(u->name) + "/metre" + power;
        if (const auto* u = named_for(dim / metre_k)) return std::string(u->name) + "*metre" + power;
    }
    // Squares of named units (an MSE of volts: volt**2).
    if (const auto* u = named_for(dim.pow(rational(1, 2))); u && !dim.pow(rational(1, 2)).is_dimensionless())
        return std::string(u->name) + "**2";
    // Base units: metre**2*kilogram*second**-3.
    static constexpr const char* names[] = {"metre", "kilogram", "second", "amp", "kelvin", "mole", "candle"};
    std::string text;
    for (int k = 0; k < dimension::count; ++k) {
        const rational e = dim.exponent(static_cast<dimension::base>(k));
        if (e.is_zero()) continue;
        if (!text.empty()) text += "*";
        text += names[k];
        if (!(e == rational(1))) text += "**" + (e.den() == 1 ? e.to_string() : "(" + e.to_string() + ")");
    }
    return text;
}

} // namespace cellfit
