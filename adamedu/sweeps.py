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
from dataclasses import dataclass

import numpy as np

from . import _check, data, optimizers, trajectory


@dataclass(frozen=True)
class Grid:
    """Losses of one run per grid point: `losses[i, j, ..., k]` is the loss after k steps."""
    names: tuple
    values: tuple
    losses: np.ndarray

    def at(self, step):
        """Loss after `step` steps at every grid point (inf where the run had diverged)."""
        return self.losses[..., step]

    @property
    def final(self):
        return self.losses[..., -1]


def _builder(optimizer):
    if isinstance(optimizer, str):
        return lambda **hp: optimizers.make(optimizer, **hp)
    if callable(optimizer):
        return optimizer
    raise ValueError(f"optimizer={optimizer!r}: give a name for optimizers.make "
                     "(e.g. 'adam') or a function that takes hyperparameters and returns "
                     "an optimizer")


def _run(optimizer, problem, start, steps):
    """Losses (steps + 1) of one run; inf from the step where it diverged on."""
    if hasattr(problem, "reset"):
        problem.reset()
    run = trajectory.run(optimizer, problem, start=start, steps=steps)
    losses = np.full(steps + 1, np.inf)
    losses[:len(run.losses)] = run.losses
    return losses


def grid(optimizer, axes, problem, steps, start=None, **fixed):
    """Run `optimizer` once for every combination of the values in `axes`.

    optimizer: a name for `optimizers.make` or a function `(**hyperparams) -> optimizer`.
    axes: {hyperparameter name: values}, e.g. {"lr": np.logspace(-3, 0, 7)}.
    fixed: hyperparameters shared by every run.
    Each run is `trajectory.run(opt, problem, start, steps)` (after `problem.reset()` if
    the problem has one); a run that diverges gets loss inf from the step where it diverged on.
    """
    if not axes:
        raise ValueError("axes is empty: give at least one hyperparameter and its values")
    build = _builder(optimizer)
    names = tuple(axes)
    values = tuple(np.asarray(axes[n], dtype=float) for n in names)
    losses = np.full(tuple(len(v) for v in values) + (steps + 1,), np.inf)
    for index in itertools.product(*(range(len(v)) for v in values)):
        hyperparams = {n: float(v[i]) for n, v, i in zip(names, values, index)}
        losses[index] = _run(build(**fixed, **hyperparams), problem, start, steps)
    return Grid(names, values, losses)


def compare(names, lrs, problem, steps, start=None):
    """A grid with axes ("optimizer", "lr"): every optimizer name in `names` (for
    `optimizers.make`, with its defaults) at every learning rate in `lrs`."""
    lrs = np.asarray(lrs, dtype=float)
    losses = np.array([[_run(optimizers.make(name, lr=float(lr)), problem, start, steps)
                        for lr in lrs] for name in names])
    return Grid(("optimizer", "lr"), (tuple(names), lrs), losses)


def decades(lrs, losses, threshold):
    """Width, in decades, of the learning rates whose loss is at most `threshold`.

    log10(largest good lr / smallest good lr); 0 when one value is good, nan when none is.
    """
    good = np.asarray(lrs)[np.asarray(losses) <= threshold]
    return float(np.log10(good.max() / good.min())) if good.size else float("nan")


def warmup_cosine(lr, steps, warmup=0, final=0.0):
    """Learning rate per step: linear warmup to `lr` over `warmup` steps, then a cosine
    decay to `final * lr` at the last step."""
    _check.number("warmup", warmup, 0, steps, f"warmup is part of the {steps} steps",
                  open_high=True)
    t = np.arange(1, steps + 1)
    rise = np.minimum(t / warmup, 1.0) if warmup else np.ones(steps)
    progress = np.clip((t - warmup) / max(steps - warmup, 1), 0.0, 1.0)
    decay = final + (1 - final) * 0.5 * (1 + np.cos(np.pi * progress))
    return lr * np.where(t <= warmup, rise, decay)


def run_schedule(optimizer, problem, lrs, start=None, **fixed):
    """Losses (len(lrs) + 1, start included) of a run whose step t uses learning rate lrs[t-1].

    A new optimizer is built for every step with that step's lr; the state (t, m, v, ...)
    carries over, exactly as when a scheduler changes lr inside torch's optimizer.
    The run is `trajectory.run` (after `problem.reset()` if the problem has one); a run
    that diverges gets loss inf from the step where it diverged on.
    """
    build = _builder(optimizer)
    if len(lrs) == 0:
        raise ValueError("lrs is empty: give one learning rate per step")
    return _run(_Scheduled([build(lr=float(lr), **fixed) for lr in lrs]), problem, start, len(lrs))


class _Scheduled:
    """An optimizer for `trajectory.run` that steps with `opts[t - 1]` at step t,
    carrying one state through all of them."""

    def __init__(self, opts):
        self.opts, self.label = opts, opts[0].label

    def init(self, theta):
        return self.opts[0].init(theta)

    def step(self, theta, grad, state):
        return self.opts[state.t].step(theta, grad, state)


class Rescaled:
    """`problem` in other units: loss(theta) = loss_scale * problem.loss(theta / theta_scale).

    loss_scale multiplies every gradient (like a loss summed instead of averaged);
    theta_scale stretches every distance (the start and the minimum move theta_scale times
    farther out), like measuring the parameters in other units.
    """

    def __init__(self, problem, loss_scale=1.0, theta_scale=1.0):
        why = "a change of units, not a reflection"
        self.problem = problem
        self.loss_scale = _check.number("loss_scale", loss_scale, 0.0, why=why, open_low=True)
        self.theta_scale = _check.number("theta_scale", theta_scale, 0.0, why=why, open_low=True)
        if hasattr(problem, "start"):
            self.start = self.theta_scale * np.asarray(problem.start, dtype=float)

    def loss(self, theta):
        return self.loss_scale * self.problem.loss(np.asarray(theta) / self.theta_scale)

    def grad(self, theta):
        return ((self.loss_scale / self.theta_scale)
                * self.problem.grad(np.asarray(theta) / self.theta_scale))


class MinibatchProblem(data.BatchStream):
    """A model on data, trained on minibatches (a `data.BatchStream`): `grad(theta)` is the
    gradient on the next minibatch, `loss(theta)` the loss on all rows (what the curves
    show); `reset()` rewinds to the first minibatch, so every run sees the same batches.
    """

    def __init__(self, model, X, y, batch_size, seed=0):
        self.model, self.X, self.y = model, np.asarray(X, dtype=float), np.asarray(y)
        super().__init__(lambda theta: model.loss(theta, self.X, self.y),
                         lambda theta, rows: model.loss_and_grad(theta, self.X[rows],
                                                                 self.y[rows])[1],
                         data.minibatches(len(self.y), batch_size, seed=seed, epochs=10**6))
