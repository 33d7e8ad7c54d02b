"""cellfit: fit neuron models written in Brian 2 syntax to recordings.

    import cellfit
    fitter = cellfit.TraceFitter(model=eqs, input={'I': currents*nA},
                                 output={'v': traces*mV}, dt=0.01*ms, n_samples=60)
    best, error = fitter.fit(n_rounds=20, optimizer=cellfit.Optimizer('pagmo.cmaes'),
                             metric=cellfit.Metric('mse', t_start=5*ms),
                             gl=[1*nS, 100*nS], Cm=[20*pF, 400*pF])

The fitters take brian2modelfitting's arguments; `from cellfit.compat import *`
gives the toolbox's names (MSEMetric, GammaFactor, NevergradOptimizer, ...)
so that a toolbox script runs with one line changed.
"""

from ._cellfit import Error, InputError, ModelError, OptionError, PluginError, __version__
from ._refine import RefineResult
from .fitter import FitWarning, OnlineTraceFitter, SpikeFitter, TraceFitter
from .plugins import Metric, Optimizer, load_plugins, plugins

__all__ = ["TraceFitter", "SpikeFitter", "OnlineTraceFitter", "Optimizer", "Metric", "RefineResult", "plugins",
           "load_plugins", "Error", "InputError", "ModelError", "OptionError", "PluginError", "FitWarning",
           "__version__"]
