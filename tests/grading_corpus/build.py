"""Build the autograder's hostile-input corpus: broken, malicious and perfect submissions.

    python tests/grading_corpus/build.py DEST      # writes the notebooks into DEST

`build(dest)` writes every submission and returns {file name: Expect}, what the grader
must report for it. The notebooks are generated from solutions/ (not committed), so they
follow the exercises when those change, and nbval never collects them.
"""
import copy
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PERFECT = 10


@dataclass
class Expect:
    graded: bool            # status "graded" (a zero is still graded)
    total: int | None       # None when not graded
    reasons: tuple = ()     # substrings the reasons column must contain


def _load(name):
    return json.loads((ROOT / "solutions" / f"{name}.ipynb").read_text(encoding="utf-8"))


def _set(nb, cid, source):
    """Replace the source of the cell with id cid."""
    for cell in nb["cells"]:
        if cell.get("id") == cid:
            cell["source"] = source
            return nb
    raise KeyError(cid)


def _drop(nb, predicate):
    nb["cells"] = [c for c in nb["cells"] if not predicate(c)]
    return nb


ADAM_HEAD = "def adam_step(theta, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):\n"
STEP = "theta - lr * m_hat / (np.sqrt(v_hat) + eps)"
ADAM_BODY = """    t = t + 1
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
"""


def _adam(body_and_return):
    return ADAM_HEAD + body_and_return


def corpus():
    """{file name: (content as bytes or a notebook dict, Expect)}."""
    ex05 = _load("ex05_adam")
    good = ADAM_BODY + f"    return {STEP}, m, v, t\n"
    c = {}
    for name in ("ex01_gradient_descent", "ex03_adagrad", "ex04_rmsprop", "ex05_adam",
                 "ex07_when_adam_fails", "ex08_hyperparameters"):
        c[f"perfect_{name}.ipynb"] = (_load(name), Expect(True, PERFECT))
    untouched = json.loads((ROOT / "exercises" / "ex05_adam.ipynb").read_text(encoding="utf-8"))
    c["untouched_ex05.ipynb"] = (untouched, Expect(True, 0, ("not attempted yet",)))
    # unreadable files: a row each, not graded
    c["not_json.ipynb"] = (b"{ this is not json", Expect(False, None, ("not valid JSON",)))
    c["empty.ipynb"] = (b"", Expect(False, None, ("empty",)))
    c["not_a_notebook.ipynb"] = (b'{"hello": [1, 2, 3]}', Expect(False, None, ("no list of cells",)))
    c["binary.ipynb"] = (b"\x89PNG\r\n\x1a\n\x00\xff\xfe", Expect(False, None, ("not text",)))
    c["homework.ipynb"] = ({"cells": [{"cell_type": "code", "source": "print(1)"}]},
                           Expect(False, None, ("cannot tell which exercise",)))
    # structure damage
    c["cells_deleted_ex05.ipynb"] = (
        _drop(copy.deepcopy(ex05), lambda x: x.get("id") in ("answer-adam_step", "check-adam_step")),
        Expect(True, 4, ("adam_step 0/6: answer cell not found",)))
    reordered = copy.deepcopy(ex05)
    reordered["cells"].reverse()
    c["reordered_ex05.ipynb"] = (reordered, Expect(True, PERFECT))
    anonymous = copy.deepcopy(ex05)
    anonymous["metadata"] = {}
    for i, cell in enumerate(anonymous["cells"]):
        cell["id"] = f"cell{i}"
        cell["metadata"] = {}
    c["alice-ex05-final.ipynb"] = (anonymous, Expect(True, PERFECT))
    # broken code
    c["syntax_error_ex05.ipynb"] = (_set(copy.deepcopy(ex05), "answer-adam_step",
                                         _adam("    return theta - (\n")),
                                    Expect(True, 4, ("answer cell failed (SyntaxError",)))
    exc = _set(copy.deepcopy(ex05), "answer-adam_step", _adam("    raise ValueError('boom')\n"))
    _set(exc, "answer-m_hat_first", "M_HAT_FIRST = 1 / 0\n")
    c["exception_ex05.ipynb"] = (exc, Expect(True, 3, ("raised ValueError: boom",
                                                        "ZeroDivisionError")))
    c["loop_in_cell_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-adam_step", "while True:\n    pass\n"),
        Expect(True, 4, ("adam_step 0/6: answer cell failed (Timeout",)))
    ex01 = _set(_load("ex01_gradient_descent"), "answer-gd_step",
                "def gd_step(theta, grad, lr):\n    while True:\n        pass\n")
    c["loop_in_function_ex01.ipynb"] = (
        ex01, Expect(True, 8, ("gd_step 0/2: case 1 of 4: raised TimeoutError",)))
    stubborn = _set(_load("ex03_adagrad"), "answer-accumulator",
                    "import time\nwhile True:\n    try:\n        time.sleep(1)\n"
                    "    except BaseException:\n        pass\nACCUMULATOR = 25\n")
    c["ignores_interrupt_ex03.ipynb"] = (stubborn, Expect(True, 0, ("ignored the interrupt",)))
    c["exits_kernel_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-no_bias_first_step",
             "import os\nNO_BIAS_FIRST_STEP = 3.16\nos._exit(0)\n"),
        Expect(True, 0, ("kernel died",)))
    c["memory_hog_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-m_hat_first",
             "big = np.ones(10**10)\nM_HAT_FIRST = 2.0\n"),
        Expect(True, 9, ("m_hat_first 0/1: answer cell failed (MemoryError",)))
    c["huge_output_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-adam_step",
             "print('x' * 30_000_000)\nfor i in range(20_000):\n    print(i, 'spam' * 50)\n"
             + _adam(good)),
        Expect(True, PERFECT))
    # wrong results
    c["nan_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-adam_step",
             _adam(ADAM_BODY + "    return theta * np.nan, m, v, t\n")),
        Expect(True, 4, ("theta contains NaN or inf",)))
    c["wrong_shape_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-adam_step",
             _adam(ADAM_BODY + f"    return ({STEP}).reshape(-1, 1), m, v, t\n")),
        Expect(True, 4, ("has shape",)))
    c["in_place_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-adam_step",
             _adam("    t = t + 1\n    m *= beta1\n    m += (1 - beta1) * grad\n"
                   "    v = beta2 * v + (1 - beta2) * grad * grad\n"
                   "    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)\n"
                   f"    return {STEP}, m, v, t\n")),
        Expect(True, 4, ("changed its input m in place",)))
    # cheating attempts
    edited = _set(copy.deepcopy(ex05), "answer-adam_step",
                  _adam(ADAM_BODY + "    return theta - lr * m / (np.sqrt(v) + eps), m, v, t\n"))
    _set(edited, "check-adam_step", "print('✓ adam_step: all 6 cases match (6 points)')")
    _drop(edited, lambda x: x.get("id") == "check-m_hat_first")
    c["edited_checks_ex05.ipynb"] = (edited, Expect(True, 4, ("no bias correction",)))
    patch = ("import numpy\nimport adamedu.checks, adamedu.optimizers\n"
             "adamedu.checks.judge = lambda *a, **k: None\n"
             "adamedu.optimizers.Adam.step = lambda self, theta, grad, state: (theta, state)\n"
             "numpy.allclose = lambda *a, **k: True\nnumpy.array_equal = lambda *a, **k: True\n")
    c["monkeypatch_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-adam_step",
             patch + _adam(ADAM_BODY
                           + "    return theta - lr * m_hat / np.sqrt(v_hat + eps), m, v, t\n")),
        Expect(True, 4, ("eps belongs outside the square root",)))
    vandal = ("import os, shutil\n"
              "if not os.path.basename(os.getcwd()).startswith('adamedu-run-'):\n"
              "    raise SystemExit('refusing to vandalize: not in a grader folder')\n"
              "for name in os.listdir('.'):\n"
              "    if os.path.isdir(name):\n        shutil.rmtree(name, ignore_errors=True)\n"
              "    else:\n        os.remove(name)\n"
              "open('gradebook.csv', 'w').write('hacked')\nopen('ex05_adam.ipynb', 'w').write('{}')\n")
    c["writes_files_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-adam_step", vandal + _adam(good)),
        Expect(True, PERFECT))
    memorized = ("from adamedu import checks as _c\n_a = _c.by_name('adam_step')\n"
                 "_cases = _a.cases(np.random.default_rng(_c._seed('adam_step')))\n"
                 "_known = {c['theta'].tobytes(): _a.reference(**c) for c in _cases}\n\n"
                 + ADAM_HEAD + "    return _known.get(theta.tobytes(), (theta, m, v, t + 1))\n")
    c["memorized_ex05.ipynb"] = (_set(copy.deepcopy(ex05), "answer-adam_step", memorized),
                                 Expect(True, 4, ("adam_step 0/6: case 1 of 6: theta differs",)))
    c["diverges_ex08.ipynb"] = (
        _set(_load("ex08_hyperparameters"), "answer-tune_momentum",
             "MOMENTUM_HP = dict(lr=5.0, momentum=0.9)\n"),
        Expect(True, 5, ("tune_momentum 0/5: diverged",)))
    return c


def build(dest):
    """Write the corpus into dest; return {file name: Expect}."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    expected = {}
    for name, (content, expect) in corpus().items():
        data = content if isinstance(content, bytes) else json.dumps(content, indent=1).encode()
        (dest / name).write_bytes(data)
        expected[name] = expect
    return expected


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(f"wrote {len(build(sys.argv[1]))} submissions to {sys.argv[1]}")
