"""refine()'s arguments, as the toolbox takes them, to the C++ refine's
options: the start, the MSE settings of each output, bounds and budget."""

from . import _cellfit, _units
from ._checks import optional_whole_number, whole_number
from .plugins import Metric


# Keywords of scipy's least_squares that cellfit's solver takes, and the
# methods whose meaning it keeps (a bounded trust-region least squares).
_SOLVER_KEYWORDS = ("max_nfev", "maxfev", "ftol", "xtol", "gtol", "method", "gradient", "top")
_METHODS = ("trf", "dogbox", "lm")


def refine_options(fitter, params, metric, calc_gradient, iteration, t_start, t_weights, normalization, kwds):
    """(options for the C++ refine, the fitted parameter names)."""
    options = {"iteration": optional_whole_number(iteration, "iteration")}
    if params is not None:
        options["params"] = fitter._params_si(params)
    bounds = dict(fitter._bound_values or {})
    for name in [k for k in list(kwds) if k in fitter.parameter_names]:
        bounds[name] = _bound(fitter, name, kwds.pop(name))
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
    metric_options = _metric_options(fitter, metric, t_start, t_weights, normalization)
    if metric_options is not None:
        options["metric_options"] = metric_options
    return options, fitter.parameter_names


def _bound(fitter, name, value):
    expected = tuple(fitter._variables[name]["exponents"])
    low, high = (float(_units.si_array(v, f"the bound of {name}", expected)) for v in value[:2])
    return (low, high, False)


def _metric_options(fitter, metric, t_start, t_weights, normalization):
    """Each output's MSE options; None keeps the fit's."""
    if metric is None and t_start is None and t_weights is None and normalization is None:
        return None
    if metric is None:
        metric = Metric("mse", t_start=t_start, t_weights=t_weights, normalization=normalization)
    by_output = metric if isinstance(metric, dict) else {v: metric for v in fitter.output_var}
    options = {}
    for var, m in by_output.items():
        if not isinstance(m, Metric) or m.name != "mse":
            raise _cellfit.InputError(f"refine works on the traces' squared residuals: the metric for '{var}' "
                                      f"must be MSEMetric (or cellfit.Metric('mse')), not {m!r}")
        options[var] = m.native_options()
    return options
