"""Run an optimizer on a problem and record where it goes.

A *problem* is anything with `loss(theta) -> float` and `grad(theta) -> array`
(every `surfaces.Surface`, or your own N-dimensional one).

    >>> from adamedu import optimizers, surfaces
    >>> traj = run(optimizers.Adam(lr=0.1), surfaces.get("rosenbrock"), steps=500)
    >>> traj.message
    'reached loss ... after 500 steps'

The run stops cleanly at the first gradient, point or loss that is not finite, or when
|theta| (the Euclidean norm) passes a bound: `diverged_at` is then the number of the step
that failed and `points` holds only the finite points before it. All arithmetic runs
under `np.errstate(all="ignore")`, so no numpy warning reaches a lesson.

The course's two divergence rules live here, side by side:
- a path on a problem (`run`): a gradient, theta or loss that is not finite, or
  |theta| > `default_bound(problem)`;
- training a model (`models.train`): a non-finite gradient or update, or
  `loss_exploded(loss)`: the loss is NaN or above `EXPLODED_LOSS`.
Both report it as `diverged_text(step, reason)`: "diverged at step k: reason".
"""
import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from adamedu import _check

__all__ = ["Trajectory", "run", "default_bound", "EXPLODED_LOSS", "loss_exploded",
           "diverged_text"]

EXPLODED_LOSS = 1e6  # a training loss (cross-entropy) this large means the run has blown up


def diverged_text(step: int, reason: str = "") -> str:
    """How the course says a run diverged: 'diverged at step k: reason' (or without the
    reason)."""
    return f"diverged at step {step}" + (f": {reason}" if reason else "")


def loss_exploded(loss: float) -> bool:
    """The training rule: a loss that is NaN or above `EXPLODED_LOSS` counts as diverged."""
    return not loss < EXPLODED_LOSS


@dataclass
class Trajectory:
    """The record of one run.

    points       (n + 1) x d array: the start, then theta after each completed step
    losses       n + 1 losses at those points
    diverged_at  number of the step that failed (1 = the first step), or None
    reason       why it failed ("" when it did not)
    label        display name for legends and colours (the optimizer's label by default)
    minima       k x d array of the problem's known minima (k = 0 when unknown)
    states       optimizer states after each step, when recorded (states[0] is the initial one)
    """
    points: np.ndarray
    losses: np.ndarray
    diverged_at: int | None = None
    reason: str = ""
    label: str = ""
    minima: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    states: list | None = None

    @property
    def steps(self) -> int:
        """Number of steps completed."""
        return len(self.points) - 1

    @property
    def final_point(self) -> np.ndarray:
        return self.points[-1]

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])

    @property
    def distance_to_min(self) -> float | None:
        """Euclidean distance from the final point to the nearest known minimum, or None."""
        if len(self.minima) == 0:
            return None
        return float(np.min(np.linalg.norm(self.minima - self.final_point, axis=1)))

    @property
    def message(self) -> str:
        """One sentence about the run, for printing in a lesson."""
        if self.diverged_at is not None:
            return diverged_text(self.diverged_at, self.reason)
        return f"reached loss {self.final_loss:.3g} after {self.steps} steps"

    def __repr__(self):
        return f"<Trajectory {self.label}: {self.message}>"


def default_bound(problem) -> float:
    """The |theta| beyond which a run counts as diverged.

    For a surface: 100 times the distance from the origin to the farthest corner of its
    plotting window; for any other problem: 1e6.
    """
    if hasattr(problem, "xlim") and hasattr(problem, "ylim"):
        corner = math.hypot(max(map(abs, problem.xlim)), max(map(abs, problem.ylim)))
        return 100.0 * corner
    return 1e6


def _bad(a):
    """How a non-finite array went wrong: 'NaN' if it holds a NaN, else 'infinite'."""
    return "NaN" if np.isnan(a).any() else "infinite"


def run(optimizer, problem, start: ArrayLike | None = None, steps: int = 100,
        record_states: bool = False, bound: float | None = None,
        label: str | None = None) -> Trajectory:
    """Run `steps` steps of `optimizer` on `problem` from `start`; return a `Trajectory`.

    start defaults to `problem.start`. bound is the |theta| that counts as divergence
    (default: `default_bound(problem)`). label overrides the optimizer's label, e.g.
    "GD, lr = 0.1".
    """
    if start is None:
        if not hasattr(problem, "start"):
            raise ValueError("this problem has no default start point; pass start=...")
        start = problem.start
    theta = np.array(start, dtype=float)
    if not np.isfinite(theta).all():
        raise ValueError(f"start={start!r} must contain only finite numbers.")
    steps = _check.whole("steps", steps, 0, "it is the number of updates")
    bound = default_bound(problem) if bound is None else _check.number(
        "bound", bound, 0.0, math.inf, "it is the |theta| that counts as diverged",
        open_low=True, open_high=False)
    minima = np.asarray(getattr(problem, "minima", np.empty((0, theta.size))), dtype=float)

    with np.errstate(all="ignore"):
        loss0 = problem.loss(theta)
        if not math.isfinite(loss0):
            raise ValueError(f"the loss at the start point is {loss0}; start where it is finite.")
        points, losses = [theta], [loss0]
        state = optimizer.init(theta)
        states = [state] if record_states else None
        diverged_at, reason = None, ""
        for k in range(1, steps + 1):
            g = problem.grad(theta)
            if not np.isfinite(g).all():
                diverged_at, reason = k, f"the gradient was {_bad(g)}"
                break
            theta, state = optimizer.step(theta, g, state)
            size = np.linalg.norm(theta)  # |theta|: NaN or inf if theta holds one
            if not math.isfinite(size) or size > bound:
                if not np.isfinite(theta).all():
                    diverged_at, reason = k, f"theta became {_bad(theta)}"
                    break
                if size > bound:
                    diverged_at, reason = k, f"|theta| exceeded {bound:.3g}"
                    break
            loss = problem.loss(theta)
            if not math.isfinite(loss):
                diverged_at, reason = k, f"the loss became {_bad(np.array(loss))}"
                break
            points.append(theta.copy())
            losses.append(loss)
            if states is not None:
                states.append(state)

    return Trajectory(points=np.array(points), losses=np.array(losses), diverged_at=diverged_at,
                      reason=reason, label=label if label is not None else optimizer.label,
                      minima=minima, states=states)
