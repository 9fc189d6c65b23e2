"""Noisy gradients: the problems of lesson 2 and the closed forms it checks.

- `LeastSquares`: linear regression on a seeded synthetic training set, with the full
  gradient, the gradient of any minibatch, and a replayable stream of minibatch gradients
  (a *problem* for `trajectory.run`, i.e. stochastic gradient descent).
- `NoisyQuadratic`: f(theta) = sum_i h_i theta_i**2 / 2, whose gradient carries Gaussian
  noise of standard deviation sigma_i in coordinate i: a seeded, replayable problem.
- Closed forms: `minibatch_variance` (variance ~ 1/B), `ema_variance_ratio` (what a moving
  average leaves of i.i.d. noise), `floor` (the loss SGD and heavy ball hover at with a
  constant learning rate), `adam_ratio` (Adam's m_hat / sqrt(v_hat) as a signal-to-noise
  ratio).
- `race`: SGD, momentum and Adam on a noisy quadratic (`adamedu.widgets.explore_noise`
  puts a slider for the noise level on it).

`tests/test_noise.py` checks every closed form against exact enumeration or simulation.
"""
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from adamedu import _check, data, optimizers, trajectory

__all__ = ["RACE", "LeastSquares", "NoisyQuadratic", "adam_ratio", "ema_variance_ratio", "floor",
           "minibatch_grad", "minibatch_variance", "race"]


# --------------------------------------------------------------------------- minibatches

class LeastSquares(data.BatchStream):
    """Linear regression y = X w + label noise, fitted by least squares.

    The training set has `n` examples x_i (rows of `X`, n x d, standard normal) with targets
    y_i = x_i . w_true + `label_noise` * N(0, 1), all drawn from `default_rng(seed)`.
    The loss is the mean over examples, loss(theta) = mean_i (x_i . theta - y_i)**2 / 2, so
    the full gradient is the mean of the per-example gradients (x_i . theta - y_i) x_i.

    As a *problem* (a `data.BatchStream`), `grad(theta)` is the gradient of the next
    minibatch of `batch_size` rows from `data.minibatches` (each epoch a fresh shuffle,
    rows drawn without replacement); `reset()` rewinds the stream, so every run sees the
    same batches.
    `loss` is always the full training loss; `minima` holds the least-squares solution.
    """

    def __init__(self, n: int = 500, d: int = 2, label_noise: float = 1.0,
                 w_true: ArrayLike | None = None, batch_size: int = 10, seed: int = 0) -> None:
        seed = _check.seed(seed)
        self.n = _check.whole("n", n, 2, "it counts examples in the training set")
        d = _check.whole("d", d, 1, "it counts parameters")
        self.batch_size = _check.whole("batch_size", batch_size, 1, "it counts examples per step")
        if self.batch_size > self.n:
            raise ValueError(f"batch_size={batch_size} is larger than the training set (n={n}).")
        _check.number("label_noise", label_noise, 0.0,
                      why="it is the standard deviation of the noise on the targets")
        rng = np.random.default_rng(seed)
        self.w_true = (np.linspace(1.0, -1.0, d) if w_true is None
                       else _check.numbers("w_true", w_true))
        if self.w_true.shape != (d,):
            raise ValueError(f"w_true must hold d={d} numbers; got shape {self.w_true.shape}.")
        self.X = rng.standard_normal((self.n, d))
        self.y = self.X @ self.w_true + label_noise * rng.standard_normal(self.n)
        self.minima = np.linalg.lstsq(self.X, self.y, rcond=None)[0][np.newaxis, :]
        self.start = np.full(d, 3.0)
        self.seed = seed
        super().__init__(self.loss, self.minibatch_grad,
                         data.minibatches(self.n, self.batch_size, seed=seed, epochs=10**6))

    def loss(self, theta: ArrayLike) -> float:
        """Full training loss mean_i (x_i . theta - y_i)**2 / 2, a float."""
        r = self.X @ np.asarray(theta, dtype=float) - self.y
        return float(0.5 * np.mean(r * r))

    def example_grads(self, theta: ArrayLike) -> np.ndarray:
        """The n per-example gradients (x_i . theta - y_i) x_i, one per row (n x d)."""
        r = self.X @ np.asarray(theta, dtype=float) - self.y
        return r[:, np.newaxis] * self.X

    def full_grad(self, theta: ArrayLike) -> np.ndarray:
        """The gradient of the full training loss: the mean of the per-example gradients."""
        return self.example_grads(theta).mean(axis=0)

    def minibatch_grad(self, theta: ArrayLike, rows: ArrayLike) -> np.ndarray:
        """The gradient of the loss on the rows `rows` (an index array): their mean."""
        return minibatch_grad(theta, self.X, self.y, rows)

    def sample_grads(self, theta: ArrayLike, batch_size: int, draws: int,
                     seed: int = 0) -> np.ndarray:
        """`draws` minibatch gradients at theta (draws x d), each from `batch_size` rows
        drawn without replacement from `default_rng(seed)`."""
        batch_size = _check.whole("batch_size", batch_size, 1, "it counts examples per minibatch")
        if batch_size > self.n:
            raise ValueError(f"batch_size={batch_size} is larger than the training set "
                             f"(n={self.n}).")
        draws = _check.whole("draws", draws, 1, "it counts minibatches to draw")
        keys = np.random.default_rng(seed).random((draws, self.n))
        rows = np.argpartition(keys, batch_size - 1, axis=1)[:, :batch_size]  # B distinct rows
        return self.example_grads(theta)[rows].mean(axis=1)

    def minibatch_variance(self, theta: ArrayLike, batch_size: int) -> np.ndarray:
        """Per-coordinate variance of a minibatch gradient at theta (rows drawn without
        replacement): see `minibatch_variance`."""
        return minibatch_variance(self.example_grads(theta), batch_size)


def minibatch_grad(theta: ArrayLike, X: ArrayLike, y: ArrayLike, rows: ArrayLike) -> np.ndarray:
    """Gradient of the least-squares loss mean (x_i . theta - y_i)**2 / 2 over the rows
    `rows` of X, y (a list or array of row indices; a repeated row counts twice): the mean
    of those rows' gradients (x_i . theta - y_i) x_i."""
    X, y, theta = np.asarray(X, dtype=float), np.asarray(y, dtype=float), np.asarray(theta)
    if X.ndim != 2 or y.shape != (len(X),) or theta.shape != (X.shape[1],):
        raise ValueError(f"X (n x d), y (n) and theta (d) do not fit together: got shapes "
                         f"{X.shape}, {y.shape} and {theta.shape}")
    indices = np.asarray(rows)
    if indices.ndim != 1 or indices.size == 0 or indices.dtype.kind not in "iu" \
            or indices.min() < 0 or indices.max() >= len(X):
        raise ValueError(f"rows must be a non-empty list of row indices 0..{len(X) - 1}; "
                         f"got {rows!r}")
    Xb = X[indices]
    r = Xb @ theta.astype(float) - y[indices]
    return Xb.T @ r / len(indices)


def minibatch_variance(example_grads: ArrayLike, batch_size: int,
                       replace: bool = False) -> np.ndarray:
    """Per-coordinate variance of the mean of `batch_size` rows of `example_grads` (n x d)
    drawn at random: s**2 / B with replacement, s**2 / B * (n - B) / (n - 1) without,
    where s**2 is the variance of the n per-example gradients (dividing by n).

    The mean of a minibatch gradient is the full gradient in both cases (an unbiased
    estimate); only its spread depends on B.
    """
    G = _check.numbers("example_grads", example_grads)
    if G.ndim != 2 or len(G) < 2:
        raise ValueError(f"example_grads must hold one gradient per row (n x d, n >= 2); "
                         f"got shape {G.shape}")
    n = len(G)
    B = _check.whole("batch_size", batch_size, 1, "it counts examples per minibatch")
    if not replace and B > n:
        raise ValueError(f"batch_size={B} is larger than the {n} rows to draw from.")
    s2 = G.var(axis=0)
    return s2 / B if replace else s2 / B * (n - B) / (n - 1)


# --------------------------------------------------------------------------- additive noise

_CURVATURE = "it is a curvature; the quadratic needs a minimum"
_SIGMA = "it is a standard deviation"


def _shaped(name: str, values: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """values broadcast to shape (one number for every coordinate), or a ValueError."""
    try:
        return np.broadcast_to(values, shape)
    except ValueError:
        raise ValueError(f"{name} must be one number or one per coordinate ({shape[0]}); "
                         f"got shape {values.shape}") from None


class NoisyQuadratic:
    """f(theta) = sum_i h_i theta_i**2 / 2 with noisy gradients h * theta + sigma * xi.

    xi is a fresh standard normal vector at every `grad` call, from a stream seeded with
    `seed`; `reset()` rewinds it, so runs replay the same noise. `true_grad` is h * theta.
    `loss` is the noise-free f, so loss curves show where theta really is. The minimum is 0.

    `copies` > 1 stacks that many independent copies of the problem into one parameter
    vector (copy k is theta[k*d:(k+1)*d]) and makes `loss` their mean: one run then
    estimates the *expected* loss of a single copy, which `floor` predicts.
    """

    def __init__(self, h: ArrayLike = (1.0, 1.0), sigma: ArrayLike = (0.0, 1.0),
                 start: ArrayLike = (2.0, 2.0), copies: int = 1, seed: int = 0) -> None:
        h = _check.numbers("h", h, 0.0, why=_CURVATURE, open_low=True)
        if h.ndim != 1 or h.size == 0:
            raise ValueError(f"h={h!r} must be a list of positive curvatures.")
        sigma = _shaped("sigma", _check.numbers("sigma", sigma, 0.0, why=_SIGMA), h.shape)
        start = _shaped("start", _check.numbers("start", start), h.shape)
        seed = _check.seed(seed)
        self.copies = _check.whole("copies", copies, 1,
                                   "it counts independent copies of the problem")
        self.h, self.sigma = np.tile(h, self.copies), np.tile(sigma, self.copies)
        self.start = np.tile(np.broadcast_to(np.array(start, dtype=float), h.shape), self.copies)
        self.minima = np.zeros((1, len(self.h)))
        self.seed = seed
        self.reset()

    def reset(self) -> None:
        """Rewind the noise stream."""
        self._rng = np.random.default_rng(self.seed)

    def loss(self, theta: ArrayLike) -> float:
        theta = np.asarray(theta, dtype=float)
        return float(0.5 * np.sum(self.h * theta * theta)) / self.copies

    def true_grad(self, theta: ArrayLike) -> np.ndarray:
        return self.h * np.asarray(theta, dtype=float)

    def grad(self, theta: ArrayLike) -> np.ndarray:
        """The true gradient plus fresh noise sigma * xi (of the summed loss, so each copy
        sees exactly its own problem's gradient)."""
        return self.true_grad(theta) + self.sigma * self._rng.standard_normal(len(self.h))


# --------------------------------------------------------------------------- closed forms

def ema_variance_ratio(beta: float, t: int | None = None) -> float:
    """Variance of an exponential moving average of i.i.d. gradients, over theirs.

    m_t = beta * m_{t-1} + (1 - beta) * g_t from m_0 = 0. In the long run (t=None)
    Var(m) / Var(g) = (1 - beta)**2 * (1 + beta**2 + beta**4 + ...) = (1 - beta) / (1 + beta).
    With t given: the bias-corrected m_hat_t = m_t / (1 - beta**t), whose ratio is
    (1 - beta) / (1 + beta) * (1 + beta**t) / (1 - beta**t) (1 at t = 1: one gradient).
    """
    beta = _check.number("beta", beta, 0.0, 1.0, "it is the decay rate of the moving average",
                         open_high=True)
    ratio = (1 - beta) / (1 + beta)
    if t is None:
        return ratio
    t = _check.whole("t", t, 1, "it counts steps averaged")
    return ratio * (1 + beta**t) / (1 - beta**t)


def floor(lr: float, h: ArrayLike, sigma: ArrayLike, momentum: float = 0.0) -> float:
    """Expected loss that SGD (momentum=0) or heavy ball settles at on `NoisyQuadratic`.

    Per coordinate, with curvature h and gradient noise sigma, SGD's iterate obeys
    theta' = (1 - lr h) theta - lr sigma xi, whose variance settles where
    s = (1 - lr h)**2 s + lr**2 sigma**2, so E[h theta**2 / 2] = lr sigma**2 / (2 (2 - lr h)).
    Heavy ball (torch's b = momentum b + g) gives
    lr sigma**2 (1 + mu) / (2 (1 - mu) (2 (1 + mu) - lr h)). Summed over coordinates.
    """
    h = np.atleast_1d(_check.numbers("h", h, 0.0, why=_CURVATURE, open_low=True))
    sigma = _shaped("sigma", _check.numbers("sigma", sigma, 0.0, why=_SIGMA), h.shape)
    lr = _check.number("lr", lr, 0.0, why="it is a learning rate", open_low=True)
    mu = _check.number("momentum", momentum, 0.0, 1.0,
                       "the velocity must decay for heavy ball to settle",
                       open_high=True)
    limit = 2 * (1 + mu) / h.max()
    if not lr < limit:
        raise ValueError(f"lr={lr!r} has no floor: the run is stable only for "
                         f"0 < lr < 2 (1 + momentum) / max(h) = {limit:.4g}.")
    return float(np.sum(lr * sigma**2 * (1 + mu) / (2 * (1 - mu) * (2 * (1 + mu) - lr * h))))


def adam_ratio(mean: ArrayLike, std: ArrayLike) -> np.ndarray:
    """mean / sqrt(mean**2 + std**2): where Adam's m_hat / sqrt(v_hat) heads for a
    coordinate whose gradients have this mean and standard deviation (m_hat estimates the
    mean, v_hat the second moment mean**2 + std**2). Between -1 and 1; about
    mean / std when the noise dominates, about +-1 when it is absent."""
    mean = _check.numbers("mean", mean)
    std = _check.numbers("std", std, 0.0, why="it is a standard deviation")
    with np.errstate(invalid="ignore", divide="ignore"):
        return mean / np.sqrt(mean**2 + std**2)


# --------------------------------------------------------------------------- the race

RACE: dict[str, Any] = {
    "curvatures": (1.0, 10.0), "start": (2.0, 2.0), "steps": 400, "copies": 100,
    "optimizers": (("sgd", {"lr": 0.05}), ("momentum", {"lr": 0.005, "momentum": 0.9}),
                   ("adam", {"lr": 0.05}))}


def race(sigma: float, steps: int | None = None, seed: int = 0) -> list:
    """SGD, heavy-ball momentum and Adam (the settings in `RACE`) on the same
    `NoisyQuadratic` with noise `sigma` in both coordinates (100 copies, so the losses are
    close to their expected values); a list of Trajectories. SGD and momentum have the same
    effective step (lr / (1 - momentum) = 0.05); every run sees the same noise stream."""
    problem = NoisyQuadratic(h=RACE["curvatures"], sigma=sigma, start=RACE["start"],
                             copies=RACE["copies"], seed=seed)
    runs = []
    for name, hp in RACE["optimizers"]:
        problem.reset()
        runs.append(trajectory.run(optimizers.make(name, **hp), problem,
                                   steps=RACE["steps"] if steps is None else steps))
    return runs
