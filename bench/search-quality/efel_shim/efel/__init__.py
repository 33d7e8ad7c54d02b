"""A stand-in for eFEL's Python API, for bench/search-quality/toolbox.py only:
eFEL cannot be installed here (not packaged in Debian 12, no package index
for pip), so the toolbox's FeatureMetric gets its features from
`cellfit features`, whose values tests/efel_reference_test.cpp checks
against eFEL's own (../shared/reference/efel). Both sides of the comparison
then score the same features, computed the same way.

Only what brian2modelfitting's FeatureMetric calls is here:
getFeatureValues(traces, features, parallel_map=None), each trace a dict with
T (ms, evenly spaced), V (mV), stim_start and stim_end (ms, one value each).
CELLFIT_EXE names the cellfit program; CELLFIT_INTERP_STEP (a quantity,
default 0.1*ms as eFEL's) the resampling step.
"""
import json
import os
import subprocess
import tempfile

import numpy as np


def getFeatureValues(traces, features, parallel_map=None, raise_warnings=None):
    exe = os.environ["CELLFIT_EXE"]
    interp = os.environ.get("CELLFIT_INTERP_STEP", "0.1*ms")
    results = [None] * len(traces)
    # Traces with the same timing and stimulus go to one `cellfit features` call.
    groups = {}
    for k, trace in enumerate(traces):
        t = np.asarray(trace["T"], dtype=float)
        key = (len(t), repr(float(t[1] - t[0])), repr(float(trace["stim_start"][0])), repr(float(trace["stim_end"][0])))
        groups.setdefault(key, []).append(k)
    with tempfile.TemporaryDirectory() as work:
        for (_, dt, start, end), members in groups.items():
            path = os.path.join(work, "traces.csv")
            np.savetxt(path, np.array([np.asarray(traces[k]["V"], dtype=float) for k in members]), delimiter=",",
                       fmt="%.17g")
            done = subprocess.run([exe, "features", "--trace", path + ":mV", "--dt", dt + "*ms",
                                   "--stim-start", start + "*ms", "--stim-end", end + "*ms",
                                   "--interp-step", interp, "--features", ",".join(features), "--json"],
                                  capture_output=True, text=True, check=True)
            for k, values in zip(members, json.loads(done.stdout)["traces"]):
                results[k] = {name: None if values.get(name) is None else np.array([values[name]])
                              for name in features}
    return results


def reset():
    pass
