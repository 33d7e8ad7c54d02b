#pragma once

#include <cellfit/export.hpp>
#include <cellfit/units/dimension.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cellfit {

// A value in SI base units with its dimension: 20*nS is {2e-8, S}.
struct quantity {
    double value = 0;
    dimension dim;
};

// A unit name Brian resolves in equations, with its value.
struct unit_definition {
    std::string name;     // "mV", "ufarad", "um2"
    quantity value;       // {1e-3, V}
    bool base_form;       // allowed after the colon of an equation: volt, siemens, Hz (not mV, metre2)
};

// Every unit name Brian 2 accepts in equations: 32 units with the 16 prefixes
// y..m, k..Y and powers 2 and 3 (volt, mvolt2, ...), kelvin and kilogram
// without prefixes, litre with all 20 prefixes, the c prefix for metre
// (cmetre, cm2), and the short forms (mV, nS, mS, pF, ms, Hz, um2, mM, ...).
CELLFIT_API const unit_definition* find_unit(std::string_view name) noexcept;
CELLFIT_API const std::vector<unit_definition>& all_units();

// A readable rendering: "30 nS", "-65 mV", "0.1 uF/cm^2", "1e-09 A" never
// "3e-08 m^-2 kg^-1 s^3 A^2". Picks a named unit for the dimension with the
// prefix that puts the number in [1, 1000), and falls back to base units.
CELLFIT_API std::string format_quantity(const quantity& q, int significant_digits = 6);

// The readable name of a dimension: "volt", "siemens", "amp/metre^2", "1".
CELLFIT_API std::string unit_name(const dimension& dim);

} // namespace cellfit
