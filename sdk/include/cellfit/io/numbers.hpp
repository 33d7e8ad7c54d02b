#pragma once

// The one way cellfit reads and writes a number as text: in files (CSV
// tables, results, spike times), options and generated code. Independent of
// the locale (a program that embeds cellfit may set one), and exact:
// format_number then parse_number gives back the same double, the sign of
// zero and infinities included (NaN comes back as NaN, without its sign).

#include <cellfit/export.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace cellfit {

// A decimal or scientific number ("-1.5", "+2e-3"), or inf, -inf, nan (any
// case); nullopt for anything else: empty text, trailing characters, hex.
// Spaces and tabs around it are ignored.
CELLFIT_API std::optional<double> parse_number(std::string_view text);

// As %.17g writes it in the C locale (enough digits to round-trip), with
// "inf", "-inf" and "nan" (never "-nan").
CELLFIT_API std::string format_number(double x);

} // namespace cellfit
