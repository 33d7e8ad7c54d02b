#pragma once

// Conversions between Python values and the C++ API's types, shared by the
// bindings: numpy arrays to tables (one copy, into the layout the C++ side
// owns), option dictionaries to raw_options, and back.

#include <cellfit/fit/fit_options.hpp>
#include <cellfit/lookup_table.hpp>
#include <cellfit/matrix.hpp>
#include <cellfit/options.hpp>
#include <cellfit/units/dimension.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <map>
#include <string>
#include <vector>

namespace cellfit::python {

namespace py = pybind11;

using float_array = py::array_t<double, py::array::c_style | py::array::forcecast>;

// A 1-d (one row) or 2-d (rows x steps) array of numbers, SI. `what` names
// it in errors ("input 'I'").
lookup_table to_table(const py::handle& values, const std::string& what);
std::vector<std::vector<double>> to_rows(const py::handle& values, const std::string& what);
std::vector<double> to_vector(const py::handle& values, const std::string& what);

// Rows of equal length to a 2-d array; ragged rows are an internal error.
float_array to_array(const std::vector<std::vector<double>>& rows);
float_array to_array(const matrix& m);
float_array to_array(const std::vector<double>& values);

// {"F": 0.8, "variant": 2} or [("F", "0.8")] to raw_options: every value as
// text (booleans as true/false, floats written to round-trip).
raw_options to_raw_options(const py::handle& options, const std::string& what);

// A dict name -> float.
std::map<std::string, double> to_values(const py::handle& values, const std::string& what);
py::dict to_dict(const std::map<std::string, double>& values);

// The seven SI exponents (metre, kilogram, second, amp, kelvin, mole,
// candela), as Brian orders them.
py::tuple to_exponents(const dimension& dim);

} // namespace cellfit::python
