#!/usr/bin/env python3
"""A multimodal fitting problem: a damped oscillator's decay, recorded with
noise. The error over the frequency has a deep, narrow minimum at the truth
and a comb of local minima beside it (phases that partly align), as fits of
resonant or bursting cells do. Simulated by Brian 2 (Debian's python3-brian),
integrated by RK4 and written to oscillator_mV.csv (one trace, 2000 steps of 0.1 ms, mV), with
its input (zeros, oscillator_input.csv: the toolbox's fitters need one).

Truth: f = 61 Hz, tau = 150 ms; noise 0.02 mV (seed 5).
Usage: /usr/bin/python3 bench/search-quality/make_oscillator.py
"""
import os

import numpy as np
from brian2 import Hz, NeuronGroup, StateMonitor, defaultclock, mV, ms, prefs, run, second, volt

prefs.codegen.target = "numpy"
defaultclock.dt = 0.1 * ms
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "oscillator.eqs")) as f:
    equations = f.read()
group = NeuronGroup(1, equations + "\nI : amp\n", method="rk4")  # I stays 0
group.f = 61 * Hz
group.tau = 150 * ms
group.x = 1 * mV
group.y = 0 * volt / second
monitor = StateMonitor(group, "x", record=True)
run(200 * ms)
rng = np.random.default_rng(5)
trace = monitor.x[0] / mV + rng.normal(0, 0.02, monitor.x.shape[1])
np.savetxt(os.path.join(here, "oscillator_mV.csv"), trace[None, :], delimiter=",", fmt="%.9g")
np.savetxt(os.path.join(here, "oscillator_input.csv"), np.zeros((1, trace.shape[0])), delimiter=",", fmt="%g")
print("wrote oscillator_mV.csv:", trace.shape[0], "steps")
