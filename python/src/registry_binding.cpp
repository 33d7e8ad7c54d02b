// cellfit._cellfit: the plugin registry, cellfit's errors as Python
// exceptions, and the unit helpers the Python package needs.

#include "bindings.hpp"
#include "convert.hpp"

#include <cellfit/fit/multistart.hpp>
#include <cellfit/error.hpp>
#include <cellfit/model/model.hpp>
#include <cellfit/options.hpp>
#include <cellfit/registry.hpp>
#include <cellfit/units/quantity.hpp>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <memory>

namespace cellfit::python {

namespace {

using namespace pybind11::literals;
namespace fs = std::filesystem;

// Created once, at import, and never freed: translators run while the
// module is alive.
struct exception_types {
    py::object error, input, model, option, plugin;
};
exception_types* exceptions = nullptr;

void define_exceptions(py::module_& m) {
    const py::object type = py::module_::import("builtins").attr("type");
    const auto make = [&](const char* name, py::tuple bases, const char* doc) {
        py::object cls = type(name, bases, py::dict("__doc__"_a = doc, "__module__"_a = "cellfit"));
        m.attr(name) = cls;
        return cls;
    };
    exceptions = new exception_types;
    exceptions->error = make("Error", py::make_tuple(py::handle(PyExc_RuntimeError)),
                             "Every error cellfit raises; the message names the place and the fix.");
    exceptions->input = make("InputError", py::make_tuple(exceptions->error, py::handle(PyExc_ValueError)),
                             "A bad argument, file or value.");
    exceptions->model = make("ModelError", py::make_tuple(exceptions->input),
                             "A problem in the model's equations, with its line and column.");
    exceptions->option = make("OptionError", py::make_tuple(exceptions->input),
                              "A plugin option that is unknown or of the wrong type; lists the valid ones.");
    exceptions->plugin = make("PluginError", py::make_tuple(exceptions->error),
                              "A plugin library that cannot be loaded or used.");
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const model_error& e) {
            PyErr_SetString(exceptions->model.ptr(), e.what());
        } catch (const option_error& e) {
            PyErr_SetString(exceptions->option.ptr(), e.what());
        } catch (const input_error& e) {
            PyErr_SetString(exceptions->input.ptr(), e.what());
        } catch (const plugin_error& e) {
            PyErr_SetString(exceptions->plugin.ptr(), e.what());
        } catch (const error& e) {
            PyErr_SetString(exceptions->error.ptr(), e.what());
        }
    });
}

py::dict describe(const registered_plugin& p) {
    py::list options;
    for (const option_spec& o : p.info.options)
        options.append(py::dict("name"_a = o.name, "type"_a = std::string(to_string(o.type)),
                                "default"_a = o.default_value, "help"_a = o.help, "choices"_a = o.choices,
                                "unit"_a = o.unit));
    return py::dict("name"_a = p.info.full_name(), "kind"_a = std::string(to_string(p.info.kind)),
                    "short_name"_a = p.info.name, "version"_a = p.info.version,
                    "description"_a = p.info.description, "library"_a = p.library.string(),
                    "options"_a = options);
}

plugin_kind read_kind(const std::string& text) {
    if (const auto k = parse_plugin_kind(text)) return *k;
    throw input_error("plugin kind '" + text + "': expected optimizer, metric, integrator or backend");
}

// The build tree's plugins first (the package runs from build/python), then
// the installed ones, CELLFIT_PLUGIN_PATH, and the folders given.
std::shared_ptr<plugin_registry> make_registry(const std::vector<fs::path>& plugin_dirs) {
    auto registry = std::make_shared<plugin_registry>();
    std::vector<fs::path> first;
#ifdef CELLFIT_PYTHON_BUILD_PLUGIN_DIR
    first.emplace_back(CELLFIT_PYTHON_BUILD_PLUGIN_DIR);
#endif
    py::gil_scoped_release released;
    registry->load_directories(embedded_plugin_search_path(first));
    for (const auto& dir : plugin_dirs) registry->load_directory(dir, /*required=*/true);
    return registry;
}

} // namespace

void bind_registry(py::module_& m) {
    define_exceptions(m);

    py::class_<plugin_registry, std::shared_ptr<plugin_registry>>(
        m, "Registry", "The plugins cellfit found: the build's or installation's, CELLFIT_PLUGIN_PATH's, and plugin_dirs.")
        .def(py::init(&make_registry), "plugin_dirs"_a = std::vector<fs::path>{})
        .def(
            "plugins",
            [](const plugin_registry& r, std::optional<std::string> kind) {
                std::optional<plugin_kind> k;
                if (kind) k = read_kind(*kind);
                py::list out;
                for (const registered_plugin* p : r.plugins(k)) out.append(describe(*p));
                return out;
            },
            "kind"_a = py::none())
        .def(
            "plugin",
            [](const plugin_registry& r, const std::string& kind, const std::string& name) {
                return describe(r.get(read_kind(kind), name));
            },
            "kind"_a, "name"_a, "The plugin of that name; InputError naming the closest when there is none.")
        .def(
            "check_options",
            [](const plugin_registry& r, const std::string& kind, const std::string& name, const py::handle& options) {
                const plugin_kind k = read_kind(kind);
                // optimizer multistart is the fitter's own, not a plugin library's.
                const plugin_info& info = k == plugin_kind::optimizer && is_multistart(name) ? multistart_info()
                                                                                             : r.get(k, name).info;
                validate_options(info, to_raw_options(options, kind + " " + name));
            },
            "kind"_a, "name"_a, "options"_a, "Raises OptionError for an unknown option or a value of the wrong type.")
        .def("diagnostics",
             [](const plugin_registry& r) {
                 py::list out;
                 for (const load_diagnostic& d : r.diagnostics())
                     out.append(py::make_tuple(d.level == load_diagnostic::severity::error ? "error" : "warning",
                                               d.path.string(), d.message));
                 return out;
             })
;

    m.def(
        "unit_exponents",
        [](const std::string& text) {
            const quantity q = evaluate_quantity(text, "unit");
            return py::make_tuple(q.value, to_exponents(q.dim));
        },
        "text"_a, "The value in SI and the seven SI exponents of a unit or quantity: '10*mV' -> (0.01, (2, 1, -3, -1, 0, 0, 0)).");
    m.def(
        "unit_name", [](const std::string& text) { return unit_name(evaluate_quantity(text, "unit").dim); },
        "text"_a, "The readable name of a unit's dimension: 'metre**2*kilogram*second**-3*amp**-1' -> 'volt'.");
}

} // namespace cellfit::python
