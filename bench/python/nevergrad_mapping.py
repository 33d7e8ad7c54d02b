#!/usr/bin/env python3
"""Which cellfit optimizer NevergradOptimizer('DE') should run: candidates on
the toolbox's example problems at the toolbox's budgets, 20 seeds each.

- if: the toolbox's IF_spikefitter (an exponential integrate-and-fire neuron
  simulated by Brian 2, 5 nA for 25 ms; gL, C and EL fitted; gamma factor,
  delta 1 ms), 30 samples x 3 rounds;
- hh30x4, hh60x10: the toolbox's HH example (../shared/data/hh, v from VT,
  MSE from 5 ms), 30 x 4 (its hh_nevergrad_runtime) and 60 x 10.

Seeds as the compat layer draws them: np.random.seed(s), then one randint.
Each candidate on both scales: the bounds as given ('linear', nevergrad's
way) and cellfit's default, a log scale for positive bounds spanning a
factor of 10 or more (every HH conductance and Cm; gL and C of the IF
neuron). Printed per candidate and problem: seeds 1-3, the median and the
worst.

    .venv/bin/python bench/python/nevergrad_mapping.py [--seeds 20]
"""

import argparse
import contextlib
import io
import pathlib
import sys

import numpy as np
from brian2 import (NeuronGroup, SpikeMonitor, TimedArray, amp, cm, ms, mV, nA, nF, nS, prefs, run, siemens, ufarad,
                    umetre)

import cellfit
from cellfit.compat import GammaFactor, MSEMetric, SpikeFitter, TraceFitter

ROOT = pathlib.Path(__file__).resolve().parents[2]
HH_DATA = ROOT.parent / "shared" / "data" / "hh"
CANDIDATES = {
    "de v3 (rand-to-best/1/exp), F 0.8, CR 0.9": ("pagmo.de", dict(variant=3, F=0.8, CR=0.9)),
    "de v8 (rand-to-best/1/bin), F 0.8, CR 0.5": ("pagmo.de", dict(variant=8, F=0.8, CR=0.5)),
    "de v8, F 0.8, CR 0.9": ("pagmo.de", dict(variant=8, F=0.8, CR=0.9)),
    "de v2 (pagmo's default)": ("pagmo.de", {}),
    "de v1 (best/1/exp)": ("pagmo.de", dict(variant=1)),
    "sade": ("pagmo.sade", {}),
    "cmaes": ("pagmo.cmaes", {}),
    "pso_gen": ("pagmo.pso_gen", {}),
}

# Names the models use, resolved from this module as Brian resolves them.
EL, VT_IF, DeltaT = -70 * mV, -50 * mV, 2 * mV
El, EK, ENa, VT = -65 * mV, -90 * mV, 50 * mV, -63 * mV
area = 20000 * umetre**2
IF_MODEL = '''dv/dt = (gL*(EL-v)+gL*DeltaT*exp((v-VT_IF)/DeltaT) + I)/C : volt
gL: siemens (constant)
C: farad (constant)
'''


def bound(low, high, scale):
    return [low, high] if scale == "auto" else [low, high, scale]


def if_problem(scale):
    """The IF example's data: Brian 2's spikes of the true neuron."""
    prefs.codegen.target = "numpy"
    current = np.hstack([np.zeros(50), np.ones(250), np.zeros(300)]) * 5 * nA
    I_true = TimedArray(current, dt=0.1 * ms)  # noqa: F841 (used by name)
    group = NeuronGroup(1, IF_MODEL.replace("+ I)", "+ I_true(t))"), threshold="v > -50*mV", reset="v = -70*mV",
                        method="exponential_euler", dt=0.1 * ms)
    group.v, group.gL, group.C = -70 * mV, 30 * nS, 1 * nF
    spikes = SpikeMonitor(group)
    run(60 * ms)
    times = spikes.t_[:]

    def fit(optimizer):
        fitter = SpikeFitter(model=IF_MODEL + "EL: volt (constant)\n", input={"I": np.array([current]) * amp},
                             output=[times], dt=0.1 * ms, threshold="v > -50*mV", reset="v = -70*mV",
                             param_init={"v": -70 * mV}, n_samples=30)
        return fitter.fit(n_rounds=3, optimizer=optimizer, metric=GammaFactor(delta=1 * ms, time=60 * ms),
                          callback=None, gL=bound(10 * nS, 100 * nS, scale), C=bound(0.1 * nF, 10 * nF, scale),
                          EL=[-100 * mV, -50 * mV])[1]
    return fit


def hh_problem(n_samples, n_rounds, scale):
    inp = np.loadtxt(HH_DATA / "input_amp.csv", delimiter=",")
    out = np.loadtxt(HH_DATA / "output_mV.csv", delimiter=",")
    model = (ROOT / "examples" / "models" / "hh_traub.eqs").read_text()

    def fit(optimizer):
        fitter = TraceFitter(model=model, input={"I": inp * amp}, output={"v": out * mV}, dt=0.01 * ms,
                             n_samples=n_samples, param_init={"v": "VT"}, method="exponential_euler")
        error = fitter.fit(n_rounds=n_rounds, optimizer=optimizer, metric=MSEMetric(t_start=5 * ms), callback=None,
                           gl=bound(1e-9 * siemens, 1e-7 * siemens, scale),
                           g_na=bound(2e-6 * siemens, 2e-4 * siemens, scale),
                           g_kd=bound(6e-7 * siemens, 6e-5 * siemens, scale),
                           Cm=bound(0.1 * ufarad * cm**-2 * area, 2 * ufarad * cm**-2 * area, scale))[1]
        return float(error / mV**2)
    return fit


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    print(f"{'candidate':<44}{'scale':>8}" + "".join(f"{p:>36}" for p in ("if (gamma)", "hh30x4 (mV^2)",
                                                                       "hh60x10 (mV^2)")))
    for (name, (plugin, options)), scale in ((c, s) for c in CANDIDATES.items() for s in ("linear", "auto")):
        cells = []
        for fit in (if_problem(scale), hh_problem(30, 4, scale), hh_problem(60, 10, scale)):
            errors = []
            for seed in range(1, args.seeds + 1):
                np.random.seed(seed)
                optimizer = cellfit.Optimizer(plugin, seed=int(np.random.randint(0, 2**31 - 1)), **options)
                with contextlib.redirect_stdout(io.StringIO()):
                    errors.append(fit(optimizer))
            first = "/".join(f"{e:.3g}" for e in errors[:3])
            cells.append(f"{first} med {np.median(errors):.3g} max {max(errors):.3g}")
        print(f"{name:<44}{scale:>8}" + "".join(f"{c:>36}" for c in cells), flush=True)


if __name__ == "__main__":
    sys.exit(main())
