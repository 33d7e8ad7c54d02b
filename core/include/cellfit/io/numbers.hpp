#pragma once

// The one way cellfit reads and writes a number as text: in files (CSV
// tables, results, spike times), options and generated code. Independent of
// the locale, and exact: format_number then parse_number gives back the same
// double, infinities and NaN included.

#include <cellfit/export.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace cellfit {

// A decimal or scientific number ("-1.5", "2e-3"), or inf, -inf, nan (any
// case); nullopt for anything else, including empty text and trailing
// characters. Spaces and tabs around it are ignored.
CELLFIT_API std::optional<double> parse_number(std::string_view text);

// %.17g (enough digits to round-trip), with "inf", "-inf" and "nan".
CELLFIT_API std::string format_number(double x);

} // namespace cellfit
