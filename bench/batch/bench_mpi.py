#!/usr/bin/env python3
"""cellfit over MPI ranks against one rank, measured in the same run.

1. `cellfit batch` of the 24 HH cells that make_hh_batch.py writes, one
   thread per rank: 1 rank, then 2 (the speed-up, and that both runs give
   the same summary).
2. `cellfit fit` of the HH example with 6,000 samples per round, 10 rounds,
   one thread per rank: 1 rank, then 2.
3. The same fit at 60 samples per round, 200 rounds: what a round's
   exchange costs when there is almost nothing to simulate.

    /usr/bin/python3 bench/batch/bench_mpi.py [--build build] [--data /tmp/hh-batch]
"""
import argparse
import csv
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Ranks are not pinned to cores: on these shared 2-core machines one core is
# often busier with other work, and a pinned rank cannot move off it.
MPIRUN = ["mpirun", "--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,vader,tcp",
          "--mca", "btl_tcp_if_include", "lo", "--mca", "oob_tcp_if_include", "lo"]
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def timed(command):
    start = time.perf_counter()
    done = subprocess.run(command, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(map(str, command))}\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def summary_rows(path):
    with open(path) as f:
        return [{k: v for k, v in row.items() if k != "seconds"} for row in csv.DictReader(f)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=pathlib.Path, default=ROOT / "build")
    parser.add_argument("--data", type=pathlib.Path, default=pathlib.Path(tempfile.gettempdir()) / "cellfit-hh-batch")
    parser.add_argument("--rounds", type=int, default=100, help="rounds per cell in the batch")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs of each, 1 and 2 ranks alternating; the fastest counts (the machines are noisy)")
    args = parser.parse_args()
    cellfit = str(args.build / "cellfit")
    config = str(ROOT / "examples" / "hh-traces" / "fit.ini")
    if not (args.data / "cells.csv").exists():
        subprocess.run(["/usr/bin/python3", str(ROOT / "bench" / "batch" / "make_hh_batch.py"), str(args.data)],
                       check=True, capture_output=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix="cellfit-bench-mpi-"))
    try:
        # A first short fit of each size builds the kernels (they depend on the
        # population and the split), so that no run below compiles.
        for samples in (60, 6000):
            for n in (1, 2):
                timed(MPIRUN + ["-n", str(n), cellfit, "fit", "--config", config, "--rounds", "1", "--threads", "1",
                                "--samples", str(samples), "--callback", "none"])
        print(f"1. cellfit batch: {args.data / 'cells.csv'}, 24 cells x {args.rounds} rounds of 60 samples, "
              "refined, 1 thread per rank")
        times = {1: [], 2: []}
        for _ in range(args.repeats):
            for n in (1, 2):
                out = work / f"batch{n}"
                shutil.rmtree(out, ignore_errors=True)
                seconds, _ = timed(MPIRUN + ["-n", str(n), cellfit, "batch", "--manifest", str(args.data / "cells.csv"),
                                             "--out", str(out), "--config", config, "--rounds", str(args.rounds),
                                             "--refine", "--threads", "1"])
                times[n].append(seconds)
        for n in (1, 2):
            print(f"   {n} rank{'s' if n > 1 else ' '}: {min(times[n]):7.2f} s (whole command; runs: "
                  f"{', '.join(f'{t:.2f}' for t in times[n])})")
        times = {n: min(t) for n, t in times.items()}
        same = summary_rows(work / "batch1" / "summary.csv") == summary_rows(work / "batch2" / "summary.csv")
        print(f"   speed-up {times[1] / times[2]:.2f}x; summaries identical: {same}")

        for samples, rounds, label in ((6000, 10, "2."), (60, 200, "3.")):
            print(f"{label} cellfit fit (HH example): {samples} samples x {rounds} rounds, 1 thread per rank")
            per_round = {1: [], 2: []}
            for _ in range(args.repeats):
                for n in (1, 2):
                    _, out = timed(MPIRUN + ["-n", str(n), cellfit, "fit", "--config", config, "--samples",
                                             str(samples), "--rounds", str(rounds), "--threads", "1", "--callback",
                                             "none", "--results", str(work / f"fit{samples}_{n}.json")])
                    fit_time = re.search(r"evaluations[^)]*\) in ([0-9.]+) (m?s)", out)
                    per_round[n].append(float(fit_time.group(1)) / (1000 if fit_time.group(2) == "ms" else 1) / rounds)
            for n in (1, 2):
                print(f"   {n} rank{'s' if n > 1 else ' '}: {1e3 * min(per_round[n]):8.2f} ms per round (runs: "
                      f"{', '.join(f'{1e3 * t:.2f}' for t in per_round[n])})")
            per_round = {n: min(t) for n, t in per_round.items()}
            a = (work / f"fit{samples}_1.json").read_text()
            b = (work / f"fit{samples}_2.json").read_text()
            same = re.search(r'"samples":.*', a, re.S).group(0) == re.search(r'"samples":.*', b, re.S).group(0)
            print(f"   speed-up {per_round[1] / per_round[2]:.2f}x; samples identical: {same}")
            print(f"   bytes per round: {samples * 4 * 8 + 40} broadcast (4 parameters), "
                  f"{samples * 8} gathered (1 objective)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
