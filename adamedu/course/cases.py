"""What the checks compute with: the inputs each answer is checked on, the reference
results (from `adamedu.optimizers` and the other learner modules), and models of the usual
slips, each a plain version of the computation with a switch for one mistake.

A case generator takes a numpy Generator and returns a list of dicts {param: value}; a
reference or a slip model takes a case's values as keywords and returns a tuple of results.
`adamedu.course.answers` ties them to the answers and their hints.
"""
import math
from functools import lru_cache

import numpy as np

from adamedu import memory, models, optimizers

# --------------------------------------------------------- shared: shapes, Adam's family

def _shape(rng):
    return [(3,), (2, 3), (5,), (2, 2)][rng.integers(4)]


def _vec(rng, shape, low=-2.0, high=2.0):
    return rng.uniform(low, high, size=shape)


def adam_like_cases(rng, n=6, amsgrad=False, adamw=False):
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


def adam_model(theta, grad, m, v, t, lr, beta1, beta2, eps, v_max=None, weight_decay=0.0,
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


def adam_with(**switches):
    return lambda **case: adam_model(**case, **switches)


# -------------------------------------------------------- references: adamedu.optimizers

def sgd_ref(theta, grad, buf, lr, momentum, nesterov):
    opt = optimizers.SGD(lr=lr, momentum=momentum, nesterov=nesterov)
    state = optimizers.SGDState(t=0 if buf is None else 1, b=buf)
    theta, state = opt.step(theta, grad, state)
    return theta, state.b


def adam_ref(theta, grad, m, v, t, lr, beta1, beta2, eps, v_max=None, weight_decay=None):
    if weight_decay is not None:
        opt = optimizers.AdamW(lr=lr, beta1=beta1, beta2=beta2, eps=eps,
                               weight_decay=weight_decay)
    else:
        opt = optimizers.Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps,
                              amsgrad=v_max is not None)
    theta, s = opt.step(theta, grad, optimizers.AdamState(t=t, m=m, v=v, v_max=v_max))
    return (theta, s.m, s.v, s.t) if v_max is None else (theta, s.m, s.v, s.v_max, s.t)


def adagrad_ref(theta, grad, state_sum, lr, eps):
    opt = optimizers.Adagrad(lr=lr, eps=eps)
    theta, s = opt.step(theta, grad, optimizers.AdagradState(t=0, state_sum=state_sum))
    return theta, s.state_sum


def rmsprop_ref(theta, grad, v, lr, alpha, eps):
    opt = optimizers.RMSprop(lr=lr, alpha=alpha, eps=eps)
    theta, s = opt.step(theta, grad, optimizers.RMSpropState(t=0, v=v, g_avg=None, b=None))
    return theta, s.v


# --------------------------------------------------- ex01: gradient descent and momentum

def gd_cases(rng):
    return [dict(theta=_vec(rng, s), grad=_vec(rng, s), lr=float(rng.choice([0.01, 0.1, 0.5])))
            for s in (_shape(rng) for _ in range(4))]


def momentum_cases(rng):
    out = []
    for i in range(5):
        s = _shape(rng)
        out.append(dict(theta=_vec(rng, s), grad=_vec(rng, s),
                        buf=None if i == 0 else _vec(rng, s),
                        lr=float(rng.choice([0.01, 0.1, 0.3])),
                        momentum=float(rng.uniform(0.5, 0.95))))
    return out


def heavy_ball(theta, grad, buf, lr, momentum, *, dampened=False, velocity=False):
    if buf is None:
        buf = grad.copy() if not velocity else -lr * grad
    elif velocity:
        buf = momentum * buf - lr * grad
    else:
        buf = momentum * buf + (1 - momentum if dampened else 1) * grad
    if velocity:
        return theta + buf, buf
    return theta - lr * buf, buf


# ------------------------------------------------------- ex03, ex04: Adagrad and RMSprop

def adagrad_cases(rng):
    out = []
    for i in range(5):
        s = _shape(rng)
        out.append(dict(theta=_vec(rng, s), grad=_vec(rng, s),
                        state_sum=np.zeros(s) if i == 0 else _vec(rng, s, 0.0, 5.0),
                        lr=float(rng.choice([0.01, 0.1, 0.5])),
                        eps=float(rng.choice([1e-10, 1e-3, 0.1]))))
    return out


def adagrad_model(theta, grad, state_sum, lr, eps, *, eps_inside=False, old_sum=False):
    new_sum = state_sum + grad ** 2
    s = state_sum if old_sum else new_sum
    denom = np.sqrt(s + eps) if eps_inside else np.sqrt(s) + eps
    return theta - lr * grad / denom, new_sum


def rmsprop_cases(rng):
    out = []
    for i in range(5):
        s = _shape(rng)
        out.append(dict(theta=_vec(rng, s), grad=_vec(rng, s),
                        v=np.zeros(s) if i == 0 else _vec(rng, s, 0.05, 2.0),
                        lr=float(rng.choice([0.001, 0.01, 0.1])),
                        alpha=float(rng.uniform(0.8, 0.99)),
                        eps=float(rng.choice([1e-8, 1e-3, 0.1]))))
    return out


def rmsprop_model(theta, grad, v, lr, alpha, eps, *, eps_inside=False, swapped=False,
                   old_v=False):
    a = 1 - alpha if swapped else alpha
    new_v = a * v + (1 - a) * grad ** 2
    s = v if old_v else new_v
    denom = np.sqrt(s + eps) if eps_inside else np.sqrt(s) + eps
    return theta - lr * grad / denom, new_v


# ----------------------------------------------------------------- ex02: noisy gradients

def minibatch_grad_cases(rng):
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


def minibatch_grad_ref(theta, X, y, rows):
    from adamedu import noise  # imported here: it brings the plotting stack along
    return (noise.minibatch_grad(theta, X, y, rows),)


def lsq_model(theta, X, y, rows, *, total=False, by_n=False, full=False, flip=False):
    rows = list(range(len(y))) if full else rows
    r = X[rows] @ theta - y[rows]
    g = X[rows].T @ (-r if flip else r)
    return (g if total else g / (len(y) if by_n else len(rows)),)


# --------------------------------------------- ex06: a minibatch training loop on digits

@lru_cache(maxsize=1)
def _digits_train():
    from adamedu import data
    X, _, y, _ = data.digits_split()
    return X, y


def epoch_cases(rng):
    """Rows of the digits training set, a start, Adam's state and one epoch's order.
    y holds the labels as floats (as the grader's inputs arrive); n % batch_size is not
    always 0, so the last minibatch is sometimes smaller."""
    X_all, y_all = _digits_train()
    model = models.SoftmaxRegression(64, 10)
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


def epoch_model(theta, m, v, t, X, y, order, batch_size, lr, *, bias=True, t_once=False,
                 full=False, in_row_order=False, drop_last=False):
    """One epoch of Adam (torch's defaults) on softmax regression, with switches for slips."""
    model = models.SoftmaxRegression(X.shape[1], 10)
    order = list(range(len(y))) if in_row_order else list(order)
    starts = range(0, len(order), batch_size)
    if drop_last:
        starts = [s for s in starts if s + batch_size <= len(order)]
    t_fixed = t + 1
    for s in starts:
        rows = list(range(len(y))) if full else order[s:s + batch_size]
        _, g = model.loss_and_grad(theta, X[rows], y[rows])
        theta, m, v, t_new = adam_model(theta, g, m, v, t, lr, 0.9, 0.999, 1e-8, bias=bias,
                                         t_used=t_fixed if t_once else None)
        t = t if t_once else t_new
    return theta, m, v, (t_fixed if t_once else t)


def epoch_ref(theta, m, v, t, X, y, order, batch_size, lr):
    model, opt = models.SoftmaxRegression(X.shape[1], 10), optimizers.Adam(lr=lr)
    state = optimizers.AdamState(t=t, m=m, v=v, v_max=None)
    for s in range(0, len(order), batch_size):
        rows = list(order[s:s + batch_size])
        _, g = model.loss_and_grad(theta, X[rows], y[rows])
        theta, state = opt.step(theta, g, state)
    return theta, state.m, state.v, state.t


# ---------------------------------------------------------------- ex09: memory and scale

def zero_cases(rng):
    return [dict(n_params=int(rng.integers(10**6, 10**11)), n_devices=int(n), stage=stage)
            for n, stage in zip(rng.choice([2, 4, 8, 16, 64, 256], size=6), [0, 1, 2, 3, 1, 3])]


def zero_ref(n_params, n_devices, stage):
    return (memory.zero_per_device(n_params, n_devices, stage),)


def zero_model(n_params, n_devices, stage, *, shift=0, no_master=False, fp32=False):
    """Mixed-precision Adam bytes per device, with switches for the usual slips."""
    w = g = 4 if fp32 else 2
    state = 8 if no_master else 12
    sharded = [0, state, state + g, state + g + w][min(3, max(0, stage + shift))]
    return (n_params * ((w + g + state - sharded) + sharded / n_devices),)
