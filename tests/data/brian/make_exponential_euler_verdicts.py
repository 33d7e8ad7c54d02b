#!/usr/bin/env python3
"""Brian 2's own verdicts on which equations exponential Euler integrates,
for tests/exponential_euler_test.cpp. For each system: whether Brian accepts
method='exponential_euler', and the groups its split makes (sympy's collect
by each variable after expand), so that the test can tell the systems where
Brian keeps two groups and silently leaves out a power of the variable.

Made with Debian 12's python3-brian (Brian 2.5.1):
    python3 tests/data/brian/make_exponential_euler_verdicts.py
"""
import json
import os

import sympy as sp
import brian2
from brian2 import NeuronGroup, Network, prefs
from brian2.stateupdaters.base import UnsupportedEquationsException
from brian2.parsing.sympytools import str_to_sympy

prefs.codegen.target = "numpy"
HERE = os.path.dirname(os.path.abspath(__file__))

HH_AREA = {"Cm": "1*uF/cm**2", "gNa": "35*msiemens/cm**2", "gK": "9*msiemens/cm**2", "gL": "0.1*msiemens/cm**2",
           "ENa": "55*mV", "EK": "-90*mV", "EL": "-65*mV"}
HH_RATES = ("alpha_h = 0.07*exp(-(v + 58*mV)/(20*mV))/ms : Hz\n"
            "beta_h = 1/(exp(-0.1/mV*(v + 28*mV)) + 1)/ms : Hz\n"
            "beta_m = 4*exp(-(v + 60*mV)/(18*mV))/ms : Hz\n"
            "dh/dt = 5*(alpha_h*(1 - h) - beta_h*h) : 1\n"
            "dn/dt = 5*(alpha_n*(1 - n) - beta_n*n) : 1\n"
            "alpha_n = 0.01/mV*10*mV/exprel(-(v + 34*mV)/(10*mV))/ms : Hz\n"
            "beta_n = 0.125*exp(-(v + 44*mV)/(80*mV))/ms : Hz\n"
            "I : amp/meter**2\n")
HH_V = "dv/dt = (-gNa*m**3*h*(v - ENa) - gK*n**4*(v - EK) - gL*(v - EL) + I)/Cm : volt\n"
ML = {"C": "20*uF/cm**2", "gCa": "4.4*msiemens/cm**2", "gK": "8*msiemens/cm**2", "gL": "2*msiemens/cm**2",
      "VCa": "120*mV", "VK": "-84*mV", "VL": "-60*mV", "V1": "-1.2*mV", "V2": "18*mV", "V3": "2*mV", "V4": "30*mV",
      "phi": "0.04/ms"}
T = {"tau": "10*ms", "tau2": "20*ms"}

SYSTEMS = [
    ("Wang-Buzsaki 1996: instantaneous m = alpha_m/(alpha_m + beta_m), alpha_m through exprel",
     HH_V + "m = alpha_m/(alpha_m + beta_m) : 1\nalpha_m = 0.1/mV*10*mV/exprel(-(v + 35*mV)/(10*mV))/ms : Hz\n"
     + HH_RATES, HH_AREA),
    ("the same model with alpha_m written as (v + 35*mV)/(exp(...) - 1): powers of v come out",
     HH_V + "m = alpha_m/(alpha_m + beta_m) : 1\n"
     "alpha_m = -0.1/mV*(v + 35*mV)/(exp(-0.1/mV*(v + 35*mV)) - 1)/ms : Hz\n" + HH_RATES, HH_AREA),
    ("Morris-Lecar: calcium current through m_inf = 0.5*(1 + tanh(...)), w rate through cosh",
     "dv/dt = (I - gCa*m_inf*(v - VCa) - gK*w*(v - VK) - gL*(v - VL))/C : volt\n"
     "m_inf = 0.5*(1 + tanh((v - V1)/V2)) : 1\n"
     "dw/dt = phi*cosh((v - V3)/(2*V4))*(w_inf - w) : 1\n"
     "w_inf = 0.5*(1 + tanh((v - V3)/V4)) : 1\n"
     "I : amp/meter**2\n", ML),
    ("AdEx: exp(v/DeltaT) in the remainder",
     "dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) + I - w)/C : volt\n"
     "dw/dt = (a*(v - EL) - w)/tauw : amp\nI : amp\n",
     {"C": "281*pF", "gL": "30*nS", "EL": "-70.6*mV", "VT": "-50.4*mV", "DeltaT": "2*mV", "a": "4*nS",
      "tauw": "144*ms"}),
    ("NMDA current with a magnesium block (Jahr and Stevens 1990): v in a denominator",
     "dv/dt = (gL*(EL - v) + g_nmda*(E_nmda - v)/(1 + Mg/(3.57*mM)*exp(-0.062*v/mV)))/C : volt\n"
     "g_nmda : siemens\n",
     {"C": "200*pF", "gL": "10*nS", "EL": "-70*mV", "E_nmda": "0*mV", "Mg": "1*mM"}),
    ("Izhikevich 2003: v**2 makes exponential Euler refuse",
     "dv/dt = (0.04*v**2/mV + 5*v + 140*mV - u + I)/ms : volt\ndu/dt = a*(b*v - u)/ms : volt\n"
     "I : volt\na : 1\nb : 1\n", {}),
    ("exp(-x) alone: x occurs, but no term is proportional to it", "dx/dt = exp(-x)/tau : 1\n", T),
    ("sqrt(x) + 1: no term proportional to x", "dx/dt = (sqrt(x) + 1)/tau : 1\n", T),
    ("sqrt(x) is a function, so it joins the remainder", "dx/dt = -x/tau + sqrt(x)/tau2 : 1\n", T),
    ("x**2 beside x with no constant: Brian leaves x**2 out", "dx/dt = -x/tau + x**2/tau2 : 1\n", T),
    ("x**2 beside x and a constant: three groups", "dx/dt = -x/tau + x**2/tau2 + 1/tau : 1\n", T),
    ("x*(1 + x): expands into x and x**2", "dx/dt = -x*(1 + x)/tau : 1\n", T),
    ("(1 - x)**2: expands into three groups", "dx/dt = (1 - x)**2/tau : 1\n", T),
    ("1/x beside x: Brian leaves 1/x out", "dx/dt = -x/tau + 1/(x*tau) : 1\n", T),
    ("x**0.5 beside x: Brian leaves it out", "dx/dt = -x/tau + x**0.5/tau : 1\n", T),
    ("x**1.5 alone", "dx/dt = -x*x**0.5/tau : 1\n", T),
    ("(2*x)**2 beside x", "dx/dt = -x/tau + (2*x)**2/tau : 1\n", T),
    ("x**y with a parameter y stays whole", "dx/dt = -x/tau + x**y/tau : 1\ny : 1\n", T),
    ("x/(1 + x): a denominator in B", "dx/dt = x/(1 + x)/tau - x/tau2 : 1\n", T),
    ("(x + 1)/(x + 2): distributed over the numerator", "dx/dt = (x + 1)/(x + 2)/tau : 1\n", T),
    ("((x + 1)/(x + 2))**2: three groups", "dx/dt = ((x + 1)/(x + 2))**2/tau : 1\n", T),
    ("x*exp(x): B mentions x", "dx/dt = -x*exp(x)/tau + exp(2*x)/tau : 1\n", T),
    ("x*abs(x): B mentions x", "dx/dt = -x/tau + x*abs(x)/tau : 1\n", T),
    ("(1 - x)*exprel(x)", "dx/dt = (1 - x)*exprel(x)/tau : 1\n", T),
    ("(x + 1)*(x - 1) - x**2 + x: the squares cancel", "dx/dt = ((x + 1)*(x - 1) - x**2 + x)/tau : 1\n", T),
    ("x**2 - x*x - x: the squares cancel", "dx/dt = (x**2 - x*x - x)/tau : 1\n", T),
    ("x - x: no x left", "dx/dt = (x - x + 1)/tau : 1\n", T),
    ("(x + 1)**9 multiplied out", "dx/dt = (x + 1)**9/tau - x/tau : 1\n", T),
    ("(x + 1)**17 multiplied out", "dx/dt = -x/tau + (x + 1)**17/tau2 : 1\n", T),
    ("(2*x)**20 is a power of x: Brian leaves it out", "dx/dt = -x/tau + (2*x)**20/tau2 : 1\n", T),
    ("(2*x)**0.5 is 2**0.5*x**0.5 to sympy: Brian leaves it out", "dx/dt = -x/tau + (2*x)**0.5/tau2 : 1\n", T),
    ("(x*y)**0.5 stays whole", "dx/dt = -x/tau + (x*y)**0.5/tau2 : 1\ny : 1\n", T),
    ("x**0 is 1", "dx/dt = x**0/tau - x/tau2 : 1\n", T),
    ("sin(x) in the remainder", "dx/dt = (-x + sin(x))/tau : 1\n", T),
    ("a cross term: y's B is -x/tau", "dx/dt = -x/tau + y/tau : 1\ndy/dt = -y*x/tau : 1\n", T),
    ("no x at all", "dx/dt = 1/tau : 1\n", T),
    ("time in the remainder", "dx/dt = -x/tau + t/tau**2 : 1\n", T),
]


def split_groups(group):
    """Per variable, the keys of sympy's collect as exponential Euler makes them."""
    groups = {}
    for name, expr in group.equations.get_substituted_expressions(group.variables):
        var = sp.Symbol(name, real=True)
        s = str_to_sympy(expr.code, group.variables).expand()
        keys = sp.collect(s, var, evaluate=False).keys() if s.has(var) else [sp.S.One]
        groups[name] = sorted(str(k) for k in keys)
    return groups


def main():
    out = []
    for why, equations, namespace_text in SYSTEMS:
        ns = {name: eval(text, vars(brian2)) for name, text in namespace_text.items()}
        try:
            g = NeuronGroup(1, equations, namespace=ns, method="exponential_euler")
            Network(g).run(0 * brian2.ms)
            accepts = True
        except Exception as error:
            # Only the integrator's refusal counts; anything else is a broken case.
            cause = error
            while cause is not None and not isinstance(cause, UnsupportedEquationsException):
                cause = cause.__cause__
            if cause is None:
                raise
            accepts = False
        groups = split_groups(NeuronGroup(1, equations, namespace=ns, method="euler"))
        # Brian accepts two groups, x and any other: a term other than the
        # constant one is then left out.
        drops = accepts and any(sorted(keys) != sorted([name, "1"]) and keys != [name] and keys != ["1"]
                                for name, keys in groups.items())
        out.append({"why": why, "equations": equations, "namespace": namespace_text,
                    "brian_accepts": accepts, "brian_groups": groups, "brian_drops_a_term": drops,
                    "brian2": brian2.__version__})
    with open(os.path.join(HERE, "exponential_euler_verdicts.jsonl"), "w") as f:
        for entry in out:
            f.write(json.dumps(entry) + "\n")
    for e in out:
        print(("accepts" if e["brian_accepts"] else "refuses"), ("(drops a term)" if e["brian_drops_a_term"] else ""),
              e["why"])


main()
