"""Names in the model that the model does not define, resolved as Brian
resolves them: from the caller's namespace (locals, then globals), so that
`El = -65*mV` at module level works in the equations. What is found there
becomes a constant of the model; what is not is left for cellfit's model
checker, which names it and says how to supply it.
"""

import numbers
import re
import sys

from . import _units

_IDENTIFIER = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\b")
# Names the simulation defines or cellfit knows built in.
_BUILT_IN = {"t", "dt", "i", "N", "xi", "iteration", "pi", "e", "inf", "True", "False", "and", "or", "not",
             "lastspike", "not_refractory"}


def caller_namespace(frames_up):
    """The variables visible `frames_up` frames above the function that asks
    (1: its caller), globals overridden by locals."""
    frame = sys._getframe(frames_up + 1)
    namespace = dict(frame.f_globals)
    namespace.update(frame.f_locals)
    return namespace


def defined_names(equations):
    """The names an equation string defines: dX/dt, X = ..., X : unit."""
    names = set()
    for line in _statement_lines(equations):
        match = re.match(r"\s*d([A-Za-z_]\w*)\s*/\s*dt\s*=", line) or \
            re.match(r"\s*([A-Za-z_]\w*)\s*(=(?!=)|:)", line)
        if match:
            names.add(match.group(1))
    return names


def used_names(*texts):
    """Every identifier in the expressions of equations or code, without the
    units and flags after each definition's colon."""
    names = set()
    for text in texts:
        if not text:
            continue
        for line in _statement_lines(text):
            names.update(_IDENTIFIER.findall(re.sub(r":[^:]*$", "", line)))
    return names


def _statement_lines(text):
    for line in str(text).splitlines():
        line = line.split("#", 1)[0]
        if line.strip():
            yield line


def external_constants(names, namespace):
    """(name, text) for each name the namespace gives a number or a scalar
    Brian quantity; units (mV), functions and modules are left to cellfit."""
    constants = []
    for name in sorted(names - _BUILT_IN):
        if name not in namespace or name.startswith("xi_"):
            continue
        value = namespace[name]
        brian2 = sys.modules.get("brian2")
        if brian2 is not None and isinstance(value, brian2.Unit):
            continue  # Brian's own unit names: cellfit knows them
        if isinstance(value, bool) or not (isinstance(value, numbers.Number) or _units.is_quantity(value)
                                           or _is_numpy_scalar(value)):
            continue
        if _units.is_quantity(value) and getattr(value, "shape", ()) != ():
            continue  # an array is not a constant; the checker reports the name
        constants.append((name, _units.quantity_text(value)))
    return constants


def _is_numpy_scalar(value):
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(value, numpy.number)
