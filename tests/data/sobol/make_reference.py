#!/usr/bin/env python3
"""Writes joe_kuo_first_points.csv: the first 64 points of the unscrambled
Sobol sequence in 6 dimensions, with the direction numbers of Joe and Kuo
(new-joe-kuo-6.21201), as SciPy computes them. Points in Gray-code order,
point 0 first (the origin); one row per point, one column per dimension.

Made with Debian 12's python3-scipy 1.10.1:
    python3 tests/data/sobol/make_reference.py
"""
import os

from scipy.stats import qmc

points = qmc.Sobol(d=6, scramble=False).random(64)
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "joe_kuo_first_points.csv"), "w") as out:
    for row in points:
        out.write(",".join(repr(float(x)) for x in row) + "\n")
