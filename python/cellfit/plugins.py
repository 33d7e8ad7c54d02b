"""Plugins by name: the registry the package uses, and Optimizer and Metric,
which name a plugin and its options as `cellfit fit --optimizer NAME --opt
KEY=VALUE` does. Options are checked against the plugin's own list when the
object is made, so a misspelt option fails at once, naming the valid ones.
"""

import os
import tempfile

import numpy as np

from . import _cellfit, _units
from ._checks import whole_number

_registry = None
_plugin_dirs = []


def registry():
    """The plugin registry: the build's or installation's plugins, then the
    folders of CELLFIT_PLUGIN_PATH, then those given to load_plugins."""
    global _registry
    if _registry is None:
        _registry = _cellfit.Registry(list(_plugin_dirs))
    return _registry


def load_plugins(*folders):
    """Adds plugin folders (searched after the others); a folder that does
    not exist is an InputError."""
    global _registry
    new_dirs = _plugin_dirs + [os.fspath(f) for f in folders]
    _registry = _cellfit.Registry(new_dirs)
    _plugin_dirs[:] = new_dirs


def plugins(kind=None):
    """The plugins found, as dicts (name, kind, version, description,
    library, options), optionally of one kind: 'optimizer', 'metric',
    'integrator' or 'backend'."""
    return registry().plugins(kind)


def _load_problems():
    """The plugin libraries that could not be loaded, for an error about a
    plugin that was not found (it may be one of them)."""
    problems = [message for level, _, message in registry().diagnostics() if level == "error"]
    return "".join(f"\n(a plugin library failed to load: {m})" for m in problems)


def _short_name(kind, name):
    prefix = kind + "."
    return name[len(prefix):] if name.startswith(prefix) else name


class _Plugin:
    _kind = None

    def __init__(self, name, **options):
        self.name = _short_name(self._kind, name)
        self.options = dict(options)
        self._files = None  # folder of arrays written for options that take a file
        try:
            registry().check_options(self._kind, self.name, self.native_options())
        except _cellfit.InputError as error:
            raise type(error)(f"{error}{_load_problems()}") from None

    def native_options(self):
        """The options as the C++ side takes them: numbers and text, a
        quantity as text with its unit, an array as a CSV file's path."""
        native = {}
        for key, value in self.options.items():
            if value is None:
                continue
            if _units.is_quantity(value) and np.ndim(value) == 0:
                native[key] = _units.quantity_text(value)
            elif isinstance(value, (list, tuple, np.ndarray)) and not isinstance(value, str):
                native[key] = self._array_file(key, value)
            elif isinstance(value, np.generic):
                native[key] = value.item()
            else:
                native[key] = value
        return native

    def _array_file(self, key, values):
        if self._files is None:
            self._files = tempfile.TemporaryDirectory(prefix="cellfit-")
        path = os.path.join(self._files.name, f"{key}.csv")
        rows = np.atleast_2d(np.asarray(values, dtype=float))
        np.savetxt(path, rows, delimiter=",", fmt="%.17g")
        return path

    def __repr__(self):
        options = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"{type(self).__name__}({self.name!r}{', ' if options else ''}{options})"


class Optimizer(_Plugin):
    """An optimizer plugin: Optimizer('pagmo.de', F=0.8), Optimizer('random',
    sampling='sobol'), Optimizer('multistart') (Levenberg-Marquardt descents
    from a Sobol screen, for traces scored by mse). cellfit.plugins('optimizer')
    lists them. Optimizer() (no name), as a fit without an optimizer: chosen
    from the budget (samples per round, rounds, parameters, the error) as
    `cellfit fit` chooses; the fitter's optimizer_name then says which.
    seed: the random seed of the fit; by default drawn from numpy's global
    generator, so that np.random.seed(n) makes a fit repeatable."""
    _kind = "optimizer"

    def __init__(self, name=None, seed=None, **options):
        self.seed = None if seed is None else whole_number(seed, "seed")
        if name is None:
            if options:
                raise _cellfit.InputError(
                    f"Optimizer(): options ({', '.join(options)}) without a name; the optimizer is chosen from "
                    "the budget, so name the one they are for, e.g. Optimizer('pagmo.de', F=0.5)")
            self.name, self.options, self._files = "", {}, None
            return
        super().__init__(name, **options)

    def __repr__(self):
        return "Optimizer()" if not self.name else super().__repr__()

    def population(self, requested):
        """The samples per round this optimizer runs for the number asked."""
        return requested


class Metric(_Plugin):
    """A metric plugin: Metric('mse', t_start=5*ms), Metric('gamma',
    delta=2*ms). cellfit.plugins('metric') lists them."""
    _kind = "metric"

    def native_options(self):
        native = super().native_options()
        # normalization is a plain number to the plugins (SI); given, it
        # makes the plugin's error dimensionless, as the toolbox's.
        if "normalization" in native and _units.is_quantity(self.options["normalization"]):
            native["normalization"] = _units.si_value(self.options["normalization"])
        return native
