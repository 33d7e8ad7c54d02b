#!/usr/bin/env python3
"""Search quality: problem x optimizer x budget, seeds 1..N, each a whole
`cellfit fit` process. Prints a Markdown table with the median, best and
worst final error and the median wall time of the whole process, beside the
toolbox's figures where known (60 x 10, seeds 1-3; ../shared/data READMEs).

Usage (from the repository root, after the build):
  /usr/bin/python3 bench/search-quality/run.py [--build build] [--seeds 5]
      [--problems hh,adex,features,oscillator]
      [--optimizers "pagmo.cmaes;pagmo.de;pagmo.de variant=3"]
      [--budgets 60x10,60x100]
An optimizer is a plugin name with optional KEY=VALUE options after it, or
"default": the one cellfit chooses from the budget.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROBLEMS = {
    # name: (INI file, the error's unit and its value in SI, the toolbox's best
    # errors at 60 x 10 for seeds 1-3 in that unit, its whole-process time)
    # (toolbox.py, seeds 1-5; for features eFEL is efel_shim, as it cannot be installed here)
    "hh": ("bench/fit-hh.ini", ("mV^2", 1e-6), [64.83, 68.46, 41.51, 27.07, 40.42], "6.3 s"),
    "adex": ("bench/search-quality/adex.ini", ("", 1), [0.4036, 0.4661, 0.523, 0.502, 0.4804], "7.7 s"),
    "hh-rest": ("examples/hh-traces/fit.ini", ("mV^2", 1e-6), None, None),  # v0 = El: noise floor 1.005 mV^2
    # (toolbox.py with efel_shim, errors divided by its 5 traces; the truth scores 213.5)
    "features": ("examples/hh-features/fit.ini", ("", 1), [219.6, 205.6, 220.5, 225.4, 220.1], "18.4 s"),
    "oscillator": ("bench/search-quality/oscillator.ini", ("mV^2", 1e-6), [0.003273, 0.003679, 0.006658, 0.0004721, 0.002407],
                   "5.2 s"),  # noise floor 3.85e-4 mV^2
}


def run_fit(build, ini, optimizer, samples, rounds, seed, work):
    name, *options = optimizer.split()
    results = os.path.join(work, "r.json")
    # "default": no --optimizer, as a user who names none (an INI's is cleared with an empty one).
    command = [os.path.join(build, "cellfit"), "fit", "--config", os.path.join(ROOT, ini),
               "--optimizer", "" if name == "default" else name,
               "--samples", str(samples), "--rounds", str(rounds), "--seed", str(seed), "--results", results,
               "--callback", "none", "--checkpoint-seconds", "1000000"]
    for option in options:
        command += ["--opt", option]
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit("failed: " + " ".join(command) + "\n" + done.stderr)
    with open(results) as f:
        error = json.load(f)["best_error"]
    return (math.inf if error is None else error), seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--problems", default="hh,adex,features,oscillator")
    parser.add_argument("--optimizers", default="pagmo.cmaes;pagmo.de;pagmo.de variant=3")
    parser.add_argument("--budgets", default="60x10")
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    work = tempfile.mkdtemp(prefix="cellfit-search-quality-")
    print("| problem (error unit) | optimizer | samples x rounds | median | best | worst | wall (median) |")
    print("|---|---|---|---|---|---|---|")
    for problem in args.problems.split(","):
        ini, (unit, unit_si), toolbox, toolbox_time = PROBLEMS[problem]
        if toolbox:
            print("| %s | toolbox (nevergrad DE), seeds 1-5 | 60 x 10 | %.4g | %.4g | %.4g | %s |" % (
                problem + (" (" + unit + ")" if unit else ""), statistics.median(toolbox), min(toolbox), max(toolbox), toolbox_time))
        for budget in args.budgets.split(","):
            samples, rounds = (int(v) for v in budget.split("x"))
            for optimizer in args.optimizers.split(";"):
                errors, times = [], []
                for seed in range(1, args.seeds + 1):
                    error, seconds = run_fit(build, ini, optimizer.strip(), samples, rounds, seed, work)
                    errors.append(error / unit_si)
                    times.append(seconds)
                print("| %s | %s | %d x %d | %.4g | %.4g | %.4g | %.2f s |" % (
                    problem + (" (" + unit + ")" if unit else ""), optimizer.strip(), samples, rounds, statistics.median(errors), min(errors), max(errors),
                    statistics.median(times)), flush=True)


if __name__ == "__main__":
    main()
