"""Units at the boundary: Brian 2 quantities in, SI floats to the C++ side,
quantities out.

brian2 is imported only when it is needed: to read a quantity the caller
passed (then the caller has imported it already) or to return values with
units. Importing it costs seconds; a fit with plain floats never does.
"""

import functools
import sys

import numpy as np

from . import _cellfit

# The seven SI base units as cellfit's parser names them, in Brian's order.
_BASE_UNITS = ("metre", "kilogram", "second", "amp", "kelvin", "mole", "candle")
DIMENSIONLESS = (0.0,) * 7


def brian2_module(required_for=None):
    """The brian2 module, or None when it cannot be imported. With
    required_for, a missing brian2 is an InputError that says what needs it."""
    if "brian2" in sys.modules and sys.modules["brian2"] is not None:
        return sys.modules["brian2"]
    try:
        import brian2
        return brian2
    except ImportError:
        if required_for is None:
            return None
        raise _cellfit.InputError(
            f"{required_for} needs Brian 2, which cannot be imported: install it "
            "(Debian: apt-get install python3-brian) or pass use_units=False and plain "
            "numbers in SI units") from None


def is_quantity(value):
    """Whether value is a Brian 2 quantity (without importing brian2)."""
    brian2 = sys.modules.get("brian2")
    return brian2 is not None and isinstance(value, brian2.Quantity)


def exponents_of(value):
    """The seven SI exponents of a Brian quantity's unit; dimensionless for
    anything else."""
    if not is_quantity(value):
        return DIMENSIONLESS
    from brian2.units.fundamentalunits import get_dimensions
    return tuple(float(x) for x in get_dimensions(value)._dims)


@functools.lru_cache(maxsize=64)
def exponents_of_unit(text):
    """The seven SI exponents of a unit written as cellfit writes one
    ('volt**2', '1'); dimensionless for '' (no fit has run)."""
    return tuple(_cellfit.unit_exponents(text)[1]) if text else DIMENSIONLESS


def unit_text(exponents):
    """The unit of those exponents in SI base units, as cellfit parses it:
    (2, 1, -3, -1, 0, 0, 0) -> 'metre**2*kilogram*second**-3*amp**-1'."""
    parts = []
    for name, power in zip(_BASE_UNITS, exponents):
        if power == 0:
            continue
        if power == 1:
            parts.append(name)
        else:
            p = int(power) if float(power).is_integer() else float(power)
            parts.append(f"{name}**{p}" if isinstance(p, int) else f"{name}**({p!r})")
    return "*".join(parts) if parts else "1"


def describe_exponents(exponents):
    """A readable unit for messages: 'volt', 'siemens', '1'."""
    return _cellfit.unit_name(unit_text(exponents))


def si_value(value):
    """A number or Brian quantity as its SI float."""
    return float(np.asarray(value, dtype=float))


def quantity_text(value):
    """A scalar (number or Brian quantity) as text cellfit evaluates exactly:
    -65*mV -> '-0.065*metre**2*kilogram*second**-3*amp**-1'."""
    number = repr(si_value(value))
    unit = unit_text(exponents_of(value))
    return number if unit == "1" else f"{number}*{unit}"


def si_array(values, what, expected=None):
    """An array of numbers or a Brian quantity array as float64 SI values;
    with expected exponents, a quantity of another unit is an InputError."""
    if is_quantity(values) and expected is not None:
        got = exponents_of(values)
        if tuple(got) != tuple(expected):
            raise _cellfit.InputError(
                f"{what} has unit {describe_exponents(got)}, but {describe_exponents(expected)} "
                "was expected: give values in a unit of that dimension")
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise _cellfit.InputError(f"{what}: expected numbers ({error})") from None


def with_unit(values, exponents, use_units):
    """SI values as a Brian quantity of that unit (use_units), else floats."""
    if not use_units:
        return values
    brian2_module(required_for="use_units=True")
    from brian2.units.fundamentalunits import Quantity, get_or_create_dimension
    return Quantity(values, dim=get_or_create_dimension(list(exponents)))
