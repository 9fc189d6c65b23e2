"""The in-notebook checks name the usual mistakes (no kernel needed).

Each wrong answer below is a slip students make; its check must print the first failing
case with the hint that names that slip, and a right answer must print ✓.
"""
import math

import numpy as np
import pytest

from adamedu.course import answers, check


def _adam(theta, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, *, t_late=False,
          eps_inside=False, bias=True, in_place=False, flat=False, scalar_t=False,
          fixed_betas=False):
    if fixed_betas:
        beta1, beta2 = 0.9, 0.999
    if not t_late:
        t = t + 1
    if in_place:
        m *= beta1
        m += (1 - beta1) * grad
    else:
        m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    if scalar_t:  # the paper's "efficient" lr_t, written with Python floats
        step = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + eps)
    else:
        m_hat, v_hat = (m / (1 - beta1**t), v / (1 - beta2**t)) if bias else (m, v)
        denom = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
        step = lr * m_hat / denom
    theta = theta - step
    return (theta.ravel() if flat else theta), m, v, (t + 1 if t_late else t)


def _amsgrad_max_of_v_hat(theta, grad, m, v, v_max, t, lr=0.001, beta1=0.9, beta2=0.999,
                          eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    v_max = np.maximum(v_max, v / (1 - beta2**t))
    return theta - lr * m / (1 - beta1**t) / (np.sqrt(v_max) + eps), m, v, v_max, t


def _momentum(theta, grad, buf, lr, momentum, *, form):
    if form == "damped":
        buf = grad.copy() if buf is None else momentum * buf + (1 - momentum) * grad
        return theta - lr * buf, buf
    if form == "velocity":
        buf = -lr * grad if buf is None else momentum * buf - lr * grad
        return theta + buf, buf
    buf = momentum * buf + grad  # form == "no first step": fails on buf=None
    return theta - lr * buf, buf


@pytest.fixture(autouse=True)
def _first_rung():
    check.reset_hints()


def _check_output(capsys, name, answer):
    getattr(check, name)(answer)
    return capsys.readouterr().out


@pytest.mark.parametrize("name, answer, expected", [
    ("adam_step", lambda *a, **k: _adam(*a, **k, t_late=True),
     "t counts the steps taken"),
    ("adam_step", lambda *a, **k: _adam(*a, **k, t_late=True, scalar_t=True),
     "t counts the steps taken"),
    ("adam_step", lambda *a, **k: _adam(*a, **k, eps_inside=True),
     "compare where eps enters your denominator"),
    ("adam_step", lambda *a, **k: _adam(*a, **k, bias=False), "no bias correction"),
    ("adam_step", lambda *a, **k: _adam(*a, **k, fixed_betas=True),
     "use the arguments beta1 and beta2"),
    ("adam_step", lambda *a, **k: _adam(*a, **k, in_place=True),
     "changed its input m in place"),
    ("adam_step", lambda *a, **k: _adam(*a, **k, flat=True),
     "theta has shape (6,), expected (2, 3)"),
    ("amsgrad_step", _amsgrad_max_of_v_hat, "take the maximum over the raw v"),
    ("momentum_step", lambda *a: _momentum(*a, form="damped"), "torch's heavy ball adds the whole"),
    ("momentum_step", lambda *a: _momentum(*a, form="velocity"), "this is the velocity form"),
    ("momentum_step", lambda *a: _momentum(*a, form="no first step"),
     "on the first step buf is None"),
    ("momentum_step", 3, "expected a function, got int"),
])
def test_a_typical_mistake_gets_its_hint(capsys, name, answer, expected):
    out = _check_output(capsys, name, answer)
    assert out.startswith(f"✗ {name}: "), out
    assert expected in out, out


@pytest.mark.parametrize("name, value, expected", [
    ("m_hat_first", 0.2, "that is m"),
    ("constant_g_step", 0.05, "scaling g scales m_hat and sqrt(v_hat) alike"),
    ("accumulator", 7, "squared gradients, not the gradients themselves"),
    ("adamw_shrink", 0.99, "torch scales the decay by lr"),
    ("no_bias_first_step", 3.2, "close, but not within 0.1%"),
    ("no_bias_first_step", "3.16", "answer with a number; got str"),
    ("rate_can_grow", 1, "answer True or False; got int"),
    ("tune_momentum", dict(lr=0.1, beta=0.9), "remove beta"),
])
def test_a_wrong_value_gets_a_hint(capsys, name, value, expected):
    out = _check_output(capsys, name, value)
    assert out.startswith(f"✗ {name}: ") and expected in out, out


def test_right_answers_pass_and_stubs_say_not_attempted(capsys):
    assert _check_output(capsys, "adam_step", _adam).startswith("✓ adam_step: all 6 cases")
    assert _check_output(capsys, "no_bias_first_step", 0.1 / math.sqrt(0.001)).startswith("✓")

    def stub(*args, **kwargs):
        raise NotImplementedError("write it")
    assert _check_output(capsys, "adam_step", stub).startswith("adam_step: not attempted yet")
    assert _check_output(capsys, "m_hat_first", ...).startswith("m_hat_first: not attempted yet")


def test_tune_momentum_is_solved_by_lesson_1s_tuned_heavy_ball(capsys):
    # the quadratic's curvatures are 1 and 10: Polyak's lr and momentum from lesson 1 pass
    root = math.sqrt(10)
    tuned = {"lr": 4 / (root + 1) ** 2, "momentum": ((root - 1) / (root + 1)) ** 2}
    assert _check_output(capsys, "tune_momentum", tuned).startswith("✓ tune_momentum: loss")
    # the habitual momentum 0.9 misses, and the hint points back at lesson 1
    out = _check_output(capsys, "tune_momentum", {"lr": 0.05, "momentum": 0.9})
    assert out.startswith("✗ tune_momentum: loss 1.08 after 30 steps"), out
    assert "Hint: lesson 1 tunes heavy ball's lr and momentum" in out, out


def test_there_is_one_check_per_answer_named_after_it():
    for a in answers.ANSWERS:
        f = getattr(check, a.name)
        assert callable(f) and f.__name__ == a.name and a.lookup in f.__doc__
    assert set(check.__all__) >= {a.name for a in answers.ANSWERS}


def test_a_check_looks_the_answer_up_itself_and_survives_a_rename(capsys):
    """check.adam_step() reads adam_step from the notebook's namespace (here: this
    module's globals, as IPython's are a cell's); a missing name prints a hint, no error."""
    namespace = {"check": check, "adam_step": _adam}
    exec("check.adam_step()", namespace)
    assert capsys.readouterr().out.startswith("✓ adam_step: all 6 cases")
    namespace = {"check": check, "my_adam": _adam}
    exec("check.adam_step()\ncheck.m_hat_first()\nprint('Run All goes on')", namespace)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("✗ adam_step: adam_step is not defined. Hint: run the answer")
    assert out[1].startswith("✗ m_hat_first: M_HAT_FIRST is not defined")
    assert out[2] == "Run All goes on"


def test_the_same_mistake_again_gets_a_narrower_hint(capsys):
    eps_inside = lambda *a, **k: _adam(*a, **k, eps_inside=True)  # noqa: E731
    first, again, third = (_check_output(capsys, "adam_step", eps_inside) for _ in range(3))
    ladder = answers.MISTAKES["eps_inside_root"].hints
    assert first.rstrip().endswith(f"Hint: {ladder[0]}")
    assert again.rstrip().endswith(f"The same mistake again; a closer hint: {ladder[1]}")
    assert third == again
    # another mistake starts on its own first rung
    out = _check_output(capsys, "adam_step", lambda *a, **k: _adam(*a, **k, bias=False))
    assert out.rstrip().endswith(f"Hint: {answers.MISTAKES['no_bias_correction'].hints[0]}")
    check.reset_hints()
    assert _check_output(capsys, "adam_step", eps_inside) == first
