#!/usr/bin/env python3
"""What Python adds to a round: the toolbox's HH example (60 samples, v from
VT, MSE from 5 ms, DE) fitted through `cellfit` from Python, against the
C++ fitter's own time for the same rounds (the results' round_seconds: ask,
simulate, score, tell) and against `cellfit fit` run as a process, all in
this run. Beside them, the toolbox's figures from ../shared/data/hh/README.md.

    .venv/bin/python bench/python/round_overhead.py [--rounds 200] [--repeats 3]

Each measurement continues a fit that has run one round (the kernel compiled),
then times --rounds rounds; the best of --repeats is shown.
"""

import argparse
import contextlib
import io
import json
import os
import pathlib
import subprocess
import tempfile
import time

import numpy as np

import cellfit

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "hh"
BUILD = pathlib.Path(cellfit.__file__).resolve().parents[2]
# brian2modelfitting per round after the first, 60 samples (../shared/data/hh/README.md).
TOOLBOX_ROUND = {"cython": 0.15, "numpy": 0.40}

CONSTANTS = {"El": -0.065, "EK": -0.09, "ENa": 0.05, "VT": -0.063}
BOUNDS = dict(gl=[1e-9, 1e-7], g_na=[2e-6, 2e-4], g_kd=[6e-7, 6e-5], Cm=[2e-11, 4e-10])


def model_text():
    text = (ROOT / "examples" / "models" / "hh_traub.eqs").read_text()
    for name, value in CONSTANTS.items():
        text = text.replace(name, f"({value!r}*volt)")
    return text


def python_rounds(callback, rounds):
    """(seconds per round of fit() seen from Python, the C++ fitter's own)."""
    inp = np.loadtxt(DATA / "input_amp.csv", delimiter=",")
    out = np.loadtxt(DATA / "output_mV.csv", delimiter=",") * 1e-3
    fitter = cellfit.TraceFitter(model=model_text(), input={"I": inp}, output={"v": out}, dt=1e-5, n_samples=60,
                                 param_init={"v": "-0.063*volt"}, method="exponential_euler", use_units=False,
                                 input_units={"I": "amp"})
    optimizer = cellfit.Optimizer("pagmo.de", seed=1)
    metric = cellfit.Metric("mse", t_start=0.005)
    fitter.fit(n_rounds=1, optimizer=optimizer, metric=metric, callback=None, **BOUNDS)
    with contextlib.redirect_stdout(io.StringIO()):
        start = time.perf_counter()
        fitter.fit(n_rounds=rounds, optimizer=optimizer, callback=callback, **BOUNDS)
        wall = time.perf_counter() - start
    own = fitter._native.results()["round_seconds"][1:]
    return wall / rounds, float(np.mean(own))


def process_rounds(rounds):
    """(seconds per round of `cellfit fit` from its results file, whole process)."""
    with tempfile.TemporaryDirectory() as folder:
        results = os.path.join(folder, "r.json")
        command = [str(BUILD / "cellfit"), "fit", "--config", str(ROOT / "bench" / "fit-hh.ini"), "--samples", "60",
                   "--rounds", str(rounds + 1), "--seed", "1", "--callback", "none", "--results", results,
                   "--checkpoint-seconds", "3600"]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        wall = time.perf_counter() - start
        seconds = json.loads(pathlib.Path(results).read_text())["round_seconds"][1:]
    return float(np.mean(seconds)), wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    def record(params, errors, best_params, best_error, index, info):
        return False

    cases = [("Python, callback=None", None), ("Python, callback='text'", "text"),
             ("Python, a callable", record)]
    print(f"HH example, 60 samples, {args.rounds} rounds after the first; best of {args.repeats}; ms per round")
    print(f"{'how':<28}{'seen by caller':>16}{'C++ rounds':>12}{'Python adds':>13}")
    for name, callback in cases:
        runs = [python_rounds(callback, args.rounds) for _ in range(args.repeats)]
        wall, own = min(runs, key=lambda r: r[0])
        print(f"{name:<28}{wall * 1e3:>16.3f}{own * 1e3:>12.3f}{(wall / own - 1) * 100:>12.1f}%")
    process = min((process_rounds(args.rounds) for _ in range(args.repeats)), key=lambda r: r[0])
    print(f"{'cellfit fit (process)':<28}{'':>16}{process[0] * 1e3:>12.3f}{'':>13}  (whole process {process[1]:.2f} s)")
    python_round = min(python_rounds(None, args.rounds)[0] for _ in range(args.repeats))
    for target, seconds in TOOLBOX_ROUND.items():
        print(f"brian2modelfitting ({target}): {seconds * 1e3:.0f} ms per round, "
              f"{seconds / python_round:.0f} x cellfit from Python")


if __name__ == "__main__":
    main()
