"""Small teaching problems for the lessons on per-parameter rates (02-04).

`RareFeature` is least squares on a stream of samples in which one feature is present in
every sample and the other only rarely, so the second coordinate of a per-sample gradient
is exactly zero on most steps: the sparse gradients Adagrad was designed for.

    >>> from adamedu import optimizers
    >>> toy = RareFeature()
    >>> traj = toy.run(optimizers.Adagrad(lr=2.0), steps=500)
    >>> bool(abs(traj.final_point - toy.w_true).max() < 1e-3)
    True
"""
import itertools
import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from adamedu import _check, data, trajectory

__all__ = ["RareFeature"]


class RareFeature:
    """Linear regression y = x . w with a common feature and a rare one.

    Sample i has features x_i = (a_i, r_i): a_i ~ N(0, 1) in every sample; r_i is
    `rare_scale` * N(0, 1) in a fraction `p_rare` of the samples (chosen at random) and
    exactly 0 in the others: rare, and small when present.
    Targets are noiseless, y_i = x_i . w_true, so every optimizer that converges reaches
    w_true exactly. Everything is drawn once from `np.random.default_rng(seed)`.

    As a *problem* (`loss`, `grad`) it is the full-data loss mean_i (x_i . theta - y_i)^2 / 2.
    A stochastic run (`run`) uses one sample per step: step k (k = 1, 2, ...) follows the
    gradient of sample (k - 1) mod n, `sample_grad(theta, k - 1)`.
    """

    def __init__(self, n: int = 1000, p_rare: float = 0.05, rare_scale: float = 0.3,
                 w_true: ArrayLike = (1.3, -2.2), seed: int = 0) -> None:
        n = _check.whole("n", n, 1, "it is the number of samples")
        _check.number("p_rare", p_rare, 0.0, 1.0, "it is the fraction of samples in which the "
                      "rare feature is present", open_low=True)
        _check.number("rare_scale", rare_scale, 0.0, why="it is the standard deviation of the "
                      "rare feature where present", open_low=True)
        w_true = _check.numbers("w_true", w_true)
        if w_true.shape != (2,):
            raise ValueError(f"w_true={w_true!r} must be two finite numbers (one weight per "
                             f"feature).")
        rng = np.random.default_rng(_check.seed(seed))
        common = rng.normal(size=n)
        present = rng.random(n) < p_rare
        rare = np.where(present, rare_scale * rng.normal(size=n), 0.0)
        self.X = np.column_stack([common, rare])
        self.y = self.X @ w_true
        self.w_true = w_true
        self.present = present
        self.minima = w_true[np.newaxis, :]
        self.start = np.zeros(2)
        self.name = "rare_feature"
        self.title = f"Rare feature (present in {present.mean():.0%} of samples)"

    def loss(self, theta: ArrayLike) -> float:
        """Full-data loss mean_i (x_i . theta - y_i)^2 / 2, a float."""
        r = self.X @ np.asarray(theta, dtype=float) - self.y
        return float(0.5 * np.mean(r * r))

    def grad(self, theta: ArrayLike) -> np.ndarray:
        """Full-data gradient mean_i (x_i . theta - y_i) x_i."""
        r = self.X @ np.asarray(theta, dtype=float) - self.y
        return self.X.T @ r / len(self.y)

    def sample_grad(self, theta: ArrayLike, i: int) -> np.ndarray:
        """Gradient of sample i (taken mod n): (x_i . theta - y_i) x_i. Its second entry
        is exactly 0 when the rare feature is absent from sample i."""
        x = self.X[i % len(self.y)]
        return (x @ np.asarray(theta, dtype=float) - self.y[i % len(self.y)]) * x

    def run(self, optimizer: Any, steps: int = 300, start: ArrayLike | None = None,
            label: str | None = None) -> trajectory.Trajectory:
        """A stochastic run: step k uses `sample_grad(theta, k - 1)`.

        Returns a `trajectory.Trajectory` whose `losses` are full-data losses and whose
        `states` holds the optimizer state after every step (states[0] is the initial one).
        The run (`trajectory.run`, with no bound on |theta|) stops early, with `diverged_at`
        set, if the gradient, theta or the loss stops being finite.
        """
        stream = data.BatchStream(self.loss, self.sample_grad, itertools.count(), start=self.start,
                                  minima=self.minima)
        return trajectory.run(optimizer, stream, start=start, steps=steps, record_states=True,
                              bound=math.inf, label=label)
