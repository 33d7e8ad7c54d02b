"""TraceFitter.refine(): the toolbox's arguments to the C++ refine's options
(the start, the MSE settings of each output, bounds and budget), the call,
and what it returns (the refined parameters and a RefineResult)."""

import warnings

import numpy as np

from . import _callbacks, _cellfit, _namespace
from ._checks import optional_whole_number, whole_number
from .plugins import Metric


# Keywords of scipy's least_squares that cellfit's solver takes, and the
# methods whose meaning it keeps (a bounded trust-region least squares).
_SOLVER_KEYWORDS = ("max_nfev", "maxfev", "ftol", "xtol", "gtol", "method", "gradient", "top")
_METHODS = ("trf", "dogbox", "lm")


class RefineResult:
    """What refine() found: x (SI, in parameter order), cost (half the sum
    of squared residuals, SI), error (the fit's error at x, with units unless
    use_units=False), nfev, njev, status, message, success, and each
    parameter's standard error (stderr, SI) and their correlations."""

    def __init__(self, record, error):
        self.x = np.asarray(record["params"])
        self.cost = record["cost"]
        self.error = error
        self.nfev, self.njev = record["nfev"], record["njev"]
        self.status, self.message = record["status"], record["message"]
        self.success = record["status"] not in ("failed", "error", "stopped")
        self.stderr = dict(zip(record["parameter_names"], record["standard_errors"]))
        self.correlation = np.asarray(record["correlation"])
        self.warnings = list(record["warnings"])

    def __repr__(self):
        return (f"RefineResult(error={self.error}, nfev={self.nfev}, njev={self.njev}, "
                f"status={self.status!r}, message={self.message!r})")


def refine(fitter, params, metric, callback, calc_gradient, iteration, frames_up, t_start, t_weights,
           normalization, kwds):
    """fitter.refine(...), frames_up frames above the caller's."""
    from .fitter import FitWarning
    fitter._check_not_busy()
    options, metrics = refine_options(fitter, params, metric, calc_gradient, iteration, t_start, t_weights,
                                      normalization, kwds)
    native = fitter._native_for(_namespace.caller_namespace(frames_up + 1))
    if native is not fitter._native and options.get("params") is None:
        options["params"] = fitter._params_si(None)
    record = native.refine(options, _step_callback(fitter, callback, _refined_error_unit(fitter, options)))
    del metrics  # their files (t_weights) were needed until now
    for message in record["warnings"]:
        warnings.warn(message, FitWarning, stacklevel=3)
    refined = fitter._with_units(dict(zip(record["parameter_names"], record["params"])))
    return refined, RefineResult(record, fitter._error_value(record["error"], record["error_unit"]))


def _step_callback(fitter, callback, error_unit):
    """What refine's solver calls at each accepted step: the toolbox's text
    lines, or the caller's function (True stops)."""
    callback = _callbacks.check_callback(callback)
    if callback is None or callback == "progressbar":
        return None
    step = -1

    def on_step(params, error, nfev):
        nonlocal step
        step += 1
        values = fitter._with_units(params)
        error_value = fitter._error_value(error, error_unit)
        if callback == "text":
            text = f"{_callbacks.format_value(error_value, fitter.use_units)} ({', '.join(fitter.output_var)})"
            print(_callbacks.text_lines(step, values, text, fitter.use_units), flush=True)
            return False
        return callback(values, [error_value], values, error_value, step, {"nfev": nfev}) is True

    return on_step


def _refined_error_unit(fitter, options):
    """The unit of the refined error: each output's squared unit, or 1 where
    its MSE is normalised; '1' when they differ (as the C++ refine's)."""
    by_output = options.get("metric_options")
    if by_output is None:  # the fit's mse settings
        by_output = {var: opts for var, name, opts in (fitter._metric_choices or []) if name == "mse"}
    units = {"1" if "normalization" in (by_output.get(var) or {}) else f"({fitter._variables[var]['unit']})**2"
             for var in fitter.output_var}
    return units.pop() if len(units) == 1 else "1"


def refine_options(fitter, params, metric, calc_gradient, iteration, t_start, t_weights, normalization, kwds):
    """(options for the C++ refine, the metrics they name, to be kept alive
    while it runs: a t_weights array lives in a file of its metric's)."""
    options = {"iteration": optional_whole_number(iteration, "iteration")}
    if params is not None:
        options["params"] = fitter._params_si(params)
    bounds = dict(fitter._bound_values or {})
    for name in [k for k in list(kwds) if k in fitter.parameter_names]:
        bounds[name] = fitter._bound(name, kwds.pop(name))
    if bounds:
        options["bounds"] = bounds
    unknown = [k for k in kwds if k not in _SOLVER_KEYWORDS]
    if unknown:
        raise _cellfit.InputError(f"refine: unknown argument {unknown[0]!r}; it takes a parameter's bounds "
                                  f"(name=[low, high]) and {', '.join(_SOLVER_KEYWORDS)}")
    if "max_nfev" in kwds and "maxfev" in kwds:
        raise _cellfit.InputError("refine: give max_nfev or maxfev (its old name), not both")
    max_nfev = kwds.get("max_nfev", kwds.get("maxfev"))
    if max_nfev is not None:
        options["max_nfev"] = whole_number(max_nfev, "max_nfev", minimum=1)
    for key in ("ftol", "xtol", "gtol"):
        if kwds.get(key) is not None:
            options[key] = float(kwds[key])
    if kwds.get("method", "trf") not in _METHODS:
        raise _cellfit.InputError(f"refine: method {kwds['method']!r}: cellfit refines by bounded "
                                  f"Levenberg-Marquardt, which stands for {', '.join(_METHODS)}")
    options["top"] = whole_number(kwds.get("top", 1), "top", minimum=1)
    options["gradient"] = kwds.get("gradient", "sensitivity" if calc_gradient else "fd")
    metric_options, metrics = _metric_options(fitter, metric, t_start, t_weights, normalization)
    if metric_options is not None:
        options["metric_options"] = metric_options
    return options, metrics


def _metric_options(fitter, metric, t_start, t_weights, normalization):
    """(each output's MSE options, the metrics): the fit's when none is given
    (also after fit(n_rounds=0), which the C++ fitter has not seen)."""
    if metric is None and t_start is None and t_weights is None and normalization is None:
        fitted = {var: dict(opts) for var, name, opts in (fitter._metric_choices or []) if name == "mse"}
        return (fitted or None), list(fitter._metrics_in_use)
    if metric is None:
        metric = Metric("mse", t_start=t_start, t_weights=t_weights, normalization=normalization)
    by_output = metric if isinstance(metric, dict) else {v: metric for v in fitter.output_var}
    options = {}
    for var, m in by_output.items():
        if not isinstance(m, Metric) or m.name != "mse":
            raise _cellfit.InputError(f"refine works on the traces' squared residuals: the metric for '{var}' "
                                      f"must be MSEMetric (or cellfit.Metric('mse')), not {m!r}")
        options[var] = m.native_options()
    return options, list(by_output.values())
