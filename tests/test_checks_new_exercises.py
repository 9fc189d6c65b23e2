"""Exercises 2, 6 and 9: each typical slip gets the hint that names it, right answers pass,
and the autograder gives the solutions full marks and the untouched exercises zero.

The slips are written here the way a student would write them, independently of the
mistake models in `adamedu.course.answers`.
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from adamedu import models
from adamedu.course import answers, check

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["ex02_noisy_gradients", "ex06_adam_in_practice", "ex09_memory_and_scale"]
MODEL = models.SoftmaxRegression(n_features=64, n_classes=10)


@pytest.fixture(autouse=True)
def _first_rung():
    check.reset_hints()


def _output(capsys, name, answer):
    getattr(check, name)(answer)
    return capsys.readouterr().out


# --------------------------------------------------------------------------- ex02

def _minibatch_grad(theta, X, y, rows, slip=None):
    rows = list(range(len(y))) if slip == "all rows" else rows
    residual = X[rows] @ theta - y[rows]
    if slip == "flipped":
        residual = -residual
    total = X[rows].T @ residual
    return {"sum": total, "divide by n": total / len(y)}.get(slip, total / len(rows))


# --------------------------------------------------------------------------- ex06

def _adam_epoch(theta, m, v, t, X, y, order, batch_size, lr, slip=None):
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    order = list(range(len(y))) if slip == "row order" else list(order)
    if slip == "t once":
        t = t + 1
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        if slip == "drop last" and len(rows) < batch_size:
            break
        _, grad = MODEL.loss_and_grad(theta, X if slip == "all rows" else X[rows],
                                      y if slip == "all rows" else y[rows])
        if slip != "t once":
            t = t + 1
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        m_hat, v_hat = (m, v) if slip == "no bias correction" else (m / (1 - beta1**t),
                                                                     v / (1 - beta2**t))
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta, m, v, t


# --------------------------------------------------------------------------- ex09

def _zero_bytes(n_params, n_devices, stage, slip=None):
    weights = grads = 4 if slip == "fp32" else 2
    state = 8 if slip == "no master" else 12
    sharded = [0, state, state + grads, state + grads + weights]
    index = {"one stage late": stage - 1, "one stage early": stage + 1}.get(slip, stage)
    shard = sharded[min(3, max(0, index))]
    return n_params * (weights + grads + state - shard + shard / n_devices)


@pytest.mark.parametrize("name, slip, expected", [
    ("minibatch_grad", "sum", "not their sum"),
    ("minibatch_grad", "divide by n", "not over the whole training set"),
    ("minibatch_grad", "all rows", "use only the rows listed in `rows`"),
    ("minibatch_grad", "flipped", "prediction minus target"),
    ("adam_epoch", "t once", "one per minibatch, not one per epoch"),
    ("adam_epoch", "no bias correction", "correct m and v for their zero start"),
    ("adam_epoch", "drop last", "the last minibatch is smaller"),
    ("adam_epoch", "row order", "in the order given by `order`"),
    ("adam_epoch", "all rows", "not the gradient of all rows"),
    ("zero_bytes", "one stage early", "stage 1 shards the optimizer state only"),
    ("zero_bytes", "one stage late", "stage 0 shards nothing"),
    ("zero_bytes", "no master", "master copy of the weights belongs to the optimizer state"),
    ("zero_bytes", "fp32", "used in the forward and backward passes are 16-bit"),
])
def test_a_typical_slip_gets_its_hint(capsys, name, slip, expected):
    fn = {"minibatch_grad": _minibatch_grad, "adam_epoch": _adam_epoch,
          "zero_bytes": _zero_bytes}[name]
    out = _output(capsys, name, lambda *args: fn(*args, slip=slip))
    assert out.startswith(f"✗ {name}: case "), out
    assert expected in out, out


def test_an_in_place_update_is_caught(capsys):
    def in_place(theta, m, v, t, X, y, order, batch_size, lr):
        theta, m, v, t = _adam_epoch(theta.copy(), m, v, t, X, y, order, batch_size, lr)
        return theta, m, v, t

    def mutating(theta, *rest):
        new = in_place(theta, *rest)
        theta -= 0.0 * theta + 1.0  # changes the caller's array
        return new
    assert "changed its input theta in place" in _output(capsys, "adam_epoch", mutating)


@pytest.mark.parametrize("name, value, expected", [
    ("ema_variance", 0.8, "square the weights"),
    ("ema_variance", 0.16, "every past gradient contributes"),
    ("batch_for_noise", 32, "the standard deviation falls only as 1/sqrt(B)"),
    ("noisy_adam_step", 0.75, "not the variance"),
    ("steps_per_epoch", 10, "the rows left over still form a minibatch"),
    ("softmax_params", 640, "each class also has a bias"),
    ("adam_state_numbers", 650, "Adam keeps two averages"),
    ("same_lr_is_fair", True, "one shared rate measures the rate"),
    ("adam_state_fp32", 16, "weights and gradients are not optimizer state"),
    ("mixed_optimizer_bytes", 8, "master copy"),
    ("model_gb_fp32", 3e9 * 16 / 2**30, "10**9 bytes"),
    ("zero2_gb", 13e9 * (4 + 12 / 16) / 1e9, "that is stage 1"),
    ("zero2_gb", 13.0, "that is stage 3"),
])
def test_a_wrong_value_gets_a_hint(capsys, name, value, expected):
    out = _output(capsys, name, value)
    assert out.startswith(f"✗ {name}: not correct. Hint: ") and expected in out, out


def test_hints_for_values_never_give_the_number(capsys):
    """A value answer's hints describe the idea; none contains the expected value."""
    for name in NOTEBOOKS:
        for answer in answers.notebook_answers(name):
            if answer.kind != "value" or isinstance(answer.expected, bool):
                continue
            texts = [answer.hint] + [h for _, m in answer.wrong for h in m.hints]
            shown = {f"{answer.expected:g}", f"{answer.expected:.3g}", f"{answer.expected:.2f}"}
            assert not any(s in text for text in texts for s in shown), answer.name


def test_right_answers_pass_and_stubs_say_not_attempted(capsys):
    assert _output(capsys, "minibatch_grad", _minibatch_grad).startswith(
        "✓ minibatch_grad: all 5 cases match adamedu.noise.minibatch_grad (4 points)")
    assert _output(capsys, "adam_epoch", _adam_epoch).startswith("✓ adam_epoch: all 5 cases")
    assert _output(capsys, "zero_bytes", _zero_bytes).startswith("✓ zero_bytes: all 6 cases")
    assert _output(capsys, "ema_variance", 4 * 0.2 / 1.8).startswith("✓")

    def stub(*args):
        raise NotImplementedError("write it")
    assert _output(capsys, "adam_epoch", stub).startswith("adam_epoch: not attempted yet")
    assert _output(capsys, "zero2_gb", ...).startswith("zero2_gb: not attempted yet")


def test_each_new_notebook_is_worth_the_same():
    for name in NOTEBOOKS:
        assert answers.notebook_points(name) == answers.POINTS_PER_NOTEBOOK, name


def test_grader_gives_solutions_full_marks_and_untouched_exercises_zero(tmp_path):
    subs = tmp_path / "submissions"
    subs.mkdir()
    for name in NOTEBOOKS:
        for prefix, folder in (("solved", "solutions"), ("untouched", "exercises")):
            (subs / f"{prefix}_{name}.ipynb").write_bytes(
                (ROOT / folder / f"{name}.ipynb").read_bytes())
    book = tmp_path / "gradebook.csv"
    proc = subprocess.run([sys.executable, "-m", "adamedu.course.grade", str(subs),
                           "--out", str(book), "--json", str(tmp_path / "grades.json"),
                           "-j", "2", "--seed", "7", "--exercises", str(ROOT / "exercises")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    grades = json.loads((tmp_path / "grades.json").read_text())
    rows = {Path(r["file"]).stem: r for r in grades["records"]}
    for name in NOTEBOOKS:
        solved, untouched = rows[f"solved_{name}"], rows[f"untouched_{name}"]
        full = answers.POINTS_PER_NOTEBOOK
        assert (solved["graded"], solved["total"], solved["max"]) == (True, full, full), solved
        assert all(a["reason"] == "" for a in solved["answers"]) and solved["flags"] == [], solved
        assert (untouched["graded"], untouched["total"]) == (True, 0), untouched
        reasons = [a["reason"] for a in untouched["answers"]]
        assert len(reasons) == len(answers.notebook_answers(name))
        assert all(r.endswith("not attempted yet") for r in reasons), reasons
    assert json.loads((tmp_path / "grades.json").read_text())["seed"] == 7
