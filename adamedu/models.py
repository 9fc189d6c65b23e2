"""Two small classifiers with hand-written gradients, and a training loop.

Both models keep ALL their parameters in one flat float64 vector, so any adamedu
optimizer can step them: ``params, state = opt.step(params, grad, state)``.

- ``SoftmaxRegression(n_features, n_classes)``: logits = X W + b.
- ``MLP(n_features, n_hidden, n_classes)``: logits = relu(X W1 + b1) W2 + b2.

The loss is the mean cross-entropy over the rows, plus ``l2/2 * sum(W**2)`` over the
weight matrices when ``l2 > 0`` (biases are not penalised). ``loss_and_grad`` returns
the loss and its exact gradient; ``tests/test_models.py`` checks it against finite
differences.
"""
import sys
import time
from collections.abc import Iterable, Sized
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from . import _check, optimizers
from .trajectory import EXPLODED_LOSS, diverged_text, loss_exploded

PROGRESS_AFTER_SECONDS = 2.0
_FEATURES = "it is the number of columns of X"
_CLASSES = "a classifier chooses between at least two classes"


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


class _Model:
    """Shared by both models: shapes, checks, loss, predictions, accuracy."""

    n_features: int
    n_classes: int

    def __init__(self, shapes: list[tuple[str, tuple[int, ...]]], l2: float) -> None:
        self.l2 = _check.number("l2", l2, 0.0, why="it is a penalty strength")
        self._shapes = shapes
        self._slices, start = [], 0  # (start, stop, shape) of each named array
        for _, shape in shapes:
            size = int(np.prod(shape))
            self._slices.append((start, start + size, shape))
            start += size
        self.n_params = start

    def unpack(self, params: ArrayLike) -> list[np.ndarray]:
        """The named arrays (views into ``params``), in order, e.g. ``W, b``."""
        params = np.asarray(params)
        if params.shape != (self.n_params,):
            raise ValueError(f"{self!r} needs a flat parameter vector of shape ({self.n_params},); "
                             f"got shape {params.shape}")
        return self._unpack(params)

    def _unpack(self, params: np.ndarray) -> list[np.ndarray]:
        """``unpack`` for a flat float64 vector already known to have ``n_params`` entries."""
        return [params[start:stop].reshape(shape) for start, stop, shape in self._slices]

    def init(self, seed: int = 0) -> np.ndarray:
        """Starting parameters drawn with ``seed`` (each model has its own rule)."""
        raise NotImplementedError

    def _logits(self, arrays: list[np.ndarray], X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _loss_and_grad(self, arrays: list[np.ndarray], X: np.ndarray,
                       y: np.ndarray) -> tuple[float, np.ndarray]:
        raise NotImplementedError

    def _check_X(self, X: ArrayLike) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        n_features = self._shapes[0][1][0]
        if X.ndim != 2 or X.shape[1] != n_features:
            raise ValueError(f"X must be a 2-D array with {n_features} columns (one row per "
                             f"example); got shape {X.shape}")
        return X

    def _check(self, X: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        X = self._check_X(X)
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must hold one label per row of X ({X.shape[0]}); "
                             f"got shape {y.shape}")
        if y.size and (y.min() < 0 or y.max() >= self.n_classes):
            raise ValueError(f"labels must be integers 0..{self.n_classes - 1}; "
                             f"got values from {y.min()} to {y.max()}")
        return X, y.astype(np.int64)

    def _penalty(self, weights: list[np.ndarray]) -> float:
        return 0.5 * self.l2 * sum(float(np.sum(W * W)) for W in weights)

    def loss(self, params: ArrayLike, X: ArrayLike, y: ArrayLike) -> float:
        """Mean cross-entropy (plus the L2 penalty) on the rows ``X, y``; the value
        ``loss_and_grad`` returns, without computing the gradient."""
        X, y = self._check(X, y)
        return self._loss(self.unpack(params), X, y)

    def _loss(self, arrays: list[np.ndarray], X: np.ndarray, y: np.ndarray) -> float:
        """``loss`` from the unpacked ``arrays`` and checked ``X, y`` (see ``_check``)."""
        weights = [a for a in arrays if a.ndim == 2]
        log_p = _log_softmax(self._logits(arrays, X))
        return self._cross_entropy(log_p, y) + self._penalty(weights)

    def logits(self, params: ArrayLike, X: ArrayLike) -> np.ndarray:
        """The class scores (one row per row of ``X``), before the softmax."""
        arrays = self.unpack(params)
        return self._logits(arrays, self._check_X(X))

    def loss_and_grad(self, params: ArrayLike, X: ArrayLike,
                      y: ArrayLike) -> tuple[float, np.ndarray]:
        """``(loss, grad)``: the loss (as ``loss``) and its gradient, a flat vector like
        ``params``."""
        X, y = self._check(X, y)
        return self._loss_and_grad(self.unpack(params), X, y)

    def predict(self, params: ArrayLike, X: ArrayLike) -> np.ndarray:
        """The most likely class for every row of ``X``."""
        return np.argmax(self.logits(params, X), axis=1)

    def accuracy(self, params: ArrayLike, X: ArrayLike, y: ArrayLike) -> float:
        """Fraction of rows whose predicted class equals ``y``."""
        X, y = self._check(X, y)
        return float(np.mean(self.predict(params, X) == y))

    def problem(self, X: ArrayLike, y: ArrayLike, seed: int = 0) -> "FullBatchProblem":
        """This model on fixed data as a *problem* (``loss(theta)``, ``grad(theta)``,
        ``start = init(seed)``), so ``trajectory.run`` can drive it full-batch."""
        return FullBatchProblem(self, X, y, seed)

    @staticmethod
    def _cross_entropy(log_p: np.ndarray, y: np.ndarray) -> float:
        """Mean cross-entropy from the log-probabilities ``log_p`` of the rows."""
        return -float(np.mean(log_p[np.arange(len(y)), y]))

    @classmethod
    def _dlogits(cls, logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean cross-entropy and its gradient with respect to the logits."""
        log_p = _log_softmax(logits)
        d = np.exp(log_p)
        d[np.arange(len(y)), y] -= 1.0
        return cls._cross_entropy(log_p, y), d / len(y)


class SoftmaxRegression(_Model):
    """Multinomial logistic regression: logits = X W + b, parameters ``[W.ravel(), b]``."""

    def __init__(self, n_features: int, n_classes: int, l2: float = 0.0) -> None:
        self.n_features = _check.whole("n_features", n_features, 1, _FEATURES)
        self.n_classes = _check.whole("n_classes", n_classes, 2, _CLASSES)
        super().__init__([("W", (self.n_features, self.n_classes)), ("b", (self.n_classes,))], l2)

    def __repr__(self) -> str:
        return (f"SoftmaxRegression(n_features={self.n_features}, n_classes={self.n_classes}, "
                f"l2={self.l2})")

    def init(self, seed: int = 0) -> np.ndarray:
        """Small random weights N(0, 0.01^2), zero biases."""
        rng = np.random.default_rng(_check.seed(seed))
        params = np.zeros(self.n_params)
        W, _ = self.unpack(params)
        W[...] = rng.normal(0.0, 0.01, W.shape)
        return params

    def _logits(self, arrays: list[np.ndarray], X: np.ndarray) -> np.ndarray:
        W, b = arrays
        return X @ W + b

    def _loss_and_grad(self, arrays: list[np.ndarray], X: np.ndarray,
                       y: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean cross-entropy + ``l2/2 |W|^2`` and its gradient, from the unpacked
        ``arrays`` and checked ``X, y``."""
        W, b = arrays
        loss, d = self._dlogits(X @ W + b, y)
        grad = np.concatenate([(X.T @ d + self.l2 * W).ravel(), d.sum(axis=0)])
        return loss + self._penalty([W]), grad


class MLP(_Model):
    """One ReLU hidden layer: logits = relu(X W1 + b1) W2 + b2,
    parameters ``[W1.ravel(), b1, W2.ravel(), b2]``."""

    def __init__(self, n_features: int, n_hidden: int, n_classes: int, l2: float = 0.0) -> None:
        self.n_features = _check.whole("n_features", n_features, 1, _FEATURES)
        self.n_hidden = _check.whole("n_hidden", n_hidden, 1, "it counts the hidden units")
        self.n_classes = _check.whole("n_classes", n_classes, 2, _CLASSES)
        super().__init__([("W1", (self.n_features, self.n_hidden)), ("b1", (self.n_hidden,)),
                          ("W2", (self.n_hidden, self.n_classes)), ("b2", (self.n_classes,))], l2)

    def __repr__(self) -> str:
        return (f"MLP(n_features={self.n_features}, n_hidden={self.n_hidden}, "
                f"n_classes={self.n_classes}, l2={self.l2})")

    def init(self, seed: int = 0) -> np.ndarray:
        """He initialisation: W1 ~ N(0, 2/n_features), W2 ~ N(0, 2/n_hidden); zero biases."""
        rng = np.random.default_rng(_check.seed(seed))
        params = np.zeros(self.n_params)
        W1, _, W2, _ = self.unpack(params)
        W1[...] = rng.normal(0.0, np.sqrt(2.0 / self.n_features), W1.shape)
        W2[...] = rng.normal(0.0, np.sqrt(2.0 / self.n_hidden), W2.shape)
        return params

    def _logits(self, arrays: list[np.ndarray], X: np.ndarray) -> np.ndarray:
        W1, b1, W2, b2 = arrays
        return np.maximum(X @ W1 + b1, 0.0) @ W2 + b2

    def _loss_and_grad(self, arrays: list[np.ndarray], X: np.ndarray,
                       y: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean cross-entropy + ``l2/2 (|W1|^2 + |W2|^2)`` and its gradient, from the
        unpacked ``arrays`` and checked ``X, y``."""
        W1, b1, W2, b2 = arrays
        z = X @ W1 + b1
        a = np.maximum(z, 0.0)
        loss, d = self._dlogits(a @ W2 + b2, y)
        dz = (d @ W2.T) * (z > 0)
        grad = np.concatenate([(X.T @ dz + self.l2 * W1).ravel(), dz.sum(axis=0),
                               (a.T @ d + self.l2 * W2).ravel(), d.sum(axis=0)])
        return loss + self._penalty([W1, W2]), grad


class FullBatchProblem:
    """A model on fixed data, with the *problem* interface ``loss(theta)``, ``grad(theta)``
    and a default ``start`` (the model's seeded initialisation)."""

    def __init__(self, model: _Model, X: ArrayLike, y: ArrayLike, seed: int = 0) -> None:
        self.model = _model(model)
        self.X, self.y = model._check(X, y)
        self.start = model.init(seed)

    def loss(self, theta: ArrayLike) -> float:
        return self.model.loss(theta, self.X, self.y)

    def grad(self, theta: ArrayLike) -> np.ndarray:
        return self.model.loss_and_grad(theta, self.X, self.y)[1]


@dataclass
class TrainResult:
    """What ``train`` returns. Losses stop at the last finite value if the run diverged."""
    label: str
    params: np.ndarray         # final parameters (the last finite ones if it diverged)
    step_losses: np.ndarray    # minibatch loss before each step
    epoch_losses: np.ndarray   # full training-set loss at the start and after every epoch
    train_accuracy: float
    test_accuracy: float | None
    diverged_at: int | None    # the step (1-based) whose loss exploded or update was not finite
    state: tuple               # the optimizer's state after the last completed step

    @property
    def final_loss(self) -> float:
        """Full training-set loss at the end (inf if the run diverged)."""
        return float(self.epoch_losses[-1]) if self.diverged_at is None else float("inf")

    @property
    def losses(self) -> np.ndarray:
        """``epoch_losses`` under the name ``plots.loss_curves`` reads (x axis: epochs)."""
        return self.epoch_losses

    @property
    def message(self) -> str:
        if self.diverged_at is None:
            return (f"{self.label}: trained {len(self.step_losses)} steps, "
                    f"final loss {self.final_loss:.4f}")
        reason = f"the loss passed {EXPLODED_LOSS:g} or stopped being a finite number"
        return (f"{self.label}: {diverged_text(self.diverged_at, reason)}; "
                f"try a smaller learning rate")


class _Progress:
    """One self-overwriting line on stderr, shown only once a run has taken 2 s."""

    def __init__(self, enabled: bool, label: str, total: int | str) -> None:
        self.enabled, self.label, self.total = enabled, label, total
        self.start = time.perf_counter()
        self.shown = False

    def update(self, done: int) -> None:
        if not self.enabled or done % 10:
            return
        if self.shown or time.perf_counter() - self.start > PROGRESS_AFTER_SECONDS:
            self.shown = True
            print(f"\r{self.label}: step {done}/{self.total}", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.shown:
            print(file=sys.stderr, flush=True)


def _in_notebook() -> bool:
    return "ipykernel" in sys.modules


def _model(model: Any) -> _Model:
    if not isinstance(model, _Model):
        raise ValueError(f"model={model!r} is not a model; give one such as "
                         f"models.SoftmaxRegression(64, 10) or models.MLP(64, 32, 10)")
    return model


def train(model: _Model, optimizer: Any, X: ArrayLike, y: ArrayLike,
          batches: Iterable[np.ndarray], X_test: ArrayLike | None = None,
          y_test: ArrayLike | None = None, params: np.ndarray | None = None, seed: int = 0,
          progress: bool | None = None, label: str | None = None) -> TrainResult:
    """Train ``model`` with ``optimizer`` on the rows of ``X, y`` picked by ``batches``.

    ``batches`` is an iterable of row-index arrays, usually ``data.minibatches(...)``
    (replayable, so several optimizers see identical batches). ``params`` is the start
    (default ``model.init(seed)``; pass the same vector to compare optimizers fairly).
    ``progress``: None shows a progress line on stderr for runs longer than 2 s except
    inside a notebook kernel (keeping notebook output deterministic); True/False force it.
    ``label`` names the run in legends (default: the optimizer's label, e.g. "Adam").
    A loss that explodes (`trajectory.loss_exploded`: above ``EXPLODED_LOSS`` or nan) or a
    non-finite gradient or update stops the run and sets ``diverged_at``; nothing raises.
    """
    X, y = _model(model)._check(X, y)
    if not (hasattr(optimizer, "init") and hasattr(optimizer, "step")):
        raise ValueError(f"optimizer={optimizer!r} is not an optimizer (one with init and "
                         f"step); give one such as optimizers.Adam(lr=0.01)")
    if not isinstance(batches, Iterable):
        raise ValueError(f"batches={batches!r} must be an iterable of row-index arrays, e.g. "
                         f"data.minibatches(len(y), batch_size=32)")
    if (X_test is None) != (y_test is None):
        raise ValueError("give X_test and y_test together (or neither): the test accuracy "
                         "needs both")
    params = model.init(seed) if params is None else np.array(params, dtype=np.float64)
    model.unpack(params)  # checks the shape
    if label is None:
        label = getattr(optimizer, "label", type(optimizer).__name__)
    per_epoch = getattr(batches, "steps_per_epoch", None)
    total = len(batches) if isinstance(batches, Sized) else None
    show = (not _in_notebook()) if progress is None else bool(progress)
    bar = _Progress(show, label, total if total is not None else "?")

    state = optimizer.init(params)
    # X, y and params are checked above: the loop skips the checks of loss_and_grad
    step_losses, diverged_at = [], None
    with np.errstate(all="ignore"):
        epoch_losses = [model.loss(params, X, y)]
        for step, idx in enumerate(batches, start=1):
            loss, grad = model._loss_and_grad(model._unpack(params), X[idx], y[idx])
            if loss_exploded(loss) or not np.all(np.isfinite(grad)):
                diverged_at = step
                break
            new_params, new_state = optimizer.step(params, grad, state)
            if not np.all(np.isfinite(new_params)):
                diverged_at = step
                break
            if per_epoch and step % per_epoch == 0:
                epoch_loss = model._loss(model._unpack(new_params), X, y)
                if loss_exploded(epoch_loss):
                    diverged_at = step
                    break
                epoch_losses.append(epoch_loss)
            params, state = new_params, new_state
            step_losses.append(loss)
            bar.update(step)
        if diverged_at is None and not per_epoch and step_losses:
            epoch_losses.append(model.loss(params, X, y))
        bar.close()
        test_accuracy = (None if X_test is None or y_test is None
                         else model.accuracy(params, X_test, y_test))
        return TrainResult(label, params, np.array(step_losses), np.array(epoch_losses),
                           model.accuracy(params, X, y), test_accuracy, diverged_at, state)


class Tuned(NamedTuple):
    """What ``tune_lr`` returns: the best ``lr``, its run, every run by lr, and the
    score (training loss, inf if diverged) each run was ranked by."""
    lr: float
    result: TrainResult
    runs: dict
    scores: dict


def tune_lr(model: _Model, name: str, lrs: ArrayLike, X: ArrayLike, y: ArrayLike,
            batches: Iterable[np.ndarray], X_test: ArrayLike | None = None,
            y_test: ArrayLike | None = None, params: np.ndarray | None = None,
            by: str = "final", **hp: Any) -> Tuned:
    """Train with ``optimizers.make(name, lr=lr, **hp)`` for every lr in ``lrs``, all from
    the same start and on the same batches, and pick the best lr by TRAINING loss:
    ``by="final"`` the loss at the end, ``by="mean"`` the mean of the losses after each
    epoch (the area under the curve: rewards getting low early). Diverged runs count as
    inf. Runs are labelled like "Adam, lr = 0.01". Test data only feeds the reported accuracy."""
    if by not in ("final", "mean"):
        raise ValueError(f'by must be "final" or "mean" (how runs are ranked); got {by!r}')
    rates = _check.numbers("lrs", lrs, 0.0, why="it is a learning rate")
    if rates.ndim != 1 or rates.size == 0:
        raise ValueError(f"lrs={lrs!r} must be a list of learning rates to try, "
                         f"e.g. [0.01, 0.1]")
    runs = {}
    for lr in rates.tolist():
        opt = optimizers.make(name, lr=lr, **hp)
        runs[lr] = train(model, opt, X, y, batches, X_test, y_test, params=params,
                         label=f"{opt.label}, lr = {lr:g}")

    def score(run: TrainResult) -> float:
        if run.diverged_at is not None:
            return float("inf")
        return run.final_loss if by == "final" else float(np.mean(run.epoch_losses[1:]))

    scores = {lr: score(run) for lr, run in runs.items()}
    best = min(runs, key=lambda lr: scores[lr])
    return Tuned(best, runs[best], runs, scores)
