"""Checks for the numbers a learner passes in (hyperparameters, sizes, slider values).

Each check returns the value or raises a ValueError that says what was given, what is
allowed and why, in one wording for the whole package:

    Adam: lr must be a finite real number in the allowed range [0, inf), got '0.1'
    beta2=nan is not finite; the allowed range is [0, 1): nan and inf make every result nan or inf
    beta2=1.5 is outside the allowed range [0, 1): <why>
    steps must be a whole number in the allowed range [1, inf), got 2.5

A range is [low, high], closed at finite ends and open at infinite ones unless told
otherwise; True and False are not numbers.
"""
import math
import numbers

import numpy as np

INF = math.inf


def number(name, value, low=-INF, high=INF, why="", *, open_low=None, open_high=None):
    """value as a float within [low, high] (open ends as given), or a ValueError."""
    open_low = low == -INF if open_low is None else open_low
    open_high = high == INF if open_high is None else open_high
    allowed = _interval(low, high, open_low, open_high)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a finite real number{_in(allowed)}, got {value!r}")
    value = float(value)
    inside = ((low < value if open_low else low <= value)
              and (value < high if open_high else value <= high))
    if math.isnan(value) or (math.isinf(value) and not inside):
        where = f"the allowed range is {allowed}" if allowed else "give a finite number"
        raise ValueError(f"{name}={value!r} is not finite; {where}: nan and inf make every "
                         f"result nan or inf")
    if not inside:
        _outside(name, value, allowed, why)
    return value


def whole(name, value, low=-INF, why=""):
    """value as an int >= low, or a ValueError (an integral float such as 2.0 is not whole)."""
    allowed = _interval(low, INF, low == -INF, True)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number{_in(allowed)}, got {value!r}")
    value = int(value)
    if value < low:
        _outside(name, value, allowed, why)
    return value


def _outside(name, value, allowed, why):
    raise ValueError(f"{name}={value!r} is outside the allowed range {allowed}"
                     + (f": {why}" if why else ""))


def _interval(low, high, open_low, open_high):
    """'[0, 1)', '(0, inf)'...; '' when nothing is excluded."""
    if low == -INF and high == INF:
        return ""
    return f"{'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"


def _in(allowed):
    return f" in the allowed range {allowed}" if allowed else ""
