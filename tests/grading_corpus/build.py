"""Build the autograder's hostile-input corpus: broken, malicious and perfect submissions.

    python tests/grading_corpus/build.py DEST      # writes the notebooks into DEST

`build(dest, targets)` writes every submission and returns {file name: Expect}, what the
grader must report for it. `targets` are the absolute paths the hostile submissions attack
(another submission, a canary file outside every temporary folder, the gradebook). The
notebooks are generated from solutions/ (not committed), so they follow the exercises when
those change, and nbval never collects them.

PARITY lists the notebooks a test also executes as a student would (all cells, top to
bottom, in one process): their check cells must print the grader's verdict. The others
attack the machine (vandal, daemon, planted module, loops, memory) or cannot agree by
design: `memorized` passes the fixed in-notebook inputs only, `edited_checks` forged its
check cell, `monkeypatch` patched the checking module in its own process.
"""
import copy
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from adamedu.course.answers import notebook_answers  # noqa: E402
from adamedu.course.results import display_name  # noqa: E402

PERFECT = 10
DAEMON_MARK = "adamedu-corpus-daemon"     # in the command line of the daemon it starts
DAEMON_DELAY = 2.0                         # seconds before the daemon writes
VICTIM = "perfect_ex05_adam.ipynb"         # the submission the vandal overwrites


@dataclass
class Expect:
    graded: bool            # "graded" (a zero is still graded)
    total: int | None       # None when not graded
    reasons: tuple = ()     # substrings the answers' reasons (or the error) must contain
    flags: tuple | None = None   # the exact flags, when given


@dataclass
class Targets:
    """What hostile submissions try to change: none of it may change."""
    victim: str = ""        # another submission in the same folder
    canary: str = ""        # a file outside every temporary folder
    gradebook: str = ""     # the gradebook being written
    sandboxed: bool = True  # False: leave out the attacks only a sandbox can stop
    solutions: str = str(ROOT / "solutions")   # what a submission must not read
    tmp_mib: int = 0        # the sizes of its /tmp and /dev/shm (0: not sized)
    shm_mib: int = 0


def _load(name):
    return json.loads((ROOT / "solutions" / f"{name}.ipynb").read_text(encoding="utf-8"))


def _set(nb, cid, source):
    """Replace the source of the cell with id cid."""
    for cell in nb["cells"]:
        if cell.get("id") == cid:
            cell["source"] = source
            return nb
    raise KeyError(cid)


def _prepend(nb, cid, code):
    """Put code before the source of the cell with id cid."""
    for cell in nb["cells"]:
        if cell.get("id") == cid:
            cell["source"] = code + "".join(cell["source"])
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


def corpus(targets=None):
    """{file name: (content as bytes or a notebook dict, Expect)}."""
    t = targets or Targets()
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
    c["not_a_notebook.ipynb"] = (b'{"hello": [1, 2, 3]}',
                                 Expect(False, None, ("no list of cells",)))
    c["binary.ipynb"] = (b"\x89PNG\r\n\x1a\n\x00\xff\xfe", Expect(False, None, ("not text",)))
    c["homework.ipynb"] = ({"cells": [{"cell_type": "code", "source": "print(1)"}]},
                           Expect(False, None, ("cannot tell which exercise",)))
    # structure damage
    c["cells_deleted_ex05.ipynb"] = (
        _drop(copy.deepcopy(ex05),
              lambda x: x.get("id") in ("answer-adam_step", "check-adam_step")),
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
    patch = ("import numpy\nimport adamedu.course.judge, adamedu.optimizers\n"
             "adamedu.course.judge.judge = lambda *a, **k: None\n"
             "adamedu.optimizers.Adam.step = lambda self, theta, grad, state: (theta, state)\n"
             "numpy.allclose = lambda *a, **k: True\nnumpy.array_equal = lambda *a, **k: True\n")
    c["monkeypatch_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-adam_step",
             patch + _adam(ADAM_BODY
                           + "    return theta - lr * m_hat / np.sqrt(v_hat + eps), m, v, t\n")),
        Expect(True, 4, ("compare where eps enters your denominator",)))
    c["writes_files_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-adam_step", vandal(t) + _adam(good)),
        Expect(True, PERFECT))
    c["daemon_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-adam_step", daemon(t) + _adam(good)),
        Expect(True, PERFECT, flags=("cell answer-adam_step: starts other programs or processes",)))
    c["planted_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-adam_step", planted(t) + _adam(good)),
        Expect(False, None, ("the notebook runner failed twice",)))
    memorized = ("from adamedu.course import answers as _answers, check as _check\n"
                 "_a = _answers.by_name('adam_step')\n"
                 "_cases = _a.cases(np.random.default_rng(_check._seed('adam_step')))\n"
                 "_known = {c['theta'].tobytes(): _a.reference(**c) for c in _cases}\n\n"
                 + ADAM_HEAD + "    return _known.get(theta.tobytes(), (theta, m, v, t + 1))\n")
    c["memorized_ex05.ipynb"] = (_set(copy.deepcopy(ex05), "answer-adam_step", memorized),
                                 Expect(True, 4, ("adam_step 0/6: case 1 of 6: theta differs",)))
    c["diverges_ex08.ipynb"] = (
        _set(_load("ex08_hyperparameters"), "answer-tune_momentum",
             "MOMENTUM_HP = dict(lr=5.0, momentum=0.9)\n"),
        Expect(True, 5, ("tune_momentum 0/5: diverged",)))
    c.update(found_as_the_notebook_runs(ex05))
    c.update(flagged(ex05))
    c.update(hostile(ex05, t))
    return c


def hostile(ex05, t):
    """Attacks on the grader itself (issue 26): each is contained, its neighbours unharmed."""
    c = {}
    if t.sandboxed:  # every escape a root grader's sandbox once allowed: all must fail
        esc = copy.deepcopy(ex05)
        for cid, code in zip(("answer-m_hat_first", "answer-constant_g_step"), escape(t)):
            _prepend(esc, cid, code)
        c["escape_ex05.ipynb"] = (esc, Expect(True, PERFECT))
    c["fake_results_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-adam_step", FORGE + _adam(
            ADAM_BODY + f"    return {STEP}, m, v, t\n")),
        Expect(True, _points("ex05_adam") - _points("ex05_adam", FORGED), (
            "adam_step 0/6: case 1 of 6: raised \\x1b[2J" + "A" * 50,
                         "no result recorded")))
    c["unicode_error_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-adam_step",
             _adam("    raise ValueError('\\udcff\\x1b]0;owned\\x07')\n")),
        Expect(True, 4, ("raised ValueError: \\xff\\x1b]0;owned\\x07",)))
    for name in ("j\udcf6rg_ex05_adam.ipynb", "esc\x1b[2J_ex05_adam.ipynb",
                 "ren\u00e9_ex05.ipynb", "rene\u0301_ex05.ipynb"):
        c[name] = (_load("ex05_adam"), Expect(True, PERFECT))
    c["linked_ex05.ipynb"] = (Link(VICTIM), Expect(False, None, ("a symbolic link",)))
    c["fifo_ex05.ipynb"] = (Fifo(), Expect(False, None, ("a FIFO, not a regular file",)))
    many = copy.deepcopy(ex05)
    cell = next(x for x in many["cells"] if x.get("id") == "answer-m_hat_first")
    many["cells"] += [dict(cell, id=f"copy{i}", source="M_HAT_FIRST = 1\n")
                      for i in range(100_000)]
    c["many_cells_ex05.ipynb"] = (many, Expect(False, None, ("more than the 2000",)))
    c["many_answer_cells_ex05.ipynb"] = (dict(many, cells=many["cells"][:100]), Expect(
        False, None, ("cells for the answer m_hat_first, more than the 50",)))
    return c


FORGED = ("adam_step", "m_hat_first", "no_bias_first_step")   # the answers FORGE forges


def _points(notebook, names=None):
    """The points of a notebook's answers (only those in names, when given)."""
    return sum(a.points for a in notebook_answers(notebook) if names is None or a.name in names)


class Link(str):
    """A symbolic link to another submission (its name)."""


class Fifo:
    """A named pipe where a notebook should be."""


# Patches json.dump, which the harness uses in the kernel, to forge the raw results: 18 MB
# of reasons with terminal escapes for adam_step, a link to a file of the host and a FIFO
# in place of two others. Only this submission's score may suffer.
FORGE = """import json as _json, os as _os
_dump = _json.dump
def _forged(obj, f, *a, **k):
    name = _os.path.basename(f.name)
    if name.startswith('adam_step'):
        f.write(_json.dumps({'results': [{'error': '\\x1b[2J' + 'A' * 3_000_000}] * 6}))
    elif name.startswith('m_hat_first'):
        _os.remove(f.name)
        _os.symlink('/etc/passwd', f.name)
    elif name.startswith('no_bias'):
        _os.remove(f.name)
        _os.mkfifo(f.name)
    else:
        _dump(obj, f, *a, **k)
_json.dump = _forged
"""


def escape(t):
    """Two cells' worth of ways out (as root, these once worked): each raises, naming what
    worked, or lets the cell go on to define its right value. 1: privileges, mounts, files,
    network; 2: /tmp and /dev/shm beyond their size. (Memory across several processes is
    tests/test_sandbox.py's: a test at the grader's 2 GiB cap would take seconds.)"""
    head = ("import ctypes, os, socket\n_libc = ctypes.CDLL(None, use_errno=True)\n"
            "_worked = []\n"
            "def _try(name, f):\n"
            "    try:\n"
            "        if f() is not False:\n"
            "            _worked.append(name)\n"
            "    except OSError:\n"
            "        pass\n")
    tail = "if _worked:\n    raise RuntimeError('escaped: ' + ', '.join(_worked))\n"
    privileges = f"""_status = open('/proc/self/status').read()
if os.getuid() == 0:
    _worked.append('root')
if int(_status.split('CapEff:')[1].split()[0], 16):
    _worked.append('capabilities')
_try('unmount /tmp', lambda: _libc.umount2(b'/tmp', 2) == 0)
_try('remount /', lambda: _libc.mount(None, b'/', None, 32 | 4096, None) == 0)
_try('core_pattern', lambda: open('/proc/sys/kernel/core_pattern', 'a'))
_try('/etc/shadow', lambda: open('/etc/shadow').read())
_try('solutions', lambda: os.listdir({t.solutions!r}))
_try('gradebook', lambda: os.listdir({os.path.dirname(t.gradebook)!r}))
_try('another submission', lambda: open({t.victim!r}).read())
_try('write outside', lambda: open({t.canary!r}, 'w').write('escaped'))
_try('network', lambda: socket.create_connection(('192.0.2.1', 80), timeout=1))
"""
    disk = f"""def _fill(folder, cap):
    n, chunk, i = 0, b'x' * 2**20, 0
    for i in range(2 * cap // 32 + 2):
        try:
            with open(os.path.join(folder, f'fill{{i}}'), 'wb', buffering=0) as f:
                for _ in range(32):
                    f.write(chunk)
                    n += 1
        except OSError:
            break
    for j in range(i + 1):
        os.remove(os.path.join(folder, f'fill{{j}}'))
    return n
if {t.tmp_mib}:
    _try('a larger /tmp', lambda: _fill(os.environ['HOME'], {t.tmp_mib}) > {t.tmp_mib})
    _try('a larger /dev/shm', lambda: _fill('/dev/shm', {t.shm_mib}) > {t.shm_mib})
"""
    return [head + part + tail for part in (privileges, disk)]


def found_as_the_notebook_runs(ex05):
    """Copied and duplicated answer cells; answers that use the provided cells."""
    stub = json.loads((ROOT / "exercises" / "ex05_adam.ipynb").read_text(encoding="utf-8"))
    c = {}
    # JupyterLab's duplicate: a new id, the same tags, right below the original. The stub
    # stays above the working copy of adam_step; the copy of m_hat_first is a wrong value.
    dup = copy.deepcopy(ex05)
    cells = []
    for cell in dup["cells"]:
        cid = cell.get("id")
        if cid == "answer-adam_step":
            original = next(x for x in stub["cells"] if x.get("id") == cid)
            cells += [copy.deepcopy(original), dict(copy.deepcopy(cell), id="3f9a2c71")]
        elif cid == "answer-m_hat_first":
            cells += [cell, dict(copy.deepcopy(cell), id="b81d0e44", source="M_HAT_FIRST = 0.2\n")]
        else:
            cells.append(cell)
    dup["cells"] = cells
    c["duplicated_cells_ex05.ipynb"] = (dup, Expect(True, 9, ("m_hat_first 0/1: not correct",)))
    # a copy without id or tag, pasted below the stub; an experiment after the check
    untagged = copy.deepcopy(stub)
    at = next(i for i, x in enumerate(untagged["cells"]) if x.get("id") == "check-adam_step")
    answer = next(x for x in ex05["cells"] if x.get("id") == "answer-adam_step")
    untagged["cells"][at:at] = [{"cell_type": "code", "id": "pasted1", "metadata": {},
                                 "execution_count": None, "outputs": [],
                                 "source": answer["source"]}]
    untagged["cells"].insert(at + 2, {"cell_type": "code", "id": "scratch1", "metadata": {},
                                      "execution_count": None, "outputs": [],
                                      "source": ADAM_HEAD + "    return None\n"})
    c["copied_untagged_ex05.ipynb"] = (untagged,
                                       Expect(True, 6, ("m_hat_first 0/1: not attempted",)))
    # ex08: an answer that uses the names the read-only cells define (trajectory, ...)
    ex08 = _set(_load("ex08_hyperparameters"), "answer-tune_momentum",
                "losses = {lr: trajectory.run(optimizers.make('momentum', lr=lr, momentum=0.3),\n"
                "                             surfaces.get('quadratic'), steps=30).final_loss\n"
                "          for lr in (0.05, 0.2)}\n"
                "MOMENTUM_HP = dict(lr=min(losses, key=losses.get), momentum=0.3)\n")
    c["uses_provided_ex08.ipynb"] = (ex08, Expect(True, PERFECT, flags=()))
    return c


def flagged(ex05):
    """Correct answers reached by ways an instructor should look at: flagged, not failed."""
    c = {}
    ex07 = _set(_load("ex07_when_adam_fails"), "answer-amsgrad_step",
                "def amsgrad_step(theta, grad, m, v, v_max, t, lr=0.001, beta1=0.9, beta2=0.999,\n"
                "                 eps=1e-8):\n"
                "    ref = check.answers.by_name('amsgrad_step').reference\n"
                "    return ref(theta=theta, grad=grad, m=m, v=v, v_max=v_max, t=t, lr=lr,\n"
                "               beta1=beta1, beta2=beta2, eps=eps)\n")
    _set(ex07, "answer-adamw_step",
         "from adamedu.course.cases import adam_ref as _adam_ref\n\n"
         "def adamw_step(theta, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999,\n"
         "               eps=1e-8, weight_decay=0.01):\n"
         "    return _adam_ref(theta, grad, m, v, t, lr, beta1, beta2, eps,\n"
         "                     weight_decay=weight_decay)\n")
    c["delegates_ex07.ipynb"] = (ex07, Expect(True, PERFECT, flags=tuple(
        f"cell answer-{name}: uses the checking module (its answers, references or private "
        f"helpers)" for name in ("amsgrad_step", "adamw_step"))))
    sneaky = ("import os, sys, resource\n"
              "_who = os.popen('echo student').read()\n"
              "_pid = open('/proc/self/stat').read().split()[0]\n"
              "_frame = sys._getframe(0)\n"
              "_limit = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
              "_two = eval('1 + 1')\n"
              "exec('_three = 3')\n")
    c["sneaky_ex05.ipynb"] = (
        _set(copy.deepcopy(ex05), "answer-adam_step", sneaky + _adam(ADAM_BODY
                                                                     + f"    return {STEP}, m, v, "
                                                                       f"t\n")),
        Expect(True, PERFECT, flags=tuple(f"cell answer-adam_step: {why}" for why in (
            "runs code built at run time (exec/eval/compile)",
            "starts other programs or processes",
            "reads /proc (other processes)",
            "inspects the calling frames",
            "changes resource limits (resource module)"))))
    return c


def vandal(t):
    """Edit another submission, a file outside, the gradebook; empty its own folder."""
    lines = ["import os, shutil",
             "def _try(f, *a):",
             "    try:",
             "        f(*a)",
             "    except OSError:",
             "        pass",
             "for _name in os.listdir('.'):",
             "    _try(shutil.rmtree if os.path.isdir(_name) else os.remove, _name)",
             f"_try(lambda: open({t.victim!r}, 'w').write('{{}}'))"]
    if t.sandboxed:
        lines += [f"_try(lambda: open({t.canary!r}, 'w').write('vandalized'))",
                  f"_try(lambda: open({t.gradebook!r}, 'w').write('hacked'))"]
    return "\n".join(lines) + "\n"


def daemon(t):
    """A double-fork daemon in a new session that forges a gradebook line later."""
    code = (f"# {DAEMON_MARK}\nimport os, time\nif os.fork(): os._exit(0)\nos.setsid()\n"
            f"time.sleep({DAEMON_DELAY})\n"
            f"open({t.gradebook!r}, 'a').write('forged,row\\n')\n"
            f"open({t.canary!r}, 'w').write('daemon')\n")
    return ("import subprocess, sys\n"
            f"subprocess.Popen([sys.executable, '-c', {code!r}], start_new_session=True,\n"
            "                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,\n"
            "                 stderr=subprocess.DEVNULL)\n")


def planted(t):
    """Plant modules where a worker started from this folder would import them, write a
    reason to the worker's stderr, then kill the worker so that it is started again."""
    payload = f"open({t.canary!r}, 'w').write('hijacked')\n"
    return ("import os, signal\n"
            "for _d in ('.', '..'):\n"
            "    for _f in ('adamedu/__init__.py', 'adamedu/course/__init__.py',\n"
            "               'adamedu/course/grade.py', 'adamedu/course/harness.py',\n"
            "               'harness.py', 'jupyter_client.py', 'json.py'):\n"
            "        try:\n"
            "            os.makedirs(os.path.join(_d, 'adamedu', 'course'), exist_ok=True)\n"
            f"            open(os.path.join(_d, _f), 'w').write({payload!r})\n"
            "        except OSError:\n"
            "            pass\n"
            "try:  # a forged reason on the worker's stderr, with terminal escapes\n"
            "    open(f'/proc/{os.getppid()}/fd/2', 'w').write('\\x1b]0;FORGED\\x07 FORGED\\n')\n"
            "except OSError:\n"
            "    pass\n"
            "os.kill(os.getppid(), signal.SIGKILL)\n")


PARITY = ("perfect_ex01_gradient_descent.ipynb", "perfect_ex03_adagrad.ipynb",
          "perfect_ex04_rmsprop.ipynb", "perfect_ex05_adam.ipynb",
          "perfect_ex07_when_adam_fails.ipynb", "perfect_ex08_hyperparameters.ipynb",
          "untouched_ex05.ipynb", "cells_deleted_ex05.ipynb", "reordered_ex05.ipynb",
          "alice-ex05-final.ipynb", "syntax_error_ex05.ipynb", "exception_ex05.ipynb",
          "nan_ex05.ipynb", "wrong_shape_ex05.ipynb", "in_place_ex05.ipynb",
          "diverges_ex08.ipynb", "duplicated_cells_ex05.ipynb",
          "copied_untagged_ex05.ipynb", "uses_provided_ex08.ipynb", "delegates_ex07.ipynb",
          "sneaky_ex05.ipynb")


def build(dest, targets=None, only=None):
    """Write the corpus into dest; return {file name: Expect}. A hidden folder .dave/ gets a
    copy of a perfect submission: the grader must skip it and say so."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    targets = targets or Targets(victim=str(dest / VICTIM),
                                 canary=str(dest.parent / "canary.txt"),
                                 gradebook=str(dest.parent / "gradebook.csv"), sandboxed=False)
    if only is None:
        (dest / ".dave").mkdir(exist_ok=True)
        (dest / ".dave" / "ex05_adam.ipynb").write_text(json.dumps(_load("ex05_adam")),
                                                        encoding="utf-8")
    expected = {}
    for name, (content, expect) in corpus(targets).items():
        if only is not None and name not in only:
            continue
        if isinstance(content, Link):
            (dest / name).symlink_to(content)
        elif isinstance(content, Fifo):
            os.mkfifo(dest / name)
        else:
            data = content if isinstance(content, bytes) else json.dumps(content).encode()
            (dest / name).write_bytes(data)
        expected[display_name(name)] = expect
    return expected


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(f"wrote {len(build(sys.argv[1]))} submissions to {sys.argv[1]}")
