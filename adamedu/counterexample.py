"""Reddi, Kale and Kumar (2018), "On the Convergence of Adam and Beyond": a 1-D online
problem on which Adam converges to the WORST point, and AMSGrad, their fix.

At step t = 1, 2, 3, ... the learner picks x_t in [-1, 1] and then pays

    f_t(x) = C * x   if t mod 3 == 1,   else   -x          (C > 2)

Over any three steps the losses add up to (C - 2) x, so the best fixed point is x = -1.
The large gradient C comes once every three steps, the small gradient -1 twice.
With beta1 = 0 and beta2 = 1 / (1 + C**2) (Theorem 1), Adam's v forgets the rare large
gradient so fast that the two small gradients push x up more than the large one pushes
it down: Adam drifts to x = +1, and its average regret does not vanish (at x = +1 it is
2(C - 2)/3).
AMSGrad divides by the running MAXIMUM of v, so the large gradient is never forgotten
and x reaches -1, with average regret shrinking towards 0.

The paper's synthetic experiment uses the same idea with a longer period:
``period=101, C=1010, small=10`` (f_t(x) = 1010 x once every 101 steps, else -10 x), where
Adam fails even with beta1 = 0.9, beta2 = 0.99.

The runner computes what adamedu's own ``Adam`` computes (torch.optim's equations, so
with bias correction and eps; the same numbers to the last bit, tested), with learning
rate ``lr / sqrt(t)`` as in the paper, and projects x back onto [-1, 1] after every step.
"""
from typing import NamedTuple, Optional

import numpy as np

from . import _check, optimizers


def check_problem(C: float, period: int = 3, small: float = 1.0) -> tuple[float, int, float]:
    """Validate the problem: the best point must be x = -1, i.e. C > (period - 1) * small."""
    period = _check.whole("period", period, 2, "a period has a large and a small gradient")
    C = _check.number("C", C, 0.0, why="it is the size of the large gradient", open_low=True)
    small = _check.number("small", small, 0.0, why="it is the size of the small gradient",
                          open_low=True)
    if not C > (period - 1) * small:
        raise ValueError(f"C must be > (period - 1) * small = {(period - 1) * small:g}, "
                         f"so that the losses of one period add up to "
                         f"(C - {(period - 1) * small:g}) x and the best point is x = -1; "
                         f"got C = {C!r}")
    return C, period, small


def paper_beta2(C: float) -> float:
    """The beta2 of Reddi et al.'s Theorem 1: 1 / (1 + C**2)."""
    C = check_problem(C)[0]
    return 1.0 / (1.0 + C ** 2)


def gradient(t: int, C: float, period: int = 3, small: float = 1.0) -> float:
    """f_t'(x): C when t mod period == 1, else -small (t counts from 1)."""
    t = _check.whole("t", t, 1, "steps count from 1")
    C, period, small = check_problem(C, period, small)
    return C if t % period == 1 else -small


class OnlineRun(NamedTuple):
    """One run. ``x[t]`` is the point after t steps (``x[0]`` the start);
    ``average_regret[t-1]`` is R_t / t; ``g``, ``v``, ``update`` are per step (t = 1..T):
    the gradient, Adam's second moment after the step, and the change the optimizer
    proposed before projection. ``v_max`` is AMSGrad's running maximum (None for Adam)."""
    label: str
    C: float
    beta1: float
    beta2: float
    x: np.ndarray
    average_regret: np.ndarray
    g: np.ndarray
    v: np.ndarray
    update: np.ndarray
    v_max: Optional[np.ndarray]

    @property
    def final_x(self) -> float:
        return float(self.x[-1])


def run(amsgrad: bool = False, C: float = 3.0, beta2: float | None = None, lr: float = 0.5,
        steps: int = 3000, start: float = 0.0, lr_decay: bool = True, beta1: float = 0.0,
        period: int = 3, small: float = 1.0) -> OnlineRun:
    """Run Adam (or AMSGrad) on the online problem; returns an ``OnlineRun``.

    ``beta2`` defaults to the paper's 1 / (1 + C**2). The step-t learning rate is
    ``lr / sqrt(t)`` (or ``lr`` if ``lr_decay=False``); x is clipped to [-1, 1] after
    every step. Regret is measured against the best fixed x in hindsight.
    """
    C, period, small = check_problem(C, period, small)
    beta2 = paper_beta2(C) if beta2 is None else beta2
    steps = _check.whole("steps", steps, 1, "it is the number of steps")
    start = _check.number("start", start, -1.0, 1.0, "x lives in the feasible set [-1, 1]")

    optimizers.Adam(lr=lr, beta1=beta1, beta2=beta2, amsgrad=amsgrad)  # checks the settings
    g = np.where(np.arange(1, steps + 1) % period == 1, C, -small)  # gradient(t) for each t
    xs, v, update, v_max = _adam_online(g, start, lr, lr_decay, float(beta1),
                                        float(beta2), amsgrad)
    paid = np.cumsum(g * xs[:-1])             # sum of f_s(x_s) for s <= t
    best = -np.abs(np.cumsum(g))              # min over x in [-1, 1] of sum of f_s(x)
    regret = (paid - best) / np.arange(1, steps + 1)
    return OnlineRun("AMSGrad" if amsgrad else "Adam", C, float(beta1), float(beta2), xs, regret,
                     g, v, update, v_max)


def _adam_online(g: np.ndarray, x: float, lr: float, lr_decay: bool, beta1: float, beta2: float,
                 amsgrad: bool, eps: float = 1e-8
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Adam's (or AMSGrad's) steps on the gradients g, with x clipped to [-1, 1] after
    each: ``optimizers.Adam``'s arithmetic, operation for operation, so the numbers are
    the same to the last bit. Here the gradients do not depend on x, so m, v and the
    step each would take are computed first (elementwise where the arithmetic allows);
    only x + step and its clipping remain a loop. Returns (x for t = 0..T, v, proposed
    update, v_max or None)."""
    t = np.arange(1, len(g) + 1)
    weight = 1 - beta1
    m_t, v_t = 0.0, 0.0
    ms, vs = [], []
    v_in = ((1 - beta2) * g * g).tolist()
    for g_t, a_t in zip(g.tolist(), v_in):
        if abs(weight) < 0.5:                      # optimizers._lerp, as torch rounds it
            m_t = m_t + weight * (g_t - m_t)
        else:
            m_t = g_t - (g_t - m_t) * (1.0 - weight)
        v_t = v_t * beta2 + a_t
        ms.append(m_t)
        vs.append(v_t)
    v = np.array(vs)
    v_max = np.maximum.accumulate(v) if amsgrad else None
    lr_t = lr / np.sqrt(t) if lr_decay else np.full(len(g), lr)
    bias_correction1 = np.array([1 - beta1 ** k for k in range(1, len(g) + 1)])
    root_bias_correction2 = np.array([(1 - beta2 ** k) ** 0.5 for k in range(1, len(g) + 1)])
    step_size = lr_t / bias_correction1
    denom = np.sqrt(v if v_max is None else v_max) / root_bias_correction2 + eps
    steps = ((-step_size) * np.array(ms) / denom).tolist()
    xs, updates = [x], []
    for step in steps:
        proposed = x + step
        updates.append(proposed - x)
        x = min(max(proposed, -1.0), 1.0)
        xs.append(x)
    return np.array(xs), v, np.array(updates), v_max


def compare(C: float = 3.0, beta2: float | None = None, lr: float = 0.5, steps: int = 3000,
            start: float = 0.0, lr_decay: bool = True, beta1: float = 0.0, period: int = 3,
            small: float = 1.0) -> tuple[OnlineRun, OnlineRun]:
    """Adam and AMSGrad with the same settings: ``(adam_run, amsgrad_run)``."""
    return (run(False, C, beta2, lr, steps, start, lr_decay, beta1, period, small),
            run(True, C, beta2, lr, steps, start, lr_decay, beta1, period, small))
