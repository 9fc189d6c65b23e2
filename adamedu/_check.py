"""Checks for the numbers a learner passes in (hyperparameters, sizes, slider values).

Each check returns the value or raises a ValueError that says what was given, what is
allowed and why, in one wording for the whole package:

    Adam: lr must be a finite real number in the allowed range [0, inf), got '0.1'
    beta2=nan is not finite; the allowed range is [0, 1): nan and inf make every result nan or inf
    beta2=1.5 is outside the allowed range [0, 1): <why>
    steps must be a whole number in the allowed range [1, inf), got 2.5

A range is [low, high], closed at finite ends and open at infinite ones unless told
otherwise; True and False are not numbers. `numbers` applies the same rule to every entry
of a list or array (naming the first bad one, e.g. ``lrs[2]``), `seed` is the one rule
for a random seed.
"""
import math
import numbers as _numbers
from typing import Any, NoReturn

import numpy as np

INF = math.inf


def number(name: str, value: Any, low: float = -INF, high: float = INF, why: str = "", *,
           open_low: bool | None = None, open_high: bool | None = None) -> float:
    """value as a float within [low, high] (open ends as given), or a ValueError."""
    open_low = low == -INF if open_low is None else open_low
    open_high = high == INF if open_high is None else open_high
    allowed = _interval(low, high, open_low, open_high)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, _numbers.Real):
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


def numbers(name: str, values: Any, low: float = -INF, high: float = INF, why: str = "", *,
            open_low: bool | None = None, open_high: bool | None = None) -> np.ndarray:
    """values (a number, list or array) as a float array whose every entry passes
    `number`, or the ValueError `number` gives for the first entry that does not."""
    open_low = low == -INF if open_low is None else open_low
    open_high = high == INF if open_high is None else open_high
    try:
        array = np.asarray(values)
    except ValueError:  # a ragged list
        array = np.asarray(None)
    if array.dtype.kind not in "iuf":  # not bool, complex, text or mixed objects
        allowed = _interval(low, high, open_low, open_high)
        raise ValueError(f"{name} must be finite real numbers{_in(allowed)}, got {values!r}")
    array = array.astype(float)
    inside = ((low < array if open_low else low <= array)
              & (array < high if open_high else array <= high))
    if not inside.all():
        index = tuple(int(i) for i in np.argwhere(~inside)[0])
        label = f"{name}[{', '.join(map(str, index))}]" if index else name
        number(label, float(array[index]), low, high, why, open_low=open_low,
               open_high=open_high)
    return array


def whole(name: str, value: Any, low: float = -INF, why: str = "", *,
          high: float = INF) -> int:
    """value as an int in [low, high], or a ValueError (an integral float such as 2.0 is
    not whole)."""
    allowed = _interval(low, high, low == -INF, high == INF)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, _numbers.Integral):
        raise ValueError(f"{name} must be a whole number{_in(allowed)}, got {value!r}")
    value = int(value)
    if not low <= value <= high:
        _outside(name, value, allowed, why)
    return value


def seed(value: Any) -> int:
    """A random seed: a whole number >= 0 (what `np.random.default_rng` is given)."""
    return whole("seed", value, 0, "it picks the random numbers; the same seed gives the "
                 "same numbers")


def _outside(name: str, value: float, allowed: str, why: str) -> NoReturn:
    raise ValueError(f"{name}={value!r} is outside the allowed range {allowed}"
                     + (f": {why}" if why else ""))


def _interval(low: float, high: float, open_low: bool, open_high: bool) -> str:
    """'[0, 1)', '(0, inf)'...; '' when nothing is excluded."""
    if low == -INF and high == INF:
        return ""
    return f"{'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"


def _in(allowed: str) -> str:
    return f" in the allowed range {allowed}" if allowed else ""
