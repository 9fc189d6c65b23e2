"""Optimizers as small pure functions of (theta, grad, state), numerically equal to torch.optim.

Every optimizer has the same three-line API::

    opt = Adam(lr=0.1)
    state = opt.init(theta)                      # AdamState(t=0, m=zeros, v=zeros, v_max=None)
    theta, state = opt.step(theta, grad, state)  # new arrays; theta, grad and state untouched

The state is an immutable ``NamedTuple`` whose first field is the step counter ``t``;
buffers an option does not use are ``None``, so :func:`state_nbytes` measures real memory.
``step`` increments ``t`` first, so the first step uses ``t = 1``, as torch.optim does.

The arithmetic follows torch.optim 2.13's single-tensor (``foreach=False``) CPU code,
operation by operation (the moving averages, the bias corrections, where ``eps`` enters),
so a trajectory computed here agrees with torch to about 1e-15 relative: only torch's
fused multiply-adds round differently.
"""

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, NamedTuple, Optional

import numpy as np
from numpy.typing import ArrayLike

from adamedu import _check

__all__ = [
    "SGD", "Adagrad", "RMSprop", "Adam", "AdamW",
    "SGDState", "AdagradState", "RMSpropState", "AdamState",
    "make", "state_nbytes", "NAMES", "Spec", "SPECS", "register", "spec", "spec_of_label",
]


# --------------------------------------------------------------------------- states

class SGDState(NamedTuple):
    """``t``: steps taken; ``b``: momentum buffer (``None`` without momentum)."""
    t: int
    b: Optional[np.ndarray]


class AdagradState(NamedTuple):
    """``t``: steps taken; ``state_sum``: running sum of squared gradients."""
    t: int
    state_sum: np.ndarray


class RMSpropState(NamedTuple):
    """``t``; ``v``: average of squared gradients; ``g_avg``: average gradient (centered
    only); ``b``: momentum buffer (``momentum > 0`` only)."""
    t: int
    v: np.ndarray
    g_avg: Optional[np.ndarray]
    b: Optional[np.ndarray]


class AdamState(NamedTuple):
    """``t``; ``m``: first moment; ``v``: second moment; ``v_max``: running max of ``v``
    (``amsgrad=True`` only). Used by both Adam and AdamW."""
    t: int
    m: np.ndarray
    v: np.ndarray
    v_max: Optional[np.ndarray]


def state_nbytes(state: tuple) -> int:
    """Bytes held by the arrays of an optimizer state (``t`` and ``None`` buffers count 0)."""
    return sum(x.nbytes for x in state if isinstance(x, np.ndarray))


# --------------------------------------------------------------------------- declarations

@dataclass(frozen=True)
class Spec:
    """Everything the course says about one optimizer name, declared once beside its class.

    ``make(name)`` builds it; `plots` draws it in its colour, line style and marker; the
    explorers (`adamedu.widgets`) give it the sliders in ``controls`` and start ``lr`` at
    ``explore_lr`` (or at ``explore_lr_on[surface]``); the book draws its marker.

    name           the name ``make`` takes, lower case ("adam")
    build          the class, or any function of keyword hyperparameters that returns an
                   optimizer (``init``, ``step``, ``label`` and ``hyperparams``)
    label          ``make(name).label``, e.g. "AMSGrad": legends key colours by it
    color          its colour in every figure (a hex string)
    linestyle      a matplotlib line style ("-", ":", or a dash tuple (0, (5, 1)))
    marker         a matplotlib marker ("o", "s", "^", ...)
    fixed          hyperparameters ``make`` sets unless given ({"amsgrad": True})
    controls       the explorer's sliders, in display order ("lr", "beta1", ...)
    explore_lr     the explorer's starting lr
    explore_lr_on  the starting lr on particular surfaces, {surface name: lr}
    choices        slider stops for a hyperparameter the explorer does not know already
    aliases        other names ``make`` takes for it ("gd" for "sgd")
    """
    name: str
    build: Callable[..., Any]
    label: str
    color: str
    linestyle: Any
    marker: str
    fixed: Mapping[str, Any] = field(default_factory=dict)
    controls: tuple[str, ...] = ("lr",)
    explore_lr: float = 0.1
    explore_lr_on: Mapping[str, float] = field(default_factory=dict)
    choices: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()


SPECS: dict[str, Spec] = {}  # name (and alias) -> Spec, in the order of declaration


def register(declared: Spec) -> Spec:
    """Add an optimizer to the course: ``make``, the figures and the explorers know it."""
    for name in (declared.name, *declared.aliases):
        SPECS[name] = declared
    return declared


def spec(name: str) -> Spec:
    """The declaration of an optimizer name (any case), or a ValueError naming the others."""
    key = str(name).lower()
    if key not in SPECS:
        raise ValueError(f"unknown optimizer name {name!r}; choose one of {', '.join(SPECS)}")
    return SPECS[key]


def spec_of_label(label: str) -> Optional[Spec]:
    """The declaration whose label `label` is or starts with ("Adam, lr = 0.1" -> Adam's),
    or None."""
    by_label = {declared.label: declared for declared in SPECS.values()}
    label = str(label)
    if label in by_label:
        return by_label[label]
    head = label.replace(",", " ").replace("(", " ").split()
    return by_label.get(head[0]) if head else None


# --------------------------------------------------------------------------- validation

def _at_least_zero(owner, name, value, why):
    return _check.number(f"{owner}: {name}", value, 0.0, why=why)


def _unit_interval(owner, name, value, why):
    return _check.number(f"{owner}: {name}", value, 0.0, 1.0, why, open_high=True)


_WHY_LR = "a negative learning rate steps uphill (lr = 0 is allowed and freezes theta)"
_WHY_EPS = "eps keeps the denominator away from zero, so it cannot be negative"
_WHY_WD = "weight decay pulls theta towards 0; a negative value would push it away"
_WHY_MOMENTUM = "momentum is the fraction of the previous step kept; a negative one reverses it"


def _decay_why(name, buffer):
    return (f"{name} is the decay rate of the moving average of {buffer}; at 1 the average "
            f"never takes in a new gradient, above 1 it grows without bound, below 0 it "
            f"flips sign every step")


def _as_theta(theta: ArrayLike) -> np.ndarray:
    """theta as an array of its own float dtype (integers and booleans become float64)."""
    theta = np.asarray(theta)
    if theta.dtype.kind in "biu":
        return theta.astype(np.float64)
    if theta.dtype.kind != "f":
        raise ValueError(f"theta must hold real numbers, got an array of dtype {theta.dtype}")
    return theta


def _as_grad(grad: ArrayLike, theta: np.ndarray, owner: str) -> np.ndarray:
    grad = np.asarray(grad, dtype=theta.dtype)
    if grad.shape != theta.shape:
        raise ValueError(f"{owner}.step: grad has shape {grad.shape} but theta has shape "
                         f"{theta.shape}: the gradient needs exactly one entry per parameter")
    return grad


def _array(x):
    """numpy turns 0-d results into scalars; keep every returned value an ndarray."""
    return x if isinstance(x, np.ndarray) else np.asarray(x)


def _lerp(start, end, weight):
    """``start + weight * (end - start)`` rounded the way torch's ``lerp`` rounds it."""
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1.0 - weight)


# --------------------------------------------------------------------------- base class

class _Optimizer:
    """Shared plumbing: hyperparameters, repr, argument checks around ``_update``.

    A subclass sets ``State`` (its state type), ``self._hp`` (the constructor's arguments)
    and ``self.label``, and defines ``_init(theta)`` and ``_update(theta, grad, state)``:
    the equations of its docstring, on arrays already checked.
    """

    State: Any
    label: str
    _hp: dict

    @property
    def hyperparams(self) -> dict:
        """The constructor's arguments as a dict (a copy)."""
        return dict(self._hp)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._hp.items())
        return f"{type(self).__name__}({args})"

    def init(self, theta: ArrayLike) -> Any:
        """The state before the first step (``t = 0``)."""
        return self._init(_as_theta(theta))

    def step(self, theta: ArrayLike, grad: ArrayLike, state: Any) -> tuple[np.ndarray, Any]:
        """One update: returns ``(new_theta, new_state)``; the inputs are never modified."""
        name = type(self).__name__
        theta = _as_theta(theta)
        grad = _as_grad(grad, theta, name)
        if not isinstance(state, self.State):
            raise ValueError(f"{name}.step: state is a {type(state).__name__}, but {name} "
                             f"needs a {self.State.__name__}: create it with opt.init(theta)")
        for buffer, x in zip(state._fields, state):
            if isinstance(x, np.ndarray) and x.shape != theta.shape:
                raise ValueError(f"{name}.step: state.{buffer} has shape {x.shape} but theta "
                                 f"has shape {theta.shape}: create the state with opt.init(theta)")
        with np.errstate(all="ignore"):  # non-finite gradients propagate silently, as in torch
            theta, state = self._update(theta, grad, state)
        return _array(theta), state

    def _init(self, theta: np.ndarray) -> Any:
        raise NotImplementedError  # each optimizer's own state

    def _update(self, theta: np.ndarray, grad: np.ndarray, state: Any) -> tuple:
        raise NotImplementedError  # each optimizer's own equations

    def _zeros(self, theta):
        return np.zeros_like(theta)


# --------------------------------------------------------------------------- SGD

class SGD(_Optimizer):
    r"""Gradient descent, optionally with heavy-ball or Nesterov momentum (torch.optim.SGD).

    With gradient g_t = grad + weight_decay * theta_{t-1}::

        b_1 = g_1                                  (the first buffer is the gradient itself)
        b_t = momentum * b_{t-1} + (1 - dampening) * g_t
        d_t = g_t + momentum * b_t    if nesterov
              b_t                     if momentum > 0
              g_t                     otherwise
        theta_t = theta_{t-1} - lr * d_t
    """

    State = SGDState

    def __init__(self, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 nesterov: bool = False, weight_decay: float = 0):
        name = "SGD"
        lr = _at_least_zero(name, "lr", lr, _WHY_LR)
        momentum = _at_least_zero(name, "momentum", momentum,
                                  _WHY_MOMENTUM)
        dampening = _at_least_zero(name, "dampening", dampening, "dampening scales the new "
                                   "gradient by (1 - dampening); a negative one amplifies it")
        weight_decay = _at_least_zero(name, "weight_decay", weight_decay, _WHY_WD)
        nesterov = bool(nesterov)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(f"SGD: nesterov=True needs momentum > 0 and dampening = 0, got "
                             f"momentum={momentum!r} and dampening={dampening!r}: Nesterov looks "
                             f"ahead along an undamped momentum buffer")
        self._hp = dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                        weight_decay=weight_decay)
        self.label = "Nesterov" if nesterov else ("Momentum" if momentum > 0 else "GD")

    def _init(self, theta):
        return SGDState(t=0, b=self._zeros(theta) if self._hp["momentum"] != 0 else None)

    def _update(self, theta, grad, state):
        hp = self._hp
        lr, momentum, dampening = hp["lr"], hp["momentum"], hp["dampening"]
        nesterov, weight_decay = hp["nesterov"], hp["weight_decay"]
        t = state.t + 1
        if weight_decay != 0:
            grad = grad + weight_decay * theta
        b = None
        if momentum != 0:
            if t == 1:
                b = grad.copy()
            else:
                b = state.b * momentum + (1 - dampening) * grad
            grad = grad + momentum * b if nesterov else b
        return theta + (-lr) * grad, SGDState(t=t, b=_array(b) if b is not None else None)


# Okabe & Ito's (2008) colour-blind-safe palette, with Tol's wine for AdamW instead of
# their yellow (too light on white); tests/test_palette.py checks every pair.
# Plain and momentum GD need a step below 2 / curvature, which depends on the surface;
# the adaptive methods move about lr per step, so 0.1 suits every surface.
_SGD_CONTROLS = ("lr", "momentum", "nesterov")
register(Spec("sgd", SGD, "GD", "#000000", ":", "s", aliases=("gd",), controls=_SGD_CONTROLS,
              explore_lr=0.01, explore_lr_on={"quadratic": 0.1, "rotated_quadratic": 0.1,
                                              "rosenbrock": 0.001, "beale": 0.001,
                                              "saddle": 0.01, "himmelblau": 0.01}))
_MOMENTUM_LR = {"quadratic": 0.01, "rotated_quadratic": 0.01, "rosenbrock": 0.001,
                "beale": 0.001, "saddle": 0.001, "himmelblau": 0.01}
register(Spec("momentum", SGD, "Momentum", "#0072B2", "--", "^", fixed={"momentum": 0.9},
              controls=_SGD_CONTROLS, explore_lr=0.01, explore_lr_on=_MOMENTUM_LR))
register(Spec("nesterov", SGD, "Nesterov", "#56B4E9", (0, (5, 1)), "v",
              fixed={"momentum": 0.9, "nesterov": True}, controls=_SGD_CONTROLS,
              explore_lr=0.01, explore_lr_on=_MOMENTUM_LR))


# --------------------------------------------------------------------------- Adagrad

class Adagrad(_Optimizer):
    r"""Adagrad (Duchi et al., 2011) as in torch.optim.Adagrad.

    With gradient g_t = grad + weight_decay * theta_{t-1}::

        lr_t    = lr / (1 + (t - 1) * lr_decay)
        s_t     = s_{t-1} + g_t**2                 (s_0 = initial_accumulator_value)
        theta_t = theta_{t-1} - lr_t * g_t / (sqrt(s_t) + eps)

    The rate never grows: coordinates whose past gradients were small are shrunk less.
    """

    State = AdagradState

    def __init__(self, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10):
        name = "Adagrad"
        lr = _at_least_zero(name, "lr", lr, _WHY_LR)
        lr_decay = _at_least_zero(name, "lr_decay", lr_decay,
                                  "lr_decay shrinks the rate as lr / (1 + (t - 1) * lr_decay)")
        weight_decay = _at_least_zero(name, "weight_decay", weight_decay, _WHY_WD)
        initial_accumulator_value = _at_least_zero(
            name, "initial_accumulator_value", initial_accumulator_value,
            "the accumulator is a sum of squares, so it cannot start negative")
        eps = _at_least_zero(name, "eps", eps, _WHY_EPS)
        self._hp = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps)
        self.label = "Adagrad"

    def _init(self, theta):
        s0 = self._hp["initial_accumulator_value"]
        return AdagradState(t=0, state_sum=np.full_like(theta, s0))

    def _update(self, theta, grad, state):
        hp = self._hp
        lr, lr_decay, weight_decay, eps = hp["lr"], hp["lr_decay"], hp["weight_decay"], hp["eps"]
        t = state.t + 1
        if weight_decay != 0:
            grad = grad + weight_decay * theta
        clr = lr / (1 + (t - 1) * lr_decay)
        state_sum = state.state_sum + grad * grad
        std = np.sqrt(state_sum) + eps
        return theta + (-clr) * grad / std, AdagradState(t=t, state_sum=_array(state_sum))


register(Spec("adagrad", Adagrad, "Adagrad", "#009E73", "-.", "D", controls=("lr", "eps")))


# --------------------------------------------------------------------------- RMSprop

class RMSprop(_Optimizer):
    r"""RMSprop (Hinton, 2012) as in torch.optim.RMSprop.

    With gradient g_t = grad + weight_decay * theta_{t-1}::

        v_t     = alpha * v_{t-1} + (1 - alpha) * g_t**2
        gbar_t  = alpha * gbar_{t-1} + (1 - alpha) * g_t        (centered only)
        d_t     = sqrt(v_t - gbar_t**2) + eps   if centered
                  sqrt(v_t) + eps               otherwise
        b_t     = momentum * b_{t-1} + g_t / d_t                (momentum > 0, b_0 = 0)
        theta_t = theta_{t-1} - lr * b_t        if momentum > 0
                  theta_{t-1} - lr * g_t / d_t  otherwise
    """

    State = RMSpropState

    def __init__(self, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False):
        name = "RMSprop"
        lr = _at_least_zero(name, "lr", lr, _WHY_LR)
        alpha = _unit_interval(name, "alpha", alpha, _decay_why("alpha", "squared gradients"))
        eps = _at_least_zero(name, "eps", eps, _WHY_EPS)
        weight_decay = _at_least_zero(name, "weight_decay", weight_decay, _WHY_WD)
        momentum = _at_least_zero(name, "momentum", momentum,
                                  _WHY_MOMENTUM)
        self._hp = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=bool(centered))
        self.label = "RMSprop"

    def _init(self, theta):
        hp = self._hp
        return RMSpropState(t=0, v=self._zeros(theta),
                            g_avg=self._zeros(theta) if hp["centered"] else None,
                            b=self._zeros(theta) if hp["momentum"] > 0 else None)

    def _update(self, theta, grad, state):
        hp = self._hp
        lr, alpha, eps = hp["lr"], hp["alpha"], hp["eps"]
        weight_decay, momentum, centered = hp["weight_decay"], hp["momentum"], hp["centered"]
        t = state.t + 1
        if weight_decay != 0:
            grad = grad + weight_decay * theta
        v = state.v * alpha + (1 - alpha) * grad * grad
        g_avg = b = None
        if centered:
            g_avg = _lerp(state.g_avg, grad, 1 - alpha)
            avg = np.sqrt(v + (-1.0) * g_avg * g_avg)
        else:
            avg = np.sqrt(v)
        avg = avg + eps
        if momentum > 0:
            b = state.b * momentum + grad / avg
            theta = theta + (-lr) * b
        else:
            theta = theta + (-lr) * grad / avg
        new = RMSpropState(t=t, v=_array(v), g_avg=None if g_avg is None else _array(g_avg),
                           b=None if b is None else _array(b))
        return theta, new


register(Spec("rmsprop", RMSprop, "RMSprop", "#CC79A7", (0, (3, 1, 1, 1, 1, 1)), "P",
              controls=("lr", "alpha", "eps", "momentum")))


# --------------------------------------------------------------------------- Adam, AdamW

class Adam(_Optimizer):
    r"""Adam (Kingma & Ba, 2015) as in torch.optim.Adam, with AMSGrad (Reddi et al., 2018).

    With gradient g_t = grad + weight_decay * theta_{t-1} (coupled, L2-style decay)::

        m_t     = beta1 * m_{t-1} + (1 - beta1) * g_t
        v_t     = beta2 * v_{t-1} + (1 - beta2) * g_t**2
        vmax_t  = max(vmax_{t-1}, v_t)      (amsgrad: replaces v_t below)
        m_hat_t = m_t / (1 - beta1**t)
        v_hat_t = v_t / (1 - beta2**t)
        theta_t = theta_{t-1} - lr * m_hat_t / (sqrt(v_hat_t) + eps)

    eps sits outside the square root. ``bias_correction=False`` (a teaching switch that
    torch does not have) uses m_t and v_t in place of m_hat_t and v_hat_t.
    """

    State = AdamState
    _decoupled = False

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False,
                 bias_correction: bool = True):
        self._setup(lr, beta1, beta2, eps, weight_decay, amsgrad)
        self._hp["bias_correction"] = bool(bias_correction)
        self.label = "AMSGrad" if self._hp["amsgrad"] else "Adam"

    def _setup(self, lr, beta1, beta2, eps, weight_decay, amsgrad):
        name = type(self).__name__
        self._hp = dict(
            lr=_at_least_zero(name, "lr", lr, _WHY_LR),
            beta1=_unit_interval(name, "beta1", beta1, _decay_why("beta1", "gradients (m)")),
            beta2=_unit_interval(name, "beta2", beta2,
                                 _decay_why("beta2", "squared gradients (v)")),
            eps=_at_least_zero(name, "eps", eps, _WHY_EPS),
            weight_decay=_at_least_zero(name, "weight_decay", weight_decay, _WHY_WD),
            amsgrad=bool(amsgrad),
        )

    def _init(self, theta):
        return AdamState(t=0, m=self._zeros(theta), v=self._zeros(theta),
                         v_max=self._zeros(theta) if self._hp["amsgrad"] else None)

    def _update(self, theta, grad, state):
        hp = self._hp
        lr, beta1, beta2, eps = hp["lr"], hp["beta1"], hp["beta2"], hp["eps"]
        weight_decay = hp["weight_decay"]
        bias_correction = hp.get("bias_correction", True)
        t = state.t + 1
        if weight_decay != 0:
            if self._decoupled:
                theta = theta * (1 - lr * weight_decay)
            else:
                grad = grad + weight_decay * theta
        m = _lerp(state.m, grad, 1 - beta1)              # beta1 * m + (1 - beta1) * g
        v = state.v * beta2 + (1 - beta2) * grad * grad
        v_max = None
        if hp["amsgrad"]:
            v_max = np.maximum(state.v_max, v)           # the max of the raw v, not of v_hat
        v_used = v if v_max is None else v_max
        if bias_correction:
            bias_correction1 = 1 - beta1 ** t
            bias_correction2 = 1 - beta2 ** t
            step_size = lr / bias_correction1
            denom = np.sqrt(v_used) / bias_correction2 ** 0.5 + eps   # sqrt(v_hat) + eps
        else:
            step_size = lr
            denom = np.sqrt(v_used) + eps
        theta = theta + (-step_size) * m / denom
        return theta, AdamState(t=t, m=_array(m), v=_array(v),
                                v_max=None if v_max is None else _array(v_max))


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, 2019) as in torch.optim.AdamW: Adam with decoupled
    weight decay, applied to theta before the Adam step::

        theta'  = theta_{t-1} * (1 - lr * weight_decay)
        m_t, v_t, m_hat_t, v_hat_t as in Adam, from the raw gradient g_t
        theta_t = theta' - lr * m_hat_t / (sqrt(v_hat_t) + eps)
    """

    _decoupled = True

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False):
        self._setup(lr, beta1, beta2, eps, weight_decay, amsgrad)
        self.label = "AdamW"


_ADAM_CONTROLS = ("lr", "beta1", "beta2", "eps")
register(Spec("adam", Adam, "Adam", "#D55E00", "-", "o",
              controls=_ADAM_CONTROLS + ("bias_correction",)))
register(Spec("amsgrad", Adam, "AMSGrad", "#E69F00", (0, (1, 1, 4, 1)), "p",
              fixed={"amsgrad": True}, controls=_ADAM_CONTROLS + ("bias_correction",)))
register(Spec("adamw", AdamW, "AdamW", "#882255", (0, (8, 2)), "h",
              controls=_ADAM_CONTROLS + ("weight_decay",)))


# --------------------------------------------------------------------------- make

NAMES = tuple(SPECS)  # the course's optimizer names (with the alias "gd")


def make(name: str, **hp: Any):
    """Build an optimizer by name, e.g. ``make("adam", lr=0.1)``.

    Names: ``sgd`` (alias ``gd``), ``momentum`` (SGD with momentum 0.9 unless given),
    ``nesterov`` (likewise, with ``nesterov=True``), ``adagrad``, ``rmsprop``, ``adam``,
    ``amsgrad`` (Adam with ``amsgrad=True``), ``adamw``, and any name added with `register`.
    """
    declared = spec(name)
    allowed = list(declared.build(**declared.fixed).hyperparams)
    unknown = sorted(set(hp) - set(allowed))
    if unknown:
        raise ValueError(f"{str(name).lower()} does not take {', '.join(map(repr, unknown))}; "
                         f"its hyperparameters are {', '.join(allowed)}")
    return declared.build(**{**declared.fixed, **hp})
