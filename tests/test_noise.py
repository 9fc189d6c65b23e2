"""adamedu.noise: minibatch gradients, additive noise, and the closed forms of lesson 2.

Every closed form is checked against exact enumeration or an exact recursion, and against
a simulation with the package's own optimizers.
"""
import itertools
import struct

import numpy as np
import pytest
from IPython.core.formatters import format_display_data

from adamedu import data, noise, optimizers, trajectory
from adamedu.widgets import explore_noise

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module")
def small():
    return noise.LeastSquares(n=6, d=3, batch_size=2, seed=1)


def test_minibatch_mean_is_the_full_gradient_and_variance_follows_the_formula(small):
    theta = np.array([0.3, -1.0, 2.0])
    G = small.example_grads(theta)
    # without replacement: every one of the C(6, 2) = 15 minibatches, equally likely
    grads = np.array([small.minibatch_grad(theta, list(rows))
                      for rows in itertools.combinations(range(6), 2)])
    np.testing.assert_allclose(grads.mean(axis=0), small.full_grad(theta), rtol=1e-12)
    np.testing.assert_allclose(grads.var(axis=0), small.minibatch_variance(theta, 2), rtol=1e-12)
    # with replacement: every ordered pair; the variance is exactly s**2 / B
    grads = np.array([G[list(rows)].mean(axis=0) for rows in itertools.product(range(6), repeat=2)])
    np.testing.assert_allclose(grads.mean(axis=0), small.full_grad(theta), rtol=1e-12)
    np.testing.assert_allclose(grads.var(axis=0), G.var(axis=0) / 2, rtol=1e-12)
    np.testing.assert_allclose(noise.minibatch_variance(G, 2, replace=True), G.var(axis=0) / 2,
                               rtol=1e-12)


def test_full_gradient_is_the_derivative_of_the_loss(small):
    theta, eps = np.array([0.3, -1.0, 2.0]), 1e-6
    numeric = [(small.loss(theta + eps * e) - small.loss(theta - eps * e)) / (2 * eps)
               for e in np.eye(3)]
    np.testing.assert_allclose(small.full_grad(theta), numeric, rtol=1e-7)
    np.testing.assert_allclose(small.full_grad(small.minima[0]), 0, atol=1e-12)


def test_variance_scales_as_one_over_batch_size():
    p = noise.LeastSquares(n=500, seed=0)
    G = p.example_grads(p.start)
    ratio = (noise.minibatch_variance(G, 1, replace=True)
             / noise.minibatch_variance(G, 8, replace=True))
    np.testing.assert_allclose(ratio, 8.0, rtol=1e-12)
    for B in (1, 10, 100):
        draws = p.sample_grads(p.start, B, draws=10_000, seed=B)
        sd_of_mean = np.sqrt(p.minibatch_variance(p.start, B).max() / 10_000)
        np.testing.assert_allclose(draws.mean(axis=0), p.full_grad(p.start), atol=4 * sd_of_mean)
        np.testing.assert_allclose(draws.var(axis=0), p.minibatch_variance(p.start, B), rtol=0.06)


def test_the_stream_is_data_minibatches_and_replays():
    p = noise.LeastSquares(n=50, batch_size=7, seed=3)
    first = next(iter(data.minibatches(50, 7, seed=3, epochs=1)))
    theta = np.array([0.5, 0.5])
    g1 = p.grad(theta)
    np.testing.assert_array_equal(g1, p.minibatch_grad(theta, first))
    rest = [p.grad(theta) for _ in range(20)]
    p.reset()
    np.testing.assert_array_equal(p.grad(theta), g1)
    assert not np.array_equal(rest[0], g1)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
def test_ema_variance_ratio_is_the_sum_of_squared_weights(beta):
    t = 40
    weights = (1 - beta) * beta ** np.arange(t)[::-1]          # m_t = sum_k w_k g_k
    assert noise.ema_variance_ratio(beta, t) == pytest.approx(
        np.sum((weights / (1 - beta**t)) ** 2), rel=1e-12)
    long = (1 - beta) * beta ** np.arange(100_000)
    assert noise.ema_variance_ratio(beta) == pytest.approx(np.sum(long**2), rel=1e-9)
    assert noise.ema_variance_ratio(beta, 1) == pytest.approx(1.0)


def test_adams_first_moment_has_that_variance():
    rng = np.random.default_rng(0)
    adam = optimizers.Adam(beta1=0.9)
    theta = np.zeros(40_000)          # 40,000 independent coordinates, unit-variance noise
    state = adam.init(theta)
    for _ in range(60):
        _, state = adam.step(theta, rng.standard_normal(theta.size), state)
    assert np.var(state.m) == pytest.approx(noise.ema_variance_ratio(0.9) * (1 - 0.9**120),
                                            rel=0.03)
    m_hat = state.m / (1 - 0.9**state.t)
    assert np.var(m_hat) == pytest.approx(noise.ema_variance_ratio(0.9, 60), rel=0.03)


def _stationary_loss(lr, h, sigma, mu):
    """E[h theta**2 / 2] at the fixed point of the covariance recursion of (theta, buffer),
    P = A P A^T + c c^T, solved as the linear system (I - A (x) A) vec(P) = vec(c c^T)
    (what iterating it to convergence gives, without 20,000 iterations)."""
    A = np.array([[1 - lr * h, -lr * mu], [h, mu]])
    c = np.array([-lr * sigma, sigma])
    P = np.linalg.solve(np.eye(4) - np.kron(A, A), np.outer(c, c).ravel()).reshape(2, 2)
    return 0.5 * h * P[0, 0]


@pytest.mark.parametrize("lr, h, sigma, mu", [(0.1, 1.0, 1.0, 0.0), (0.15, 10.0, 2.0, 0.0),
                                              (0.01, 10.0, 1.0, 0.9), (0.3, 3.0, 0.5, 0.5)])
def test_floor_matches_the_exact_covariance_recursion(lr, h, sigma, mu):
    assert noise.floor(lr, h, sigma, mu) == pytest.approx(_stationary_loss(lr, h, sigma, mu),
                                                          rel=1e-9)


@pytest.mark.parametrize("name, hp", [("sgd", {"lr": 0.1}), ("momentum", {"lr": 0.01})])
def test_floor_matches_a_simulation(name, hp):
    p = noise.NoisyQuadratic(h=(1.0, 4.0), sigma=(1.0, 0.5), copies=2000, seed=0)
    run = trajectory.run(optimizers.make(name, **hp), p, steps=600)
    mu = 0.9 if name == "momentum" else 0.0
    floor = noise.floor(hp["lr"], p.h[:2], p.sigma[:2], mu)
    assert np.mean(run.losses[300:]) == pytest.approx(floor, rel=0.04)


def test_floor_refuses_an_unstable_learning_rate():
    with pytest.raises(ValueError, match=r"stable only for 0 < lr < 2 \(1 \+ momentum\) / max\(h\) "
                                         r"= 0.2"):
        noise.floor(0.25, [1.0, 10.0], 1.0)


def test_adam_ratio_is_where_m_hat_over_sqrt_v_hat_settles():
    mean, std = np.array([1.0, 1.0, 0.2, 0.0]), np.array([0.0, 1.0, 2.0, 1.0])
    rng = np.random.default_rng(1)
    adam = optimizers.Adam()
    theta = np.zeros((5000, 4))   # 5,000 independent streams per (mean, std) pair
    state = adam.init(theta)
    for _ in range(3000):
        _, state = adam.step(theta, mean + std * rng.standard_normal(theta.shape), state)
    m_hat, v_hat = state.m / (1 - 0.9**state.t), state.v / (1 - 0.999**state.t)
    np.testing.assert_allclose(v_hat.mean(axis=0), mean**2 + std**2, rtol=0.02)
    ratio = (m_hat / np.sqrt(v_hat)).mean(axis=0)
    np.testing.assert_allclose(ratio, noise.adam_ratio(mean, std), atol=0.02)
    assert noise.adam_ratio(1.0, 0.0) == 1.0 and noise.adam_ratio(0.1, 10.0) < 0.011


def test_noisy_quadratic_replays_and_copies_average():
    p = noise.NoisyQuadratic(h=(1.0, 10.0), sigma=(0.0, 1.0), copies=3, seed=4)
    assert p.start.shape == (6,) and p.loss(p.start) == pytest.approx(0.5 * (4 + 40))
    theta = np.arange(6.0)
    g = p.grad(theta)
    np.testing.assert_array_equal(g[::2], theta[::2])      # the clean coordinates
    assert not np.array_equal(g[1::2], 10 * theta[1::2])   # the noisy ones
    p.reset()
    np.testing.assert_array_equal(p.grad(theta), g)


def test_race_settles_at_the_predicted_floors():
    sgd, momentum, adam = noise.race(1.0)
    assert (sgd.label, momentum.label, adam.label) == ("GD", "Momentum", "Adam")
    assert np.mean(sgd.losses[200:]) == pytest.approx(noise.floor(0.05, (1, 10), 1.0), rel=0.1)
    assert np.mean(momentum.losses[200:]) == pytest.approx(
        noise.floor(0.005, (1, 10), 1.0, momentum=0.9), rel=0.1)
    assert np.mean(adam.losses[200:]) < 0.6 * np.mean(sgd.losses[200:])


def test_explorer_redraws_and_shows_a_still_figure():
    ex = explore_noise(sigma=0.3)
    before = ex.png
    ex.set(sigma=3.0)
    assert ex.png != before and ex.png.startswith(b"\x89PNG")
    assert ex.readout[0].startswith("GD (lr=0.05): mean loss over the last 100 steps")
    bundle, metadata = format_display_data(ex)
    assert {"image/png", "text/plain", "application/vnd.jupyter.widget-view+json"} <= set(bundle)
    # drawn at twice its size in CSS pixels and shown at that size (sharp on HiDPI screens)
    assert metadata["image/png"] == {"width": 480, "height": 256}
    assert struct.unpack(">II", ex.png[16:24]) == (960, 512)
    assert (ex.image.layout.width, ex.image.layout.height) == ("480px", "256px")
    with pytest.raises(ValueError, match="choose one of the slider's values"):
        ex.set(sigma=2.0)


@pytest.mark.parametrize("call, message", [
    (lambda: noise.LeastSquares(n=5, batch_size=6), "larger than the training set"),
    (lambda: noise.LeastSquares(label_noise=-1), "label_noise"),
    (lambda: noise.NoisyQuadratic(h=(1.0, 0.0)), r"h\[1\]=0.0 is outside the allowed range"),
    (lambda: noise.ema_variance_ratio(1.0), r"beta=1.0 is outside the allowed range \[0, 1\)"),
    (lambda: noise.minibatch_variance(np.ones((3, 2)), 0), "batch_size=0"),
    (lambda: noise.minibatch_grad(np.ones(2), np.ones((3, 2)), np.ones(3), []), "non-empty"),
])
def test_bad_input_says_what_and_why(call, message):
    with pytest.raises(ValueError, match=message):
        call()
