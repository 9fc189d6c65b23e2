"""The explorers' fast loop (`widgets._fast.run`) gives `trajectory.run`'s numbers, bit for
bit: every optimizer on every surface, at a rate that converges and at rates that diverge."""
import numpy as np
import pytest

from adamedu import optimizers, surfaces, trajectory
from adamedu.widgets import _fast


def same(a, b):
    assert a.points.tobytes() == b.points.tobytes()
    assert a.losses.tobytes() == b.losses.tobytes()
    assert (a.diverged_at, a.reason, a.label) == (b.diverged_at, b.reason, b.label)
    assert a.minima.tobytes() == b.minima.tobytes()


@pytest.mark.parametrize("name", optimizers.NAMES)
def test_fast_run_is_trajectory_run(name):
    for surface_name in surfaces.SURFACES:
        s = surfaces.get(surface_name)
        for lr in (0.01, 0.3, 30.0):
            opt = optimizers.make(name, lr=lr)
            same(_fast.run(opt, s, s.start, 120), trajectory.run(opt, s, s.start, steps=120))


class Nan:
    """A problem whose gradient turns NaN, then one that overflows theta to inf."""
    start, minima = np.array([1.0, 2.0]), np.zeros((1, 2))

    def __init__(self, at, value):
        self.at, self.value, self.k = at, value, 0

    def loss(self, theta):
        return float(np.sum(theta * theta))

    def grad(self, theta):
        self.k += 1
        return np.full(2, self.value) if self.k >= self.at else 2 * theta


@pytest.mark.parametrize("value", [np.nan, np.inf, 1e308])
def test_fast_run_stops_where_trajectory_run_stops(value):
    for name in ("sgd", "adam"):
        same(_fast.run(optimizers.make(name, lr=1e10), Nan(3, value), (1.0, 2.0), 10),
             trajectory.run(optimizers.make(name, lr=1e10), Nan(3, value), (1.0, 2.0), 10))


def test_an_optimizer_with_its_own_step_has_it_called_every_step():
    class Counted(optimizers.SGD):
        calls = 0

        def step(self, theta, grad, state):
            Counted.calls += 1
            return super().step(theta, grad, state)

    s = surfaces.get("quadratic")
    same(_fast.run(Counted(lr=0.1), s, s.start, 20), trajectory.run(Counted(lr=0.1), s, steps=20))
    assert Counted.calls == 40
