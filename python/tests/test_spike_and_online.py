"""SpikeFitter on spikes Brian 2 itself produced (the toolbox's IF example),
and OnlineTraceFitter in both of the toolbox's argument forms."""

import numpy as np
import pytest
from brian2 import (NeuronGroup, SpikeMonitor, StateMonitor, TimedArray, amp, defaultclock, mV, ms, nA, nF, nS,
                    prefs, run, start_scope, umetre, siemens, ufarad, cm)

import cellfit
from cellfit.compat import GammaFactor, NevergradOptimizer, OnlineTraceFitter, SpikeFitter

from conftest import HH_EQUATIONS

EL = -70 * mV
VT = -50 * mV
DeltaT = 2 * mV
area = 20000 * umetre**2
El = -65 * mV
EK = -90 * mV
ENa = 50 * mV

MODEL = '''
dv/dt = (gL*(EL-v)+gL*DeltaT*exp((v-VT)/DeltaT) + I)/C : volt
gL: siemens (constant)
C: farad (constant)
'''


@pytest.fixture(scope="module")
def brian_spikes():
    """A 5 nA step into an exponential integrate-and-fire neuron (gL = 30 nS,
    C = 1 nF), simulated by Brian 2: the current and the spike times."""
    prefs.codegen.target = "numpy"
    start_scope()
    dt = 0.1 * ms
    defaultclock.dt = dt
    current = np.hstack([np.zeros(50), np.ones(250), np.zeros(300)]) * 5 * nA
    I_brian = TimedArray(current, dt=dt)  # noqa: F841 (used by name in the equations)
    group = NeuronGroup(1, MODEL.replace("+ I)", "+ I_brian(t))"), threshold="v > -50*mV", reset="v = -70*mV",
                        method="exponential_euler")
    group.v = -70 * mV
    group.gL = 30 * nS
    group.C = 1 * nF
    spikes = SpikeMonitor(group)
    voltage = StateMonitor(group, "v", record=True)
    run(60 * ms)
    return np.asarray(current), spikes.t_[:], np.asarray(voltage.v_[0])


def spike_fitter(brian_spikes, **kwargs):
    current, times, _ = brian_spikes
    return SpikeFitter(model=MODEL, input={"I": np.array([current]) * amp}, output=[times], dt=0.1 * ms,
                       threshold="v > -50*mV", reset="v = -70*mV", param_init={"v": -70 * mV}, **kwargs)


def test_spike_fitter_finds_brians_neuron_and_generates_its_spikes(brian_spikes):
    _, times, voltage = brian_spikes
    assert len(times) >= 5
    fitter = spike_fitter(brian_spikes, n_samples=30)
    np.random.seed(1)
    params, error = fitter.fit(n_rounds=12, optimizer=NevergradOptimizer(), metric=GammaFactor(delta=1 * ms,
                               time=60 * ms), callback=None, gL=[10 * nS, 100 * nS], C=[0.1 * nF, 10 * nF])
    assert isinstance(error, float) and error < 0.2
    assert fitter.method == "exponential_euler"  # the spike fitter's default, as the toolbox's
    # At the truth, cellfit's simulation spikes at Brian's steps exactly.
    truth = {"gL": 30 * nS, "C": 1 * nF}
    generated = fitter.generate_spikes(params=truth)
    assert len(generated) == 1
    np.testing.assert_allclose(generated[0], times, atol=1e-12)
    trace = fitter.generate(params=truth, output_var="v")
    assert trace.shape == (1, 600)
    np.testing.assert_allclose(np.asarray(trace[0]), voltage, atol=1e-9 * np.ptp(voltage))


def test_spike_fitter_default_metric_is_the_toolboxs_gamma_factor(brian_spikes):
    fitter = spike_fitter(brian_spikes, n_samples=8)
    fitter.fit(n_rounds=1, optimizer=cellfit.Optimizer("random", seed=3), callback=None, gL=[10 * nS, 100 * nS],
               C=[0.1 * nF, 10 * nF])
    by_hand = spike_fitter(brian_spikes, n_samples=8)
    by_hand.fit(n_rounds=1, optimizer=cellfit.Optimizer("random", seed=3), callback=None,
                metric=GammaFactor(delta=2 * ms, time=60 * ms), gL=[10 * nS, 100 * nS], C=[0.1 * nF, 10 * nF])
    np.testing.assert_allclose(fitter.results(format="dict")["error"], by_hand.results(format="dict")["error"],
                               rtol=1e-12)


HH_BOUNDS = dict(gl=[1e-09 * siemens, 1e-07 * siemens], g_na=[2e-06 * siemens, 2e-04 * siemens],
                 g_kd=[6e-07 * siemens, 6e-05 * siemens], Cm=[0.1 * ufarad * cm**-2 * area, 2 * ufarad * cm**-2 * area])


@pytest.mark.parametrize("form", ["dict", "positional", "toolbox"])
def test_online_trace_fitter_takes_both_argument_forms_and_scores_as_mse(hh_data, form):
    from cellfit.compat import MSEMetric, TraceFitter
    inp, out = hh_data
    args = dict(model=HH_EQUATIONS, dt=0.01 * ms, n_samples=40, param_init={"v": -65 * mV},
                method="exponential_euler")
    if form == "dict":
        fitter = OnlineTraceFitter(input={"I": inp * amp}, output={"v": out * mV}, **args)
    elif form == "positional":
        model = args.pop("model")
        fitter = OnlineTraceFitter(model, {"I": inp * amp}, {"v": out * mV}, **args)
    else:
        fitter = OnlineTraceFitter(input_var="I", input=inp * amp, output_var="v", output=out * mV, **args)
    np.random.seed(1)
    _, error = fitter.fit(n_rounds=10, optimizer=NevergradOptimizer(), callback=None, **HH_BOUNDS)
    errors = np.asarray(fitter.results(format="dict")["error"])
    assert errors.shape == (400,) and float(error / mV**2) < np.median(errors[:40]) * 1e6 / 3
    # The same samples scored by TraceFitter's MSE over the whole trace.
    offline = TraceFitter(HH_EQUATIONS, input={"I": inp * amp}, output={"v": out * mV},
                          **{k: v for k, v in args.items() if k != "model"})
    np.random.seed(1)
    offline.fit(n_rounds=10, optimizer=NevergradOptimizer(), metric=MSEMetric(), callback=None, **HH_BOUNDS)
    np.testing.assert_allclose(errors, np.asarray(offline.results(format="dict")["error"]), rtol=1e-12)
    traces = fitter.generate_traces()
    assert traces.shape == out.shape
    residual = float(np.mean((np.asarray(traces / mV) - out) ** 2))
    assert residual == pytest.approx(float(error / mV**2), rel=1e-6)


def test_spike_fitter_refuses_a_recording_without_spikes(brian_spikes):
    current, _, _ = brian_spikes
    for trains, message in (([np.array([])], "the recording has no spikes at all"),
                            ([], "no recorded spike times: give one row")):
        with pytest.raises(cellfit.InputError, match=message):
            SpikeFitter(model=MODEL, input={"I": np.array([current]) * amp}, output=trains, dt=0.1 * ms,
                        threshold="v > -50*mV", reset="v = -70*mV")
