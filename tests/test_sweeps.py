import numpy as np
import pytest

from adamedu import optimizers, sweeps, trajectory


class Bowl:
    """f(x) = 0.5 * sum(x**2): gradient descent with lr gives x_k = (1 - lr)**k * x_0."""
    start = np.array([1.0, -2.0])

    def loss(self, x):
        return 0.5 * float(np.sum(x ** 2))

    def grad(self, x):
        return np.array(x, dtype=float)


def test_grid_matches_closed_form_gradient_descent():
    lrs = [0.1, 0.5, 1.5]
    g = sweeps.grid("sgd", {"lr": lrs}, Bowl(), steps=20, start=Bowl.start)
    assert g.names == ("lr",) and g.losses.shape == (3, 21)
    for i, lr in enumerate(lrs):
        expected = 2.5 * (1 - lr) ** (2 * np.arange(21))
        np.testing.assert_allclose(g.losses[i], expected, rtol=1e-12)
    np.testing.assert_allclose(g.at(5), g.losses[:, 5])
    np.testing.assert_allclose(g.final, g.losses[:, -1])


def test_grid_marks_diverged_runs_as_inf_from_the_divergence_on():
    g = sweeps.grid("sgd", {"lr": [0.5, 1e3]}, Bowl(), steps=200, start=Bowl.start)
    assert np.isfinite(g.final[0]) and g.final[1] == np.inf
    assert np.isfinite(g.losses[1, 1])                  # one step of lr=1e3 is still finite
    assert np.all(np.isfinite(g.losses[0]))


def test_grid_two_axes_and_fixed_hyperparameters():
    g = sweeps.grid("adam", {"beta1": [0.0, 0.9], "lr": [0.01, 0.1, 1.0]}, Bowl(), steps=30,
                    start=Bowl.start, beta2=0.99)
    assert g.losses.shape == (2, 3, 31)
    one = trajectory.run(optimizers.Adam(lr=0.1, beta1=0.9, beta2=0.99), Bowl(),
                         start=Bowl.start, steps=30)
    np.testing.assert_allclose(g.losses[1, 1], one.losses, rtol=1e-12)


def test_grid_accepts_a_builder_function():
    built = []

    def build(**hp):
        built.append(hp)
        return optimizers.SGD(momentum=0.5, **hp)

    sweeps.grid(build, {"lr": [0.1, 0.2]}, Bowl(), steps=3, start=Bowl.start)
    assert built == [{"lr": 0.1}, {"lr": 0.2}]


def test_grid_rejects_bad_arguments():
    with pytest.raises(ValueError, match="axes"):
        sweeps.grid("adam", {}, Bowl(), steps=3)
    with pytest.raises(ValueError, match="optimizer"):
        sweeps.grid(3, {"lr": [0.1]}, Bowl(), steps=3)


def test_decades():
    lrs = np.array([1e-3, 1e-2, 1e-1, 1.0])
    assert sweeps.decades(lrs, [5.0, 0.1, 0.1, 5.0], 1.0) == pytest.approx(1.0)
    assert sweeps.decades(lrs, [0.1, 0.1, 0.1, 0.1], 1.0) == pytest.approx(3.0)
    assert sweeps.decades(lrs, [5, 5, 0.1, 5], 1.0) == 0.0
    assert np.isnan(sweeps.decades(lrs, [5, 5, 5, 5], 1.0))


def test_warmup_cosine_shape():
    lrs = sweeps.warmup_cosine(0.1, steps=100, warmup=10, final=0.01)
    assert len(lrs) == 100
    assert lrs[0] == pytest.approx(0.01) and lrs[9] == pytest.approx(0.1)
    assert lrs[-1] == pytest.approx(0.001)
    assert np.all(np.diff(lrs[:10]) > 0) and np.all(np.diff(lrs[10:]) < 0)
    np.testing.assert_allclose(sweeps.warmup_cosine(0.1, steps=5),
                               0.05 * (1 + np.cos(np.pi * np.arange(1, 6) / 5)))
    with pytest.raises(ValueError, match="warmup"):
        sweeps.warmup_cosine(0.1, steps=10, warmup=10)


def test_run_schedule_carries_the_state_over():
    # A constant schedule must reproduce one uninterrupted run: if the state (t, m, v)
    # were reset each step, every Adam step would be a full lr-sized sign step.
    run = trajectory.run(optimizers.Adam(lr=0.05), Bowl(), start=Bowl.start, steps=40)
    losses = sweeps.run_schedule("adam", Bowl(), np.full(40, 0.05), start=Bowl.start)
    np.testing.assert_allclose(losses, run.losses, rtol=1e-12)


def test_run_schedule_reports_divergence_as_inf():
    losses = sweeps.run_schedule("sgd", Bowl(), np.full(300, 1e3), start=Bowl.start)
    assert losses[1] < np.inf and losses[-1] == np.inf
    with pytest.raises(ValueError, match=r"lrs=\[\] must be a non-empty list"):
        sweeps.run_schedule("sgd", Bowl(), [], start=Bowl.start)


def test_compare_stacks_optimizers_on_one_lr_grid():
    g = sweeps.compare(["sgd", "adam"], [0.1, 0.5], Bowl(), steps=10, start=Bowl.start)
    assert g.names == ("optimizer", "lr") and g.values[0] == ("sgd", "adam")
    one = sweeps.grid("adam", {"lr": [0.1, 0.5]}, Bowl(), steps=10, start=Bowl.start)
    np.testing.assert_allclose(g.losses[1], one.losses)
    np.testing.assert_allclose(g.final[0, 0] / g.at(0)[0, 0], 0.9 ** 20)  # GD, lr = 0.1


def test_rescaled_gradient_matches_finite_differences():
    p = sweeps.Rescaled(Bowl(), loss_scale=3.0, theta_scale=0.5)
    np.testing.assert_allclose(p.start, [0.5, -1.0])
    theta, h = np.array([0.3, -0.7]), 1e-6
    numeric = [(p.loss(theta + h * e) - p.loss(theta - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(p.grad(theta), numeric, rtol=1e-6)
    with pytest.raises(ValueError, match="loss_scale"):
        sweeps.Rescaled(Bowl(), loss_scale=0)


def test_adam_ignores_loss_scale_but_gd_does_not():
    base = sweeps.grid("adam", {"lr": [0.1]}, Bowl(), steps=30, eps=0.0).losses[0]
    scaled = sweeps.grid("adam", {"lr": [0.1]}, sweeps.Rescaled(Bowl(), loss_scale=100.0),
                         steps=30, eps=0.0).losses[0]
    np.testing.assert_allclose(scaled, 100 * base, rtol=1e-10)
    gd = sweeps.grid("sgd", {"lr": [0.1]}, Bowl(), steps=30).losses[0]
    gd_scaled = sweeps.grid("sgd", {"lr": [0.1]}, sweeps.Rescaled(Bowl(), loss_scale=100.0),
                            steps=30).losses[0]
    assert np.isinf(gd_scaled[-1]) and np.isfinite(gd[-1])


class Tiny:
    """A stand-in model: loss_and_grad returns the rows it was given as the gradient."""

    def loss(self, theta, X, y):
        return float(len(y))

    def loss_and_grad(self, theta, X, y):
        return 0.0, np.array([y.sum(), len(y)], dtype=float)


def test_minibatch_problem_replays_batches_after_reset():
    y = np.arange(10)
    p = sweeps.MinibatchProblem(Tiny(), np.zeros((10, 1)), y, batch_size=4, seed=1)
    first = [p.grad(np.zeros(2)) for _ in range(6)]
    assert [g[1] for g in first[:3]] == [4, 4, 2]            # one epoch of 10 rows
    assert sum(g[0] for g in first[:3]) == y.sum()           # every row exactly once
    assert p.loss(np.zeros(2)) == 10.0                       # loss over all rows
    p.reset()
    again = [p.grad(np.zeros(2)) for _ in range(6)]
    np.testing.assert_array_equal(first, again)


def test_problems_without_a_start_need_one():
    class NoStart:
        loss, grad = Bowl.loss, Bowl.grad

    with pytest.raises(ValueError, match="start"):
        sweeps.run_schedule("adam", NoStart(), [0.1])
    assert not hasattr(sweeps.Rescaled(NoStart(), loss_scale=2.0), "start")
    losses = sweeps.run_schedule("adam", sweeps.Rescaled(NoStart(), loss_scale=2.0), [0.1],
                                 start=[1.0, 0.0])
    assert losses[0] == pytest.approx(1.0)
