"""The rules for a value given to an explorer, on top of `adamedu._check`: a decay rate,
a value clamped to a slider's range (with a note), a whole number; and how a value is
shown (`fmt`)."""
import numbers

import numpy as np

from adamedu import _check


def fmt(value) -> str:
    """A hyperparameter value as a short string (0.001, 1e-08, 0.9999, True)."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(value)
    return f"{value:.4g}"


def rate(key: str, value) -> float:
    """A decay rate (beta1, beta2, alpha) as a float in [0, 1), any other chosen setting
    (momentum, weight_decay) >= 0, or a ValueError that says why."""
    if key in ("beta1", "beta2", "alpha"):
        return _check.number(key, value, 0.0, 1.0, f"{key} is the decay rate of a moving "
                             f"average; at 1 or more it never forgets (or grows), below 0 it "
                             f"flips sign", open_high=True)
    return _check.number(key, value, 0.0, why="it cannot be negative")


def clamp(key: str, value, low, high, notes: list, why: str = ""):
    """value clipped to [low, high], with a note when it had to move."""
    if low <= value <= high:
        return value
    new = min(max(value, low), high)
    notes.append(f"{key}={fmt(value)} is outside the slider's range "
                 f"[{fmt(low)}, {fmt(high)}]{why}; using {fmt(new)}")
    return new


def whole(key: str, value, low: int, high: int, notes: list) -> int:
    """value as an int clipped to [low, high] (with a note), or a ValueError if it is
    not a whole number (2.0, as typed in code, is one)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clamp(key, _check.whole(key, value), low, high, notes)
