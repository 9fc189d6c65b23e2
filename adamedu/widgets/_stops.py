"""The explorer's slider stops: a log slider's grid (passing through a value given in
code), a browser value put back on its stop, the stop after a move (for the look-ahead)."""
import math

import ipywidgets as W


def log_grid(value, low, high, step):
    """(min, max) exponents of a log slider with this step whose grid passes through
    value, as close to [low, high] as the grid allows: a value given in code (lr=0.002)
    is then a stop, which the browser keeps as it is instead of rounding it to the
    nearest stop of the standard grid (0.001995)."""
    lo, hi, e = math.log10(low), math.log10(high), math.log10(value)
    below = math.floor((e - lo) / step + 1e-9)
    start = e - below * step
    if abs(start - lo) < 1e-9:
        start = lo  # the standard grid
    return start, start + math.floor((hi - start) / step + 1e-9) * step


def same(a, b):
    """True if two slider values differ only by the browser's rounding."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _stop(widget, k):
    """The value of a log slider's k-th stop, as Python computes it."""
    return 10.0 ** (widget.min + k * widget.step)


def on_grid(widget, value):
    """A log slider's value from the browser as the exact value of its stop (the browser
    computes 10**exponent its own way, and may be off in the last digit), so that the
    same stop always runs the same numbers."""
    k = round((math.log10(value) - widget.min) / widget.step)
    stop = _stop(widget, k)
    return stop if math.isclose(stop, value, rel_tol=1e-9) else value


def next_stop(widget, old, new):
    """The value one more stop beyond new, in the direction old -> new (None if none)."""
    if old == new or isinstance(widget, W.Checkbox):
        return None
    d = 1 if new > old else -1
    if isinstance(widget, W.FloatLogSlider):
        k = round((math.log10(new) - widget.min) / widget.step) + d
        value = _stop(widget, k)
        return value if 10.0 ** widget.min <= value <= 10.0 ** widget.max else None
    options = [v for _, v in widget.options]
    i = options.index(new) + d if new in options else -1
    return options[i] if 0 <= i < len(options) else None
