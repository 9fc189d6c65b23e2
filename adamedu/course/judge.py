"""Judging a submission: run an answer on its cases and decide whether it passes, and why not.

An outcome is what running the student's answer gave: {"not_attempted": True},
{"error": "..."}, or {"value": ..., "mutated": [names of inputs changed in place]}
(functions) / {"value": ...} (values, choices, tuning). `judge(answer, case, outcome)`
judges one outcome; `verdict(answer, cases, outcomes)` is the one case loop the notebook
checks and the grader share: the first failing case, or a pass. Both return a `Verdict`:
data, with the mistake's id beside the text, so nobody parses the text. A function's
wrong result is compared with the answer's mistake models, so the verdict names the slip
it matches. The notebook checks make the outcomes with `run_function`; the autograder
decodes them from what the student's kernel wrote.
"""
import copy
import itertools
import math
from typing import NamedTuple

import numpy as np

from adamedu import optimizers, surfaces, trajectory
from adamedu.course.answers import (
    ChoiceAnswer,
    FunctionAnswer,
    TuningAnswer,
    ValueAnswer,
    kinds,
)
from adamedu.course.answers.shared import FIRST_BUF, T_FIRST

__all__ = ["MISTAKES", "NOT_ATTEMPTED", "PASS", "FAIL", "Verdict", "judge", "verdict",
           "run_function", "outcome_of", "changed_inputs", "run_tuning"]

PASS, FAIL, NOT_ATTEMPTED = "pass", "fail", "not attempted yet"
MISTAKES = {m.id: m.hint for m in kinds.MISTAKES.values()}   # every id -> its first hint
RTOL, ATOL = 1e-8, 1e-12          # arrays: torch-equal math agrees far closer than this
VALUE_RTOL = 1e-3                 # conceptual values: three significant digits are enough


class Verdict(NamedTuple):
    """What the judge decided about an answer.

    status: PASS, FAIL or NOT_ATTEMPTED. text: what went wrong (one line, no hint), or on a
    pass what was reached (tuning). mistake: the id of the known mistake (a key of
    MISTAKES), "" when none is recognised. hints: the hint ladder (first rung first).
    case: the failing case, 1-based, of `cases` (0 for answers without cases)."""
    status: str
    text: str = ""
    mistake: str = ""
    hints: tuple = ()
    case: int = 0
    cases: int = 0

    @property
    def passed(self):
        return self.status == PASS

    def reason(self, rung=0):
        """The text with the hint of the given rung of the ladder (the last if fewer)."""
        if not self.hints:
            return self.text
        said = "Hint" if rung == 0 else "The same mistake again; a closer hint"
        return f"{self.text}. {said}: {self.hints[min(rung, len(self.hints) - 1)]}"


def _fail(text, why=None):
    """A failing verdict; `why` is a Mistake (its id and ladder) or None."""
    return Verdict(FAIL, text, why.id if why else "", why.hints if why else ())


# --------------------------------------------------------------------------- outcomes

def run_function(fn, case, params):
    """Call fn on a deep copy of the case; return its outcome."""
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
    """The outcome of a value, choice or tuning answer (Ellipsis means not attempted)."""
    if value is Ellipsis:
        return {"not_attempted": True}
    return {"value": value}


# --------------------------------------------------------------------------- the case loop

def verdict(answer, cases, outcomes):
    """The verdict on an answer: the first failing case's, or a pass. `outcomes` yields one
    outcome per case (lazily: the check runs the function only as far as it must); an
    answer without cases (value, choice, tuning) has one outcome and `cases` == [{}].
    Fewer outcomes than cases (the grader's worker stopped) fail at the first missing."""
    n, last = len(cases), Verdict(PASS)
    outcomes = iter(outcomes)
    for i, case in enumerate(cases, 1):
        outcome = next(outcomes, None)
        if outcome is None:
            return Verdict(FAIL, f"stopped after case {i - 1} of {n}")
        v = judge(answer, case, outcome)
        if not v.passed:
            return v if v.status == NOT_ATTEMPTED or not answer.params \
                else v._replace(case=i, cases=n)
        last = v
    return last._replace(cases=n) if answer.params else last


def judge(answer, case, outcome):
    """The verdict on one outcome of one case (case is {} for answers without cases)."""
    if outcome.get("not_attempted"):
        return Verdict(NOT_ATTEMPTED, NOT_ATTEMPTED)
    if "error" in outcome:
        err = outcome["error"]
        if case.get("buf", 0) is None and "None" in err:
            return _fail(f"raised {err}", FIRST_BUF)
        return _fail(f"raised {err}")
    if outcome.get("mutated"):
        return _fail(f"changed its input {', '.join(outcome['mutated'])} in place",
                     kinds.IN_PLACE)
    return _JUDGES[type(answer)](answer, case, outcome["value"])


# --------------------------------------------------------------------------- functions

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


def _reordered(got, expected):
    """True when the returned values are the expected ones in another order."""
    return any(_matches([got[i] for i in p], expected)
               for p in itertools.permutations(range(len(got))) if list(p) != sorted(p))


def _judge_function(answer, case, value):
    names = answer.returns
    got = value if len(names) > 1 else (value,)
    if len(names) > 1 and (not isinstance(value, (tuple, list)) or len(value) != len(names)):
        what = (f"a {type(value).__name__} of length {len(value)}"
                if isinstance(value, (tuple, list)) else f"a {type(value).__name__}")
        return _fail(f"returned {what}, not the {len(names)} values ({', '.join(names)})",
                     kinds.WRONG_RETURN)
    with np.errstate(all="ignore"):
        expected = answer.reference(**copy.deepcopy(case))
    if len(names) > 1 and not _matches(got, expected) and _reordered(got, expected):
        return _fail(f"returned the right values in another order than ({', '.join(names)})",
                     kinds.WRONG_ORDER)
    wrong = []
    for name, g, e in zip(names, got, expected):
        if name == "t":
            if isinstance(g, (bool, np.bool_)) or not isinstance(g, (int, np.integer, float)) \
                    or g != e:
                return _fail(f"t came back as {g!r}; it should count the steps taken, this "
                             f"one included ({e})", T_FIRST)
            continue
        if name == "buf" and g is None:
            return _fail("buf came back None: return the updated momentum buffer", FIRST_BUF)
        ga, ea = _as_array(g), np.asarray(e, dtype=float)
        if ga is None:
            return _fail(f"{name} should be an array of numbers; got a {type(g).__name__}",
                         kinds.WRONG_RETURN)
        if ga.shape != ea.shape:
            return _fail(f"{name} has shape {ga.shape}, expected {ea.shape} (the shape of "
                         f"theta)", kinds.WRONG_RETURN)
        if not np.isfinite(ga).all() and np.isfinite(ea).all():
            wrong.append(f"{name} contains NaN or inf")
        elif not np.allclose(ga, ea, RTOL, ATOL):
            wrong.append(f"{name} differs by up to {np.max(np.abs(ga - ea)):.2g}")
    if not wrong:
        return Verdict(PASS)
    why = answer.hint
    for slip, model in answer.mistakes:
        with np.errstate(all="ignore"):
            try:
                guess = model(**copy.deepcopy(case))
            except (ZeroDivisionError, FloatingPointError, TypeError):
                continue
        if _finite_where(guess, expected) and _matches(got, guess):
            why = slip
            break
    return _fail("; ".join(wrong), why)


# --------------------------------------------------------------------------- values, choices

def _judge_value(answer, case, value):
    expected = answer.expected
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "biuf":
        value = value.item()  # e.g. np.sqrt(np.array(2.0))
    if isinstance(expected, bool):
        if not isinstance(value, (bool, np.bool_)):
            return _fail(f"answer True or False; got {type(value).__name__}")
        ok = bool(value) == expected
    else:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
            return _fail(f"answer with a number; got {type(value).__name__}")
        ok = math.isclose(float(value), expected, rel_tol=VALUE_RTOL, abs_tol=1e-12)
    if ok:
        return Verdict(PASS)
    for wrong_value, why in answer.wrong:
        if (bool(value) == wrong_value if isinstance(expected, bool)
                else math.isclose(float(value), wrong_value, rel_tol=VALUE_RTOL)):
            return _fail("not correct", why)
    if not isinstance(expected, bool) and math.isclose(float(value), expected, rel_tol=0.05):
        return _fail(f"close, but not within {VALUE_RTOL:.1%} of the exact value",
                     kinds.ROUNDED)
    return _fail("not correct", kinds.ladder(answer.hint))


def _judge_choice(answer, case, value):
    items = list(answer.expected)
    if not isinstance(value, dict):
        return _fail(f"{answer.variable} should be a dict like dict({items[0]}=...); got "
                     f"{type(value).__name__}")
    missing = [k for k in items if k not in value]
    unknown = sorted(map(str, set(value) - set(items)))
    if missing or unknown:
        return _fail(f"{answer.variable} needs exactly the keys {', '.join(items)}"
                     + (f"; missing {', '.join(missing)}" if missing else "")
                     + (f"; remove {', '.join(unknown)}" if unknown else ""))
    bad = [k for k in items if value[k] not in answer.options]
    if bad:
        return _fail(f"answer each item with one of {', '.join(map(repr, answer.options))}; "
                     f"{bad[0]} is {value[bad[0]]!r}")
    wrong = [k for k in items if value[k] != answer.expected[k]]
    if not wrong:
        return Verdict(PASS)
    right = len(items) - len(wrong)
    return _fail(f"{right} of {len(items)} right; {wrong[0]} is not {value[wrong[0]]!r}",
                 answer.clues[wrong[0]])


# --------------------------------------------------------------------------- tuning

def run_tuning(answer, hp):
    """Run the reference optimizer with hyperparameters hp; return (Verdict, detail)."""
    if not isinstance(hp, dict):
        return _fail(f"{answer.variable} should be a dict like dict(lr=...); got "
                     f"{type(hp).__name__}"), ""
    unknown = sorted(map(str, set(hp) - set(answer.allowed)))
    if unknown:
        return _fail(f"{answer.variable} may only set {', '.join(answer.allowed)}; "
                     f"remove {', '.join(unknown)}"), ""
    try:
        opt = optimizers.make(answer.optimizer, **hp)
    except (ValueError, TypeError) as e:
        return _fail(f"{e}"), ""
    traj = trajectory.run(opt, surfaces.get(answer.surface), steps=answer.steps)
    if traj.diverged_at is not None:
        return _fail(f"{traj.message}; try a smaller lr"), ""
    loss = traj.final_loss
    detail = f"loss {loss:.3g} after {answer.steps} steps (target < {answer.target:g})"
    if not loss < answer.target:
        return _fail(detail, answer.hint), detail
    return Verdict(PASS, detail), detail


_JUDGES = {FunctionAnswer: _judge_function, ValueAnswer: _judge_value,
           ChoiceAnswer: _judge_choice,
           TuningAnswer: lambda answer, case, hp: run_tuning(answer, hp)[0]}
