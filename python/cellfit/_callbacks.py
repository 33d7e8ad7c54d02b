"""What a fit shows each round: the toolbox's 'text' lines, a progress bar,
nothing, or the caller's function with the toolbox's six arguments."""

import sys
import time


def format_value(value, use_units):
    """'29.7 nS' for a quantity (Brian's best unit, 3 digits), '0.123' else."""
    if use_units and hasattr(value, "in_best_unit"):
        return value.in_best_unit(precision=3)
    return f"{float(value):.3g}"


def text_lines(index, best_params, error_text, use_units):
    """The toolbox's two lines: parameters sorted by name, then the error."""
    head = f"Round {index}: "
    params = ", ".join(f"{name}={format_value(best_params[name], use_units)}" for name in sorted(best_params))
    return f"{head}Best parameters {params}\n{' ' * len(head)}Best error: {error_text}"


class ProgressBar:
    """One line on stderr, redrawn each round: rounds done, best error, time."""

    def __init__(self, n_rounds, stream=None):
        self.n_rounds = max(int(n_rounds), 1)
        self.stream = stream or sys.stderr
        self.start = time.monotonic()
        self.done = 0

    def update(self, best_error_text):
        self.done += 1
        width = 30
        filled = int(width * min(self.done, self.n_rounds) / self.n_rounds)
        bar = "#" * filled + "." * (width - filled)
        seconds = time.monotonic() - self.start
        end = "\n" if self.done >= self.n_rounds else ""
        self.stream.write(f"\r[{bar}] {self.done}/{self.n_rounds} rounds, best error {best_error_text}, "
                          f"{seconds:.1f} s{end}")
        self.stream.flush()


def check_callback(callback):
    """'text', 'progressbar', None or a callable; anything else is an error
    that lists them."""
    if callback is None or callback in ("text", "progressbar") or callable(callback):
        return callback
    from . import _cellfit
    raise _cellfit.InputError(
        f"callback {callback!r}: expected 'text', 'progressbar', None, or a function "
        "f(params, errors, best_params, best_error, index, additional_info) that returns True to stop")
