"""brian2modelfitting's names over cellfit: replace

    from brian2modelfitting import *

with

    from cellfit.compat import *

and a script fits with cellfit. The fitters are cellfit's own (they take the
toolbox's arguments); the metrics and optimizers here build cellfit plugins
from the toolbox's arguments. NevergradOptimizer runs the closest optimizer
cellfit ships and says which; SkoptOptimizer is refused with alternatives.
"""

import numpy as np

from . import _cellfit, _units
from .fitter import OnlineTraceFitter, SpikeFitter, TraceFitter
from .plugins import Metric, Optimizer

__all__ = ["TraceFitter", "SpikeFitter", "OnlineTraceFitter", "MSEMetric", "GammaFactor", "FeatureMetric",
           "NevergradOptimizer", "SkoptOptimizer", "Optimizer", "Metric"]


def _nonzero(value):
    return value is not None and _units.si_value(value) != 0


def _normalization(options, value):
    """Sets normalization when it is not 1 (given, it makes the error
    dimensionless, as the toolbox's: 10*mV on a volt**2 error)."""
    if _units.is_quantity(value) or _units.si_value(value) != 1:
        options["normalization"] = value


class MSEMetric(Metric):
    """Mean squared error of traces: MSEMetric(t_start=5*ms), with
    t_weights (one weight per step) or normalization (10*mV: the error is
    divided by its square and becomes dimensionless)."""

    def __init__(self, t_start=0.0, t_weights=None, normalization=1.0):
        if t_weights is not None and _nonzero(t_start):
            raise _cellfit.InputError("MSEMetric: give t_start or t_weights, not both")
        options = {}
        _normalization(options, normalization)
        if _nonzero(t_start):
            options["t_start"] = t_start
        if t_weights is not None:
            weights = np.asarray(t_weights, dtype=float)
            if weights.ndim != 1:
                raise _cellfit.InputError(f"MSEMetric: t_weights must be one weight per step (1 dimension), "
                                          f"got shape {weights.shape}")
            options["t_weights"] = weights
        super().__init__("mse", **options)


class GammaFactor(Metric):
    """Gamma coincidence factor of spike trains, as the toolbox computes it:
    GammaFactor(delta=2*ms, time=1500*ms)."""

    def __init__(self, delta=None, time=None, t_start=0.0, normalization=1.0, rate_correction=True):
        options = {"rate_correction": bool(rate_correction)}
        _normalization(options, normalization)
        if delta is not None:
            options["delta"] = delta
        if time is not None:
            options["time"] = time
        if _nonzero(t_start):
            options["t_start"] = t_start
        super().__init__("gamma", **options)


class FeatureMetric(Metric):
    """eFEL's features of each trace, compared as the toolbox does:
    FeatureMetric(stim_times=[[50*ms, 150*ms]], feat_list=['spike_count'])."""

    def __init__(self, stim_times, feat_list, weights=None, combine=None, t_start=0.0, normalization=1.0,
                 parallel_processes=0):
        if combine is not None and combine not in ("absolute", "squared"):
            raise _cellfit.InputError("FeatureMetric: combine is 'absolute' (the toolbox's default |x - y|) or "
                                      "'squared' in cellfit; a Python function cannot run in its streamed metric")
        if weights is not None and not isinstance(weights, dict):
            raise _cellfit.InputError("FeatureMetric: weights must be a dict from feature name to weight")
        if isinstance(feat_list, str):
            feat_list = [feat_list]
        pairs = [list(p) for p in stim_times]
        if not pairs or any(len(p) != 2 for p in pairs):
            raise _cellfit.InputError("FeatureMetric: stim_times must be [[start, end], ...], one pair for every "
                                      "trace or one for all")
        options = {"features": ",".join(feat_list),
                   "stim_start": ",".join(repr(_units.si_value(p[0])) for p in pairs),
                   "stim_end": ",".join(repr(_units.si_value(p[1])) for p in pairs)}
        _normalization(options, normalization)
        if weights:
            options["weights"] = ",".join(f"{k}={float(v)!r}" for k, v in weights.items())
        if combine is not None:
            options["combine"] = combine
        if _nonzero(t_start):
            options["t_start"] = t_start
        super().__init__("features", **options)


# Nevergrad's methods and the optimizer cellfit runs in their place, with why.
_NEVERGRAD = {
    # nevergrad's DE: each point moves towards the best so far plus a scaled
    # difference (current-to-best/1, F1 = F2 = 0.8), binomial crossover 0.5;
    # pagmo's variant 8 (rand-to-best/1/bin) is that move.
    "DE": ("pagmo.de", {"variant": 8, "F": 0.8, "CR": 0.5}, "current-to-best/1/bin DE, F 0.8, CR 0.5, as "
           "nevergrad's"),
    "TwoPointsDE": ("pagmo.de", {"variant": 8, "F": 0.8, "CR": 0.5}, "current-to-best/1/bin DE"),
    "CMA": ("pagmo.cmaes", {}, "CMA-ES"),
    "DiagonalCMA": ("pagmo.cmaes", {}, "CMA-ES"),
    "PSO": ("pagmo.pso_gen", {}, "particle swarm, a generation per round"),
    "RealSpacePSO": ("pagmo.pso_gen", {}, "particle swarm, a generation per round"),
    "RandomSearch": ("random", {}, "uniform random search"),
    "LHSSearch": ("random", {"sampling": "lhs"}, "Latin hypercube sampling"),
    "HaltonSearch": ("random", {"sampling": "sobol"}, "low-discrepancy (Sobol) sampling"),
    "HammersleySearch": ("random", {"sampling": "sobol"}, "low-discrepancy (Sobol) sampling"),
    "NelderMead": ("nlopt.LN_NELDERMEAD", {}, "Nelder-Mead, one instance per sample"),
    "Cobyla": ("nlopt.LN_COBYLA", {}, "COBYLA, one instance per sample"),
    "BO": ("pagmo.cmaes", {}, "CMA-ES: cellfit has no Bayesian optimisation"),
}
# DE's population: at least 30 per round, as nevergrad's DE has.
_MIN_POPULATION = {"DE": 30, "TwoPointsDE": 30}


class NevergradOptimizer(Optimizer):
    """The toolbox's default optimizer, run as the closest optimizer cellfit
    ships (printed when made): NevergradOptimizer() is pagmo's DE in
    nevergrad's variant, with nevergrad's minimum of 30 samples per round."""

    def __init__(self, method="DE", use_nevergrad_recommendation=False, seed=None, **kwds):
        if method not in _NEVERGRAD:
            raise _cellfit.InputError(
                f"NevergradOptimizer: method {method!r} has no counterpart in cellfit; these do: "
                f"{', '.join(_NEVERGRAD)} (or name a cellfit optimizer: Optimizer('pagmo.sade'))")
        name, options, what = _NEVERGRAD[method]
        self.method = method
        self._popsize = kwds.pop("popsize", None)
        kwds.pop("budget", None)  # the budget is n_rounds x n_samples, as in the toolbox
        super().__init__(name, seed=seed, **options, **kwds)
        print(f"NevergradOptimizer({method!r}) runs as cellfit's optimizer.{name} ({what}), the closest "
              f"optimizer cellfit ships", flush=True)

    def population(self, requested):
        wanted = int(self._popsize) if self._popsize else requested
        actual = max(wanted, _MIN_POPULATION.get(self.method, 1))
        if actual != requested:
            print(f"Sample size {requested} requested, but the {self.method} optimizer will use {actual}, "
                  f"as nevergrad's does", flush=True)
        return actual


class SkoptOptimizer(Optimizer):
    """Not available: scikit-optimize's Bayesian optimisation does not run in cellfit."""

    def __init__(self, method="GP", **kwds):
        raise _cellfit.InputError(
            f"SkoptOptimizer({method!r}): cellfit has no Bayesian optimisation (scikit-optimize). For few "
            "evaluations use Optimizer('nlopt.LN_BOBYQA') or Optimizer('pagmo.cmaes'); for the toolbox's "
            "default, NevergradOptimizer(); cellfit.plugins('optimizer') lists every optimizer")
