"""Exercise checks: what every answer must do, and hints for the usual mistakes.

In an exercise notebook::

    from adamedu import checks as check
    check.adam_step(adam_step)      # a pass line, the first failing case with a hint,
                                    # or "not attempted yet"

Each answer is a function (compared with `adamedu.optimizers` on several cases), a value
(a conceptual question answered with a number or True/False), or a set of
hyperparameters (run on a surface with the reference optimizer). The same definitions,
`ANSWERS`, drive the instructor autograder (`adamedu.grade`), which feeds them its own
random inputs instead of the fixed ones used here.

Hints teach: a wrong value gets the idea behind it, never the arithmetic that gives the
number (the working is in the solution). Every recognised mistake has a stable id
(`MISTAKES`: id -> hint); `mistake_of(reason)` reads it back from a reason, so the grader
can count mistakes across a class without changing what students read.
"""
import copy
import math
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

from adamedu import memory as _memory
from adamedu import models as _models
from adamedu import optimizers, surfaces, trajectory

__all__ = ["ANSWERS", "NOT_ATTEMPTED", "MISTAKES", "by_name", "notebook_answers", "judge",
           "outcome_of", "mistake_of", "run_function", "changed_inputs", "cases_for"]

NOT_ATTEMPTED = "not attempted yet"
RTOL, ATOL = 1e-8, 1e-12          # arrays: torch-equal math agrees far closer than this
VALUE_RTOL = 1e-3                 # conceptual values: three significant digits are enough

MISTAKES = {}                     # mistake id -> the hint students see for it
_MISTAKE_OF_HINT = {}             # hint text -> mistake id (several texts may share an id)


def _mistake(mistake_id, hint):
    """Register a known mistake: its stable id (for the class report) and its hint."""
    MISTAKES.setdefault(mistake_id, hint)
    assert _MISTAKE_OF_HINT.setdefault(hint, mistake_id) == mistake_id, hint
    return hint


# --------------------------------------------------------------------------- answer kinds

@dataclass(frozen=True)
class FunctionAnswer:
    """A function the student writes, compared case by case with a reference."""
    name: str
    notebook: str
    points: int
    params: tuple           # argument names, in the order the function takes them
    returns: tuple          # names of the returned values (a tuple when more than one)
    cases: Callable         # rng -> list of dicts {param: value}
    reference: Callable     # (**case) -> tuple of expected values, from adamedu.optimizers
    mistakes: tuple = ()    # (hint, model): model(**case) gives what a typical slip returns
    hint: str = ""          # said when the result is wrong in no recognised way
    subject: str = ""       # what the answer is compared with, for the pass line
    kind = "function"


@dataclass(frozen=True)
class ValueAnswer:
    """A conceptual question answered by setting a variable to a number or a bool."""
    name: str
    notebook: str
    points: int
    expected: object
    hint: str
    wrong: tuple = ()       # (value, hint) for answers that reveal a specific mix-up
    kind = "value"

    @property
    def variable(self):
        return self.name.upper()


@dataclass(frozen=True)
class TuningAnswer:
    """Hyperparameters that must bring `surface` below `target` within `steps` steps."""
    name: str
    notebook: str
    points: int
    variable: str
    optimizer: str          # a name for optimizers.make
    allowed: tuple          # the hyperparameters the student may set
    surface: str
    steps: int
    target: float
    hint: str = "compare a few settings with the sweep in lesson 08"  # said when it misses
    kind = "tuning"


# --------------------------------------------------------------------------- case helpers

def _shape(rng):
    return [(3,), (2, 3), (5,), (2, 2)][rng.integers(4)]


def _vec(rng, shape, low=-2.0, high=2.0):
    return rng.uniform(low, high, size=shape)


def _adam_like_cases(rng, n=6, amsgrad=False, adamw=False):
    """States at t = 0 (zeros) and later steps, with small and large eps and betas."""
    out = []
    for i in range(n):
        shape = _shape(rng)
        t = 0 if i == 0 else int(rng.integers(1, 40))
        case = dict(theta=_vec(rng, shape), grad=_vec(rng, shape),
                    m=np.zeros(shape) if t == 0 else _vec(rng, shape, -1, 1),
                    v=np.zeros(shape) if t == 0 else _vec(rng, shape, 0.05, 2.0))
        if amsgrad:
            case["v_max"] = (np.zeros(shape) if t == 0
                             else case["v"] * rng.choice([0.5, 1.5], size=shape))
        case.update(t=t, lr=float(rng.choice([1e-3, 0.01, 0.1, 0.5])),
                    beta1=float(rng.uniform(0.5, 0.95)), beta2=float(rng.uniform(0.9, 0.999)),
                    eps=float(rng.choice([1e-8, 1e-3, 0.05, 0.3])))
        if adamw:
            case["weight_decay"] = float(rng.choice([0.01, 0.1, 0.5]))
        out.append(case)
    out.append(out.pop(0))  # t = 0 last: a slip shows first on a finite, diagnosable case
    return out


def _adam_model(theta, grad, m, v, t, lr, beta1, beta2, eps, v_max=None, weight_decay=0.0,
                *, bias=True, t_used=None, eps_inside=False, eps_before=False, l2=False,
                decay_after=False, decay_no_lr=False, max_of_hat=False, max_before=False,
                use_v=False):
    """Adam, AMSGrad and AdamW written plainly, with switches for the usual slips."""
    t_new = t + 1
    tc = t_new if t_used is None else t_used
    if weight_decay and l2:
        grad = grad + weight_decay * theta
    elif weight_decay and not decay_after:
        theta = theta * (1 - (1 if decay_no_lr else lr) * weight_decay)
    m = beta1 * m + (1 - beta1) * grad
    v_old, v = v, beta2 * v + (1 - beta2) * grad ** 2
    bc1, bc2 = (1 - beta1 ** tc, 1 - beta2 ** tc) if bias else (1.0, 1.0)
    new_max = None
    if v_max is not None:
        if use_v:
            new_max = np.maximum(v_max, v)
            v_hat = v / bc2
        elif max_of_hat:
            new_max = np.maximum(v_max, v / bc2)
            v_hat = new_max
        else:
            new_max = np.maximum(v_max, v_old if max_before else v)
            v_hat = new_max / bc2
    else:
        v_hat = v / bc2
    m_hat = m / bc1
    if eps_inside:
        step = lr * m_hat / np.sqrt(v_hat + eps)
    elif eps_before:
        step = lr * math.sqrt(bc2) / bc1 * m / (np.sqrt(v) + eps)
    else:
        step = lr * m_hat / (np.sqrt(v_hat) + eps)
    theta = theta - step
    if weight_decay and decay_after:
        theta = theta * (1 - lr * weight_decay)
    return (theta, m, v, new_max, t_new) if v_max is not None else (theta, m, v, t_new)


def _with(**switches):
    return lambda **case: _adam_model(**case, **switches)


_FIXED_BETAS = (_mistake("fixed_betas", "use the arguments beta1 and beta2, not the numbers "
                         "0.9 and 0.999: the cases pass other values"),
                lambda **case: _adam_model(**{**case, "beta1": 0.9, "beta2": 0.999}))


# --------------------------------------------------------------------------- references

def _sgd_ref(theta, grad, buf, lr, momentum, nesterov):
    opt = optimizers.SGD(lr=lr, momentum=momentum, nesterov=nesterov)
    state = optimizers.SGDState(t=0 if buf is None else 1, b=buf)
    theta, state = opt.step(theta, grad, state)
    return theta, state.b


def _adam_ref(theta, grad, m, v, t, lr, beta1, beta2, eps, v_max=None, weight_decay=None):
    if weight_decay is not None:
        opt = optimizers.AdamW(lr=lr, beta1=beta1, beta2=beta2, eps=eps,
                               weight_decay=weight_decay)
    else:
        opt = optimizers.Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps,
                              amsgrad=v_max is not None)
    theta, s = opt.step(theta, grad, optimizers.AdamState(t=t, m=m, v=v, v_max=v_max))
    return (theta, s.m, s.v, s.t) if v_max is None else (theta, s.m, s.v, s.v_max, s.t)


def _adagrad_ref(theta, grad, state_sum, lr, eps):
    opt = optimizers.Adagrad(lr=lr, eps=eps)
    theta, s = opt.step(theta, grad, optimizers.AdagradState(t=0, state_sum=state_sum))
    return theta, s.state_sum


def _rmsprop_ref(theta, grad, v, lr, alpha, eps):
    opt = optimizers.RMSprop(lr=lr, alpha=alpha, eps=eps)
    theta, s = opt.step(theta, grad, optimizers.RMSpropState(t=0, v=v, g_avg=None, b=None))
    return theta, s.v


# --------------------------------------------------------------------------- ex01

def _gd_cases(rng):
    return [dict(theta=_vec(rng, s), grad=_vec(rng, s), lr=float(rng.choice([0.01, 0.1, 0.5])))
            for s in (_shape(rng) for _ in range(4))]


def _momentum_cases(rng):
    out = []
    for i in range(5):
        s = _shape(rng)
        out.append(dict(theta=_vec(rng, s), grad=_vec(rng, s),
                        buf=None if i == 0 else _vec(rng, s),
                        lr=float(rng.choice([0.01, 0.1, 0.3])),
                        momentum=float(rng.uniform(0.5, 0.95))))
    return out


def _heavy_ball(theta, grad, buf, lr, momentum, *, dampened=False, velocity=False):
    if buf is None:
        buf = grad.copy() if not velocity else -lr * grad
    elif velocity:
        buf = momentum * buf - lr * grad
    else:
        buf = momentum * buf + (1 - momentum if dampened else 1) * grad
    if velocity:
        return theta + buf, buf
    return theta - lr * buf, buf


_FIRST_BUF = _mistake("first_buf_none", "on the first step buf is None: the buffer starts as "
                     "a copy of the gradient (torch's convention), then buf = momentum * buf "
                     "+ grad")
_MOMENTUM_MISTAKES = (
    (_mistake("damped_momentum", "this is the damped average buf = momentum*buf + (1 - "
              "momentum)*grad; torch's heavy ball adds the whole gradient: buf = "
              "momentum*buf + grad"),
     lambda **c: _heavy_ball(**c, dampened=True)),
    (_mistake("velocity_form", "this is the velocity form (v = momentum*v - lr*grad; "
              "theta + v); the course uses torch's convention: buf = momentum*buf + grad, "
              "theta - lr*buf"),
     lambda **c: _heavy_ball(**c, velocity=True)),
)


# --------------------------------------------------------------------------- ex03, ex04

def _adagrad_cases(rng):
    out = []
    for i in range(5):
        s = _shape(rng)
        out.append(dict(theta=_vec(rng, s), grad=_vec(rng, s),
                        state_sum=np.zeros(s) if i == 0 else _vec(rng, s, 0.0, 5.0),
                        lr=float(rng.choice([0.01, 0.1, 0.5])),
                        eps=float(rng.choice([1e-10, 1e-3, 0.1]))))
    return out


def _adagrad_model(theta, grad, state_sum, lr, eps, *, eps_inside=False, old_sum=False):
    new_sum = state_sum + grad ** 2
    s = state_sum if old_sum else new_sum
    denom = np.sqrt(s + eps) if eps_inside else np.sqrt(s) + eps
    return theta - lr * grad / denom, new_sum


def _rmsprop_cases(rng):
    out = []
    for i in range(5):
        s = _shape(rng)
        out.append(dict(theta=_vec(rng, s), grad=_vec(rng, s),
                        v=np.zeros(s) if i == 0 else _vec(rng, s, 0.05, 2.0),
                        lr=float(rng.choice([0.001, 0.01, 0.1])),
                        alpha=float(rng.uniform(0.8, 0.99)),
                        eps=float(rng.choice([1e-8, 1e-3, 0.1]))))
    return out


def _rmsprop_model(theta, grad, v, lr, alpha, eps, *, eps_inside=False, swapped=False,
                   old_v=False):
    a = 1 - alpha if swapped else alpha
    new_v = a * v + (1 - a) * grad ** 2
    s = v if old_v else new_v
    denom = np.sqrt(s + eps) if eps_inside else np.sqrt(s) + eps
    return theta - lr * grad / denom, new_v


_T_FIRST = _mistake("t_not_incremented", "t must be incremented before the bias correction, "
                    "so the first step uses t = 1")
_EPS_INSIDE = _mistake("eps_inside_root", "eps belongs outside the square root: divide by "
                       "sqrt(...) + eps, not sqrt(... + eps)")


def _adam_family_slips(v="v"):
    """The slips AMSGrad and AdamW share, tried after their own; `v` is what the bias
    correction divides. (adam_step tries them in its own order, which settles near-ties.)"""
    return ((_EPS_INSIDE, _with(eps_inside=True)),
            (_mistake("no_bias_correction", f"no bias correction: divide m by (1 - beta1**t) "
                      f"and {v} by (1 - beta2**t)"), _with(bias=False)),
            _FIXED_BETAS)


# --------------------------------------------------------------------------- ex02, ex06, ex09
# Case generators, references and typical mistakes for the exercises on noisy gradients
# (ex02), a minibatch training loop on digits (ex06) and memory arithmetic (ex09).

def _minibatch_grad_cases(rng):
    """Least-squares data of a few shapes; rows as a list of ints (with a repeat in one case)."""
    out = []
    for i, (n, d) in enumerate([(8, 2), (15, 3), (30, 5), (12, 4), (20, 1)]):
        B = [1, 4, n, 5, 7][i]
        rows = rng.choice(n, size=B, replace=False).tolist()
        if i == 3:
            rows = rows[:3] + rows[:2]
        out.append(dict(theta=_vec(rng, (d,)), X=_vec(rng, (n, d)), y=_vec(rng, (n,), -3, 3),
                        rows=rows))
    return out


def _minibatch_grad_ref(theta, X, y, rows):
    from adamedu import noise  # imported here: it brings the plotting stack along
    return (noise.minibatch_grad(theta, X, y, rows),)


def _lsq_model(theta, X, y, rows, *, total=False, by_n=False, full=False, flip=False):
    rows = list(range(len(y))) if full else rows
    r = X[rows] @ theta - y[rows]
    g = X[rows].T @ (-r if flip else r)
    return (g if total else g / (len(y) if by_n else len(rows)),)


@lru_cache(maxsize=1)
def _digits_train():
    from adamedu import data
    X, _, y, _ = data.digits_split()
    return X, y


def _epoch_cases(rng):
    """Rows of the digits training set, a start, Adam's state and one epoch's order.
    y holds the labels as floats (as the grader's inputs arrive); n % batch_size is not
    always 0, so the last minibatch is sometimes smaller."""
    X_all, y_all = _digits_train()
    model = _models.SoftmaxRegression(64, 10)
    out = []
    for i, (n, B) in enumerate([(12, 4), (20, 6), (25, 8), (9, 16), (18, 5)]):
        picked = rng.choice(len(y_all), size=n, replace=False)
        t = 0 if i == 0 else int(rng.integers(1, 30))
        params = model.init(int(rng.integers(1000))) + rng.normal(0, 0.05, model.n_params)
        out.append(dict(theta=params,
                        m=np.zeros(model.n_params) if t == 0
                        else rng.normal(0, 0.01, model.n_params),
                        v=np.zeros(model.n_params) if t == 0
                        else rng.uniform(1e-5, 1e-3, model.n_params),
                        t=t, X=X_all[picked], y=y_all[picked].astype(float),
                        order=rng.permutation(n).tolist(), batch_size=B,
                        lr=float(rng.choice([1e-3, 0.01, 0.1]))))
    return out


def _epoch_model(theta, m, v, t, X, y, order, batch_size, lr, *, bias=True, t_once=False,
                 full=False, in_row_order=False, drop_last=False):
    """One epoch of Adam (torch's defaults) on softmax regression, with switches for slips."""
    model = _models.SoftmaxRegression(X.shape[1], 10)
    order = list(range(len(y))) if in_row_order else list(order)
    starts = range(0, len(order), batch_size)
    if drop_last:
        starts = [s for s in starts if s + batch_size <= len(order)]
    t_fixed = t + 1
    for s in starts:
        rows = list(range(len(y))) if full else order[s:s + batch_size]
        _, g = model.loss_and_grad(theta, X[rows], y[rows])
        theta, m, v, t_new = _adam_model(theta, g, m, v, t, lr, 0.9, 0.999, 1e-8, bias=bias,
                                         t_used=t_fixed if t_once else None)
        t = t if t_once else t_new
    return theta, m, v, (t_fixed if t_once else t)


def _epoch_ref(theta, m, v, t, X, y, order, batch_size, lr):
    model, opt = _models.SoftmaxRegression(X.shape[1], 10), optimizers.Adam(lr=lr)
    state = optimizers.AdamState(t=t, m=m, v=v, v_max=None)
    for s in range(0, len(order), batch_size):
        rows = list(order[s:s + batch_size])
        _, g = model.loss_and_grad(theta, X[rows], y[rows])
        theta, state = opt.step(theta, g, state)
    return theta, state.m, state.v, state.t


def _zero_cases(rng):
    return [dict(n_params=int(rng.integers(10**6, 10**11)), n_devices=int(n), stage=stage)
            for n, stage in zip(rng.choice([2, 4, 8, 16, 64, 256], size=6), [0, 1, 2, 3, 1, 3])]


def _zero_model(n_params, n_devices, stage, *, shift=0, no_master=False, fp32=False):
    """Mixed-precision Adam bytes per device, with switches for the usual slips."""
    w = g = 4 if fp32 else 2
    state = 8 if no_master else 12
    sharded = [0, state, state + g, state + g + w][min(3, max(0, stage + shift))]
    return (n_params * ((w + g + state - sharded) + sharded / n_devices),)


# --------------------------------------------------------------------------- the answers

ANSWERS = (
    # ex01: gradient descent and momentum
    FunctionAnswer(
        "gd_step", "ex01_gradient_descent", 2, ("theta", "grad", "lr"), ("theta",),
        _gd_cases, lambda theta, grad, lr: (_sgd_ref(theta, grad, None, lr, 0, False)[0],),
        mistakes=((_mistake("uphill", "you stepped uphill: gradient descent subtracts lr * grad"),
                   lambda theta, grad, lr: (theta + lr * grad,)),),
        hint="theta_new = theta - lr * grad", subject="optimizers.SGD"),
    FunctionAnswer(
        "momentum_step", "ex01_gradient_descent", 3,
        ("theta", "grad", "buf", "lr", "momentum"), ("theta", "buf"), _momentum_cases,
        lambda theta, grad, buf, lr, momentum: _sgd_ref(theta, grad, buf, lr, momentum, False),
        mistakes=_MOMENTUM_MISTAKES,
        hint="buf = grad (first step) or momentum * buf + grad; theta_new = theta - lr * buf",
        subject="optimizers.SGD(momentum=...)"),
    FunctionAnswer(
        "nesterov_step", "ex01_gradient_descent", 3,
        ("theta", "grad", "buf", "lr", "momentum"), ("theta", "buf"), _momentum_cases,
        lambda theta, grad, buf, lr, momentum: _sgd_ref(theta, grad, buf, lr, momentum, True),
        mistakes=((_mistake("heavy_ball_not_nesterov", "this is the heavy-ball step; Nesterov "
                            "steps along grad + momentum * buf (with the new buf)"),
                   lambda **c: _heavy_ball(**c)),) + _MOMENTUM_MISTAKES,
        hint="update buf as for momentum, then theta_new = theta - lr * (grad + momentum * buf)",
        subject="optimizers.SGD(nesterov=True)"),
    ValueAnswer("momentum_gain", "ex01_gradient_descent", 1, 10.0,
                "sum the geometric series 1 + momentum + momentum**2 + ...",
                wrong=((0.9, _mistake("gain_is_momentum", "that is momentum itself; the steps "
                                      "add up to a geometric series")),
                       (1.9, _mistake("series_cut_short", "add all the terms of the series, "
                                      "not just two")))),
    ValueAnswer("largest_stable_lr", "ex01_gradient_descent", 1, 0.5,
                "on f(x) = (L/2) x**2 one step multiplies x by (1 - lr * L): the iterates "
                "shrink while that factor stays between -1 and 1",
                wrong=((0.25, _mistake("one_step_lr", "that lr reaches the minimum in one step; "
                                       "a larger lr overshoots, yet still converges while "
                                       "|1 - lr * L| < 1")),
                       (2.0, _mistake("wrong_curvature", "L is the second derivative of f; "
                                      "differentiate f twice")),
                       (1.0, "L is the second derivative of f; differentiate f twice"))),
    # ex03: Adagrad
    FunctionAnswer(
        "adagrad_step", "ex03_adagrad", 7, ("theta", "grad", "state_sum", "lr", "eps"),
        ("theta", "state_sum"), _adagrad_cases, _adagrad_ref,
        mistakes=((_EPS_INSIDE, lambda **c: _adagrad_model(**c, eps_inside=True)),
                  (_mistake("sum_updated_late", "add grad**2 to state_sum before dividing: the "
                            "current gradient counts in its own step"),
                   lambda **c: _adagrad_model(**c, old_sum=True))),
        hint="state_sum + grad**2, then theta - lr * grad / (sqrt(state_sum) + eps)",
        subject="optimizers.Adagrad"),
    ValueAnswer("accumulator", "ex03_adagrad", 1, 25.0,
                "the accumulator is a running sum over every step so far, of squared gradients",
                wrong=((7.0, _mistake("summed_gradients", "Adagrad accumulates squared "
                                      "gradients, not the gradients themselves")),
                       (5.0, _mistake("sqrt_of_accumulator", "that is the square root; the "
                                      "accumulator holds the sum itself")))),
    ValueAnswer("second_step", "ex03_adagrad", 1, 0.8,
                "lr * g / sqrt(accumulator), with the accumulator including this gradient",
                wrong=((4 / 3, _mistake("gradient_not_accumulated", "include the second "
                                        "gradient in the accumulator before dividing")),
                       (1.0, _mistake("only_current_gradient", "the accumulator also remembers "
                                      "the first gradient: past steps keep shrinking later "
                                      "ones")))),
    ValueAnswer("rate_can_grow", "ex03_adagrad", 1, False,
                "the accumulator only ever grows, so lr / (sqrt(sum) + eps) can only shrink",
                wrong=((True, _mistake("rate_grows", "the accumulator never decreases, so no "
                                       "coordinate's rate can rise; coordinates with small past "
                                       "gradients shrink less")),)),
    # ex04: RMSprop
    FunctionAnswer(
        "rmsprop_step", "ex04_rmsprop", 6, ("theta", "grad", "v", "lr", "alpha", "eps"),
        ("theta", "v"), _rmsprop_cases, _rmsprop_ref,
        mistakes=((_EPS_INSIDE, lambda **c: _rmsprop_model(**c, eps_inside=True)),
                  (_mistake("alpha_swapped", "alpha weighs the old average: v = alpha * v + "
                            "(1 - alpha) * grad**2"),
                   lambda **c: _rmsprop_model(**c, swapped=True)),
                  (_mistake("v_updated_late", "update v before dividing: the current gradient "
                            "counts in its own step"),
                   lambda **c: _rmsprop_model(**c, old_v=True))),
        hint="v = alpha * v + (1 - alpha) * grad**2; theta - lr * grad / (sqrt(v) + eps)",
        subject="optimizers.RMSprop"),
    ValueAnswer("weight_two_back", "ex04_rmsprop", 2, 0.081,
                "unroll v twice: each older term picks up one more factor alpha",
                wrong=((0.1, _mistake("newest_weight", "that is the newest gradient's weight; "
                                      "older gradients have been decayed since they entered")),
                       (0.81, _mistake("entry_weight_missing", "that is how much of its weight "
                                       "survives; a gradient enters v with a weight of its own "
                                       "first")),
                       (0.09, _mistake("decayed_once", "count the steps: every step after a "
                                       "gradient enters v decays it once more")))),
    ValueAnswer("first_step_ratio", "ex04_rmsprop", 2, 10.0,
                "v starts at 0, so after one step it holds only a small share of g**2, and "
                "sqrt(v) underestimates |g|",
                wrong=((1.0, _mistake("v_is_g_squared", "v starts at 0: after one step it "
                                      "holds only its (1 - alpha) share of g**2, not g**2")),
                       (100.0, _mistake("missing_sqrt", "take the square root of v")))),
    # ex05: Adam
    FunctionAnswer(
        "adam_step", "ex05_adam", 6,
        ("theta", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps"),
        ("theta", "m", "v", "t"), _adam_like_cases, _adam_ref,
        mistakes=(
            (_mistake("no_bias_correction", "no bias correction: divide m by (1 - beta1**t) "
                      "and v by (1 - beta2**t)"), _with(bias=False)),
            _FIXED_BETAS,
            (_T_FIRST, lambda **c: _adam_model(**c, t_used=c["t"])),
            (_T_FIRST, lambda **c: _adam_model(**c, t_used=c["t"], eps_before=True)),
            (_EPS_INSIDE, _with(eps_inside=True)),
            (_mistake("eps_before_correction", "eps is added before the bias correction (the "
                      "paper's 'efficient' form); torch adds eps to sqrt(v_hat)"),
             _with(eps_before=True)),
        ),
        hint="t + 1; m and v moving averages; m_hat, v_hat; "
             "theta - lr * m_hat / (sqrt(v_hat) + eps)",
        subject="optimizers.Adam"),
    ValueAnswer("m_hat_first", "ex05_adam", 1, 2.0,
                "m starts at 0, so after one step it holds only a small share of g; m_hat "
                "undoes exactly that shrinkage",
                wrong=((0.2, _mistake("m_not_m_hat", "that is m, still biased toward its "
                                      "starting value 0; m_hat removes that bias")),)),
    ValueAnswer("constant_g_step", "ex05_adam", 1, 0.01,
                "with a constant g the bias-corrected averages are exact: m_hat is g and "
                "v_hat is g**2; what is left of m_hat / sqrt(v_hat)?",
                wrong=((0.05, _mistake("step_scales_with_g", "Adam's step does not grow with "
                                       "|g|: scaling g scales m_hat and sqrt(v_hat) alike")),)),
    ValueAnswer("no_bias_first_step", "ex05_adam", 2, 0.1 / math.sqrt(0.001),
                "without the correction, m keeps only its (1 - beta1) share of g and v its "
                "(1 - beta2) share of g**2 after the first step, and the two shares do not "
                "cancel in m / sqrt(v)",
                wrong=((1.0, _mistake("bias_corrected_anyway", "that is the step with bias "
                                      "correction; without it m and v keep their shares of "
                                      "g and g**2")),
                       (100.0, "take the square root of v"))),
    # ex07: AMSGrad and AdamW
    FunctionAnswer(
        "amsgrad_step", "ex07_when_adam_fails", 4,
        ("theta", "grad", "m", "v", "v_max", "t", "lr", "beta1", "beta2", "eps"),
        ("theta", "m", "v", "v_max", "t"), lambda rng: _adam_like_cases(rng, amsgrad=True),
        _adam_ref,
        mistakes=(
            (_mistake("v_hat_not_v_max", "this divides by sqrt(v_hat) as plain Adam does; "
                      "AMSGrad divides by the bias-corrected running max v_max"),
             _with(use_v=True)),
            (_mistake("max_of_v_hat", "take the max over the raw v, then bias-correct it with "
                      "the current (1 - beta2**t), as torch does"), _with(max_of_hat=True)),
            (_mistake("max_before_update", "update v first, then take max(v_max, new v)"),
             _with(max_before=True)),
        ) + _adam_family_slips("v_max"),
        hint="as adam_step, but v_max = max(v_max, v) and v_hat = v_max / (1 - beta2**t)",
        subject="optimizers.Adam(amsgrad=True)"),
    FunctionAnswer(
        "adamw_step", "ex07_when_adam_fails", 4,
        ("theta", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps", "weight_decay"),
        ("theta", "m", "v", "t"), lambda rng: _adam_like_cases(rng, adamw=True), _adam_ref,
        mistakes=(
            (_mistake("l2_not_decoupled", "this is L2 regularisation (grad + weight_decay * "
                      "theta inside Adam); AdamW decays theta directly: theta * (1 - lr * "
                      "weight_decay)"), _with(l2=True)),
            (_mistake("decay_without_lr", "the decay is scaled by lr: theta * (1 - lr * "
                      "weight_decay)"), _with(decay_no_lr=True)),
            (_mistake("decay_after_step", "decay theta before the Adam step, as torch does"),
             _with(decay_after=True)),
        ) + _adam_family_slips(),
        hint="theta * (1 - lr * weight_decay), then the Adam step from the raw gradient",
        subject="optimizers.AdamW"),
    ValueAnswer("adamw_shrink", "ex07_when_adam_fails", 1, 0.999,
                "AdamW multiplies theta by (1 - lr * weight_decay) before each step",
                wrong=((0.99, _mistake("decay_without_lr", "torch scales the decay by lr: the "
                                       "factor is not 1 - weight_decay")),
                       (0.001, _mistake("removed_not_factor", "that is the share removed; the "
                                        "question asks for the factor theta is multiplied "
                                        "by")))),
    ValueAnswer("l2_is_rescaled", "ex07_when_adam_fails", 1, True,
                "with L2, weight_decay * theta is added to the gradient before m and v",
                wrong=((False, _mistake("l2_not_rescaled", "L2 adds weight_decay * theta to the "
                                        "gradient, so it passes through m_hat / sqrt(v_hat) "
                                        "like the rest of it")),)),
    # ex08: tuning
    TuningAnswer("tune_momentum", "ex08_hyperparameters", 5, "MOMENTUM_HP", "momentum",
                 ("lr", "momentum"), "quadratic", 30, 1e-6,
                 hint="lesson 1 tunes heavy ball's lr and momentum together from a "
                      "quadratic's smallest and largest curvature"),
    TuningAnswer("tune_adam", "ex08_hyperparameters", 5, "ADAM_HP", "adam",
                 ("lr", "beta1", "beta2"), "rosenbrock", 500, 1e-4),
    # ex02: noisy gradients
    FunctionAnswer(
        "minibatch_grad", "ex02_noisy_gradients", 4, ("theta", "X", "y", "rows"), ("grad",),
        _minibatch_grad_cases, _minibatch_grad_ref,
        mistakes=((_mistake("minibatch_grad_slip1", "a minibatch gradient is the mean of its rows' "
                                                    "gradients, not their sum, "
                   "so its size does not grow with the batch size"),
                   lambda **c: _lsq_model(**c, total=True)),
                  (_mistake("minibatch_grad_slip2", "average over the rows of the minibatch, not "
                                                    "over the whole training set"),
                   lambda **c: _lsq_model(**c, by_n=True)),
                  (_mistake("minibatch_grad_slip3", "use only the rows listed in `rows`: that is "
                                                    "what makes it a minibatch"),
                   lambda **c: _lsq_model(**c, full=True)),
                  (_mistake("minibatch_grad_slip4", "the residual is prediction minus target; the "
                                                    "other way round the "
                   "gradient points downhill"), lambda **c: _lsq_model(**c, flip=True))),
        hint="each row's gradient is its residual (prediction minus target) times its "
             "features; the minibatch gradient is their mean over the chosen rows",
        subject="noise.minibatch_grad"),
    ValueAnswer("ema_variance", "ex02_noisy_gradients", 2, 4 * 0.2 / 1.8,
                "the variance of a weighted sum of independent terms adds up the squared "
                "weights, over every past gradient",
                wrong=((0.8, _mistake("ema_variance_slip1", "square the weights: variances scale "
                                                            "with the square of a factor")),
                       (0.16, _mistake("ema_variance_slip2", "every past gradient contributes, not "
                                                             "only the newest one")),
                       (4.0, _mistake("ema_variance_slip3", "averaging removes part of the noise: "
                                                            "the weights are below 1")))),
    ValueAnswer("batch_for_noise", "ex02_noisy_gradients", 2, 128.0,
                "the variance, not the standard deviation, falls in proportion to 1/B",
                wrong=((32.0, _mistake("batch_for_noise_slip1", "it is the variance that falls as "
                                                                "1/B; the standard deviation "
                              "falls only as 1/sqrt(B)")),
                       (2.0, _mistake("batch_for_noise_slip2", "a larger batch lowers the noise: B "
                                                               "must grow")))),
    ValueAnswer("noisy_adam_step", "ex02_noisy_gradients", 2, 0.6,
                "m_hat estimates the mean; v_hat estimates the second moment, mean squared "
                "plus variance",
                wrong=((0.75, _mistake("noisy_adam_step_slip1", "v_hat is the second moment (mean "
                                                                "squared plus variance), not the "
                              "variance: divide by its square root")),
                       (1.0, _mistake("noisy_adam_step_slip2", "Adam's step is about lr only when "
                                                               "the gradient is free of noise")))),
    # ex06: a minibatch training loop with Adam written from scratch
    FunctionAnswer(
        "adam_epoch", "ex06_adam_in_practice", 6,
        ("theta", "m", "v", "t", "X", "y", "order", "batch_size", "lr"),
        ("theta", "m", "v", "steps"), _epoch_cases, _epoch_ref,
        mistakes=((_mistake("adam_epoch_slip1", "t counts optimizer steps: one per minibatch, not "
                                                "one per epoch"),
                   lambda **c: _epoch_model(**c, t_once=True)),
                  (_mistake("adam_epoch_slip2", "correct m and v for their zero start at every "
                                                "step, as in lesson 5"),
                   lambda **c: _epoch_model(**c, bias=False)),
                  (_mistake("adam_epoch_slip3", "when batch_size does not divide the number of "
                                                "rows, the last minibatch "
                   "is smaller, and it still gets its step"),
                   lambda **c: _epoch_model(**c, drop_last=True)),
                  (_mistake("adam_epoch_slip4", "take the minibatches in the order given by "
                                                "`order` (the epoch's shuffle)"),
                   lambda **c: _epoch_model(**c, in_row_order=True)),
                  (_mistake("adam_epoch_slip5", "each step uses its own minibatch's gradient, not "
                                                "the gradient of all rows"),
                   lambda **c: _epoch_model(**c, full=True))),
        hint="cut `order` into consecutive minibatches; for each, the model's gradient on "
             "those rows, then one Adam step with torch's defaults for beta1, beta2 and eps",
        subject="models + optimizers.Adam"),
    ValueAnswer("steps_per_epoch", "ex06_adam_in_practice", 1, 11.0,
                "one step per minibatch, and the rows left over form one more, smaller minibatch",
                wrong=((10.0, _mistake("steps_per_epoch_slip1", "the rows left over still form a "
                                                                "minibatch, and it gets a step")),
                       (1348 / 128, _mistake("steps_per_epoch_slip2", "a step uses a whole "
                                                                      "minibatch: count "
                                                                      "minibatches")))),
    ValueAnswer("softmax_params", "ex06_adam_in_practice", 1, 650.0,
                "a weight for every pixel and class, plus a bias for every class",
                wrong=((640.0, _mistake("softmax_params_slip1", "each class also has a bias")),
                       (74.0, _mistake("softmax_params_slip2", "the weights form a matrix: one per "
                                                               "pixel per class")))),
    ValueAnswer("adam_state_numbers", "ex06_adam_in_practice", 1, 1300.0,
                "Adam keeps two running averages, each the size of the parameter vector",
                wrong=((650.0, _mistake("adam_state_numbers_slip1",
                                        "Adam keeps two averages, m and v")),
                       (1950.0, _mistake("adam_state_numbers_slip2",
                                         "count only the optimizer's state, not the parameters")))),
    ValueAnswer("same_lr_is_fair", "ex06_adam_in_practice", 1, False,
                "lesson 6's rules for a fair race: same start, same batches, and each "
                "optimizer at its own best learning rate",
                wrong=((True, _mistake("same_lr_is_fair_slip1", "the best learning rates differ by "
                                                                "up to 100 times between "
                              "optimizers, so one shared rate measures the rate, not the "
                              "optimizer")),)),
    # ex09: memory and scale
    FunctionAnswer(
        "zero_bytes", "ex09_memory_and_scale", 4, ("n_params", "n_devices", "stage"),
        ("bytes",), _zero_cases, lambda n_params, n_devices, stage: (
            _memory.zero_per_device(n_params, n_devices, stage),),
        mistakes=((_mistake("zero_bytes_slip1", "stage 1 shards the optimizer state only; each "
                                                "later stage adds one more "
                   "kind of tensor"), lambda **c: _zero_model(**c, shift=1)),
                  (_mistake("zero_bytes_slip2", "stage 0 shards nothing; stage 1 already shards "
                                                "the optimizer state"),
                   lambda **c: _zero_model(**c, shift=-1)),
                  (_mistake("zero_bytes_slip3", "the fp32 master copy of the weights belongs to "
                                                "the optimizer state too"),
                   lambda **c: _zero_model(**c, no_master=True)),
                  (_mistake("zero_bytes_slip4", "in mixed precision the weights and gradients used "
                                                "in the forward and "
                   "backward passes are 16-bit"), lambda **c: _zero_model(**c, fp32=True))),
        hint="bytes per parameter that every device keeps whole, plus the sharded ones "
             "divided among the devices, times the number of parameters",
        subject="memory.zero_per_device"),
    ValueAnswer("adam_state_fp32", "ex09_memory_and_scale", 1, 8.0,
                "count the optimizer's own buffers and the bytes of one fp32 number",
                wrong=((4.0, _mistake("adam_state_fp32_slip1", "Adam keeps two buffers, m and v")),
                       (16.0, _mistake("adam_state_fp32_slip2", "weights and gradients are not "
                                                                "optimizer state")))),
    ValueAnswer("mixed_optimizer_bytes", "ex09_memory_and_scale", 1, 12.0,
                "in mixed precision the optimizer keeps its own fp32 tensors",
                wrong=((8.0, _mistake("mixed_optimizer_bytes_slip1", "the fp32 master copy of the "
                                                                     "weights is optimizer state "
                                                                     "too")),
                       (16.0, _mistake("mixed_optimizer_bytes_slip2", "the 16-bit weights and "
                                                                      "gradients belong to the "
                                                                      "forward and "
                              "backward passes, not the optimizer")))),
    ValueAnswer("model_gb_fp32", "ex09_memory_and_scale", 2, 48.0,
                "bytes per parameter for everything training keeps, times the parameters",
                wrong=((12.0, _mistake("model_gb_fp32_slip1", "count the gradients, m and v as "
                                                              "well as the weights")),
                       (24.0, _mistake("model_gb_fp32_slip2", "count Adam's m and v as well")),
                       (3e9 * 16 / 2**30, _mistake("model_gb_fp32_slip3", "GB here means 10**9 "
                                                                          "bytes, not 2**30")))),
    ValueAnswer("zero2_gb", "ex09_memory_and_scale", 2, 13e9 * (2 + 14 / 16) / 1e9,
                "the unsharded bytes stay whole on every device; the sharded ones are divided",
                wrong=((13e9 * (4 + 12 / 16) / 1e9, _mistake("zero2_gb_slip1", "that is stage 1; "
                                                                               "stage 2 also "
                                                                               "shards the "
                                                    "gradients")),
                       (13.0, _mistake("zero2_gb_slip2", "that is stage 3; stage 2 keeps the "
                                                         "weights whole")),
                       (208.0, _mistake("zero2_gb_slip3", "stage 2 shards part of the memory "
                                                          "across the 16 devices")))),
)

_BY_NAME = {a.name: a for a in ANSWERS}
assert len(_BY_NAME) == len(ANSWERS), "answer names must be unique across notebooks"


def by_name(name):
    """The answer called `name` (e.g. "adam_step")."""
    return _BY_NAME[name]


def notebook_answers(notebook):
    """The answers of one exercise notebook (e.g. "ex05_adam"), in order."""
    return [a for a in ANSWERS if a.notebook == notebook]


def cases_for(answer, rng):
    """The inputs an answer is checked on: a list of dicts (empty for values and tuning)."""
    return answer.cases(rng) if answer.kind == "function" else []


# --------------------------------------------------------------------------- running and judging

def run_function(fn, case, params):
    """Call fn on a deep copy of the case; return an outcome dict (see `judge`)."""
    args = copy.deepcopy(case)
    try:
        with np.errstate(all="ignore"):
            value = fn(*(args[p] for p in params))
    except NotImplementedError:
        return {"not_attempted": True}
    except Exception as e:  # the student's code: any exception becomes a reason
        return {"error": f"{type(e).__name__}: {e}"}
    return {"value": value, "mutated": changed_inputs(case, {p: args[p] for p in params})}


def changed_inputs(case, after):
    """Names of the array inputs of `case` whose values in `after` ({name: value}) differ."""
    return [p for p, a in after.items() if isinstance(case[p], np.ndarray)
            and not (isinstance(a, np.ndarray) and a.shape == case[p].shape
                     and np.array_equal(a, case[p]))]


def outcome_of(value):
    """The outcome of a value or tuning answer (Ellipsis means not attempted)."""
    if value is Ellipsis:
        return {"not_attempted": True}
    return {"value": value}


def _describe(case):
    shown = [f"{k}={v:g}" for k, v in case.items() if isinstance(v, (int, float))
             and not isinstance(v, bool)]
    shape = next((v.shape for v in case.values() if isinstance(v, np.ndarray)), None)
    if shape is not None:
        shown.insert(0, f"theta of shape {shape}")
    if case.get("buf", 0) is None:
        shown.append("buf=None")
    return ", ".join(shown)


def _as_array(x):
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return None
    return a


def _matches(got, expected):
    """True when every returned value equals the expected one (NaN matches NaN)."""
    for g, e in zip(got, expected):
        if e is None or g is None:
            if not (e is None and g is None):
                return False
            continue
        ga, ea = _as_array(g), np.asarray(e, dtype=float)
        if (ga is None or ga.shape != ea.shape
                or not np.allclose(ga, ea, RTOL, ATOL, equal_nan=True)):
            return False
    return True


def _finite_where(guess, expected):
    """True when a mistake's model is finite wherever the reference is: a NaN "match" (as
    1 - beta1**0 = 0 gives at t = 0) proves nothing, so it names no mistake."""
    for g, e in zip(guess, expected):
        if g is None or e is None:
            continue
        ea, ga = np.asarray(e, dtype=float), _as_array(g)
        if ga is not None and ga.shape == ea.shape and not np.isfinite(ga[np.isfinite(ea)]).all():
            return False
    return True


def _judge_function(answer, case, value):
    names = answer.returns
    got = value if len(names) > 1 else (value,)
    if len(names) > 1 and (not isinstance(value, (tuple, list)) or len(value) != len(names)):
        what = (f"a {type(value).__name__} of length {len(value)}"
                if isinstance(value, (tuple, list)) else f"a {type(value).__name__}")
        return f"return the tuple ({', '.join(names)}); got {what}"
    with np.errstate(all="ignore"):
        expected = answer.reference(**copy.deepcopy(case))
    wrong = []
    for name, g, e in zip(names, got, expected):
        if name == "t":
            if isinstance(g, (bool, np.bool_)) or not isinstance(g, (int, np.integer, float)) \
                    or g != e:
                return f"t should come back as t + 1 = {e} (the step just taken); got {g!r}"
            continue
        if name == "buf" and g is None:
            return "buf came back None: return the updated momentum buffer"
        ga, ea = _as_array(g), np.asarray(e, dtype=float)
        if ga is None:
            return f"{name} should be an array of numbers; got a {type(g).__name__}"
        if ga.shape != ea.shape:
            return f"{name} has shape {ga.shape}, expected {ea.shape} (the shape of theta)"
        if not np.isfinite(ga).all() and np.isfinite(ea).all():
            wrong.append(f"{name} contains NaN or inf")
        elif not np.allclose(ga, ea, RTOL, ATOL):
            wrong.append(f"{name} differs by up to {np.max(np.abs(ga - ea)):.2g}")
    if not wrong:
        return None
    hint = answer.hint
    for mistake_hint, model in answer.mistakes:
        with np.errstate(all="ignore"):
            try:
                guess = model(**copy.deepcopy(case))
            except (ZeroDivisionError, FloatingPointError, TypeError):
                continue
        if _finite_where(guess, expected) and _matches(got, guess):
            hint = mistake_hint
            break
    return f"{'; '.join(wrong)}. Hint: {hint}"


def _judge_value(answer, value):
    expected = answer.expected
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "biuf":
        value = value.item()  # e.g. np.sqrt(np.array(2.0))
    if isinstance(expected, bool):
        if not isinstance(value, (bool, np.bool_)):
            return f"answer True or False; got {type(value).__name__}"
        ok = bool(value) == expected
    else:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
            return f"answer with a number; got {type(value).__name__}"
        ok = math.isclose(float(value), expected, rel_tol=VALUE_RTOL, abs_tol=1e-12)
    if ok:
        return None
    for wrong_value, hint in answer.wrong:
        if (bool(value) == wrong_value if isinstance(expected, bool)
                else math.isclose(float(value), wrong_value, rel_tol=VALUE_RTOL)):
            return f"not correct. Hint: {hint}"
    if not isinstance(expected, bool) and math.isclose(float(value), expected, rel_tol=0.05):
        return (f"close, but not within {VALUE_RTOL:.1%} of the exact value: compute it "
                f"(e.g. write the expression in Python) rather than rounding it")
    return f"not correct. Hint: {answer.hint}"


def run_tuning(answer, hp):
    """Run the reference optimizer with hyperparameters hp; return (reason or None, detail)."""
    if not isinstance(hp, dict):
        return f"{answer.variable} should be a dict like dict(lr=...); got {type(hp).__name__}", ""
    unknown = sorted(map(str, set(hp) - set(answer.allowed)))
    if unknown:
        return (f"{answer.variable} may only set {', '.join(answer.allowed)}; "
                f"remove {', '.join(unknown)}"), ""
    try:
        opt = optimizers.make(answer.optimizer, **hp)
    except (ValueError, TypeError) as e:
        return f"{e}", ""
    traj = trajectory.run(opt, surfaces.get(answer.surface), steps=answer.steps)
    if traj.diverged_at is not None:
        return (f"{traj.message}; try a smaller lr", "")
    loss = traj.final_loss
    detail = f"loss {loss:.3g} after {answer.steps} steps (target < {answer.target:g})"
    if not loss < answer.target:
        return f"{detail}. Hint: {answer.hint}", detail
    return None, detail


MISTAKES.update(  # named by judge's own wording rather than a hint
    in_place_update="an input array was changed in place; assign new arrays (m = ...) "
                    "instead of m += ..., m[:] = ... or out=m",
    value_rounded="the value was rounded too far; compute it (e.g. write the expression in "
                  "Python) rather than rounding it")


def mistake_of(reason):
    """The id of the known mistake a reason from `judge` names (a key of MISTAKES), or None.

    The id is read from the reason's hint, so the grader can pass reasons on unchanged."""
    if not reason:
        return None
    if "changed its input" in reason and "in place" in reason:
        return "in_place_update"
    if reason.startswith("close, but not within") or ": close, but not within" in reason:
        return "value_rounded"
    _, sep, hint = reason.rpartition("Hint: ")
    return _MISTAKE_OF_HINT.get(hint.strip()) if sep else None


def judge(answer, case, outcome):
    """None when the outcome passes; otherwise a one-line reason.

    An outcome is {"not_attempted": True}, {"error": "..."}, or {"value": ..., "mutated":
    [names of inputs changed in place]} (functions) / {"value": ...} (values, tuning).
    """
    if outcome.get("not_attempted"):
        return NOT_ATTEMPTED
    if "error" in outcome:
        err = outcome["error"]
        if answer.kind == "function" and case.get("buf", 0) is None and "None" in err:
            return f"raised {err}. Hint: {_FIRST_BUF}"
        return f"raised {err}"
    if outcome.get("mutated"):
        names, first = ", ".join(outcome["mutated"]), outcome["mutated"][0]
        return (f"changed its input {names} in place; assign new arrays (such as "
                f"{first} = ...) instead of {first} += ..., {first}[:] = ... or out={first}")
    if answer.kind == "function":
        return _judge_function(answer, case, outcome["value"])
    if answer.kind == "value":
        return _judge_value(answer, outcome["value"])
    return run_tuning(answer, outcome["value"])[0]


# --------------------------------------------------------------------------- in-notebook checks

def _seed(name):
    return zlib.crc32(name.encode())


def _check(answer, submitted):
    """Print a pass line, the first failing case with a hint, or 'not attempted yet'."""
    label = answer.name
    if answer.kind == "function":
        if not callable(submitted):
            print(f"✗ {label}: expected a function, got {type(submitted).__name__}")
            return
        cases = answer.cases(np.random.default_rng(_seed(label)))
        for i, case in enumerate(cases, 1):
            reason = judge(answer, case, run_function(submitted, case, answer.params))
            if reason == NOT_ATTEMPTED:
                print(f"{label}: {NOT_ATTEMPTED} (write it in the answer cell above, run "
                      f"that cell, then this one)")
                return
            if reason:
                print(f"✗ {label}: case {i} of {len(cases)} ({_describe(case)}) fails: {reason}")
                return
        print(f"✓ {label}: all {len(cases)} cases match adamedu.{answer.subject} "
              f"({_points(answer)})")
        return
    reason = judge(answer, {}, outcome_of(submitted))
    if reason == NOT_ATTEMPTED:
        print(f"{label}: {NOT_ATTEMPTED} (replace the ... in the answer cell above)")
    elif reason:
        print(f"✗ {label}: {reason}")
    elif answer.kind == "tuning":
        print(f"✓ {label}: {run_tuning(answer, submitted)[1]} ({_points(answer)})")
    else:
        print(f"✓ {label}: correct ({_points(answer)})")


def _points(answer):
    return f"{answer.points} point{'s' if answer.points != 1 else ''}"


def _make_check(answer):
    def check(submitted):
        _check(answer, submitted)
    check.__name__ = check.__qualname__ = answer.name
    what = (f"your function {answer.name}" if answer.kind == "function"
            else f"your {answer.kind} answer {answer.variable}")
    check.__doc__ = f"Check {what} and print the result ({answer.notebook})."
    return check


for _answer in ANSWERS:  # check.adam_step, check.m_hat_first, ...: one check per answer
    globals()[_answer.name] = _make_check(_answer)
    __all__.append(_answer.name)
del _answer
