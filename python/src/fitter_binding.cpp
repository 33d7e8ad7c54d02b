// cellfit._cellfit.Fitter: the C++ fitter as Python sees it. Arguments come
// as plain dicts and numpy arrays in SI (the cellfit package turns Brian
// quantities and the toolbox's arguments into these); the GIL is released
// while rounds run, and taken back between rounds for the callback and for
// Ctrl-C.

#include "bindings.hpp"
#include "convert.hpp"

#include <cellfit/error.hpp>
#include <cellfit/fit/fitter.hpp>
#include <cellfit/registry.hpp>

#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>

namespace cellfit::python {

namespace {

using namespace pybind11::literals;

// d[key] as T, or nullopt when absent or None; a value of the wrong type is
// an input_error naming the key (not pybind11's bare cast error).
template <class T>
std::optional<T> get_optional(const py::dict& d, const char* key) {
    if (!d.contains(key) || d[key].is_none()) return std::nullopt;
    try {
        return d[key].cast<T>();
    } catch (const py::cast_error&) {
        throw input_error(std::string(key) + ": expected " + py::type_id<T>() + ", got " +
                          std::string(py::repr(d[key])));
    }
}

template <class T>
T get(const py::dict& d, const char* key, T fallback) {
    return get_optional<T>(d, key).value_or(std::move(fallback));
}

using text_pairs = std::vector<std::pair<std::string, std::string>>;

model_spec read_spec(const py::dict& d) {
    model_spec spec;
    spec.equations = get<std::string>(d, "equations", "");
    spec.origin = get<std::string>(d, "origin", "model");
    spec.threshold = get_optional<std::string>(d, "threshold");
    spec.reset = get_optional<std::string>(d, "reset");
    spec.refractory = get_optional<std::string>(d, "refractory");
    spec.constants = get<text_pairs>(d, "constants", {});
    spec.inputs = get<text_pairs>(d, "inputs", {});
    spec.timed_arrays = get<text_pairs>(d, "timed_arrays", {});
    spec.constant_hint = "a value for NAME in the caller's namespace (El = -65*mV), as Brian resolves names";
    spec.input_hint = "an input: input={'NAME': values}";
    return spec;
}

fit_data read_data(const py::dict& d) {
    fit_data data;
    data.dt = get<double>(d, "dt", 0.0);
    data.n_steps = get<std::size_t>(d, "n_steps", 0);
    if (d.contains("inputs"))
        for (const auto& [name, values] : d["inputs"].cast<py::dict>()) {
            const std::string n = py::str(name);
            data.inputs[n] = to_table(values, "input '" + n + "'");
        }
    if (d.contains("outputs"))
        for (const auto& [name, values] : d["outputs"].cast<py::dict>()) {
            const std::string n = py::str(name);
            data.outputs.push_back({n, to_rows(values, "output '" + n + "'")});
        }
    if (d.contains("spikes") && !d["spikes"].is_none()) {
        std::size_t k = 0;
        for (const auto& train : d["spikes"])
            data.spikes.push_back(to_vector(train, "the spike times of trace " + std::to_string(k++)));
    }
    return data;
}

fitter_settings read_settings(const py::dict& d) {
    fitter_settings s;
    s.n_samples = get<std::size_t>(d, "n_samples", s.n_samples);
    s.method = get<std::string>(d, "method", "");
    s.backend = get<std::string>(d, "backend", s.backend);
    s.threads = get<unsigned>(d, "threads", s.threads);
    if (d.contains("fixed_parameters")) s.fixed_parameters = to_values(d["fixed_parameters"], "fixed parameters");
    s.param_init = get<text_pairs>(d, "param_init", {});
    s.penalty = get<std::string>(d, "penalty", "");
    return s;
}

std::map<std::string, fit_bound> read_bounds(const py::handle& bounds) {
    std::map<std::string, fit_bound> out;
    if (bounds.is_none()) return out;
    for (const auto& [name, value] : bounds.cast<py::dict>()) {
        const auto t = value.cast<py::tuple>();
        if (t.size() != 3) throw input_error("bound of '" + std::string(py::str(name)) + "': expected (low, high, log)");
        out[py::str(name)] = {t[0].cast<double>(), t[1].cast<double>(), t[2].cast<bool>()};
    }
    return out;
}

gradient_kind read_gradient(const std::string& text) {
    if (text == "fd") return gradient_kind::finite_differences;
    if (text == "discrete") return gradient_kind::discrete;
    if (text == "sensitivity") return gradient_kind::sensitivity;
    throw input_error("gradient '" + text + "': expected fd, discrete or sensitivity");
}

// Takes the GIL, asks Python whether a signal arrived (Ctrl-C runs the
// KeyboardInterrupt handler here), and keeps the exception for later: the
// fit stops after this round and the exception is raised once it returned.
struct python_interrupt {
    std::optional<py::error_already_set> pending;

    bool check() {
        if (PyErr_CheckSignals() != 0) pending.emplace();
        return pending.has_value();
    }
    // With the GIL held: Ctrl-C, then the callback (None: no callback), whose
    // truth stops the run; an exception it raises is kept and stops it too.
    template <class... Args>
    bool ask(py::handle callback, Args&&... args) {
        if (check()) return true;
        if (callback.is_none()) return false;
        try {
            return py::bool_(callback(std::forward<Args>(args)...)).cast<bool>();
        } catch (py::error_already_set& e) {
            pending.emplace(std::move(e));
            return true;
        }
    }
    void raise_if_pending() {
        if (pending) {
            py::error_already_set e = std::move(*pending);
            pending.reset();
            throw e;
        }
    }
};

// What Python's callback receives each round. Built only when there is one.
py::dict round_dict(const round_report& r) {
    return py::dict("round"_a = r.round, "n_rounds"_a = r.n_rounds, "parameter_names"_a = *r.parameter_names,
                    "samples"_a = to_array(*r.samples), "errors"_a = to_array(*r.errors),
                    "best_params"_a = to_dict(*r.best_params), "best_error"_a = r.best_error,
                    "error_unit"_a = r.error_unit, "best_params_text"_a = r.best_params_text,
                    "best_error_text"_a = r.best_error_text, "seconds"_a = r.seconds, "diverged"_a = r.diverged);
}

fit_options read_fit_options(const py::dict& d) {
    fit_options o;
    o.optimizer = get<std::string>(d, "optimizer", "");
    if (d.contains("optimizer_options")) o.optimizer_options = to_raw_options(d["optimizer_options"], "optimizer");
    if (d.contains("metrics"))
        for (const auto& item : d["metrics"]) {
            const auto t = item.cast<py::tuple>();
            if (t.size() != 3) throw input_error("metrics: expected (output, name, options) triples");
            o.metrics.push_back({t[0].cast<std::string>(), t[1].cast<std::string>(),
                                 to_raw_options(t[2], "metric '" + t[1].cast<std::string>() + "'")});
        }
    o.n_rounds = get<std::size_t>(d, "n_rounds", o.n_rounds);
    o.restart = get<bool>(d, "restart", false);
    o.start_iteration = get_optional<std::size_t>(d, "start_iteration");
    o.penalty = get_optional<std::string>(d, "penalty");
    if (d.contains("bounds")) o.bounds = read_bounds(d["bounds"]);
    o.seed = get<std::uint64_t>(d, "seed", o.seed);
    o.multi_objective = get<bool>(d, "multi_objective", false);
    return o;
}

py::dict outcome_dict(const fit_outcome& o) {
    return py::dict("best_params"_a = to_dict(o.best_params), "best_error"_a = o.best_error,
                    "error_unit"_a = o.error_unit, "rounds_run"_a = o.rounds_run, "stopped"_a = o.stopped,
                    "warnings"_a = o.warnings);
}

py::object refine_dict(const std::optional<refine_record>& r) {
    if (!r) return py::none();
    return py::dict("parameter_names"_a = r->parameter_names, "parameter_units"_a = r->parameter_units,
                    "params"_a = to_array(r->params), "standard_errors"_a = to_array(r->standard_errors),
                    "correlation"_a = to_array(r->correlation), "cost"_a = r->cost, "error"_a = r->error,
                    "error_unit"_a = r->error_unit, "comparable"_a = r->comparable, "nfev"_a = r->nfev,
                    "njev"_a = r->njev, "simulations"_a = r->simulations, "status"_a = r->status,
                    "message"_a = r->message, "gradient"_a = r->gradient, "warnings"_a = r->warnings,
                    "start"_a = to_array(r->start), "starts"_a = r->starts, "seconds"_a = r->seconds);
}

py::dict results_dict(const fit_results& r) {
    const std::size_t n = r.samples.size(), p = r.parameter_names.size(), k = r.objective_names.size();
    float_array params({n, p}), objectives({n, k}), errors(n);
    py::array_t<std::int64_t> rounds(n);
    for (std::size_t i = 0; i < n; ++i) {
        const sample_record& s = r.samples[i];
        std::copy(s.params.begin(), s.params.end(), params.mutable_data(i, 0));
        std::copy(s.objectives.begin(), s.objectives.end(), objectives.mutable_data(i, 0));
        errors.mutable_at(i) = s.error;
        rounds.mutable_at(i) = static_cast<std::int64_t>(s.round);
    }
    return py::dict("parameter_names"_a = r.parameter_names, "parameter_units"_a = r.parameter_units,
                    "objective_names"_a = r.objective_names, "objective_units"_a = r.objective_units,
                    "objective_raw_factors"_a = r.objective_raw_factors,
                    "objective_raw_units"_a = r.objective_raw_units, "error_unit"_a = r.error_unit,
                    "n_samples"_a = r.n_samples, "n_rounds"_a = r.n_rounds, "rounds"_a = rounds,
                    "params"_a = params, "errors"_a = errors, "objectives"_a = objectives,
                    "round_seconds"_a = r.round_seconds, "round_diverged"_a = r.round_diverged,
                    "best_params"_a = to_dict(r.best_params()), "best_error"_a = r.best_error(),
                    "best_is_refined"_a = r.best_is_refined(), "refine"_a = refine_dict(r.refine));
}

// Each variable of a model: its kind, SI exponents and unit.
py::dict variables_of(const model& m) {
    py::dict out;
    const auto add = [&](const model_variable& v, const char* kind) {
        out[py::str(v.name)] = py::dict("kind"_a = kind, "exponents"_a = to_exponents(v.dim), "unit"_a = unit_name(v.dim));
    };
    for (const auto& v : m.states) add(v, "state");
    for (const auto& v : m.parameters) add(v, "parameter");
    for (const auto& v : m.subexpressions) add(v, "subexpression");
    for (const auto& v : m.inputs) add(v, "input");
    return out;
}

// The fitter with the registry it uses kept alive beside it.
struct python_fitter {
    std::shared_ptr<plugin_registry> registry;
    fitter f;

    python_fitter(const std::string& target, const py::dict& spec, const py::dict& data, const py::dict& settings,
                  std::shared_ptr<plugin_registry> plugins)
        : registry(std::move(plugins)),
          f(read_target(target), read_spec(spec), read_data(data), read_settings(settings), *registry) {}

    static fit_target read_target(const std::string& t) {
        if (t == "traces") return fit_target::traces;
        if (t == "spikes") return fit_target::spikes;
        if (t == "online_traces") return fit_target::online_traces;
        throw input_error("fitter kind '" + t + "': expected traces, spikes or online_traces");
    }

    // One operation at a time: fit, refine and generate release the GIL, so
    // another Python thread (or the callback) could otherwise start a second
    // one on the same C++ fitter, or read results while they grow. Both
    // flags are read and written with the GIL held.
    bool busy = false;
    bool in_callback = false;          // the rounds wait for a Python callback: results are still
    std::size_t rounds_this_fit = 0;   // rounds completed by the last fit() call
    struct exclusive {
        python_fitter& p;
        explicit exclusive(python_fitter& owner) : p(owner) {
            if (p.busy)
                throw input_error("this fitter is busy: a fit, refine or generate is running on it; wait for it to "
                                  "return (stop() ends a running fit after its round)");
            p.busy = true;
        }
        ~exclusive() { p.busy = false; }
        exclusive(const exclusive&) = delete;
        exclusive& operator=(const exclusive&) = delete;
    };
    // Set while a callback runs; made after the GIL is taken and undone
    // before it is released.
    struct in_python_callback {
        python_fitter& p;
        explicit in_python_callback(python_fitter& owner) : p(owner) { p.in_callback = true; }
        ~in_python_callback() { p.in_callback = false; }
        in_python_callback(const in_python_callback&) = delete;
        in_python_callback& operator=(const in_python_callback&) = delete;
    };
    void check_readable() const {
        if (busy && !in_callback)
            throw input_error("this fitter's results are being written by a running fit: read them in its "
                              "callback or after it returns");
    }

    // Every round ends in Python: Ctrl-C, then the user's callback. The
    // callback is held as a handle (no reference counting without the GIL:
    // the caller's frame keeps it alive for the whole call).
    py::dict fit(const py::dict& options, const py::object& callback) {
        exclusive guard(*this);
        fit_options o = read_fit_options(options);
        python_interrupt interrupt;
        rounds_this_fit = 0;
        const py::handle python_callback = callback;
        o.callback = [this, python_callback, &interrupt](const round_report& report) {
            py::gil_scoped_acquire gil;
            in_python_callback scope(*this);
            ++rounds_this_fit;
            return python_callback.is_none() ? interrupt.check()
                                             : interrupt.ask(python_callback, round_dict(report));
        };
        fit_outcome outcome;
        {
            py::gil_scoped_release released;
            outcome = f.fit(o);
        }
        interrupt.raise_if_pending();
        return outcome_dict(outcome);
    }

    py::object refine(const py::dict& d, const py::object& callback) {
        exclusive guard(*this);
        refine_options o;
        if (d.contains("params") && !d["params"].is_none()) o.params = to_values(d["params"], "refine's params");
        o.top = get<std::size_t>(d, "top", o.top);
        if (d.contains("metric_options") && !d["metric_options"].is_none())
            for (const auto& [var, opts] : d["metric_options"].cast<py::dict>())
                o.metric_options[py::str(var)] = to_raw_options(opts, "refine's metric options");
        o.gradient = read_gradient(get<std::string>(d, "gradient", "fd"));
        if (d.contains("bounds")) o.bounds = read_bounds(d["bounds"]);
        o.iteration = get_optional<std::size_t>(d, "iteration");
        o.max_nfev = get<std::size_t>(d, "max_nfev", o.max_nfev);
        o.ftol = get<double>(d, "ftol", o.ftol);
        o.xtol = get<double>(d, "xtol", o.xtol);
        o.gtol = get<double>(d, "gtol", o.gtol);
        python_interrupt interrupt;
        // The solver calls back only with a single start (several run on
        // threads): Ctrl-C stops a single refinement at its next step.
        const py::handle python_callback = callback;
        if (o.top == 1)
            o.callback = [this, python_callback, &interrupt](const std::map<std::string, double>& params,
                                                             double error, std::size_t nfev) {
                py::gil_scoped_acquire gil;
                in_python_callback scope(*this);
                return python_callback.is_none() ? interrupt.check()
                                                 : interrupt.ask(python_callback, to_dict(params), error, nfev);
            };
        std::optional<refine_record> record;
        {
            py::gil_scoped_release released;
            record = f.refine(o);
        }
        interrupt.raise_if_pending();
        return refine_dict(record);
    }

    py::dict generate(const std::vector<std::string>& variables, const py::object& params,
                      const text_pairs& param_init, std::optional<std::size_t> iteration) {
        exclusive guard(*this);
        std::optional<std::map<std::string, double>> values;
        if (!params.is_none()) values = to_values(params, "generate's params");
        fitter::generated g;
        {
            py::gil_scoped_release released;
            g = f.generate(variables, values, param_init, iteration);
        }
        py::dict out;
        for (const auto& [name, rows] : g.traces) out[py::str(name)] = to_array(rows);
        if (!g.spikes.empty() || std::find(variables.begin(), variables.end(), "spikes") != variables.end()) {
            py::list trains;
            for (const auto& train : g.spikes) trains.append(to_array(train));
            out["spikes"] = trains;
        }
        return out;
    }

};

} // namespace

void bind_fitter(py::module_& m) {
    m.def(
        "model_variables", [](const py::dict& spec) { return variables_of(build_fit_model(read_spec(spec))); },
        "spec"_a, "The variables of the model a fitter would fit (kind, exponents, unit), without its data.");
    py::class_<python_fitter>(m, "Fitter",
                              "The C++ fitter. Use cellfit.TraceFitter, SpikeFitter or OnlineTraceFitter instead.")
        .def(py::init<const std::string&, const py::dict&, const py::dict&, const py::dict&,
                      std::shared_ptr<plugin_registry>>(),
             "target"_a, "spec"_a, "data"_a, "settings"_a, "registry"_a)
        .def("fit", &python_fitter::fit, "options"_a, "callback"_a = py::none())
        .def("refine", &python_fitter::refine, "options"_a, "callback"_a = py::none())
        .def("generate", &python_fitter::generate, "variables"_a, "params"_a = py::none(),
             "param_init"_a = text_pairs{}, "iteration"_a = py::none())
        .def("results",
             [](const python_fitter& p) {
                 p.check_readable();
                 return results_dict(p.f.results());
             })
        .def("write_results",
             [](python_fitter& p, const std::string& path) {
                 // In a callback the rounds wait: write at once, GIL held
                 // (released, the fit would go on under the writer).
                 std::optional<python_fitter::exclusive> guard;
                 std::optional<py::gil_scoped_release> released;
                 if (!p.in_callback) {
                     guard.emplace(p);
                     released.emplace();
                 }
                 if (path.size() >= 4 && path.compare(path.size() - 4, 4, ".csv") == 0)
                     write_results_csv(p.f.results(), path);
                 else
                     write_results_json(p.f.results(), path);
             },
             "path"_a)
        .def("stop", [](python_fitter& p) { p.f.stop(); })
        .def_property_readonly("method", [](const python_fitter& p) { return p.f.method(); })
        .def_property_readonly("population_size", [](const python_fitter& p) { return p.f.population_size(); })
        .def_property_readonly("optimizer_name", [](const python_fitter& p) { return p.f.optimizer_name(); })
        .def_property_readonly("optimizer_options", [](const python_fitter& p) { return p.f.optimizer_options(); })
        .def_property_readonly("n_steps", [](const python_fitter& p) { return p.f.n_steps(); })
        .def_property_readonly("busy", [](const python_fitter& p) { return p.busy; })
        .def_property_readonly("rounds_this_fit", [](const python_fitter& p) { return p.rounds_this_fit; });
}

} // namespace cellfit::python
