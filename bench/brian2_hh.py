"""The bench/kernel work in Brian 2 (Debian's python3-brian): the same
Traub-Miles HH model, exponential Euler, dt 0.01 ms, step current, no
monitors. Prints neuron-steps per second for the numpy and cpp_standalone
targets and their ratio to cellfit's compiled figure (third argument).
Usage: /usr/bin/python3 bench/brian2_hh.py N STEPS CELLFIT_NEURON_STEPS_PER_S
"""
import os, sys, time, tempfile, logging

N, steps, cellfit_rate = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
import brian2 as b2
logging.getLogger('brian2').setLevel(logging.ERROR)
b2.prefs.logging.console_log_level = 'ERROR'

EQS = open(os.path.join(os.path.dirname(__file__), '..', 'examples', 'models', 'hh_traub.eqs')).read()

def run(target):
    b2.start_scope() if target == 'numpy' else None
    directory = tempfile.mkdtemp(prefix='cellfit-brian-')
    if target == 'cpp_standalone':
        b2.set_device('cpp_standalone', directory=directory, build_on_run=False)
    else:
        b2.prefs.codegen.target = 'numpy'
    dt = 0.01 * b2.ms
    values = [0.0] * steps
    for k in range(2000, 8000):
        values[k] = 1e-9
    I_in = b2.TimedArray(b2.array(values) * b2.amp, dt=dt)
    ns = dict(El=-65*b2.mV, EK=-90*b2.mV, ENa=50*b2.mV, VT=-63*b2.mV, I_in=I_in)
    G = b2.NeuronGroup(N, EQS + '\nI = I_in(t) : amp', method='exponential_euler', dt=dt, namespace=ns)
    G.gl, G.g_na, G.g_kd, G.Cm = 10*b2.nS, 20*b2.uS, 6*b2.uS, 200*b2.pF
    G.v = -65*b2.mV
    net = b2.Network(G)
    if target == 'cpp_standalone':
        net.run(steps * dt)
        b2.device.build(directory=directory, compile=True, run=False)
        start = time.perf_counter()
        b2.device.run(directory=directory, with_output=False, run_args=[])
        elapsed = time.perf_counter() - start  # includes process start and file output
        b2.device.reinit(); b2.set_device('runtime')
    else:
        net.run(10 * dt)  # code generation outside the timing
        start = time.perf_counter(); net.run((steps - 10) * dt); elapsed = time.perf_counter() - start
    return N * steps / elapsed

for target in ('numpy', 'cpp_standalone'):
    rate = run(target)
    print('        Brian 2 %-14s %12.3g neuron-steps/s; cellfit compiled / Brian 2 = %.1f' % (target, rate, cellfit_rate / rate))
