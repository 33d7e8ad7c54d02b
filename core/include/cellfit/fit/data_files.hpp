#pragma once

// What an embedding program needs to give a fitter its data: quantities
// written as in Brian ("10*nS") in SI, and CSV recordings (one row per
// trace, one column per step) read into fit_data's inputs and outputs.

#include <cellfit/export.hpp>
#include <cellfit/fit/fit_data.hpp>
#include <cellfit/lookup_table.hpp>
#include <cellfit/units/quantity.hpp>

#include <filesystem>
#include <string>

namespace cellfit {

// The value in SI of a quantity such as "10*nS" or "0.1*uF/cm**2", which
// must have the dimension of `unit` ("siemens", "nS", "farad/metre**2").
// Throws input_error naming the text and both units.
CELLFIT_API double quantity_in_si(const std::string& text, const std::string& unit);

// A CSV table of values in `unit` ("nA"), in SI: for fit_data::inputs (an
// input or a timed array). Throws input_error naming the file, row and
// column of a value that is missing, NaN or infinite.
CELLFIT_API lookup_table read_input_table(const std::filesystem::path& file, const std::string& unit);
// The same with the unit as a quantity ({1e-9, amp} for nA).
CELLFIT_API lookup_table read_input_table(const std::filesystem::path& file, const quantity& unit);

// The same, as the recorded traces of `variable`: for fit_data::outputs.
CELLFIT_API trace_output read_trace_output(const std::string& variable, const std::filesystem::path& file,
                                           const std::string& unit);

} // namespace cellfit
