"""Hyperparameter sweeps: run an optimizer over a grid of settings and compare losses.

    g = sweeps.grid("adam", {"beta1": [0.0, 0.9], "lr": np.logspace(-3, 0, 7)}, problem, steps=100)
    g.final                 # loss after 100 steps, shape (2, 7); inf where the run diverged
    g.at(10)                # loss after 10 steps, from the same runs
    plots.heatmap(g)        # rows: first axis, columns: last axis (drawn by `plots`)

`compare` runs several optimizers over one lr grid; `run_schedule` runs an optimizer whose
learning rate changes every step (warmup, decay). Two problem wrappers make experiments:
`Rescaled` (the same problem in other units) and `MinibatchProblem` (a model trained on
minibatches). A problem with a `reset()` method is reset before every run, so every run
sees the same minibatches.
"""
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _check, data, optimizers, trajectory


@dataclass(frozen=True)
class Grid:
    """Losses of one run per grid point: `losses[i, j, ..., k]` is the loss after k steps."""
    names: tuple
    values: tuple
    losses: np.ndarray

    def at(self, step: int) -> np.ndarray:
        """Loss after `step` steps at every grid point (inf where the run had diverged);
        a negative step counts from the end, as in a list (`at(-1)` is `final`)."""
        steps = self.losses.shape[-1] - 1
        step = _check.whole("step", step, -steps - 1, f"the runs made {steps} steps (a "
                            f"negative step counts from the end)", high=steps)
        return self.losses[..., step]

    @property
    def final(self) -> np.ndarray:
        return self.losses[..., -1]


def _builder(optimizer: Any) -> Callable[..., Any]:
    if isinstance(optimizer, str):
        return lambda **hp: optimizers.make(optimizer, **hp)
    if callable(optimizer):
        return optimizer
    raise ValueError(f"optimizer={optimizer!r}: give a name for optimizers.make "
                     "(e.g. 'adam') or a function that takes hyperparameters and returns "
                     "an optimizer")


def _problem(problem: Any) -> Any:
    """`problem`, if it is one (it has loss(theta) and grad(theta)); else a ValueError."""
    if not (callable(getattr(problem, "loss", None)) and callable(getattr(problem, "grad", None))):
        raise ValueError(f"problem={problem!r} is not a problem: it needs loss(theta) and "
                         f"grad(theta), like surfaces.get('rosenbrock')")
    return problem


def _steps(steps: Any) -> int:
    return _check.whole("steps", steps, 0, "it is the number of updates")


def _rates(name: str, lrs: Any) -> np.ndarray:
    """A non-empty list of learning rates as a 1-D float array."""
    rates = _check.numbers(name, lrs, 0.0, why="it is a learning rate")
    if rates.ndim != 1 or rates.size == 0:
        raise ValueError(f"{name}={lrs!r} must be a non-empty list of learning rates, "
                         f"e.g. [0.01, 0.1, 1.0]")
    return rates


def _run(optimizer: Any, problem: Any, start: ArrayLike | None, steps: int) -> np.ndarray:
    """Losses (steps + 1) of one run; inf from the step where it diverged on."""
    if hasattr(problem, "reset"):
        problem.reset()
    run = trajectory.run(optimizer, problem, start=start, steps=steps)
    losses = np.full(steps + 1, np.inf)
    losses[:len(run.losses)] = run.losses
    return losses


def grid(optimizer: str | Callable[..., Any], axes: Mapping[str, ArrayLike], problem: Any,
         steps: int, start: ArrayLike | None = None, **fixed: Any) -> Grid:
    """Run `optimizer` once for every combination of the values in `axes`.

    optimizer: a name for `optimizers.make` or a function `(**hyperparams) -> optimizer`.
    axes: {hyperparameter name: values}, e.g. {"lr": np.logspace(-3, 0, 7)}.
    fixed: hyperparameters shared by every run.
    Each run is `trajectory.run(opt, problem, start, steps)` (after `problem.reset()` if
    the problem has one); a run that diverges gets loss inf from the step where it diverged on.
    """
    if not isinstance(axes, Mapping) or not axes:
        raise ValueError(f"axes={axes!r} must be a non-empty dict of hyperparameter names "
                         f"and their values, e.g. {{'lr': [0.01, 0.1]}}")
    build, problem, steps = _builder(optimizer), _problem(problem), _steps(steps)
    names = tuple(axes)
    values = tuple(_check.numbers(n, axes[n]) for n in names)
    for n, v in zip(names, values):
        if v.ndim != 1 or v.size == 0:
            raise ValueError(f"axes[{n!r}]={axes[n]!r} must be a non-empty list of values")
    losses = np.full(tuple(len(v) for v in values) + (steps + 1,), np.inf)
    for index in itertools.product(*(range(len(v)) for v in values)):
        hyperparams = {n: float(v[i]) for n, v, i in zip(names, values, index)}
        losses[index] = _run(build(**fixed, **hyperparams), problem, start, steps)
    return Grid(names, values, losses)


def compare(names: Sequence[str], lrs: ArrayLike, problem: Any, steps: int,
            start: ArrayLike | None = None) -> Grid:
    """A grid with axes ("optimizer", "lr"): every optimizer name in `names` (for
    `optimizers.make`, with its defaults) at every learning rate in `lrs`."""
    if isinstance(names, str) or not all(isinstance(name, str) for name in names):
        raise ValueError(f"names={names!r} must be a list of optimizer names, "
                         f"e.g. ['sgd', 'adam']")
    lrs, problem, steps = _rates("lrs", lrs), _problem(problem), _steps(steps)
    losses = np.array([[_run(optimizers.make(name, lr=float(lr)), problem, start, steps)
                        for lr in lrs] for name in names])
    return Grid(("optimizer", "lr"), (tuple(names), lrs), losses)


def decades(lrs: ArrayLike, losses: ArrayLike, threshold: float) -> float:
    """Width, in decades, of the learning rates whose loss is at most `threshold`.

    log10(largest good lr / smallest good lr); 0 when one value is good, nan when none is.
    """
    lrs = _check.numbers("lrs", lrs, 0.0, why="a decade is a factor 10 between two "
                         "positive rates", open_low=True)
    losses = _check.numbers("losses", losses, -np.inf, np.inf, "inf marks a diverged run",
                            open_high=False)
    threshold = _check.number("threshold", threshold)
    if lrs.ndim != 1 or lrs.shape != losses.shape:
        raise ValueError(f"lrs and losses must be lists of the same length (one loss per "
                         f"lr); got shapes {lrs.shape} and {losses.shape}")
    good = lrs[losses <= threshold]
    return float(np.log10(good.max() / good.min())) if good.size else float("nan")


def warmup_cosine(lr: float, steps: int, warmup: int = 0, final: float = 0.0) -> np.ndarray:
    """Learning rate per step: linear warmup to `lr` over `warmup` steps, then a cosine
    decay to `final * lr` at the last step."""
    lr = _check.number("lr", lr, 0.0, why="it is the peak learning rate")
    steps = _check.whole("steps", steps, 1, "it is the number of learning rates to make")
    warmup = _check.whole("warmup", warmup, 0, f"warmup is part of the {steps} steps",
                          high=steps - 1)
    final = _check.number("final", final, 0.0, 1.0, "it is the fraction of lr left at the "
                          "last step")
    t = np.arange(1, steps + 1)
    rise = np.minimum(t / warmup, 1.0) if warmup else np.ones(steps)
    progress = np.clip((t - warmup) / max(steps - warmup, 1), 0.0, 1.0)
    decay = final + (1 - final) * 0.5 * (1 + np.cos(np.pi * progress))
    return lr * np.where(t <= warmup, rise, decay)


def run_schedule(optimizer: str | Callable[..., Any], problem: Any, lrs: ArrayLike,
                 start: ArrayLike | None = None, **fixed: Any) -> np.ndarray:
    """Losses (len(lrs) + 1, start included) of a run whose step t uses learning rate lrs[t-1].

    A new optimizer is built for every step with that step's lr; the state (t, m, v, ...)
    carries over, exactly as when a scheduler changes lr inside torch's optimizer.
    The run is `trajectory.run` (after `problem.reset()` if the problem has one); a run
    that diverges gets loss inf from the step where it diverged on.
    """
    build, problem = _builder(optimizer), _problem(problem)
    lrs = _rates("lrs", lrs)
    return _run(_Scheduled([build(lr=float(lr), **fixed) for lr in lrs]), problem, start, len(lrs))


class _Scheduled:
    """An optimizer for `trajectory.run` that steps with `opts[t - 1]` at step t,
    carrying one state through all of them."""

    def __init__(self, opts: list[Any]) -> None:
        self.opts, self.label = opts, opts[0].label

    def init(self, theta: np.ndarray) -> Any:
        return self.opts[0].init(theta)

    def step(self, theta: np.ndarray, grad: np.ndarray, state: Any) -> Any:
        return self.opts[state.t].step(theta, grad, state)


class Rescaled:
    """`problem` in other units: loss(theta) = loss_scale * problem.loss(theta / theta_scale).

    loss_scale multiplies every gradient (like a loss summed instead of averaged);
    theta_scale stretches every distance (the start and the minimum move theta_scale times
    farther out), like measuring the parameters in other units.
    """

    def __init__(self, problem: Any, loss_scale: float = 1.0, theta_scale: float = 1.0) -> None:
        why = "a change of units, not a reflection"
        self.problem = _problem(problem)
        self.loss_scale = _check.number("loss_scale", loss_scale, 0.0, why=why, open_low=True)
        self.theta_scale = _check.number("theta_scale", theta_scale, 0.0, why=why, open_low=True)
        if hasattr(problem, "start"):
            self.start = self.theta_scale * np.asarray(problem.start, dtype=float)

    def loss(self, theta: ArrayLike) -> float:
        return self.loss_scale * self.problem.loss(np.asarray(theta) / self.theta_scale)

    def grad(self, theta: ArrayLike) -> np.ndarray:
        return ((self.loss_scale / self.theta_scale)
                * self.problem.grad(np.asarray(theta) / self.theta_scale))


class MinibatchProblem(data.BatchStream):
    """A model on data, trained on minibatches (a `data.BatchStream`): `grad(theta)` is the
    gradient on the next minibatch, `loss(theta)` the loss on all rows (what the curves
    show); `reset()` rewinds to the first minibatch, so every run sees the same batches.
    """

    def __init__(self, model: Any, X: ArrayLike, y: ArrayLike, batch_size: int,
                 seed: int = 0) -> None:
        self.model, self.X, self.y = model, np.asarray(X, dtype=float), np.asarray(y)
        super().__init__(lambda theta: model.loss(theta, self.X, self.y),
                         lambda theta, rows: model.loss_and_grad(theta, self.X[rows],
                                                                 self.y[rows])[1],
                         data.minibatches(len(self.y), batch_size, seed=seed, epochs=10**6))
