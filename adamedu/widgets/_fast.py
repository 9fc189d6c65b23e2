"""The explorers' copy of `trajectory.run`, made for speed: the same numbers, bit for bit
(tests/test_fast_run.py compares every optimizer on every surface, diverging runs too).

An explorer re-runs its optimizers on every slider move, so this loop skips what
`trajectory.run` does for clarity: after the first step (which `step` checks), it calls
the optimizer's arithmetic (`_update`) without `step`'s argument checks and warning
filter, and proves a gradient finite by one sum of squares instead of a test per entry.
"""
import math

import numpy as np

from adamedu import optimizers, trajectory


def _bad(a):
    return "NaN" if np.isnan(a).any() else "infinite"


def run(optimizer, problem, start, steps):
    """`trajectory.run(optimizer, problem, start=start, steps=steps)`, faster."""
    theta = np.array(start, dtype=float)
    bound = trajectory.default_bound(problem)
    with np.errstate(all="ignore"):
        loss0 = problem.loss(theta)
        if not (math.isfinite(loss0) and np.isfinite(theta).all()):
            return trajectory.run(optimizer, problem, start=start, steps=steps)  # it says why
        points, losses = [theta], [loss0]
        state = optimizer.init(theta)
        # the arithmetic without step()'s checks, unless step is the optimizer's own
        plain = (type(optimizer).step is optimizers._Optimizer.step
                 and "step" not in vars(optimizer))
        diverged_at, reason = None, ""
        for k in range(1, steps + 1):
            g = problem.grad(theta)
            checked = (plain and k > 1 and type(g) is np.ndarray and g.dtype == theta.dtype
                       and g.shape == theta.shape)
            # a finite sum of squares proves every entry finite; an overflow to inf does
            # not prove the opposite, so then look entry by entry
            if not (checked and math.isfinite(np.dot(g.ravel(), g.ravel()))) \
                    and not np.isfinite(g).all():
                diverged_at, reason = k, f"the gradient was {_bad(g)}"
                break
            if checked:  # as the first step was: step()'s checks would pass again
                theta, state = optimizer._update(theta, g, state)
                theta = np.asarray(theta)
            else:
                theta, state = optimizer.step(theta, g, state)
            flat = theta.ravel()
            size = math.sqrt(float(np.dot(flat, flat)))  # NaN or inf if theta holds one
            if not size < min(bound, math.inf):
                if not np.isfinite(theta).all():
                    diverged_at, reason = k, f"theta became {_bad(theta)}"
                    break
                if size > bound:
                    diverged_at, reason = k, f"|theta| exceeded {bound:.3g}"
                    break
            loss = problem.loss(theta)
            if not math.isfinite(loss):
                what = "NaN" if math.isnan(loss) else "infinite"
                diverged_at, reason = k, f"the loss became {what}"
                break
            points.append(theta.copy())
            losses.append(loss)
    minima = np.asarray(getattr(problem, "minima", np.empty((0, theta.size))), dtype=float)
    return trajectory.Trajectory(points=np.array(points), losses=np.array(losses),
                                 diverged_at=diverged_at, reason=reason,
                                 label=optimizer.label, minima=minima)
