# Writes input_nA.csv and spikes.csv: the "recording" of examples/if-spikes,
# simulated by Brian 2 (the outside oracle) with known parameters
# gL = 30 nS, C = 300 pF. Needs Brian 2 (Debian: python3-brian); run from
# this folder: python3 make_data.py
import numpy as np
from brian2 import *

prefs.codegen.target = 'numpy'
defaultclock.dt = 0.1*ms
n_traces, n_steps = 4, 5000  # 500 ms each

# Fluctuating currents: means 0.5..1.1 nA, Ornstein-Uhlenbeck noise
# (tau 5 ms, sd 0.3 nA) from a fixed seed.
rng = np.random.default_rng(2026)
current = np.zeros((n_traces, n_steps))
for r in range(n_traces):
    x = 0.0
    for k in range(n_steps):
        x += -x * 0.1 / 5 + 0.3 * np.sqrt(2 * 0.1 / 5) * rng.standard_normal()
        current[r, k] = 0.5 + 0.2 * r + x
np.savetxt('input_nA.csv', current, delimiter=',', fmt='%.6f')

I_in = TimedArray(current.T * nA, dt=defaultclock.dt)
EL, VT, DeltaT = -70*mV, -50*mV, 2*mV
eqs = '''
dv/dt = (gL*(EL-v)+gL*DeltaT*exp((v-VT)/DeltaT) + I)/C : volt
gL : siemens (constant)
C : farad (constant)
I = I_in(t, i) : amp
'''
group = NeuronGroup(n_traces, eqs, threshold='v > -50*mV', reset='v = -70*mV', method='exponential_euler')
group.gL = 30*nS
group.C = 300*pF
group.v = EL
spikes = SpikeMonitor(group)
run(n_steps * defaultclock.dt)
with open('spikes.csv', 'w') as f:
    for train in spikes.spike_trains().values():
        f.write(','.join('%.17g' % t for t in train / second) + '\n')
print('spikes per trace:', [len(t) for t in spikes.spike_trains().values()])
