"""The trajectory runner: what it records, how it stops, and that it stays quiet."""
import warnings

import numpy as np
import pytest

from adamedu import optimizers, surfaces
from adamedu.trajectory import Trajectory, default_bound, run


@pytest.fixture(autouse=True)
def loud_numerics():
    """Any numpy warning or floating-point error becomes a test failure."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            yield


class Problem:
    """An N-d quadratic 0.5 * sum(c * theta**2) with optional sabotage for tests."""

    def __init__(self, c, nan_grad_after=None, inf_loss_beyond=None, huge_grad=False):
        self.c = np.asarray(c, dtype=float)
        self.calls = 0
        self.nan_grad_after = nan_grad_after
        self.inf_loss_beyond = inf_loss_beyond
        self.huge_grad = huge_grad

    def loss(self, theta):
        if self.inf_loss_beyond is not None and np.abs(theta).max() > self.inf_loss_beyond:
            return float("inf")
        return float(0.5 * np.sum(self.c * theta * theta))

    def grad(self, theta):
        self.calls += 1
        if self.nan_grad_after is not None and self.calls > self.nan_grad_after:
            return np.full_like(theta, np.nan)
        if self.huge_grad:
            return np.full_like(theta, 1e308)
        return self.c * theta


def test_records_the_start_then_every_step_exactly_as_gradient_descent():
    s = surfaces.get("quadratic")
    lr = 0.05
    traj = run(optimizers.SGD(lr=lr), s, steps=30)
    theta = s.start.copy()
    expected = [theta]
    for _ in range(30):
        theta = theta - lr * s.grad(theta)
        expected.append(theta)
    assert traj.points.shape == (31, 2)
    assert np.array_equal(traj.points, expected)
    assert np.array_equal(traj.losses, [s.loss(p) for p in expected])
    assert traj.diverged_at is None and traj.steps == 30
    assert traj.label == "GD"
    assert np.array_equal(traj.final_point, expected[-1])
    assert traj.final_loss == s.loss(expected[-1])


def test_message_and_distance_to_the_nearest_minimum():
    s = surfaces.get("himmelblau")
    traj = run(optimizers.Adam(lr=0.05), s, start=[1.0, 1.0], steps=400)
    assert traj.message == f"reached loss {traj.final_loss:.3g} after 400 steps"
    nearest = np.min(np.linalg.norm(s.minima - traj.final_point, axis=1))
    assert traj.distance_to_min == pytest.approx(nearest)
    assert traj.distance_to_min < 1e-3
    assert run(optimizers.SGD(lr=0.01), surfaces.saddle(), steps=5).distance_to_min is None


def test_a_huge_learning_rate_on_rosenbrock_stops_cleanly_at_the_divergent_step():
    s = surfaces.get("rosenbrock")
    traj = run(optimizers.SGD(lr=1.0), s, steps=100)
    k = traj.diverged_at
    assert isinstance(k, int) and 1 <= k < 100
    assert traj.message.startswith(f"diverged at step {k}: ")
    assert len(traj.points) == k and len(traj.losses) == k     # the points before step k
    assert np.isfinite(traj.points).all() and np.isfinite(traj.losses).all()
    assert np.linalg.norm(traj.points, axis=1).max() <= default_bound(s)


def test_overflow_to_infinity_is_reported_without_warnings():
    traj = run(optimizers.SGD(lr=10.0), Problem([1.0, 1.0], huge_grad=True),
               start=[1.0, 1.0], steps=10, bound=np.inf)
    assert traj.diverged_at == 1
    assert traj.message == "diverged at step 1: theta became infinite"


def test_bound_on_theta_is_reported_with_its_value():
    s = surfaces.get("saddle")
    traj = run(optimizers.SGD(lr=0.1), s, steps=500, bound=10.0)
    assert traj.diverged_at is not None
    assert traj.message.endswith("|theta| exceeded 10")
    assert np.linalg.norm(traj.points[-1]) <= 10.0
    # one more step from the last recorded point leaves the bound
    assert np.linalg.norm(traj.points[-1] - 0.1 * s.grad(traj.points[-1])) > 10.0


def test_a_nan_gradient_stops_the_run_before_the_step_that_needs_it():
    traj = run(optimizers.Adam(lr=0.1), Problem([1.0, 2.0, 3.0], nan_grad_after=3),
               start=[1.0, 1.0, 1.0], steps=20)
    assert traj.diverged_at == 4
    assert traj.message == "diverged at step 4: the gradient was NaN"
    assert traj.points.shape == (4, 3)


def test_a_non_finite_loss_stops_the_run():
    traj = run(optimizers.SGD(lr=3.0), Problem([1.0], inf_loss_beyond=5.0), start=[1.0], steps=20)
    # theta_t = (1 - 3)^t: |theta| passes 5 at step 3
    assert traj.diverged_at == 3
    assert traj.message == "diverged at step 3: the loss became infinite"
    assert np.array_equal(traj.points[:, 0], [1.0, -2.0, 4.0])


def test_works_on_an_n_dimensional_problem_and_records_states():
    c = np.linspace(0.5, 4.0, 7)
    problem = Problem(c)
    problem.minima = np.zeros((1, 7))
    start = np.ones(7)
    traj = run(optimizers.Adam(lr=0.1), problem, start=start, steps=50, record_states=True)
    assert traj.points.shape == (51, 7) and traj.losses.shape == (51,)
    assert np.array_equal(start, np.ones(7))                     # the start is not modified
    assert len(traj.states) == 51
    assert [s.t for s in traj.states] == list(range(51))
    assert traj.distance_to_min == pytest.approx(np.linalg.norm(traj.final_point))
    assert traj.final_loss < traj.losses[0]
    assert run(optimizers.Adam(lr=0.1), Problem(c), start=start, steps=3).states is None
    assert run(optimizers.Adam(lr=0.1), Problem(c), start=start, steps=3).distance_to_min is None


def test_label_override_zero_steps_and_default_start():
    s = surfaces.get("beale")
    traj = run(optimizers.SGD(lr=0.01, momentum=0.9), s, steps=0, label="Momentum, lr = 0.01")
    assert traj.label == "Momentum, lr = 0.01"
    assert np.array_equal(traj.points, [s.start]) and traj.steps == 0
    assert isinstance(traj, Trajectory) and "Momentum, lr = 0.01" in repr(traj)


def test_default_bound_scales_with_the_window():
    assert default_bound(surfaces.get("rosenbrock")) == pytest.approx(100 * np.hypot(2, 3))
    assert default_bound(Problem([1.0])) == 1e6


@pytest.mark.parametrize("kwargs, match", [
    (dict(start=[np.nan, 0.0]), "finite"),
    (dict(steps=-1), "steps=-1"),
    (dict(steps=2.5), "steps must be a whole number in the allowed range .*, got 2.5"),
    (dict(bound=0.0), "bound=0.0"),
])
def test_bad_arguments_raise_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        run(optimizers.SGD(lr=0.1), surfaces.get("quadratic"), **kwargs)


def test_a_problem_without_a_start_needs_one():
    with pytest.raises(ValueError, match="no default start"):
        run(optimizers.SGD(lr=0.1), Problem([1.0]))
    with pytest.raises(ValueError, match="loss at the start"):
        run(optimizers.SGD(lr=0.1), Problem([1.0], inf_loss_beyond=1.0), start=[2.0])


def test_a_finite_gradient_whose_square_overflows_is_not_called_infinite():
    # the loop's quick check (a finite sum of squares) fails here; the exact one passes
    traj = run(optimizers.SGD(lr=1e-307), Problem([1.0, 1.0], huge_grad=True),
               start=[1.0, 2.0], steps=3)
    assert traj.diverged_at is None and traj.steps == 3


def test_any_object_with_init_and_step_is_an_optimizer():
    class Halve:
        label = "halve"

        def init(self, theta):
            return 0

        def step(self, theta, grad, state):
            return theta * 0.5, state + 1

    traj = run(Halve(), Problem([1.0]), start=[8.0], steps=3, record_states=True)
    assert traj.points[:, 0].tolist() == [8.0, 4.0, 2.0, 1.0] and traj.states == [0, 1, 2, 3]


def test_a_subclass_or_an_object_with_its_own_step_has_it_called_every_step():
    class Counted(optimizers.SGD):
        calls = 0

        def step(self, theta, grad, state):
            Counted.calls += 1
            return super().step(theta, grad, state)

    run(Counted(lr=0.1), Problem([1.0]), start=[1.0], steps=20)
    assert Counted.calls == 20
    opt, calls = optimizers.SGD(lr=0.1), []
    step = opt.step
    opt.step = lambda *args: calls.append(1) or step(*args)
    run(opt, Problem([1.0]), start=[1.0], steps=20)
    assert len(calls) == 20
