"""Checks of plain arguments, with errors that name the argument."""

from . import _cellfit


def whole_number(value, what, minimum=0):
    """value as an int >= minimum (numpy integers and integral floats, such as
    the toolbox's iteration=1e9, too); else an InputError naming it."""
    try:
        number = int(value)
        valid = number == value and number >= minimum
    except (TypeError, ValueError, OverflowError):
        valid = False
    if not valid:
        raise _cellfit.InputError(f"{what} must be a whole number >= {minimum}, got {value!r}")
    return number


def optional_whole_number(value, what):
    return None if value is None else whole_number(value, what)
