"""The checks in the exercise notebooks: one function per answer, made from the catalogue.

In an exercise notebook::

    from adamedu.course import check
    check.adam_step()      # a pass line, the first failing case with a hint,
                           # or "not attempted yet"

A check looks the answer up itself, by the name the task gives it, in the notebook's
namespace (as the grader does), so a renamed or missing answer prints a hint instead of
raising NameError, and Run All goes on. (`check.adam_step(fn)` checks `fn` instead.)
It runs the answer on fixed inputs (seeded by the answer's name, so every run shows the
same cases) and judges it with `adamedu.course.judge`'s case loop, the one the autograder
runs on its own random inputs. The same mistake made again in the same kernel gets the
next, narrower rung of the answer's hint ladder.
"""
import collections
import sys
import zlib

import numpy as np

from adamedu.course import answers, judge
from adamedu.course.answers.kinds import NOT_DEFINED

_UNSET = object()
_TRIES = collections.Counter()    # (answer, mistake id or "") -> failures seen in this kernel


def seed(name):
    """The seed of the fixed inputs an answer's check uses."""
    return zlib.crc32(name.encode())


_seed = seed   # the name older notebooks and the grading corpus use


def reset_hints():
    """Forget the mistakes seen so far: the next failure gets the first rung again."""
    _TRIES.clear()


def check_cases(answer):
    """The fixed inputs the check runs `answer` on (the same on every run)."""
    return answer.cases(np.random.default_rng(seed(answer.name))) or [{}]


def verdict_line(answer, submitted):
    """The line a check prints for `submitted` (the answer's function or value)."""
    label = answer.name
    cases = check_cases(answer)
    if answer.kind == "function":
        if not callable(submitted):
            return f"✗ {label}: expected a function, got {type(submitted).__name__}"
        outcomes = (judge.run_function(submitted, c, answer.params) for c in cases)
    else:
        outcomes = [judge.outcome_of(submitted)]
    v = judge.verdict(answer, cases, outcomes)
    if v.status == judge.NOT_ATTEMPTED:
        where = ("write it in the answer cell above, run that cell, then this one"
                 if answer.kind == "function" else "replace the ... in the answer cell above")
        return f"{label}: {judge.NOT_ATTEMPTED} ({where})"
    if v.passed:
        if answer.kind == "function":
            return (f"✓ {label}: all {v.cases} cases match adamedu.{answer.subject} "
                    f"({_points(answer)})")
        return f"✓ {label}: {v.text or 'correct'} ({_points(answer)})"
    _TRIES[label, v.mistake] += 1
    reason = v.reason(rung=_TRIES[label, v.mistake] - 1)
    if v.case:
        return (f"✗ {label}: case {v.case} of {v.cases} ({_describe(cases[v.case - 1])}) "
                f"fails: {reason}")
    return f"✗ {label}: {reason}"


def _run(name, submitted, namespace):
    answer = answers.by_name(name)
    if submitted is _UNSET:
        submitted = namespace.get(answer.lookup, _UNSET)
    if submitted is _UNSET:
        print(f"✗ {name}: {answer.lookup} is not defined. Hint: {NOT_DEFINED.hint}")
        return
    print(verdict_line(answer, submitted))


def _describe(case):
    shown = [f"{k}={v:g}" for k, v in case.items() if isinstance(v, (int, float))
             and not isinstance(v, bool)]
    shape = next((v.shape for v in case.values() if isinstance(v, np.ndarray)), None)
    if shape is not None:
        shown.insert(0, f"theta of shape {shape}")
    if case.get("buf", 0) is None:
        shown.append("buf=None")
    return ", ".join(shown)


def _points(answer):
    return f"{answer.points} point{'s' if answer.points != 1 else ''}"


def _check_function(answer):
    def check_answer(submitted=_UNSET):
        _run(answer.name, submitted, sys._getframe(1).f_globals)
    what = "function" if answer.kind == "function" else f"{answer.kind} answer"
    check_answer.__name__ = check_answer.__qualname__ = answer.name
    check_answer.__doc__ = (f"Check your {what} {answer.lookup} (looked up in your notebook "
                            f"unless given) and print the result.")
    return check_answer


for _answer in answers.ANSWERS:
    globals()[_answer.name] = _check_function(_answer)

__all__ = [a.name for a in answers.ANSWERS] + ["check_cases", "reset_hints", "seed",
                                               "verdict_line"]
