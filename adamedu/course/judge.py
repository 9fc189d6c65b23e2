"""Judging a submission: run an answer on a case and decide whether it passes, and why not.

An outcome is what running the student's answer gave: {"not_attempted": True},
{"error": "..."}, or {"value": ..., "mutated": [names of inputs changed in place]}
(functions) / {"value": ...} (values, tuning). `judge(answer, case, outcome)` returns None
when it passes, else a one-line reason; a function's wrong result is compared with the
answer's mistake models, so the reason names the slip it matches. The notebook checks run
the outcome here with `run_function`; the autograder gets it back from the student's kernel.

`MISTAKES` names every mistake the class report can count; `mistake_of(reason)` reads its
id back from a reason.
"""
import copy
import math

import numpy as np

from adamedu import optimizers, surfaces, trajectory
from adamedu.course.answers import (
    FIRST_BUF,
    HINTS,
    FunctionAnswer,
    TuningAnswer,
    ValueAnswer,
    mistake_id,
)

NOT_ATTEMPTED = "not attempted yet"
RTOL, ATOL = 1e-8, 1e-12          # arrays: torch-equal math agrees far closer than this
VALUE_RTOL = 1e-3                 # conceptual values: three significant digits are enough

MISTAKES = {**HINTS,  # the hints' mistakes, and two named by the judge's own wording
            "in_place_update": "an input array was changed in place; assign new arrays "
                               "(m = ...) instead of m += ..., m[:] = ... or out=m",
            "value_rounded": "the value was rounded too far; compute it (e.g. write the "
                             "expression in Python) rather than rounding it"}


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
    """The outcome of a value or tuning answer (Ellipsis means not attempted)."""
    if value is Ellipsis:
        return {"not_attempted": True}
    return {"value": value}


# --------------------------------------------------------------------------- judging

def judge(answer, case, outcome):
    """None when the outcome passes; otherwise a one-line reason (see the module doc)."""
    if outcome.get("not_attempted"):
        return NOT_ATTEMPTED
    if "error" in outcome:
        err = outcome["error"]
        if case.get("buf", 0) is None and "None" in err:
            return f"raised {err}. Hint: {FIRST_BUF}"
        return f"raised {err}"
    if outcome.get("mutated"):
        names, first = ", ".join(outcome["mutated"]), outcome["mutated"][0]
        return (f"changed its input {names} in place; assign new arrays (such as "
                f"{first} = ...) instead of {first} += ..., {first}[:] = ... or out={first}")
    return _JUDGES[type(answer)](answer, case, outcome["value"])


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


def _judge_value(answer, case, value):
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


_JUDGES = {FunctionAnswer: _judge_function, ValueAnswer: _judge_value,
           TuningAnswer: lambda answer, case, hp: run_tuning(answer, hp)[0]}


# --------------------------------------------------------------------------- mistakes

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
    return mistake_id(hint.strip()) if sep else None
