"""TraceFitter, SpikeFitter and OnlineTraceFitter with brian2modelfitting's
arguments and habits, over cellfit's C++ fitters.

Differences from the toolbox, each deliberate: positive bounds spanning a
factor of 10 or more are searched on a log scale unless [low, high,
'linear'] says otherwise; bounds given with units are checked against the
parameter's unit; generate's param_init is used (merged over the
constructor's); a second fit() may leave metric=None; any callable is a
callback, and returning True stops refine() too; the optimizer's seed
is drawn from numpy's global generator unless given, so np.random.seed(n)
makes a fit repeatable. As in the toolbox, refine() returns its result and
leaves best_params and best_error to the fit's samples.
"""

import os
import warnings

import numpy as np

from . import _callbacks, _cellfit, _namespace, _results, _units
from ._checks import optional_whole_number, whole_number
from .plugins import Metric, Optimizer, registry


def _time_step(dt):
    """dt in seconds: a Brian time or a positive number (SI)."""
    if isinstance(dt, str) or dt is None:
        raise _cellfit.InputError(f"dt must be a time step (0.01*ms, or 1e-5 in seconds), got {dt!r}")
    seconds = float(_units.si_array(dt, "dt", (0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0)))
    if not seconds > 0 or not np.isfinite(seconds):
        raise _cellfit.InputError(f"dt must be a positive time step (0.01*ms), got {dt!r}")
    return seconds


def _equations_text(model):
    """The model as text: a string as given; Brian's Equations written out
    with their units in SI base units (Brian's str() writes units such as
    'V' that its own parser does not take)."""
    if isinstance(model, str):
        return model
    if not hasattr(model, "ordered"):
        raise _cellfit.InputError(f"model: expected the equations as a string or brian2 Equations, "
                                  f"got {type(model).__name__}")
    lines = []
    for eq in model.ordered:
        kind = str(eq.var_type)
        unit = kind if kind in ("integer", "boolean") else \
            _units.unit_text(tuple(float(x) for x in eq.dim._dims))
        flags = f" ({', '.join(eq.flags)})" if eq.flags else ""
        if eq.type == "differential equation":
            lines.append(f"d{eq.varname}/dt = {eq.expr.code} : {unit}{flags}")
        elif eq.type == "subexpression":
            lines.append(f"{eq.varname} = {eq.expr.code} : {unit}{flags}")
        else:
            lines.append(f"{eq.varname} : {unit}{flags}")
    return "\n".join(lines)


# Bounds of positive values at least this far apart are searched on a log
# scale unless the scale is given.
LOG_SCALE_RATIO = 10


class FitWarning(UserWarning):
    """Something in a fit that looks wrong; the message says what to change."""


class Fitter:
    _target = None           # the C++ fitter: 'traces', 'spikes' or 'online_traces'
    _default_method = None   # None: Brian's choice

    def __init__(self, model, input, output, dt, n_samples=30, input_var=None, output_var=None, method=None,
                 reset=None, refractory=False, threshold=None, param_init=None, penalty=None, use_units=True,
                 *, input_units=None, backend="compiled", threads=None, _frames_up=2):
        if use_units:
            _units.brian2_module(required_for="use_units=True (the default)")
        self.use_units = bool(use_units)
        self.model = model
        self.equations = _equations_text(model)
        self.dt = dt
        self._dt_si = _time_step(dt)
        self.threshold, self.reset, self.refractory = threshold, reset, refractory
        self.method = method or self._default_method
        self.penalty = penalty
        self.param_init = dict(param_init or {})
        self._requested_samples = whole_number(n_samples, "n_samples", minimum=1)
        self._backend = backend
        self._threads = whole_number(threads, "threads", minimum=1) if threads else (os.cpu_count() or 1)
        self._inputs = self._read_inputs(input, input_var)
        # In SI once: rebuilding the C++ fitter (new constants) copies no more.
        self._input_units = dict(input_units or {})
        self._inputs_si = {name: self._input_si(name, values) for name, values in self._inputs.items()}
        self._read_outputs(output, output_var)
        self.n_traces = self._count_traces()
        self.optimizer = None
        self.metric = None
        self.bounds = None
        self._started = False      # a fit() has begun: the next continues unless restart=True
        self._bound_values = None  # name -> (low, high, log) in SI, from the last first fit
        self._metric_choices = None
        self._metrics_in_use = []
        self._seed_value = None
        self._namespace_constants = self._constants(_namespace.caller_namespace(_frames_up))
        self._native = self._build_native(self._namespace_constants, self._requested_samples)
        self.parameter_names = [n for n, v in self._variables.items()
                                if v["kind"] == "parameter" and n != "iteration"]
        self.n_samples = self._requested_samples

    # --- construction -----------------------------------------------------

    def _read_inputs(self, input, input_var):
        if input_var is not None and not isinstance(input, dict):
            return {input_var: input}
        if not isinstance(input, dict):
            raise _cellfit.InputError("input: expected a dict from the input variable's name to its values, one "
                                      "row per trace ({'I': currents*nA}), or input_var='I' with an array")
        if input_var is not None and input_var not in input:
            raise _cellfit.InputError(f"input_var '{input_var}' is not a key of input ({', '.join(input)})")
        return dict(input)

    def _read_outputs(self, output, output_var):
        if isinstance(output_var, str):
            output_var = [output_var]
        if isinstance(output, dict):
            if output_var is not None and set(output_var) != set(output):
                raise _cellfit.InputError(f"output_var {output_var} and the keys of output {list(output)} differ")
            self._outputs = dict(output)
        elif output_var is not None:
            values = output if len(output_var) > 1 else [output]
            self._outputs = dict(zip(output_var, values))
        else:
            raise _cellfit.InputError("output: expected a dict from the recorded variable's name to its values, "
                                      "one row per trace ({'v': traces*mV})")
        self.output_var = list(self._outputs)
        self.output = [self._outputs[v] for v in self.output_var]

    def _count_traces(self):
        shapes = [values.shape for values in self._inputs_si.values()]
        return shapes[0][0] if shapes and len(shapes[0]) == 2 else 1

    def _constants(self, namespace):
        """The caller's numbers and quantities that the model's expressions use."""
        texts = [self.equations, self.threshold, self.reset]
        if isinstance(self.refractory, str):
            texts.append(self.refractory)
        texts += [v for v in self.param_init.values() if isinstance(v, str)]
        used = _namespace.used_names(*texts)
        if hasattr(self.model, "identifiers"):
            used |= set(self.model.identifiers)
        own = _namespace.defined_names(self.equations) | set(self._inputs) | set(self.output_var)
        return _namespace.external_constants(used - own, namespace)

    def _native_data(self):
        return {"dt": self._dt_si, "inputs": self._inputs_si, **self._native_outputs()}

    def _native_outputs(self):
        return {"outputs": {v: _units.si_array(values, f"output '{v}'") for v, values in self._outputs.items()}}

    def _input_si(self, name, values):
        """An input's values in SI: a quantity's, or plain numbers in the
        unit input_units gives (nA: times 1e-9)."""
        values = _units.si_array(values, f"input '{name}'")
        if name in self._input_units and not _units.is_quantity(self._inputs[name]):
            scale, _ = _cellfit.unit_exponents(self._input_units[name])
            values = values * scale
        return values

    def _input_unit(self, name, values):
        if name in self._input_units and not _units.is_quantity(values):
            _, exponents = _cellfit.unit_exponents(self._input_units[name])
            return _units.unit_text(exponents)
        return _units.unit_text(_units.exponents_of(values))

    def _spec(self, constants):
        spec = {"equations": self.equations, "origin": "model", "constants": constants,
                "inputs": [(name, self._input_unit(name, values)) for name, values in self._inputs.items()]}
        if self.threshold:
            spec["threshold"] = str(self.threshold)
        if self.reset:
            spec["reset"] = str(self.reset)
        if self.refractory is not False and self.refractory is not None:
            spec["refractory"] = self.refractory if isinstance(self.refractory, str) \
                else _units.quantity_text(self.refractory)
        return spec

    def _settings(self, n_samples):
        return {"n_samples": n_samples, "method": self.method or "", "backend": self._backend,
                "threads": self._threads, "penalty": self.penalty or "",
                "param_init": self._init_pairs(self.param_init)}

    def _init_pairs(self, init):
        """Initial values as expressions: text as given, a quantity with its
        unit, and, with use_units=False, a plain number in the variable's SI unit."""
        pairs = []
        for var, value in init.items():
            if isinstance(value, str):
                pairs.append((var, value))
            elif not self.use_units and not _units.is_quantity(value) and var in self._variables:
                number = repr(_units.si_value(value))
                unit = _units.unit_text(self._variables[var]["exponents"])
                pairs.append((var, number if unit == "1" else f"{number}*{unit}"))
            else:
                pairs.append((var, _units.quantity_text(value)))
        return pairs

    def _build_native(self, constants, n_samples):
        try:
            # The model's units first: plain initial values take their variable's.
            self._variables = _cellfit.model_variables(self._spec(constants))
            native = _cellfit.Fitter(self._target, self._spec(constants), self._native_data(),
                                     self._settings(n_samples), registry())
        except _cellfit.ModelError as error:
            plain = [n for n, v in self._inputs.items() if n not in self._input_units and not _units.is_quantity(v)]
            if plain:
                raise _cellfit.ModelError(
                    f"{error}\n(input {', '.join(plain)} was given without a unit, so it is dimensionless: "
                    f"give it as a Brian quantity (values*amp), or input_units={{'{plain[0]}': 'amp'}})") from None
            raise
        self._check_output_units()
        self.method = native.method
        return native

    def _check_output_units(self):
        for var, values in self._outputs.items():
            if var == "spikes":
                continue
            expected = tuple(self._variables[var]["exponents"])
            if _units.is_quantity(values):
                _units.si_array(values, f"output '{var}'", expected)
            elif any(expected) and self.use_units:
                raise _cellfit.InputError(
                    f"output '{var}' has no unit, but {var} is in {self._variables[var]['unit']}: give the "
                    f"recording as a Brian quantity (traces*mV), or pass use_units=False and values in SI")

    # --- fitting ------------------------------------------------------------

    def _unknown_and_missing(self, names):
        """The given names that are not parameters, and the parameters not given."""
        return ([n for n in names if n not in self.parameter_names],
                [n for n in self.parameter_names if n not in names])

    def _bounds(self, params):
        unknown, missing = self._unknown_and_missing(params)
        if unknown:
            raise _cellfit.InputError(f"bounds for {', '.join(unknown)}: not a parameter of the model (its "
                                      f"parameters: {', '.join(self.parameter_names)})")
        if missing:
            raise _cellfit.InputError(f"no bounds for {', '.join(missing)}: every parameter of the model is fitted; "
                                      f"give {missing[0]}=[low, high], or make it a constant outside the model")
        return {name: self._bound(name, value) for name, value in params.items()}

    def _bound(self, name, value):
        """(low, high, log) of a parameter in SI, its unit checked, from
        [low, high] or [low, high, 'log' | 'linear']. Without a scale, an
        interval of positive values spanning a factor of 10 or more is
        searched on a log scale (a conductance in [1 nS, 100 nS] as often
        near 1 nS as near 100 nS): better fits for the same budget
        (bench/README.md, "Python")."""
        if not isinstance(value, (list, tuple, np.ndarray)) or np.ndim(value) != 1 or len(value) not in (2, 3):
            raise _cellfit.InputError(f"bounds of {name}: expected [low, high] or [low, high, 'log'], got {value!r}")
        expected = tuple(self._variables[name]["exponents"])
        low, high = (float(_units.si_array(v, f"the bound of {name}", expected)) for v in value[:2])
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise _cellfit.InputError(f"bounds of {name}: expected finite low < high, got {value!r}")
        if len(value) == 3:
            if value[2] not in ("log", "linear"):
                raise _cellfit.InputError(f"bounds of {name}: the scale is 'log' or 'linear', got {value[2]!r}")
            return (low, high, value[2] == "log")
        return (low, high, low > 0 and high >= LOG_SCALE_RATIO * low)

    def _metrics(self, metric):
        if metric is None:
            metric = self._default_metric()
        if isinstance(metric, dict):
            unknown = [v for v in metric if v not in self.output_var]
            if unknown:
                raise _cellfit.InputError(f"metric for '{unknown[0]}': not an output variable "
                                          f"({', '.join(self.output_var)})")
            missing = [v for v in self.output_var if v not in metric]
            if missing:
                raise _cellfit.InputError(f"output variable '{missing[0]}' has no metric in the metric dict")
            by_output = dict(metric)
        else:
            by_output = {v: metric for v in self.output_var}
        for var, m in by_output.items():
            if not isinstance(m, Metric):
                raise _cellfit.InputError(f"metric for '{var}': expected a metric (MSEMetric(), GammaFactor(...), "
                                          f"cellfit.Metric('mse')), got {type(m).__name__}")
        return by_output

    def _default_metric(self):
        return Metric("mse")

    def _seed(self, optimizer):
        if getattr(optimizer, "seed", None) is not None:
            return int(optimizer.seed)
        return int(np.random.randint(0, 2**31 - 1))

    def fit(self, optimizer=None, metric=None, n_rounds=1, callback="text", restart=False, online_error=False,
            start_iteration=None, penalty=None, level=0, **params):
        """Runs n_rounds rounds; returns (best_params, best_error). A second
        call continues the same fit unless restart=True. Ctrl-C stops after
        the current round, keeps the results and raises KeyboardInterrupt."""
        callback = _callbacks.check_callback(callback)
        self._check_not_busy()
        first = not self._started or restart
        if not first and optimizer is not None and optimizer is not self.optimizer:
            raise _cellfit.InputError("a continued fit keeps its optimizer: pass the same one, or restart=True")
        if not first and metric is not None and metric is not self.metric:
            raise _cellfit.InputError("a continued fit keeps its metric: pass the same one (or none), or restart=True")
        # What a first fit sets up; kept only once the C++ fit has accepted it
        # (a round ran, or the call returned), so that a refused set-up
        # leaves the fitter as it was.
        setup = self._fit_setup(optimizer, metric, params, level + 1) if first else self._current_setup()
        options = {"optimizer": setup["optimizer"].name, "optimizer_options": setup["optimizer"].native_options(),
                   "metrics": setup["metric_choices"], "n_rounds": whole_number(n_rounds, "n_rounds"),
                   "restart": bool(restart),
                   "start_iteration": optional_whole_number(start_iteration, "start_iteration"),
                   "penalty": penalty, "bounds": setup["bound_values"], "seed": setup["seed"]}
        if options["n_rounds"] == 0:  # the toolbox's way to set up bounds and metrics for refine()
            self._keep_setup(setup)
            return None, None
        try:
            outcome = self._native.fit(options, self._round_callback(callback, n_rounds))
        except BaseException:
            if self._native.rounds_this_fit > 0:  # stopped (Ctrl-C, an error) after some rounds
                self._keep_setup(setup)
            elif first:
                # The C++ fitter drops a fit whose (re)start it refused: the
                # next fit() starts anew (the old samples stay readable).
                self._started = False
            raise
        self._keep_setup(setup)
        self.n_samples = self._native.population_size
        for message in outcome["warnings"]:
            warnings.warn(message, FitWarning, stacklevel=2)
        params, error, unit = self._best_sample() or (None, None, None)
        return (None, None) if params is None else (self._with_units(params), self._error_value(error, unit))

    @property
    def optimizer_name(self):
        """The optimizer the fit runs (once fitted): the one named, or the one
        chosen from the budget when Optimizer() named none ("pagmo.de",
        "multistart", ...); None before the first fit."""
        return self._native.optimizer_name if self._started else None

    def _check_not_busy(self):
        if self._native.busy:
            raise _cellfit.InputError("this fitter is busy: a fit, refine or generate is running on it; wait for "
                                      "it to return (stop() ends a running fit after its round)")

    def _fit_setup(self, optimizer, metric, params, frames_up):
        """The optimizer, metrics, bounds and seed of a first fit (or a
        restart), checked; the C++ fitter is rebuilt when the caller's
        constants or the optimizer's population changed."""
        optimizer = optimizer if optimizer is not None else Optimizer()
        if not isinstance(optimizer, Optimizer):
            raise _cellfit.InputError(f"optimizer: expected NevergradOptimizer(), cellfit.Optimizer('pagmo.de') "
                                      f"or another cellfit optimizer, got {type(optimizer).__name__}")
        by_output = self._metrics(metric)
        bound_values = self._bounds(params)
        n_samples = optimizer.population(self._requested_samples)
        constants = self._constants(_namespace.caller_namespace(frames_up + 1))
        if constants != self._namespace_constants or n_samples != self.n_samples:
            self._native = self._build_native(constants, n_samples)
            self._namespace_constants = constants
            self.n_samples = n_samples
            self._started = False  # a new C++ fitter
        return {"optimizer": optimizer, "metric": metric, "bounds": dict(params), "bound_values": bound_values,
                "metric_choices": [(var, m.name, m.native_options()) for var, m in by_output.items()],
                "metrics_in_use": list(by_output.values()),  # their files (t_weights) live as long as the fit
                "seed": self._seed(optimizer)}

    def _current_setup(self):
        return {"optimizer": self.optimizer, "metric": self.metric, "bounds": self.bounds,
                "bound_values": self._bound_values, "metric_choices": self._metric_choices,
                "metrics_in_use": self._metrics_in_use, "seed": self._seed_value}

    def _keep_setup(self, setup):
        self.optimizer, self.metric, self.bounds = setup["optimizer"], setup["metric"], setup["bounds"]
        self._bound_values, self._metric_choices = setup["bound_values"], setup["metric_choices"]
        self._metrics_in_use, self._seed_value = setup["metrics_in_use"], setup["seed"]
        self._started = True

    def _round_callback(self, callback, n_rounds):
        if callback is None:
            return None
        use_units = self.use_units
        first_round = None
        bar = _callbacks.ProgressBar(n_rounds) if callback == "progressbar" else None

        def on_round(report):
            nonlocal first_round
            if first_round is None:
                first_round = report["round"]
            index = report["round"] - first_round
            best_params = self._with_units(report["best_params"], use_units)
            best_error = self._error_value(report["best_error"], report["error_unit"], use_units)
            if callback == "text":
                error_text = _callbacks.format_value(best_error, use_units)
                print(_callbacks.text_lines(index, best_params, f"{error_text} ({', '.join(self.output_var)})",
                                            use_units), flush=True)
                return False
            if bar is not None:
                bar.update(_callbacks.format_value(best_error, use_units))
                return False
            order = list(report["parameter_names"])
            params = [self._with_units(dict(zip(order, row)), use_units) for row in report["samples"]]
            errors = self._error_value(report["errors"], report["error_unit"], use_units)
            info = {"output_var": list(self.output_var), "diverged": report["diverged"],
                    "seconds": report["seconds"]}
            return callback(params, errors, best_params, best_error, index, info) is True

        return on_round

    # --- values with units ----------------------------------------------------

    def _with_units(self, values, use_units=None):
        use_units = self.use_units if use_units is None else use_units
        return {name: _units.with_unit(float(values[name]), self._variables[name]["exponents"],
                                       use_units and any(self._variables[name]["exponents"]))
                for name in self.parameter_names if name in values}

    def _error_value(self, error, unit, use_units=None):
        """The error in its unit (cellfit's text, 'volt**2'): dimensionless
        errors, such as normalised ones, stay plain numbers."""
        use_units = self.use_units if use_units is None else use_units
        exponents = _units.exponents_of_unit(unit)
        return _units.with_unit(error, exponents, bool(use_units and any(exponents)))

    def _best_sample(self):
        """(parameters in SI, error, its unit) of the fit's best sample, or
        None, from one copy of the results. As in the toolbox, refine()
        returns its result and leaves these alone."""
        native = self._native.results()
        errors = native["errors"]
        finite = np.isfinite(errors)
        if not finite.any():
            return None
        best = int(np.flatnonzero(finite)[np.argmin(errors[finite])])
        return (dict(zip(native["parameter_names"], native["params"][best])), float(errors[best]),
                native["error_unit"])

    @property
    def best_params(self):
        """The best sample's parameters (with units unless use_units=False); None before a fit."""
        best = self._best_sample()
        return None if best is None else self._with_units(best[0])

    @property
    def best_error(self):
        """The best sample's total error; None before a fit."""
        best = self._best_sample()
        return None if best is None else self._error_value(best[1], best[2])

    def results(self, format="list", use_units=None):
        """Every evaluated sample: format 'list' (a dict per sample), 'dict'
        (an array per parameter and 'error') or 'dataframe' (pandas, SI)."""
        use_units = self.use_units if use_units is None else use_units
        exponents = {n: self._variables[n]["exponents"] for n in self.parameter_names}
        native = self._native.results()
        return _results.format_results(native, self.parameter_names, exponents,
                                       _units.exponents_of_unit(native["error_unit"]), self.output_var, format,
                                       use_units)

    def save_results(self, path):
        """Writes every sample to a JSON (cellfit's results format, which
        `cellfit fit --resume` and `cellfit refine --from` read) or CSV file."""
        self._native.write_results(os.fspath(path))

    def stop(self):
        """Asks a running fit to stop after its current round (from another thread)."""
        self._native.stop()

    # --- generating -----------------------------------------------------------

    def generate(self, output_var=None, params=None, param_init=None, iteration=1e9, level=0):
        """Simulates params (default: the best) against every input: one
        array (traces x steps) for one variable, a dict for several, a list
        of spike-time arrays (seconds) for 'spikes'."""
        if output_var is None:
            output_var = list(self.output_var)
        names = [output_var] if isinstance(output_var, str) else list(output_var)
        self._check_not_busy()
        values = self._params_si(params)
        native = self._native_for(_namespace.caller_namespace(level + 1))
        init = self._init_pairs({**self.param_init, **(param_init or {})}) if param_init else []
        generated = native.generate(names, values, init, optional_whole_number(iteration, "iteration"))
        out = {}
        for name in names:
            if name == "spikes":
                out[name] = list(generated["spikes"])
            else:
                exponents = self._variables[name]["exponents"]
                out[name] = _units.with_unit(generated[name], exponents, self.use_units and any(exponents))
        return out[names[0]] if len(names) == 1 else out

    def _native_for(self, namespace):
        """The fitter's C++ fitter, or, when the caller's constants changed
        since the fit began, one built with the new ones (Brian resolves the
        names anew at every run)."""
        constants = self._constants(namespace)
        if constants == self._namespace_constants:
            return self._native
        native = _cellfit.Fitter(self._target, self._spec(constants), self._native_data(),
                                 self._settings(self.n_samples), registry())
        return native

    def _params_si(self, params):
        if params is None:
            best = self._best_sample()
            if best is None:
                raise _cellfit.InputError("no parameters: give params={...}, or run fit() first")
            return best[0]
        unknown, missing = self._unknown_and_missing(params)
        if unknown:
            raise _cellfit.InputError(f"params: {unknown[0]} is not a parameter of the model (its parameters: "
                                      f"{', '.join(self.parameter_names)})")
        if missing:
            raise _cellfit.InputError(f"params: no value for {', '.join(missing)}; give every parameter "
                                      f"({', '.join(self.parameter_names)})")
        return {name: float(_units.si_array(value, f"the value of {name}", tuple(self._variables[name]["exponents"])))
                for name, value in params.items()}


class TraceFitter(Fitter):
    """Fits recorded traces: TraceFitter(model, input={'I': currents*nA},
    output={'v': traces*mV}, dt=0.01*ms, n_samples=60, ...)."""
    _target = "traces"

    def __init__(self, model, input=None, output=None, dt=None, n_samples=60, input_var=None, output_var=None,
                 method=None, reset=None, refractory=False, threshold=None, param_init=None, penalty=None,
                 use_units=True, **cellfit_options):
        super().__init__(model, input, output, dt, n_samples, input_var, output_var, method, reset, refractory,
                         threshold, param_init, penalty, use_units, **cellfit_options)

    def generate_traces(self, params=None, param_init=None, iteration=1e9, level=0):
        """The recorded variables simulated at params (default: the best)."""
        return self.generate(None, params, param_init, iteration, level=level + 1)

    def refine(self, params=None, metric=None, callback="text", calc_gradient=False, optimize=True,
               iteration=1e9, level=0, t_start=None, t_weights=None, normalization=None, **kwds):
        """Polishes params (default: the best) by bounded least squares on
        the traces' residuals; returns (params, RefineResult). Bounds: those
        of the fit, or name=[low, high] here. calc_gradient=True integrates
        sensitivity equations for the Jacobian (gradient='discrete' or 'fd'
        chooses otherwise); max_nfev, ftol, xtol and gtol tune the solver."""
        from ._refine import refine
        return refine(self, params, metric, callback, calc_gradient, iteration, level + 1, t_start, t_weights,
                      normalization, kwds)


class SpikeFitter(Fitter):
    """Fits recorded spike times: SpikeFitter(model, input={'I': currents*nA},
    output=[spike_times_in_seconds, ...], dt=0.1*ms, threshold='v > -50*mV',
    reset='v = -70*mV', ...). Integrated by exponential Euler unless method is
    given; the default metric is GammaFactor(delta=2*ms, time=the duration)."""
    _target = "spikes"
    _default_method = "exponential_euler"

    def __init__(self, model, input=None, output=None, dt=None, reset=None, threshold=None, input_var="I",
                 refractory=False, n_samples=30, method=None, param_init=None, penalty=None, use_units=True,
                 **cellfit_options):
        if not isinstance(input, dict):
            input = {input_var: input}
        super().__init__(model, input, {"spikes": output}, dt, n_samples, None, None, method, reset, refractory,
                         threshold, param_init, penalty, use_units, **cellfit_options)

    def _native_outputs(self):
        trains = self._outputs["spikes"]
        if isinstance(trains, np.ndarray) and trains.ndim == 1 and trains.dtype != object:
            trains = [trains]
        return {"spikes": [_units.si_array(t, f"the spike times of trace {k}") for k, t in enumerate(trains)]}

    def _default_metric(self):
        from .compat import GammaFactor
        return GammaFactor(delta=0.002, time=self._dt_si * self._native.n_steps)

    def generate_spikes(self, params=None, param_init=None, iteration=1e9, level=0):
        """Spike times (seconds, one array per trace) at params (default: the best)."""
        return self.generate("spikes", params, param_init, iteration, level=level + 1)


class OnlineTraceFitter(Fitter):
    """TraceFitter's mean squared error accumulated while the simulation
    runs. Takes input and output as dicts or, as in the toolbox,
    input_var, input, output_var, output."""
    _target = "online_traces"

    def __init__(self, model, input_var=None, input=None, output_var=None, output=None, dt=None, n_samples=30,
                 method=None, reset=None, refractory=False, threshold=None, param_init=None, t_start=0.0,
                 penalty=None, use_units=True, **cellfit_options):
        if isinstance(input_var, dict):  # the dict form given by position: (model, {'I': ...}, {'v': ...})
            if isinstance(input, dict) and output_var is None and output is None:
                output = input
            elif input is not None:
                raise _cellfit.InputError("OnlineTraceFitter: give input and output as dicts, or input_var, input, "
                                          "output_var and output as the toolbox does")
            input_var, input = None, input_var
        self.t_start = t_start
        super().__init__(model, input, output, dt, n_samples, input_var, output_var, method, reset, refractory,
                         threshold, param_init, penalty, use_units, **cellfit_options)

    def _default_metric(self):
        return Metric("mse", t_start=self.t_start)

    def fit(self, optimizer=None, n_rounds=1, callback="text", restart=False, start_iteration=None, penalty=None,
            level=0, **params):
        return super().fit(optimizer=optimizer, n_rounds=n_rounds, callback=callback, restart=restart,
                           start_iteration=start_iteration, penalty=penalty, level=level + 1, **params)

    def generate_traces(self, params=None, param_init=None, iteration=1e9, level=0):
        """The recorded variable simulated at params (default: the best)."""
        return self.generate(None, params, param_init, iteration, level=level + 1)
