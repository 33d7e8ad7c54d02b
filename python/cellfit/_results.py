"""Every evaluated sample in the toolbox's three shapes: a list of dicts, a
dict of arrays, or a pandas DataFrame (values in SI, units in no column)."""

import logging

import numpy as np

from . import _cellfit, _units

_log = logging.getLogger("cellfit")


def format_results(native, names, exponents, error_exponents, output_vars, fmt, use_units):
    """native: the C++ results dict (SI arrays); names: the fitted
    parameters; exponents: name -> SI exponents; error_exponents: of the
    total error (None: a plain float)."""
    if fmt not in ("list", "dict", "dataframe"):
        raise _cellfit.InputError(f"results format {fmt!r}: expected 'list', 'dict' or 'dataframe'")
    params = native["params"]
    if native["parameter_names"]:  # the C++ side's column order (none before a fit)
        params = params[:, [list(native["parameter_names"]).index(name) for name in names]]
    else:
        params = np.zeros((0, len(names)))
    errors = native["errors"]
    objectives = native["objectives"]
    objective_names = list(native["objective_names"])
    raw_factors = np.asarray(native["objective_raw_factors"], dtype=float)
    several = len(output_vars) > 1
    per_output = {v: objectives[:, objective_names.index(v)] for v in output_vars if v in objective_names}
    raw_per_output = {v: values * raw_factors[objective_names.index(v)] for v, values in per_output.items()}

    if fmt == "dataframe":
        try:
            import pandas
        except ImportError:
            raise _cellfit.InputError("results(format='dataframe') needs pandas (Debian: python3-pandas); "
                                      "use format='dict' for numpy arrays") from None
        if use_units:
            _log.info("results as a DataFrame are in SI units, without units")
        columns = {name: params[:, k] for k, name in enumerate(names)}
        columns["error"] = errors
        if several:
            for v in output_vars:
                columns[f"normalized_error_{v}"] = per_output[v]
                columns[f"error_{v}"] = raw_per_output[v]
        return pandas.DataFrame(columns)

    def unit_of(values, exps):
        return _units.with_unit(values, exps, use_units and exps is not None and any(exps))

    if fmt == "dict":
        out = {name: unit_of(params[:, k], exponents[name]) for k, name in enumerate(names)}
        out["error"] = unit_of(errors, error_exponents)
        if several:
            out["objective_errors_normalized"] = dict(per_output)
            out["objective_errors"] = dict(raw_per_output)
        return out

    rows = []
    for i in range(len(errors)):
        row = {name: unit_of(params[i, k], exponents[name]) for k, name in enumerate(names)}
        row["error"] = unit_of(errors[i], error_exponents)
        if several:
            row["objective_errors_normalized"] = {v: float(per_output[v][i]) for v in per_output}
            row["objective_errors"] = {v: float(raw_per_output[v][i]) for v in raw_per_output}
        rows.append(row)
    return rows
