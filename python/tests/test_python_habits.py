"""What a Python user counts on: Ctrl-C, other threads running during a
fit, plain floats without Brian, plugins by name and from CELLFIT_PLUGIN_PATH,
and errors that name the place and the fix."""

import json
import os
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
from brian2 import amp, mV, ms, nS, pF, siemens

import cellfit
from cellfit.compat import SkoptOptimizer, TraceFitter

from conftest import BUILD, DATA, HH_EQUATIONS, REPO

El = -65 * mV
EK = -90 * mV
ENa = 50 * mV
VT = -63 * mV
BOUNDS = dict(gl=[1 * nS, 100 * nS], g_na=[2e-06 * siemens, 2e-04 * siemens],
              g_kd=[6e-07 * siemens, 6e-05 * siemens], Cm=[20 * pF, 400 * pF])


def hh_fitter(hh_data, n_samples=20, **kwargs):
    inp, out = hh_data
    return TraceFitter(model=HH_EQUATIONS, input={"I": inp * amp}, output={"v": out * mV}, dt=0.01 * ms,
                       n_samples=n_samples, param_init={"v": "El"}, method="exponential_euler", **kwargs)


def run_python(code, env=None):
    """Runs code in a fresh interpreter (this one), with the package on its path."""
    environment = dict(os.environ, PYTHONPATH=str(BUILD / "python"), **(env or {}))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=environment, timeout=300)


HH_SCRIPT_HEAD = f'''
    import numpy as np
    DATA = {str(DATA / "hh")!r}
    inp = np.loadtxt(DATA + "/input_amp.csv", delimiter=",")
    out = np.loadtxt(DATA + "/output_mV.csv", delimiter=",") * 1e-3
    EQUATIONS = {HH_EQUATIONS!r}
'''


def test_without_brian_use_units_true_and_unitless_constants_are_refused_clearly():
    result = run_python(HH_SCRIPT_HEAD + '''
    import sys
    sys.modules["brian2"] = None  # as if Brian 2 were not installed
    import cellfit
    try:
        cellfit.TraceFitter(model=EQUATIONS, input={"I": inp}, output={"v": out}, dt=1e-5)
    except cellfit.InputError as error:
        print("REFUSED:", error)
    El, EK, ENa, VT = -0.065, -0.09, 0.05, -0.063  # floats: dimensionless to Brian, so refused by the model
    fitter = cellfit.TraceFitter(model=EQUATIONS.replace("El-v", "El*volt-v"), input={"I": inp},
                                 output={"v": out}, dt=1e-5, use_units=False, input_units={"I": "amp"},
                                 n_samples=10)
    ''')
    assert "REFUSED: use_units=True (the default) needs Brian 2" in result.stdout, result.stderr
    assert "python3-brian" in result.stdout
    # The rest of the model still uses EK etc. as plain floats: a unit error names them.
    assert "cellfit.ModelError" in result.stderr and "EK" in result.stderr


def test_without_brian_a_fit_returns_floats_in_si():
    result = run_python(HH_SCRIPT_HEAD + '''
    import sys
    sys.modules["brian2"] = None
    import cellfit
    model = EQUATIONS
    for name, value in (("El", "(-65*mV)"), ("EK", "(-90*mV)"), ("ENa", "(50*mV)"), ("VT", "(-63*mV)")):
        model = model.replace(name, value)
    fitter = cellfit.TraceFitter(model=model, input={"I": inp}, output={"v": out}, dt=1e-5, use_units=False,
                                 input_units={"I": "amp"}, n_samples=20, param_init={"v": -0.065})
    params, error = fitter.fit(n_rounds=5, optimizer=cellfit.Optimizer("pagmo.cmaes", seed=1), callback=None,
                               gl=[1e-9, 1e-7], g_na=[2e-6, 2e-4], g_kd=[6e-7, 6e-5], Cm=[2e-11, 4e-10])
    print("TYPES", type(error).__name__, sorted({type(v).__name__ for v in params.values()}))
    print("ERROR", error)
    print("BRIAN", sys.modules["brian2"])
    ''')
    assert "TYPES float ['float']" in result.stdout, result.stderr
    error = float(result.stdout.split("ERROR ")[1].split()[0])
    assert 1e-6 < error < 1e-3  # volt**2: between the noise floor (1 mV^2) and 1000 mV^2
    assert "BRIAN None" in result.stdout


def test_ctrl_c_raises_keyboard_interrupt_after_the_round_and_keeps_the_results():
    result = run_python(HH_SCRIPT_HEAD + '''
    import os, signal, threading, time
    from brian2 import amp, mV, ms, nS, pF, siemens
    import cellfit
    El, EK, ENa, VT = -65*mV, -90*mV, 50*mV, -63*mV
    fitter = cellfit.TraceFitter(model=EQUATIONS, input={"I": inp*amp}, output={"v": out*1e3*mV},
                                 dt=0.01*ms, n_samples=10, param_init={"v": "El"}, method="exponential_euler")
    # Python's own Ctrl-C handler, as at a terminal (a process started in
    # the background, as CI's may be, inherits SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # Ctrl-C from another thread once the first round is done, into a fit of
    # a million rounds (about 1 ms each): it arrives while the C++ rounds
    # run without the GIL.
    first_round = threading.Event()
    threading.Thread(target=lambda: (first_round.wait(), os.kill(os.getpid(), signal.SIGINT))).start()
    started = time.monotonic()
    try:
        fitter.fit(n_rounds=10**6, optimizer=cellfit.Optimizer("random", seed=1),
                   callback=lambda *args: first_round.set(), gl=[1*nS, 100*nS], g_na=[2e-6*siemens, 2e-4*siemens],
                   g_kd=[6e-7*siemens, 6e-5*siemens], Cm=[20*pF, 400*pF])
        print("NOT INTERRUPTED")
    except KeyboardInterrupt:
        print("INTERRUPTED after", round(time.monotonic() - started, 1), "s with", len(fitter.results()),
              "samples; best", fitter.best_error)
    ''')
    assert "INTERRUPTED after" in result.stdout, result.stdout + result.stderr
    seconds = float(result.stdout.split("after ")[1].split()[0])
    samples = int(result.stdout.split("with ")[1].split()[0])
    assert seconds < 120 and 10 <= samples < 10**7 and samples % 10 == 0  # whole rounds only
    assert "mV^2" in result.stdout


def test_other_python_threads_run_while_the_rounds_run(hh_data):
    fitter = hh_fitter(hh_data, n_samples=40)
    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)

    thread = threading.Thread(target=count)
    fitter.fit(n_rounds=1, optimizer=cellfit.Optimizer("random", seed=1), callback=None, **BOUNDS)  # compiles
    thread.start()
    start = time.monotonic()
    rounds = 0
    while time.monotonic() - start < 0.5:  # at least half a second of rounds, however fast the machine
        fitter.fit(n_rounds=20, optimizer=fitter.optimizer, callback=None, **BOUNDS)
        rounds += 20
    seconds = time.monotonic() - start
    done.set()
    thread.join()
    during = [t for t in ticks if start < t < start + seconds]
    # The thread sleeps 1 ms a tick: with the GIL held through the rounds it
    # would tick only between fit() calls, a few times.
    assert len(during) > 0.25 * seconds / 0.0012


def test_plugins_by_name_with_their_options_checked_at_once():
    names = [p["name"] for p in cellfit.plugins("optimizer")]
    assert "optimizer.pagmo.de" in names and "optimizer.random" in names
    assert cellfit.Optimizer("pagmo.de", F=0.6, variant=2).options == {"F": 0.6, "variant": 2}
    with pytest.raises(cellfit.OptionError, match=r"no option 'Fx' \(did you mean 'F'\?\)"):
        cellfit.Optimizer("pagmo.de", Fx=0.6)
    with pytest.raises(cellfit.InputError, match="pagmo.de"):
        cellfit.Optimizer("pagmo.dee")
    with pytest.raises(cellfit.InputError, match="Optimizer\\('nlopt.LN_BOBYQA'\\)"):
        SkoptOptimizer()


def test_a_third_party_plugin_loads_from_cellfit_plugin_path():
    folder = BUILD / "tests" / "fixtures" / "dup_first"
    if not folder.exists():
        pytest.fail(f"the fixture plugins are missing at {folder}: build the tests first")
    result = run_python(HH_SCRIPT_HEAD + '''
    import cellfit
    from brian2 import amp, mV, ms, nS, pF, siemens
    El, EK, ENa, VT = -65*mV, -90*mV, 50*mV, -63*mV
    print("FOUND", [p["name"] for p in cellfit.plugins("optimizer") if "fixture" in p["name"]])
    fitter = cellfit.TraceFitter(model=EQUATIONS, input={"I": inp*amp}, output={"v": out*1e3*mV},
                                 dt=0.01*ms, n_samples=3, param_init={"v": "El"})
    params, _ = fitter.fit(n_rounds=1, optimizer=cellfit.Optimizer("fixture.dup", at=0.25), callback=None,
                           gl=[0*nS, 100*nS], g_na=[0*siemens, 1e-4*siemens], g_kd=[0*siemens, 1e-4*siemens],
                           Cm=[0*pF, 400*pF])
    print("GL", float(params["gl"]))
    ''', env={"CELLFIT_PLUGIN_PATH": str(folder)})
    assert "FOUND ['optimizer.fixture.dup']" in result.stdout, result.stderr
    gl = float(result.stdout.split("GL ")[1].split()[0])
    assert gl == pytest.approx(25e-9, rel=1e-12)  # a quarter of the way through gl's interval


def test_bad_arguments_name_the_place_and_the_fix(hh_data):
    inp, out = hh_data
    with pytest.raises(cellfit.InputError, match=r"output 'v' has unit volt\*\*2, but volt was expected"):
        TraceFitter(model=HH_EQUATIONS, input={"I": inp * amp}, output={"v": out * mV * mV}, dt=0.01 * ms)
    with pytest.raises(cellfit.InputError, match="has no unit, but v is in volt"):
        TraceFitter(model=HH_EQUATIONS, input={"I": inp * amp}, output={"v": out}, dt=0.01 * ms)
    fitter = hh_fitter(hh_data)
    with pytest.raises(cellfit.InputError, match="no bounds for Cm"):
        fitter.fit(n_rounds=1, callback=None, **{k: v for k, v in BOUNDS.items() if k != "Cm"})
    with pytest.raises(cellfit.InputError, match="bounds for gk: not a parameter"):
        fitter.fit(n_rounds=1, callback=None, gk=[1 * nS, 2 * nS], **BOUNDS)
    with pytest.raises(cellfit.InputError, match="the bound of gl has unit farad"):
        fitter.fit(n_rounds=1, callback=None, **{**BOUNDS, "gl": [1 * pF, 2 * pF]})
    with pytest.raises(cellfit.InputError, match="callback 'loud'"):
        fitter.fit(n_rounds=1, callback="loud", **BOUNDS)
    with pytest.raises(cellfit.InputError, match="dt must be a positive time step"):
        TraceFitter(model=HH_EQUATIONS, input={"I": inp * amp}, output={"v": out * mV}, dt=0)
    with pytest.raises(cellfit.InputError, match="n_samples must be a whole number >= 1, got -3"):
        TraceFitter(model=HH_EQUATIONS, input={"I": inp * amp}, output={"v": out * mV}, dt=0.01 * ms, n_samples=-3)
    with pytest.raises(cellfit.InputError, match="input 'I': expected numbers"):
        TraceFitter(model=HH_EQUATIONS, input={"I": [[1e-9] * 3, [1e-9] * 2]}, output={"v": out * mV},
                    dt=0.01 * ms, input_units={"I": "amp"})
    gap = np.array(out)
    gap[1, 7] = np.nan
    with pytest.raises(cellfit.InputError, match="trace 2, step 8 is NaN"):
        TraceFitter(model=HH_EQUATIONS, input={"I": inp * amp}, output={"v": gap * mV}, dt=0.01 * ms)
    with pytest.raises(cellfit.InputError, match=r"bounds of gl: expected \[low, high\]"):
        fitter.fit(n_rounds=1, callback=None, **{**BOUNDS, "gl": "1*nS"})
    with pytest.raises(cellfit.InputError, match="n_rounds must be a whole number >= 0, got -1"):
        fitter.fit(n_rounds=-1, callback=None, **BOUNDS)
    with pytest.raises(cellfit.InputError, match="params: no value for g_kd, Cm"):
        fitter.generate_traces(params={"gl": 10 * nS, "g_na": 20e-6 * siemens})
    with pytest.raises(cellfit.InputError, match="params: gk is not a parameter"):
        fitter.generate_traces(params={"gk": 10 * nS})


def test_results_saved_as_json_are_cellfits_results_format(hh_data, tmp_path):
    fitter = hh_fitter(hh_data, n_samples=10)
    fitter.fit(n_rounds=2, optimizer=cellfit.Optimizer("pagmo.cmaes", seed=2), callback=None, **BOUNDS)
    fitter.save_results(tmp_path / "fit.json")
    saved = json.loads((tmp_path / "fit.json").read_text())
    assert saved["n_rounds"] == 2 and len(saved["samples"]) == 20
    assert saved["best_error"] == pytest.approx(float(fitter.best_error / (mV**2)) * 1e-6)
    assert saved["best_params_units"]["gl"] == "siemens"


def test_the_python_example_runs_and_refines_to_the_noise_floor(tmp_path):
    script = REPO / "examples" / "python" / "fit_hh.py"
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                            cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(BUILD / "python"), MPLBACKEND="Agg"))
    assert result.returncode == 0, result.stderr
    refined = [line for line in result.stdout.splitlines() if line.startswith("refined:")]
    assert refined and "error: 1.00" in refined[0] and "mV^2" in refined[0]


def test_a_first_fit_that_failed_can_be_made_again_with_other_bounds(hh_data):
    fitter = hh_fitter(hh_data, n_samples=10)
    with pytest.raises(cellfit.InputError, match="gl"):
        fitter.fit(n_rounds=1, optimizer=cellfit.Optimizer("random", seed=1), callback=None,
                   **{**BOUNDS, "gl": [100 * nS, 1 * nS]})
    _, error = fitter.fit(n_rounds=1, optimizer=cellfit.Optimizer("pagmo.cmaes", seed=1), callback=None, **BOUNDS)
    assert np.isfinite(float(error)) and len(fitter.results()) == 10


def test_results_before_any_fit_are_empty_in_every_shape(hh_data):
    fitter = hh_fitter(hh_data)
    assert fitter.results() == [] and fitter.best_params is None and fitter.best_error is None
    assert fitter.results(format="dict")["gl"].shape == (0,)
    assert list(fitter.results(format="dataframe").columns) == ["g_na", "g_kd", "gl", "Cm", "error"]


def test_one_operation_at_a_time_and_results_readable_in_the_callback(hh_data, tmp_path):
    fitter = hh_fitter(hh_data, n_samples=10)
    seen = []

    def inside(params, errors, best_params, best_error, index, info):
        seen.append(len(fitter.results()))  # allowed: the rounds wait for the callback
        fitter.save_results(tmp_path / f"round{index}.json")  # so is a checkpoint
        with pytest.raises(cellfit.InputError, match="busy"):
            fitter.generate_traces(params=best_params)
        with pytest.raises(cellfit.InputError, match="busy"):
            fitter.fit(n_rounds=1, callback=None, **BOUNDS)
        return index == 1

    fitter.fit(n_rounds=5, optimizer=cellfit.Optimizer("random", seed=1), callback=inside, **BOUNDS)
    assert seen == [10, 20]
    assert len(json.loads((tmp_path / "round1.json").read_text())["samples"]) == 20


def test_another_thread_is_refused_while_rounds_run_and_can_stop_the_fit(hh_data):
    fitter = hh_fitter(hh_data, n_samples=10)
    fitter.fit(n_rounds=1, optimizer=cellfit.Optimizer("random", seed=1), callback=None, **BOUNDS)
    refusals = []
    running = threading.Event()

    def reader():
        running.wait()  # the rounds have begun
        while not refusals:
            for attempt in (fitter.results, lambda: fitter.generate_traces(params=dict(
                    gl=10 * nS, g_na=20e-6 * siemens, g_kd=6e-6 * siemens, Cm=200 * pF))):
                try:
                    attempt()
                except cellfit.InputError as error:
                    refusals.append(str(error))
        fitter.stop()

    thread = threading.Thread(target=reader)
    thread.start()
    fitter.fit(n_rounds=10**6, optimizer=fitter.optimizer, callback=lambda *args: running.set(),
               **BOUNDS)  # ends by stop()
    thread.join()
    assert "being written by a running fit" in refusals[0] or "busy" in refusals[0]
    assert 10 < len(fitter.results()) < 10**6


def test_a_refused_first_fit_or_restart_can_be_made_again_and_n_rounds_0_sets_up_refine(hh_data):
    fitter = hh_fitter(hh_data, n_samples=10)
    with pytest.raises(cellfit.InputError, match="bounds of gl: expected finite low < high"):
        fitter.fit(n_rounds=1, optimizer=cellfit.Optimizer("random", seed=1), callback=None,
                   **{**BOUNDS, "gl": [100 * nS, 1 * nS]})
    with pytest.raises(cellfit.InputError, match="penalty"):  # refused by the C++ fitter
        fitter.fit(n_rounds=1, optimizer=cellfit.Optimizer("random", seed=1), callback=None, penalty="nothing",
                   **BOUNDS)
    fitter.fit(n_rounds=2, optimizer=cellfit.Optimizer("pagmo.cmaes", seed=1), callback=None, **BOUNDS)
    assert len(fitter.results()) == 20
    with pytest.raises(cellfit.InputError, match="penalty"):
        fitter.fit(n_rounds=1, restart=True, optimizer=cellfit.Optimizer("random", seed=1), callback=None,
                   penalty="nothing", **BOUNDS)
    assert len(fitter.results()) == 20  # the samples stay
    fitter.fit(n_rounds=1, optimizer=cellfit.Optimizer("random", seed=2), callback=None, **BOUNDS)
    assert len(fitter.results()) == 10  # a new fit
    # n_rounds=0 only sets up: refine then uses these bounds and metric
    # (from 5 ms: the optimum's error in ../shared/data/hh/README.md).
    fresh = hh_fitter(hh_data, n_samples=10)
    assert fresh.fit(n_rounds=0, metric=cellfit.Metric("mse", t_start=5 * ms), callback=None, **BOUNDS) == (None, None)
    refined, result = fresh.refine(params={"gl": 12 * nS, "g_na": 22e-6 * siemens, "g_kd": 5.5e-6 * siemens,
                                           "Cm": 190 * pF}, callback=None)
    assert float(result.error / mV**2) == pytest.approx(1.00493, rel=1e-3)


def test_input_units_scale_plain_numbers(hh_data):
    inp, out = hh_data
    in_amp = TraceFitter(model=HH_EQUATIONS, input={"I": inp * amp}, output={"v": out * mV}, dt=0.01 * ms,
                         param_init={"v": "El"}, method="exponential_euler")
    in_na = TraceFitter(model=HH_EQUATIONS, input={"I": inp * 1e9}, input_units={"I": "nA"}, output={"v": out * mV},
                        dt=0.01 * ms, param_init={"v": "El"}, method="exponential_euler")
    truth = dict(gl=10 * nS, g_na=20e-6 * siemens, g_kd=6e-6 * siemens, Cm=200 * pF)
    np.testing.assert_allclose(np.asarray(in_na.generate_traces(params=truth)),
                               np.asarray(in_amp.generate_traces(params=truth)), rtol=1e-12, atol=1e-15)


def test_refine_with_t_weights_equals_refine_from_t_start(hh_data):
    fitter = hh_fitter(hh_data, n_samples=10)
    start = dict(gl=12 * nS, g_na=22e-6 * siemens, g_kd=5.5e-6 * siemens, Cm=190 * pF)
    weights = np.ones(1497)
    weights[:500] = 0  # the first 5 ms left out, as t_start = 5 ms does
    _, by_weights = fitter.refine(params=start, t_weights=weights, callback=None, **BOUNDS)
    _, by_start = fitter.refine(params=start, t_start=5 * ms, callback=None, **BOUNDS)
    assert float(by_weights.error / mV**2) == pytest.approx(float(by_start.error / mV**2), rel=1e-9)
    # The same residuals summed in another order: the solver stops within
    # its tolerance of the same point (gl, the loosest, moved 2e-6).
    np.testing.assert_allclose(by_weights.x, by_start.x, rtol=1e-4)


def test_wide_positive_bounds_are_searched_on_a_log_scale_unless_linear_is_given(hh_data):
    def median_gl(gl_bound):
        fitter = hh_fitter(hh_data, n_samples=400)
        fitter.fit(n_rounds=1, optimizer=cellfit.Optimizer("random", seed=3), callback=None,
                   **{**BOUNDS, "gl": gl_bound})
        return float(np.median(fitter.results(format="dict")["gl"]) / nS)

    assert median_gl([1 * nS, 100 * nS]) == pytest.approx(10, rel=0.25)  # the geometric middle
    assert median_gl([1 * nS, 100 * nS, "linear"]) == pytest.approx(50.5, rel=0.1)
    assert median_gl([20 * nS, 100 * nS]) == pytest.approx(60, rel=0.1)  # a factor of 5: linear
    with pytest.raises(cellfit.InputError, match="the scale is 'log' or 'linear'"):
        median_gl([1 * nS, 100 * nS, "logarithmic"])
