#pragma once

// The parts of the cellfit._cellfit module, each defined in its own file.

#include <pybind11/pybind11.h>

namespace cellfit::python {

void bind_registry(pybind11::module_& m);  // Registry, errors, units
void bind_fitter(pybind11::module_& m);    // Fitter

} // namespace cellfit::python
