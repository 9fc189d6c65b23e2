"""adamedu._check: the one wording of a bad number, and its ranges."""
import math

import numpy as np
import pytest

from adamedu import _check


@pytest.mark.parametrize("call, message", [
    (lambda: _check.number("lr", "0.1", 0.0),
     "lr must be a finite real number in the allowed range [0, inf), got '0.1'"),
    (lambda: _check.number("lr", True), "lr must be a finite real number, got True"),
    (lambda: _check.number("beta2", math.nan, 0.0, 1.0, "why", open_high=True),
     ("beta2=nan is not finite; the allowed range is [0, 1): nan and inf make every result "
      "nan or inf")),
    (lambda: _check.number("x", -math.inf),
     "x=-inf is not finite; give a finite number: nan and inf make every result nan or inf"),
    (lambda: _check.number("beta2", 1.0, 0.0, 1.0, "it decays", open_high=True),
     "beta2=1.0 is outside the allowed range [0, 1): it decays"),
    (lambda: _check.number("b", 0, 0.0, open_low=True),
     "b=0.0 is outside the allowed range (0, inf)"),
    (lambda: _check.whole("steps", 2.0, 1, "it counts"),
     "steps must be a whole number in the allowed range [1, inf), got 2.0"),
    (lambda: _check.whole("steps", np.int64(0), 1, "it counts"),
     "steps=0 is outside the allowed range [1, inf): it counts"),
    (lambda: _check.whole("n", False), "n must be a whole number, got False"),
    (lambda: _check.whole("step", 4, 0, "it ran 3 steps", high=3),
     "step=4 is outside the allowed range [0, 3]: it ran 3 steps"),
    (lambda: _check.numbers("lrs", [0.1, math.nan], 0.0),
     "lrs[1]=nan is not finite; the allowed range is [0, inf): nan and inf make every result "
     "nan or inf"),
    (lambda: _check.numbers("X", [[1.0, 2.0], [3.0, -1.0]], 0.0, why="a size"),
     "X[1, 1]=-1.0 is outside the allowed range [0, inf): a size"),
    (lambda: _check.numbers("sigma", -2, 0.0), "sigma=-2.0 is outside the allowed range [0, inf)"),
    (lambda: _check.numbers("lrs", [0.1, "1"]),
     "lrs must be finite real numbers, got [0.1, '1']"),
    (lambda: _check.numbers("lrs", [[0.1], [0.2, 0.3]], 0.0),
     "lrs must be finite real numbers in the allowed range [0, inf), got [[0.1], [0.2, 0.3]]"),
    (lambda: _check.numbers("mask", [True, False]), "mask must be finite real numbers, got "
     "[True, False]"),
    (lambda: _check.seed(-1), "seed=-1 is outside the allowed range [0, inf): it picks the "
     "random numbers; the same seed gives the same numbers"),
    (lambda: _check.seed(0.5), "seed must be a whole number in the allowed range [0, inf), "
     "got 0.5"),
])
def test_one_wording_for_every_bad_number(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value) == message


def test_values_inside_come_back_as_float_or_int():
    assert _check.number("lr", np.float32(0.5), 0.0) == 0.5
    assert type(_check.number("lr", 1, 0.0)) is float
    assert _check.number("beta2", 0.0, 0.0, 1.0, open_high=True) == 0.0  # closed low end
    assert _check.whole("steps", np.int64(3), 0) == 3 and type(_check.whole("steps", 3)) is int
    # a closed infinite end lets infinity in (a bound that never triggers)
    bound = _check.number("bound", math.inf, 0.0, math.inf, open_low=True, open_high=False)
    assert bound == math.inf


def test_numbers_come_back_as_a_float_array_of_the_same_shape():
    out = _check.numbers("x", [[1, 2], [3, 4]], 0.0)
    assert out.dtype == np.float64 and out.shape == (2, 2)
    assert _check.numbers("x", 3).shape == () and _check.numbers("x", []).shape == (0,)
    # closed infinite end: inf allowed, as in `number`
    assert _check.numbers("losses", [1.0, math.inf], high=math.inf, open_high=False)[1] == math.inf
    assert _check.seed(np.int64(7)) == 7
