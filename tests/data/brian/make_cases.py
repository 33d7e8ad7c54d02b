#!/usr/bin/env python3
"""Reference cases simulated by Brian 2 itself, in the format of
../shared/reference/cases (README there): model.json, out_<var>.csv,
spike_steps.csv, final_state.json. They cover what that corpus does not.

Made with Debian 12's python3-brian (Brian 2.5.1), numpy target, float64:
    python3 tests/data/brian/make_cases.py
"""
import json
import os

import numpy as np
from brian2 import NeuronGroup, Network, SpikeMonitor, StateMonitor, defaultclock, prefs
import brian2

prefs.codegen.target = "numpy"
HERE = os.path.dirname(os.path.abspath(__file__))

CASES = [
    {
        "name": "reset_temporaries",
        "description": "a reset that computes temporaries (x, y) and reads them in later statements",
        "equations": "dv/dt = (El - v + R*(I0 - w))/tau : volt\n"
                     "dw/dt = -w/tau_w : amp\n"
                     "I0 : amp (constant)\n"
                     "b : amp (constant)\n",
        "namespace": {"El": "-65*mV", "R": "100*Mohm", "tau": "10*ms", "tau_w": "50*ms", "Vr": "-70*mV"},
        "threshold": "v > -50*mV",
        "reset": "x = v - Vr\nv = Vr - 0.1*x\ny = b*(1 + x/(20*mV))\nw += y",
        "refractory": None,
        "method": None,
        "params": {"I0": ["0.2*nA", "0.3*nA", "0.5*nA"], "b": ["10*pA", "20*pA", "40*pA"]},
        "init": {"v": "El", "w": "0*amp"},
        "dt": "0.1*ms",
        "duration": "200*ms",
        "n_neurons": 3,
        "record": ["v", "w"],
    },
    {
        "name": "reset_temporaries_refractory",
        "description": "a temporary updated and set again within the reset, with (unless refractory) and a "
                       "refractory period",
        "equations": "dv/dt = (El - v + R*(I0 - w))/tau : volt (unless refractory)\n"
                     "dw/dt = -w/tau_w : amp\n"
                     "I0 : amp (constant)\n"
                     "b : amp (constant)\n",
        "namespace": {"El": "-65*mV", "R": "100*Mohm", "tau": "10*ms", "tau_w": "50*ms", "Vr": "-70*mV"},
        "threshold": "v > -50*mV",
        "reset": "x = v - Vr\nx += 1*mV\nv = Vr - 0.1*x\nx = x*2\nw += b*x/(10*mV)",
        "refractory": "3*ms",
        "method": "euler",
        "params": {"I0": ["0.25*nA", "0.4*nA"], "b": ["15*pA", "30*pA"]},
        "init": {"v": "El", "w": "0*amp"},
        "dt": "0.1*ms",
        "duration": "150*ms",
        "n_neurons": 2,
        "record": ["v", "w"],
    },
]


def default_method(case, ns):
    """Brian's choice when no method is given: the first of exact, euler and
    heun that can integrate the equations (as its method_choice tries them)."""
    for name in ("exact", "euler", "heun"):
        try:
            g = NeuronGroup(1, case["equations"], namespace=ns, method=name)
            Network(g).run(0 * brian2.ms)
            return name
        except Exception:
            continue
    raise RuntimeError("no default method for " + case["name"])


def run_case(case):
    ns = {name: eval(text, vars(brian2)) for name, text in case["namespace"].items()}
    dt = eval(case["dt"], vars(brian2))
    duration = eval(case["duration"], vars(brian2))
    defaultclock.dt = dt
    kwargs = {}
    for key in ("threshold", "reset", "refractory", "method"):
        if case[key] is not None:
            kwargs[key] = case[key]
    group = NeuronGroup(case["n_neurons"], case["equations"], namespace=ns, **kwargs)
    for name, values in case["params"].items():
        setattr(group, name, [eval(v, vars(brian2)) for v in values])
    for name, value in case["init"].items():
        setattr(group, name, value)
    state = StateMonitor(group, case["record"], record=True)
    spikes = SpikeMonitor(group)
    net = Network(group, state, spikes)
    net.run(duration)
    out = os.path.join(HERE, "cases", case["name"])
    os.makedirs(out, exist_ok=True)
    n_steps = int(round(duration / dt))
    for var in case["record"]:
        values = np.asarray(getattr(state, var))
        np.savetxt(os.path.join(out, f"out_{var}.csv"), values, delimiter=",", fmt="%.17g")
    with open(os.path.join(out, "spike_steps.csv"), "w") as f:
        trains = spikes.spike_trains()
        for i in range(case["n_neurons"]):
            steps = [int(round(float(t / dt))) for t in trains[i]]
            f.write(",".join(str(s) for s in steps) + "\n")
    final = {var: np.asarray(getattr(group, var)[:]).tolist() for var in case["record"]}
    with open(os.path.join(out, "final_state.json"), "w") as f:
        json.dump({"t": float(duration), "values": final}, f, indent=1)
    model = dict(case)
    model.pop("name")
    model["method_chosen_by_brian2"] = case["method"] or default_method(case, ns)
    model["dt_seconds"] = float(dt)
    model["n_steps"] = n_steps
    model["params_si"] = {name: {"value": np.asarray(getattr(group, name)[:]).tolist()} for name in case["params"]}
    model["input_var"] = None
    model["brian2"] = brian2.__version__
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump(model, f, indent=1)


for c in CASES:
    run_case(c)
    print("wrote", c["name"])
