#!/usr/bin/env python3
"""The Python toolbox (brian2modelfitting with nevergrad 1.0.1, its default
DE) on the search-quality problems, 60 samples x 10 rounds, one process per
(problem, seed), for the baseline figures of run.py. hh and adex are set up
as in ../shared/data/*/README.md (seeds 1-3 there reproduce those figures);
oscillator is make_oscillator.py's problem; features is examples/hh-features
with eFEL replaced by efel_shim/ (eFEL cannot be installed here).

Usage: /usr/bin/python3 bench/search-quality/toolbox.py --toolbox DIR [--seeds 1-5]
       [--problems hh,adex,oscillator,features] [--cellfit build/cellfit]
DIR holds b2mf/ (brian2modelfitting's repository, HEAD 3a0e8c9) and ng/
(nevergrad's, at tag 1.0.1), each with its package folder inside. Prints a line per run and the median, best and worst per problem.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "..", "shared", "data")
MARK = "@@RESULT@@ "


def child(problem, seed):
    import numpy as np
    import pandas as pd
    from brian2 import amp, cm, mV, ms, nS, pA, pF, siemens, ufarad, umetre, volt, second, Hz
    from brian2modelfitting import FeatureMetric, GammaFactor, MSEMetric, NevergradOptimizer, SpikeFitter, TraceFitter
    np.random.seed(seed)  # after the imports, as the toolbox's reproducible runs need
    # The toolbox reads constants from the caller's namespace.
    if problem in ("hh", "features"):
        # hh: the toolbox's example (v from VT, MSE from 5 ms). features:
        # examples/hh-features/fit.ini, the HH data from rest scored by the 17
        # default features of metric.features, resampled at 10 us; eFEL is
        # efel_shim (cellfit's features, checked against eFEL's own values).
        # The toolbox sums a features error over the 5 traces and cellfit
        # averages: it is divided by 5 to be cellfit's.
        with open(os.path.join(HERE, "..", "..", "examples", "models", "hh_traub.eqs")) as f:
            eqs = f.read()
        inp = pd.read_csv(os.path.join(SHARED, "hh", "input_traces_hh.csv")).to_numpy()[:, 1:]
        out = pd.read_csv(os.path.join(SHARED, "hh", "output_traces_hh.csv")).to_numpy()[:, 1:]
        El, EK, ENa, VT = -65 * mV, -90 * mV, 50 * mV, -63 * mV
        area = 20000 * umetre ** 2
        if problem == "hh":
            metric = MSEMetric(t_start=5 * ms)
        else:
            features = ["spike_count", "mean_frequency", "time_to_first_spike", "ISI_CV", "AP_height", "AP_amplitude",
                        "AP_duration_half_width", "spike_half_width", "AP_width", "AHP_depth", "AHP_depth_abs",
                        "voltage_base", "steady_state_voltage_stimend", "voltage_deflection",
                        "voltage_deflection_vb_ssse", "sag_amplitude", "minimum_voltage"]
            metric = FeatureMetric(stim_times=[(4.99 * ms, 9.98 * ms)] * out.shape[0], feat_list=features)
        fitter = TraceFitter(model=eqs, input={"I": inp * amp}, output={"v": out * mV}, dt=0.01 * ms, n_samples=60,
                             param_init={"v": "VT" if problem == "hh" else "El"}, method="exponential_euler")
        best, error = fitter.fit(n_rounds=10, optimizer=NevergradOptimizer(), metric=metric, callback=None,
                                 gl=[1e-9 * siemens, 1e-7 * siemens], g_na=[2e-6 * siemens, 2e-4 * siemens],
                                 g_kd=[6e-7 * siemens, 6e-5 * siemens],
                                 Cm=[0.1 * ufarad * cm ** -2 * area, 2 * ufarad * cm ** -2 * area])
        if problem == "hh":
            error = float(error / mV ** 2)
        else:
            error = float(error) / out.shape[0]
            print(MARK + json.dumps({"features_best": {k: float(v) for k, v in best.items()}}), flush=True)
    elif problem == "adex":
        with open(os.path.join(SHARED, "adex", "adex.eqs")) as f:
            eqs = f.read()
        inp = np.loadtxt(os.path.join(SHARED, "adex", "input_amp.csv"), delimiter=",")
        with open(os.path.join(SHARED, "adex", "spikes_s.csv")) as f:
            spikes = [np.array([float(v) for v in line.split(",") if v.strip()]) for line in f if line.strip()]
        EL, VT, DeltaT, Vr = -68 * mV, -52 * mV, 2.5 * mV, -55 * mV
        fitter = SpikeFitter(model=eqs, input={"I": inp * amp}, output=spikes, dt=0.1 * ms, n_samples=60,
                             threshold="v > -30*mV", reset="v = Vr; w += b", refractory=2 * ms,
                             param_init={"v": -68 * mV})
        _, error = fitter.fit(n_rounds=10, optimizer=NevergradOptimizer(),
                              metric=GammaFactor(delta=2 * ms, time=1500 * ms), callback=None,
                              gL=[2 * nS, 50 * nS], C=[50 * pF, 500 * pF], a=[0 * nS, 10 * nS], b=[0 * pA, 200 * pA],
                              tau_w=[20 * ms, 300 * ms])
        error = float(error)
    else:
        with open(os.path.join(HERE, "oscillator.eqs")) as f:
            eqs = f.read()
        out = np.loadtxt(os.path.join(HERE, "oscillator_mV.csv"), delimiter=",").reshape(1, -1)
        fitter = TraceFitter(model=eqs, input={"I": np.zeros_like(out) * amp}, output={"x": out * mV}, dt=0.1 * ms,
                             n_samples=60, param_init={"x": 1 * mV, "y": 0 * volt / second}, method="rk4")
        _, error = fitter.fit(n_rounds=10, optimizer=NevergradOptimizer(), metric=MSEMetric(), callback=None,
                              f=[5 * Hz, 200 * Hz], tau=[10 * ms, 500 * ms])
        error = float(error / mV ** 2)
    print(MARK + json.dumps({"error": error}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--toolbox", help="the folder with b2mf/ and ng/")
    parser.add_argument("--seeds", default="1-5")
    parser.add_argument("--problems", default="hh,adex,oscillator")
    parser.add_argument("--cellfit", default="build/cellfit", help="for the features problem's efel_shim")
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    if not args.toolbox or not os.path.isdir(os.path.join(args.toolbox, "b2mf", "brian2modelfitting")):
        parser.error("--toolbox DIR: a folder with b2mf/brian2modelfitting and ng/nevergrad")
    first, last = (int(v) for v in args.seeds.split("-"))
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg",
               PYTHONPATH=os.pathsep.join([os.path.join(args.toolbox, "b2mf"), os.path.join(args.toolbox, "ng"),
                                           os.path.join(HERE, "efel_shim")]),
               CELLFIT_EXE=os.path.abspath(args.cellfit), CELLFIT_INTERP_STEP="10*us")
    for problem in args.problems.split(","):
        errors, times = [], []
        for seed in range(first, last + 1):
            start = time.monotonic()
            done = subprocess.run([sys.executable, __file__, "--child", problem, str(seed)], env=env,
                                  capture_output=True, text=True)
            seconds = time.monotonic() - start
            lines = [l for l in done.stdout.splitlines() if l.startswith(MARK) and '"error"' in l]
            for l in done.stdout.splitlines():
                if l.startswith(MARK) and "features_best" in l:
                    print("%s seed %d best (SI): %s" % (problem, seed, l[len(MARK):]), flush=True)
            if done.returncode != 0 or not lines:
                raise SystemExit(problem + " seed " + str(seed) + " failed:\n" + done.stderr[-3000:])
            errors.append(json.loads(lines[0][len(MARK):])["error"])
            times.append(seconds)
            print("%s seed %d: %.4g in %.1f s" % (problem, seed, errors[-1], seconds), flush=True)
        print("| %s | toolbox (nevergrad DE), seeds %d-%d | 60 x 10 | %.4g | %.4g | %.4g | %.1f s |" % (
            problem, first, last, statistics.median(errors), min(errors), max(errors), statistics.median(times)), flush=True)


if __name__ == "__main__":
    main()
