"""Shared by the Python tests: where the data and the build are, and the
Hodgkin-Huxley problem of ../shared/data/hh (the toolbox's example)."""

import os
import pathlib

import numpy as np
import pytest

import cellfit

REPO = pathlib.Path(__file__).resolve().parents[2]
DATA = pathlib.Path(os.environ.get("CELLFIT_DATA_DIR", REPO.parent / "shared" / "data"))
# The build the package was imported from: build/python/cellfit/__init__.py.
BUILD = pathlib.Path(cellfit.__file__).resolve().parents[2]

HH_EQUATIONS = '''
dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*(13.*mV-v+VT)/
    (exp((13.*mV-v+VT)/(4.*mV))-1.)/ms*(1-m)-0.28*(mV**-1)*(v-VT-40.*mV)/
    (exp((v-VT-40.*mV)/(5.*mV))-1.)/ms*m : 1
dn/dt = 0.032*(mV**-1)*(15.*mV-v+VT)/
    (exp((15.*mV-v+VT)/(5.*mV))-1.)/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
g_na : siemens (constant)
g_kd : siemens (constant)
gl   : siemens (constant)
Cm   : farad (constant)
'''


@pytest.fixture(scope="session")
def hh_data():
    """(input in amp, output in mV): 5 traces x 1497 steps at dt = 0.01 ms."""
    folder = DATA / "hh"
    if not (folder / "output_mV.csv").exists():
        pytest.fail(f"the HH data are missing at {folder} (set CELLFIT_DATA_DIR)")
    return (np.loadtxt(folder / "input_amp.csv", delimiter=","),
            np.loadtxt(folder / "output_mV.csv", delimiter=","))
