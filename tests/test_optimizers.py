"""Tests for adamedu.optimizers: torch.optim fixtures, closed forms, purity, shapes, errors."""

import inspect
import json
import re
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from adamedu import optimizers as O
from adamedu.optimizers import SGD, Adagrad, Adam, AdamW, RMSprop, make, state_nbytes

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "torch_reference.npz"
CLASSES = {"SGD": SGD, "Adagrad": Adagrad, "RMSprop": RMSprop, "Adam": Adam, "AdamW": AdamW}


def _load():
    with np.load(FIXTURE) as z:
        assert str(z["torch_version"]).startswith("2.13.0")
        configs = json.loads(str(z["configs"]))
        data = {name: (z[f"{name}/theta0"], z[f"{name}/grads"], z[f"{name}/thetas"])
                for name in configs}
    return configs, data


CONFIGS, DATA = _load()


def replay_error(step, state, name):
    """Largest |theta - theta_torch| / max|theta_torch| over the steps of fixture ``name``."""
    theta, grads, thetas = DATA[name]
    worst = 0.0
    for grad, expected in zip(grads, thetas):
        theta, state = step(theta, grad, state)
        worst = max(worst, np.max(np.abs(theta - expected)) / np.max(np.abs(expected)))
    return worst


def build(name):
    config = CONFIGS[name]
    return CLASSES[config["optimizer"]](**config["hyperparams"])


# --------------------------------------------------------------------------- torch fixtures
# adamedu does torch's operations in torch's order, but torch's CPU kernels fuse a multiply
# and an add into one rounding (test_torch_rounds_a_multiply_add_once) where numpy rounds
# the product first. So a fixture matches bit for bit only if no such 1-ulp difference
# arises; those that do match are compared exactly. In the others the differences start at
# one rounding of a product and are carried on by the iteration: they stay below 8 float64
# eps (relative to the largest |theta|), except where lr = 1 or a small beta1 or alpha
# amplifies them (measured worst: 3.1e-14 = 138 eps, adam_large_lr).
EPS = np.finfo(np.float64).eps
EXACT = {"adagrad_first_step", "adagrad_rosenbrock", "adam_first_step", "adam_rosenbrock",
         "adam_tiny", "adamw_betas_eps", "adamw_first_step", "adamw_rosenbrock",
         "amsgrad_rosenbrock", "rmsprop_first_step", "rmsprop_rosenbrock", "rmsprop_tiny"}
AMPLIFIED = {"adam_large_lr", "adam_small_beta1", "rmsprop_centered_small_alpha"}


def tolerance(name):
    """The largest replay_error fixture `name` accepts: 0 (bit for bit) where possible."""
    return 0.0 if name in EXACT else (256 if name in AMPLIFIED else 8) * EPS


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_matches_torch_trajectory(name):
    opt = build(name)
    theta0 = DATA[name][0]
    error = replay_error(opt.step, opt.init(theta0), name)
    assert error <= tolerance(name), \
        f"{name}: relative error {error:.3g} ({error / EPS:.3g} eps), allowed {tolerance(name):.3g}"


def test_tolerances_name_real_fixtures():
    assert EXACT | AMPLIFIED <= set(CONFIGS) and not EXACT & AMPLIFIED
    assert {CONFIGS[name]["optimizer"] for name in EXACT} >= {"Adagrad", "RMSprop", "Adam",
                                                               "AdamW"}


def test_torch_rounds_a_multiply_add_once():
    """Why most fixtures cannot match bit for bit: torch's first plain SGD step,
    theta - lr * g, is the exact value rounded once (a fused multiply-add); numpy rounds
    lr * g first and then the difference."""
    theta0, grads, thetas = DATA["sgd_large_lr"]
    lr = CONFIGS["sgd_large_lr"]["hyperparams"]["lr"]
    rounded_once = [float(Fraction(a) - Fraction(lr) * Fraction(g))
                    for a, g in zip(theta0, grads[0])]
    assert thetas[0].tolist() == rounded_once
    assert not np.array_equal(theta0 - lr * grads[0], thetas[0])


def test_fixture_covers_every_option():
    for cls_name, cls in CLASSES.items():
        cases = [c for c in CONFIGS.values() if c["optimizer"] == cls_name]
        params = inspect.signature(cls).parameters
        for arg, p in params.items():
            if arg == "bias_correction":  # adamedu's teaching switch; torch has no such option
                continue
            assert any(c["hyperparams"].get(arg, p.default) != p.default for c in cases), \
                f"no {cls_name} fixture sets {arg}"
        assert any(c["steps"] == 1 for c in cases), f"no first-step fixture for {cls_name}"
        assert any(c["problem"] == "rosenbrock" for c in cases)
        assert any(c["steps"] == 200 for c in cases)
        assert any(c["transform"] == "sparse" for c in cases), f"no sparse fixture for {cls_name}"
    for transform in ("sparse", "tiny"):
        assert any(c["transform"] == transform for c in CONFIGS.values())
    sparse = next(n for n, c in CONFIGS.items() if c["transform"] == "sparse")
    assert np.mean(DATA[sparse][1] == 0) > 0.7  # most entries are exactly zero
    tiny = next(n for n, c in CONFIGS.items() if c["transform"] == "tiny")
    assert np.max(np.abs(DATA[tiny][1])) < 1e-8
    assert any(c["hyperparams"].get("amsgrad") for c in CONFIGS.values())
    assert any(c["hyperparams"].get("lr", 0) >= 1.0 for c in CONFIGS.values())  # a large lr


# Sloppy variants of the update: each must be rejected by the fixtures, which shows the
# replay test above can fail. Each is (fixture, step, init) on plain numpy arrays. The
# textbook form of Adam (m_hat / (sqrt(v_hat) + eps), with m_hat and v_hat computed
# first) is the same mathematics in another order: only the exact comparison rejects it.

def _sloppy_adam(eps_inside_root=False, bias_correction=True, max_of_v_hat=False):
    lr, beta1, beta2, eps = 0.05, 0.9, 0.999, 1e-8

    def step(theta, g, state):
        t, m, v, v_max = state
        t += 1
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = m, v
        if bias_correction:
            m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
        if max_of_v_hat:
            v_max = np.maximum(v_max, v_hat)
            v_hat = v_max
        denom = np.sqrt(v_hat + eps) if eps_inside_root else np.sqrt(v_hat) + eps
        return theta - lr * m_hat / denom, (t, m, v, v_max)

    return step


def _sloppy_adamw_decay_after(theta, g, state):
    lr, wd = 0.05, 0.01
    new_theta, state = Adam(lr=lr).step(theta, g, state)
    return new_theta * (1 - lr * wd), state


def _sloppy_momentum_zero_buffer(theta, g, state):
    lr, momentum, dampening = 0.02, 0.9, 0.5
    b = momentum * state + (1 - dampening) * g
    return theta - lr * b, b


def _sloppy_adagrad_decay_with_t(theta, g, state):
    lr, lr_decay, eps = 0.5, 0.01, 1e-10
    t, s = state
    t += 1
    s = s + g * g
    return theta - lr / (1 + t * lr_decay) * g / (np.sqrt(s) + eps), (t, s)


def _zeros4():
    return np.zeros(4)


SLOPPY = {
    "textbook m_hat / (sqrt(v_hat) + eps)": ("adam_tiny", _sloppy_adam(),
                                             lambda: (0, _zeros4(), _zeros4(), None)),
    "eps inside the root": ("adam_tiny", _sloppy_adam(eps_inside_root=True),
                            lambda: (0, _zeros4(), _zeros4(), None)),
    "no bias correction": ("adam_quadratic", _sloppy_adam(bias_correction=False),
                           lambda: (0, _zeros4(), _zeros4(), None)),
    "AMSGrad max of v_hat": ("amsgrad_quadratic", _sloppy_adam(max_of_v_hat=True),
                             lambda: (0, _zeros4(), _zeros4(), _zeros4())),
    "AdamW decays after the step": ("adamw_quadratic", _sloppy_adamw_decay_after,
                                    lambda: Adam().init(_zeros4())),
    "AdamW as coupled L2 decay": ("adamw_quadratic", Adam(lr=0.05, weight_decay=0.01).step,
                                  lambda: Adam().init(_zeros4())),
    "momentum buffer starts at 0": ("momentum_dampening", _sloppy_momentum_zero_buffer,
                                    _zeros4),
    "Adagrad decay uses t": ("adagrad_lr_decay", _sloppy_adagrad_decay_with_t,
                             lambda: (0, _zeros4())),
}


@pytest.mark.parametrize("variant", sorted(SLOPPY))
def test_fixtures_reject_sloppy_variants(variant):
    name, step, init = SLOPPY[variant]
    assert replay_error(step, init(), name) > tolerance(name)


def test_sloppy_adam_is_right_when_not_sloppy():
    """The sloppy Adam above, with no sloppiness switched on, is torch's Adam up to rounding
    (within a fixture's rounding bound): the other variants fail for their sloppiness."""
    error = replay_error(_sloppy_adam(), (0, _zeros4(), _zeros4(), None), "adam_quadratic")
    assert 0 < error <= tolerance("adam_quadratic")


# --------------------------------------------------------------------------- closed forms

def test_adam_first_step_closed_form():
    theta0 = np.array([1.0, -2.0, 0.5, 3.0])
    g = np.array([0.3, -1e-4, 2.0, 1e-9])
    lr, eps = 0.1, 1e-8
    theta1, state = Adam(lr=lr, eps=eps).step(theta0, g, Adam().init(theta0))
    expected = theta0 - lr * g / (np.abs(g) + eps)
    np.testing.assert_allclose(theta1 - theta0, expected - theta0, rtol=1e-14, atol=0)
    assert state.t == 1
    # eps inside the root would give a visibly different first step
    inside = theta0 - lr * g / np.sqrt(g * g + eps)
    assert not np.allclose(theta1, inside, rtol=1e-6, atol=0)


def test_adam_first_step_is_lr_sized_sign_step():
    theta1, _ = Adam(lr=0.25, eps=0.0).step(np.zeros(3), np.array([5.0, -1e-3, 1e3]),
                                            Adam().init(np.zeros(3)))
    np.testing.assert_allclose(theta1, [-0.25, 0.25, -0.25], rtol=1e-15)


def test_adam_first_step_without_bias_correction():
    theta0, g = np.array([1.0, -2.0]), np.array([0.3, -0.02])
    lr, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8
    opt = Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps, bias_correction=False)
    theta1, state = opt.step(theta0, g, opt.init(theta0))
    expected = theta0 - lr * (1 - beta1) * g / (np.sqrt(1 - beta2) * np.abs(g) + eps)
    np.testing.assert_allclose(theta1 - theta0, expected - theta0, rtol=1e-14)
    # with eps = 0 the uncorrected first step is (1 - beta1) / sqrt(1 - beta2) = 3.16x larger
    raw = Adam(lr=lr, eps=0.0, bias_correction=False).step(theta0, g, opt.init(theta0))[0]
    corrected = Adam(lr=lr, eps=0.0).step(theta0, g, opt.init(theta0))[0]
    np.testing.assert_allclose((raw - theta0) / (corrected - theta0), 0.1 / np.sqrt(0.001),
                               rtol=1e-12)


def test_bias_correction_off_uses_raw_moments():
    rng = np.random.default_rng(0)
    opt = Adam(lr=0.01, bias_correction=False, amsgrad=True)
    theta, state = rng.standard_normal(5), opt.init(np.zeros(5))
    for _ in range(3):
        before = state
        g = rng.standard_normal(5)
        theta_new, state = opt.step(theta, g, state)
        np.testing.assert_allclose(state.m, 0.9 * before.m + 0.1 * g, rtol=1e-14)
        np.testing.assert_allclose(state.v, 0.999 * before.v + 0.001 * g * g, rtol=1e-14)
        np.testing.assert_array_equal(state.v_max, np.maximum(before.v_max, state.v))
        expected = theta - 0.01 * state.m / (np.sqrt(state.v_max) + 1e-8)
        np.testing.assert_allclose(theta_new, expected, rtol=1e-14)
        theta = theta_new
    assert "bias_correction=False" in repr(opt)


def test_known_values():
    one, two = np.array([1.0]), np.array([2.0])
    assert SGD(lr=0.1).step(one, two, SGD().init(one))[0] == pytest.approx(0.8, abs=1e-16)
    opt = SGD(lr=0.1, momentum=0.9)
    theta, state = opt.step(one, two, opt.init(one))      # b1 = g1 = 2
    np.testing.assert_array_equal(state.b, [2.0])
    theta, state = opt.step(theta, one, state)            # b2 = 0.9 * 2 + 1 = 2.8
    assert state.b[0] == pytest.approx(2.8, abs=1e-15)
    assert theta[0] == pytest.approx(0.52, abs=1e-15)
    opt = SGD(lr=0.1, momentum=0.9, nesterov=True)
    theta, state = opt.step(one, two, opt.init(one))      # d = g + 0.9 * g = 3.8
    assert theta[0] == pytest.approx(0.62, abs=1e-15)
    opt = Adagrad(lr=0.5, eps=0.0, initial_accumulator_value=9.0)
    theta, state = opt.step(one, np.array([4.0]), opt.init(one))   # sqrt(9 + 16) = 5
    assert theta[0] == pytest.approx(1 - 0.5 * 4 / 5, abs=1e-15) and state.state_sum[0] == 25
    opt = Adagrad(lr=1.0, lr_decay=1.0, eps=0.0)
    theta, state = opt.step(one, two, opt.init(one))       # clr = 1 at t = 1
    theta, state = opt.step(theta, two, state)             # clr = 1/2, sqrt(8)
    assert theta[0] == pytest.approx(1 - 1 - 0.5 * 2 / np.sqrt(8), abs=1e-15)
    opt = RMSprop(lr=0.01, alpha=0.99, eps=0.0)
    theta, _ = opt.step(one, two, opt.init(one))          # v = 0.01 * 4, step = 0.01 * 2 / 0.2
    assert theta[0] == pytest.approx(0.9, abs=1e-14)
    opt = RMSprop(lr=0.01, alpha=0.5, eps=0.0, centered=True)
    theta, state = opt.step(one, two, opt.init(one))      # v = 2, gbar = 1, sqrt(2 - 1) = 1
    assert theta[0] == pytest.approx(0.98, abs=1e-15) and state.g_avg[0] == 1.0
    opt = AdamW(lr=0.1, weight_decay=0.5, eps=0.0)
    theta, _ = opt.step(one, two, opt.init(one))          # 1 * (1 - 0.05) - 0.1
    assert theta[0] == pytest.approx(0.85, abs=1e-15)
    opt = Adam(lr=0.1, weight_decay=0.5, eps=0.0)         # coupled: still a sign step at t = 1
    theta, _ = opt.step(one, two, opt.init(one))
    assert theta[0] == pytest.approx(0.9, abs=1e-15)


def test_amsgrad_keeps_the_raw_maximum():
    opt = Adam(lr=0.1, amsgrad=True)
    theta, state = np.zeros(1), opt.init(np.zeros(1))
    for g in (10.0, 0.1, 0.1):
        theta, state = opt.step(theta, np.array([g]), state)
    assert state.v_max[0] == pytest.approx(0.001 * 100, rel=1e-14)  # v after step 1
    assert state.v[0] < state.v_max[0]


def test_t_is_incremented_before_use():
    opt = Adam()
    state = opt.init(np.zeros(2))
    assert state.t == 0 and state._fields[0] == "t"
    for k in range(1, 4):
        _, state = opt.step(np.zeros(2), np.ones(2), state)
        assert state.t == k
    for name in O.NAMES:
        assert make(name).init(np.zeros(1))._fields[0] == "t"


def test_lr_zero_freezes_theta():
    theta = np.array([1.0, 2.0])
    for name in O.NAMES:
        opt = make(name, lr=0.0)
        if name == "adamw":
            opt = make(name, lr=0.0, weight_decay=0.5)
        out, _ = opt.step(theta, np.array([3.0, -4.0]), opt.init(theta))
        np.testing.assert_array_equal(out, theta)


# --------------------------------------------------------------------------- purity

FULL = {
    "sgd": dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.1),
    "nesterov": dict(lr=0.1, momentum=0.9, weight_decay=0.1),
    "adagrad": dict(lr=0.1, lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.1),
    "rmsprop": dict(lr=0.1, momentum=0.5, centered=True, weight_decay=0.1),
    "amsgrad": dict(lr=0.1, weight_decay=0.1),
    "adamw": dict(lr=0.1, amsgrad=True),
}


@pytest.mark.parametrize("name", sorted(FULL))
def test_inputs_are_never_modified(name):
    opt = make(name, **FULL[name])
    rng = np.random.default_rng(1)
    theta = rng.standard_normal((3, 4))
    state = opt.init(theta)
    for _ in range(3):
        grad = rng.standard_normal((3, 4))
        after = [theta, grad] + [x for x in state if isinstance(x, np.ndarray)]
        copies = [x.copy() for x in after]
        new_theta, new_state = opt.step(theta, grad, state)
        for before, now in zip(copies, after):
            np.testing.assert_array_equal(before, now)
        for new in [new_theta] + [x for x in new_state if isinstance(x, np.ndarray)]:
            for old in after:
                assert not np.shares_memory(new, old)
        theta, state = new_theta, new_state


def test_state_is_immutable():
    state = Adam().init(np.zeros(2))
    with pytest.raises(AttributeError):
        state.t = 5


# --------------------------------------------------------------------------- shapes and dtypes

@pytest.mark.parametrize("name", O.NAMES)
def test_any_shape_matches_flat(name):
    opt = make(name, lr=0.05)
    rng = np.random.default_rng(2)
    theta = rng.standard_normal((2, 3, 4))
    flat, state, state_flat = theta.ravel(), opt.init(theta), opt.init(theta.ravel())
    for _ in range(3):
        grad = rng.standard_normal((2, 3, 4))
        theta, state = opt.step(theta, grad, state)
        flat, state_flat = opt.step(flat, grad.ravel(), state_flat)
        assert theta.shape == (2, 3, 4)
        np.testing.assert_array_equal(theta.ravel(), flat)


@pytest.mark.parametrize("name, kwargs", [(name, {}) for name in O.NAMES] + [
    ("rmsprop", dict(centered=True, momentum=0.5)), ("adamw", dict(amsgrad=True))])
def test_scalars_and_python_numbers(name, kwargs):
    opt = make(name, lr=0.05, **kwargs)
    theta, state = opt.step(1.5, -0.5, opt.init(1.5))
    assert isinstance(theta, np.ndarray) and theta.shape == () and theta.dtype == np.float64
    assert all(x is None or (isinstance(x, np.ndarray) and x.shape == ()) for x in state[1:])
    vec, _ = opt.step(np.array([1.5]), np.array([-0.5]), opt.init(np.array([1.5])))
    assert theta == vec[0]
    listed, _ = opt.step([1.5, 2.0], [-0.5, 0.5], opt.init([1.5, 2.0]))
    assert isinstance(listed, np.ndarray) and listed.shape == (2,)


@pytest.mark.parametrize("name", O.NAMES)
def test_dtype_is_kept(name):
    opt = make(name, lr=0.05)
    theta = np.ones(3, dtype=np.float32)
    state = opt.init(theta)
    for _ in range(2):
        theta, state = opt.step(theta, np.array([0.1, -0.2, 0.3]), state)  # float64 gradient
    assert theta.dtype == np.float32
    assert all(x.dtype == np.float32 for x in state if isinstance(x, np.ndarray))
    theta, state = opt.step(np.array([1, 2]), np.array([1, -1]), opt.init(np.array([1, 2])))
    assert theta.dtype == np.float64


def test_complex_theta_is_rejected():
    with pytest.raises(ValueError, match="real"):
        Adam().init(np.array([1 + 1j]))


# --------------------------------------------------------------------------- memory

@pytest.mark.parametrize("name, kwargs, buffers", [
    ("sgd", {}, 0),
    ("momentum", {}, 1),
    ("nesterov", {}, 1),
    ("adagrad", {}, 1),
    ("rmsprop", {}, 1),
    ("rmsprop", dict(centered=True), 2),
    ("rmsprop", dict(centered=True, momentum=0.9), 3),
    ("adam", {}, 2),
    ("adam", dict(bias_correction=False), 2),
    ("amsgrad", {}, 3),
    ("adamw", {}, 2),
    ("adamw", dict(amsgrad=True), 3),
])
def test_state_nbytes(name, kwargs, buffers):
    opt = make(name, **kwargs)
    theta = np.zeros(1000)
    state = opt.init(theta)
    assert state_nbytes(state) == buffers * theta.nbytes
    _, state = opt.step(theta, np.ones(1000), state)
    assert state_nbytes(state) == buffers * theta.nbytes
    assert state_nbytes(opt.init(theta.astype(np.float32))) == buffers * 4000
    assert sum(x is None for x in state) == len(state) - 1 - buffers


# --------------------------------------------------------------------------- names and display

@pytest.mark.parametrize("name, cls, label, expected", [
    ("sgd", SGD, "GD", {"momentum": 0.0}),
    ("gd", SGD, "GD", {}),
    ("momentum", SGD, "Momentum", {"momentum": 0.9, "nesterov": False}),
    ("nesterov", SGD, "Nesterov", {"momentum": 0.9, "nesterov": True}),
    ("adagrad", Adagrad, "Adagrad", {"lr": 1e-2, "eps": 1e-10}),
    ("rmsprop", RMSprop, "RMSprop", {"alpha": 0.99}),
    ("adam", Adam, "Adam", {"amsgrad": False, "lr": 1e-3, "beta1": 0.9, "beta2": 0.999}),
    ("amsgrad", Adam, "AMSGrad", {"amsgrad": True}),
    ("adamw", AdamW, "AdamW", {"weight_decay": 1e-2}),
    ("ADAM", Adam, "Adam", {}),
])
def test_make(name, cls, label, expected):
    opt = make(name)
    assert type(opt) is cls and opt.label == label
    for key, value in expected.items():
        assert opt.hyperparams[key] == value


def test_make_passes_and_overrides_hyperparameters():
    assert make("momentum", momentum=0.5).hyperparams["momentum"] == 0.5
    assert make("adam", lr=0.1, beta2=0.9).hyperparams == Adam(lr=0.1, beta2=0.9).hyperparams
    assert make("sgd", momentum=0.9).label == "Momentum"
    assert make("adamw", amsgrad=True).label == "AdamW"


def test_make_rejects_unknown_names_and_arguments():
    with pytest.raises(ValueError, match=r"'adamax'.*adam, amsgrad, adamw"):
        make("adamax")
    with pytest.raises(ValueError, match=r"'betas'.*beta1, beta2"):
        make("adam", betas=(0.9, 0.999))


def test_repr_and_hyperparams():
    opt = Adam(lr=0.1)
    assert repr(opt) == ("Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.0, "
                         "amsgrad=False, bias_correction=True)")
    for name in O.NAMES:
        opt = make(name, lr=0.3)
        again = eval(repr(opt), vars(O))
        assert type(again) is type(opt) and again.hyperparams == opt.hyperparams
    hp = opt.hyperparams
    hp["lr"] = 99.0
    assert opt.hyperparams["lr"] == 0.3
    assert list(inspect.signature(type(opt)).parameters) == list(opt.hyperparams)


# --------------------------------------------------------------------------- bad input

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("cls, kwargs, arg, value, allowed", [
    (Adam, dict(lr=-0.1), "lr", "-0.1", "[0, inf)"),
    (SGD, dict(lr=-1), "lr", "-1.0", "[0, inf)"),
    (Adam, dict(beta1=1.0), "beta1", "1.0", "[0, 1)"),
    (Adam, dict(beta1=-0.1), "beta1", "-0.1", "[0, 1)"),
    (Adam, dict(beta2=1.5), "beta2", "1.5", "[0, 1)"),
    (AdamW, dict(beta2=1.0), "beta2", "1.0", "[0, 1)"),
    (Adam, dict(eps=-1e-8), "eps", "-1e-08", "[0, inf)"),
    (Adagrad, dict(eps=-1.0), "eps", "-1.0", "[0, inf)"),
    (RMSprop, dict(eps=-1.0), "eps", "-1.0", "[0, inf)"),
    (Adam, dict(weight_decay=-0.1), "weight_decay", "-0.1", "[0, inf)"),
    (AdamW, dict(weight_decay=-0.01), "weight_decay", "-0.01", "[0, inf)"),
    (SGD, dict(momentum=-0.5), "momentum", "-0.5", "[0, inf)"),
    (SGD, dict(momentum=0.9, dampening=-0.1), "dampening", "-0.1", "[0, inf)"),
    (SGD, dict(weight_decay=-1.0), "weight_decay", "-1.0", "[0, inf)"),
    (Adagrad, dict(lr_decay=-0.1), "lr_decay", "-0.1", "[0, inf)"),
    (Adagrad, dict(initial_accumulator_value=-1), "initial_accumulator_value", "-1.0", "[0, inf)"),
    (Adagrad, dict(weight_decay=-1), "weight_decay", "-1.0", "[0, inf)"),
    (RMSprop, dict(alpha=1.0), "alpha", "1.0", "[0, 1)"),
    (RMSprop, dict(alpha=-0.5), "alpha", "-0.5", "[0, 1)"),
    (RMSprop, dict(momentum=-0.9), "momentum", "-0.9", "[0, inf)"),
    (RMSprop, dict(weight_decay=-0.9), "weight_decay", "-0.9", "[0, inf)"),
])
def test_out_of_range_hyperparameters(cls, kwargs, arg, value, allowed):
    with pytest.raises(ValueError) as info:
        cls(**kwargs)
    message = str(info.value)
    assert f"{arg}={value}" in message
    assert allowed in message
    assert ":" in message.split(allowed)[1]  # followed by the reason


@pytest.mark.parametrize("cls, arg", [
    (Adam, "lr"), (Adam, "beta1"), (Adam, "beta2"), (Adam, "eps"), (AdamW, "weight_decay"),
    (SGD, "momentum"), (SGD, "dampening"), (Adagrad, "lr_decay"),
    (Adagrad, "initial_accumulator_value"), (RMSprop, "alpha"),
])
@pytest.mark.parametrize("value", [NAN, INF, -INF])
def test_non_finite_hyperparameters(cls, arg, value):
    allowed = "[0, 1)" if arg in ("beta1", "beta2", "alpha") else "[0, inf)"
    with pytest.raises(ValueError, match=rf"{arg}={value!r} is not finite; the allowed range "
                                         rf"is {re.escape(allowed)}: "):
        cls(**{arg: value})


@pytest.mark.parametrize("value", ["0.1", None, (0.9, 0.999), True, np.array([0.1, 0.2])])
def test_non_numeric_hyperparameters(value):
    with pytest.raises(ValueError, match=r"Adam: lr must be a finite real number in the "
                                         r"allowed range \[0, inf\), got "):
        Adam(lr=value)


@pytest.mark.parametrize("kwargs", [dict(nesterov=True),
                                    dict(nesterov=True, momentum=0.9, dampening=0.1)])
def test_nesterov_needs_undamped_momentum(kwargs):
    with pytest.raises(ValueError, match=r"nesterov=True needs momentum > 0 and dampening = 0, "
                                         r"got momentum=[0-9.]+ and dampening=[0-9.]+: "):
        SGD(**kwargs)


def test_boundary_values_are_allowed():
    Adam(lr=0.0, beta1=0.0, beta2=0.0, eps=0.0, weight_decay=0.0)
    RMSprop(alpha=0.0, momentum=0.0)
    SGD(lr=0, momentum=0.9, nesterov=True, dampening=0)
    Adam(lr=np.float32(0.1), beta1=np.float64(0.5))


@pytest.mark.parametrize("name", O.NAMES)
def test_gradient_shape_must_match(name):
    opt = make(name)
    theta = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"grad has shape \(3, 2\) but theta has shape \(2, 3\)"):
        opt.step(theta, np.zeros((3, 2)), opt.init(theta))
    with pytest.raises(ValueError, match=r"grad has shape \(6,\)"):
        opt.step(theta, np.zeros(6), opt.init(theta))


def test_state_of_another_optimizer_is_rejected():
    theta = np.zeros(2)
    with pytest.raises(ValueError, match=r"state is a SGDState, but Adam needs a AdamState"):
        Adam().step(theta, theta, SGD().init(theta))


def test_state_of_another_shape_is_rejected():
    with pytest.raises(ValueError, match=r"state.m has shape \(2,\) but theta has shape \(3,\)"):
        Adam().step(np.zeros(3), np.zeros(3), Adam().init(np.zeros(2)))


@pytest.mark.parametrize("name", O.NAMES)
def test_non_finite_gradients_propagate_without_raising_or_warning(name):
    opt = make(name, lr=0.1)
    theta = np.array([1.0, 2.0, 3.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new, state = opt.step(theta, np.array([np.nan, np.inf, 1.0]), opt.init(theta))
        new, state = opt.step(new, np.array([1e308, 1.0, 1.0]), state)
    assert not np.isfinite(new[0]) and not np.isfinite(new[1])
