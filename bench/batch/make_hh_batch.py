#!/usr/bin/env python3
"""Makes a batch of 24 Hodgkin-Huxley cells for `cellfit batch`.

Each cell is the Traub-Miles model of ../shared/data/hh with its own true
conductances and capacitance, driven by the same five current steps
(shared/data/hh/input_amp.csv), simulated by Brian 2 itself (numpy target,
exponential Euler, dt = 0.01 ms, v starting at El) with Gaussian noise of its
own size added. Writes into OUT: cells.csv (the manifest), cell<k>_v.csv
(mV), input_amp.csv (a copy) and truth.csv (the true values and noise).

    /usr/bin/python3 bench/batch/make_hh_batch.py OUT [--cells 24] [--seed 1]
"""
import argparse
import pathlib
import shutil

import numpy as np
import brian2 as b2

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parents[1].parent / "shared" / "data" / "hh"
MODEL = HERE.parents[1] / "examples" / "models" / "hh_traub.eqs"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--cells", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    inputs = np.loadtxt(DATA / "input_amp.csv", delimiter=",")
    n_traces, n_steps = inputs.shape

    # Truths spread log-uniformly over the inner part of the fit's bounds.
    def draw(low, high):
        return np.exp(rng.uniform(np.log(low), np.log(high), args.cells))
    gl, g_na, g_kd = draw(4e-9, 40e-9), draw(8e-6, 80e-6), draw(2e-6, 20e-6)
    Cm, noise = draw(60e-12, 300e-12), rng.uniform(0.5, 2.0, args.cells)

    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 0.01 * b2.ms
    drive = b2.TimedArray(inputs.T * b2.amp, dt=b2.defaultclock.dt)
    namespace = {"El": -65 * b2.mV, "EK": -90 * b2.mV, "ENa": 50 * b2.mV, "VT": -63 * b2.mV, "drive": drive,
                 "n_traces": n_traces}
    equations = MODEL.read_text() + "\nI = drive(t, i % n_traces) : amp\n"
    group = b2.NeuronGroup(args.cells * n_traces, equations, method="exponential_euler", namespace=namespace)
    cell_of = np.arange(args.cells * n_traces) // n_traces
    group.gl, group.g_na, group.g_kd = gl[cell_of] * b2.siemens, g_na[cell_of] * b2.siemens, g_kd[cell_of] * b2.siemens
    group.Cm = Cm[cell_of] * b2.farad
    group.v = -65 * b2.mV
    monitor = b2.StateMonitor(group, "v", record=True)
    b2.run(n_steps * b2.defaultclock.dt, namespace=namespace)
    v_mV = monitor.v / b2.mV  # neurons x steps

    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "input_amp.csv", args.out / "input_amp.csv")
    manifest = ["name,output"]
    truth = ["cell,gl (siemens),g_na (siemens),g_kd (siemens),Cm (farad),noise (mV)"]
    for k in range(args.cells):
        traces = v_mV[k * n_traces:(k + 1) * n_traces] + rng.normal(0, noise[k], (n_traces, n_steps))
        np.savetxt(args.out / f"cell{k + 1}_v.csv", traces, delimiter=",", fmt="%.6f")
        manifest.append(f"cell{k + 1},v=cell{k + 1}_v.csv:mV")
        truth.append(f"cell{k + 1},{gl[k]:.6e},{g_na[k]:.6e},{g_kd[k]:.6e},{Cm[k]:.6e},{noise[k]:.4f}")
    (args.out / "cells.csv").write_text("\n".join(manifest) + "\n")
    (args.out / "truth.csv").write_text("\n".join(truth) + "\n")
    print(f"wrote {args.cells} cells x {n_traces} traces x {n_steps} steps to {args.out}")


if __name__ == "__main__":
    main()
