"""Fitting a Hodgkin-Huxley neuron to five recorded traces, from Python.

The brian2modelfitting tutorial's problem (../shared/data/hh): four
conductances and the capacitance of a Traub-Miles model, fitted to the
membrane potential recorded under five current steps. Run it as a script
(.venv/bin/python examples/python/fit_hh.py) or cell by cell in a notebook.
"""

# %% Load the recording: one row per trace, one column per 0.01 ms step.
import pathlib

import numpy as np
from brian2 import amp, cm, ms, mV, siemens, ufarad, umetre

import cellfit

data = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "data" / "hh"
currents = np.loadtxt(data / "input_amp.csv", delimiter=",") * amp
voltages = np.loadtxt(data / "output_mV.csv", delimiter=",") * mV
dt = 0.01 * ms

# %% The model, as Brian 2 equations. Names it does not define (El, EK, ENa,
# VT) are found here, as Brian finds them.
El, EK, ENa, VT = -65 * mV, -90 * mV, 50 * mV, -63 * mV
area = 20000 * umetre**2
model = (pathlib.Path(__file__).resolve().parents[1] / "models" / "hh_traub.eqs").read_text()

# %% Fit: 60 samples per round, 20 rounds of CMA-ES, mean squared error from 5 ms.
fitter = cellfit.TraceFitter(model=model, input={"I": currents}, output={"v": voltages}, dt=dt,
                             n_samples=60, param_init={"v": "El"}, method="exponential_euler")
best, error = fitter.fit(n_rounds=20, optimizer=cellfit.Optimizer("pagmo.cmaes", seed=1),
                         metric=cellfit.Metric("mse", t_start=5 * ms), callback="progressbar",
                         gl=[1e-9 * siemens, 1e-7 * siemens], g_na=[2e-6 * siemens, 2e-4 * siemens],
                         g_kd=[6e-7 * siemens, 6e-5 * siemens],
                         Cm=[0.1 * ufarad * cm**-2 * area, 2 * ufarad * cm**-2 * area])
print("fitted:", best, "error:", error)

# %% Refine locally from the best sample: least squares with standard errors.
refined, result = fitter.refine(callback=None)
print("refined:", refined, "error:", result.error)
for name, value in refined.items():
    print(f"  {name}: {value} +- {100 * result.stderr[name] / float(value):.1f} %")

# %% Every sample as a table (pandas), and the refined model's traces.
print(fitter.results(format="dataframe").sort_values("error").head())
traces = fitter.generate_traces(params=refined)

# %% Plot the recording and the fit, when matplotlib is installed.
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed: no figure (apt-get install python3-matplotlib)")
else:
    t = np.arange(voltages.shape[1]) * float(dt / ms)
    fig, axes = plt.subplots(1, 5, figsize=(20, 4), sharey=True)
    for k, ax in enumerate(axes):
        ax.plot(t, voltages[k] / mV, "k", lw=1, label="recorded")
        ax.plot(t, traces[k] / mV, "r", lw=1, label="fitted")
        ax.set_xlabel("time (ms)")
    axes[0].set_ylabel("v (mV)")
    axes[0].legend()
    out = pathlib.Path("out")
    out.mkdir(exist_ok=True)
    fig.savefig(out / "fit_hh.png", dpi=80, bbox_inches="tight")
    print("wrote out/fit_hh.png")
