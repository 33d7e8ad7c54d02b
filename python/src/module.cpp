// cellfit._cellfit: the native half of the cellfit Python package.

#include "bindings.hpp"

#include <cellfit/version.hpp>

PYBIND11_MODULE(_cellfit, m) {
    m.doc() = "cellfit's C++ fitters, plugin registry and units (use the cellfit package)";
    m.attr("__version__") = CELLFIT_VERSION_STRING;
    cellfit::python::bind_registry(m);
    cellfit::python::bind_fitter(m);
}
