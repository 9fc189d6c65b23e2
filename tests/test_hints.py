"""Hints teach the idea without handing over the answer, and name known mistakes by id.

A value question's hints (the general one and those for recognised wrong values) may
explain what m_hat corrects or why the step does not grow with |g|, but must not contain
the expected value, nor arithmetic that produces it: every numeric sub-expression of every
hint is evaluated and compared with the answer.
"""
import ast
import math
import operator
import re

import numpy as np
import pytest

from adamedu.course import answers, check, judge

VALUES = [a for a in answers.ANSWERS if a.kind == "value" and not isinstance(a.expected, bool)]
FUNCTIONS = [a for a in answers.ANSWERS if a.kind == "function"]

_TOKEN = re.compile(r"\s*((?<![A-Za-z_\d])\d+(?:\.\d*)?(?:e-?\d+)?|\.\d+|\*\*|[-+*/()]"
                    r"|(?:np\.|math\.)?sqrt)")
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv, ast.Pow: operator.pow, ast.USub: operator.neg,
        ast.UAdd: operator.pos}


def _eval(node):
    if isinstance(node, ast.Expression):
        return _eval(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.left), _eval(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.operand))
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        return math.sqrt(_eval(node.args[0]))
    raise ValueError("not arithmetic")


def numeric_subexpressions(text):
    """Every value that a contiguous run of numbers, operators and sqrt in text evaluates to."""
    runs, pos, current = [], 0, []
    for m in _TOKEN.finditer(text):
        if m.start() != pos and current:  # something else in between ends the run
            runs.append(current)
            current = []
        current.append(m.group().strip())
        pos = m.end()
    if current:
        runs.append(current)
    values = []
    for run in runs:
        for i in range(len(run)):
            for j in range(i + 1, len(run) + 1):
                try:
                    values.append(float(_eval(ast.parse(" ".join(run[i:j]), mode="eval"))))
                except (SyntaxError, ValueError, ZeroDivisionError, OverflowError, TypeError):
                    pass
    return values


def test_the_sub_expression_finder_catches_the_old_give_aways():
    assert any(math.isclose(v, 0.8) for v in numeric_subexpressions(
        "the step is lr * 4 / sqrt(9 + 16)"))
    assert 25 in numeric_subexpressions("Adagrad adds squared gradients: 3**2 + 4**2")
    assert any(math.isclose(v, 0.999) for v in numeric_subexpressions(
        "torch scales the decay by lr: 1 - 0.1 * 0.01"))
    assert any(math.isclose(v, 0.1 / math.sqrt(0.001)) for v in numeric_subexpressions(
        "without it the ratio is 0.1 / sqrt(0.001)"))
    assert numeric_subexpressions("m_hat / sqrt(v_hat) with beta1 and beta2") == []


def _hints(answer):
    """Every text a student can get back for a wrong value: the judge's own words."""
    texts = [answer.hint] + [hint for _, hint in answer.wrong]
    for wrong, _ in answer.wrong:
        texts.append(judge.judge(answer, {}, judge.outcome_of(wrong)))
    for factor in (0.5, 0.97, 1.03, 2.0, -1.0):  # unrecognised, near-miss and far-off values
        texts.append(judge.judge(answer, {}, judge.outcome_of(answer.expected * factor)))
    return texts


@pytest.mark.parametrize("answer", VALUES, ids=lambda a: a.name)
def test_no_hint_hands_over_the_value(answer):
    for text in _hints(answer):
        assert text, "a wrong value must get a reason"
        for v in numeric_subexpressions(text):
            assert not math.isclose(v, answer.expected, rel_tol=judge.VALUE_RTOL), \
                f"{answer.name}: {text!r} contains arithmetic giving {v:g}"


@pytest.mark.parametrize("answer", [a for a in answers.ANSWERS if a.kind == "value"],
                         ids=lambda a: a.name)
def test_every_recognised_wrong_value_is_a_known_mistake(answer):
    for wrong, hint in answer.wrong:
        reason = judge.judge(answer, {}, judge.outcome_of(wrong))
        assert reason.endswith(hint)
        assert judge.mistake_of(reason) in judge.MISTAKES, \
            f"{reason!r}: give the hint an id with _mistake(id, hint) in answers.py"


def _first_failure(answer, fn):
    for case in answer.cases(np.random.default_rng(check._seed(answer.name))):
        reason = judge.judge(answer, case, judge.run_function(fn, case, answer.params))
        if reason:
            return case, reason
    return None, None


def _model_fn(answer, model):
    def fn(*args):
        out = model(**dict(zip(answer.params, args)))
        return out if len(answer.returns) > 1 else out[0]
    return fn


@pytest.mark.parametrize("answer, index", [(a, i) for a in FUNCTIONS
                                           for i in range(len(a.mistakes))],
                         ids=lambda x: x.name if hasattr(x, "name") else str(x))
def test_each_modelled_slip_is_diagnosed_as_its_mistake(answer, index):
    """Every case the slip fails with finite numbers names a known mistake, and some case
    names this one (a slip can look like an earlier one on a case, e.g. damped momentum on
    the first step; at t = 0 a late t divides by zero, which proves nothing)."""
    hint, model = answer.mistakes[index]
    fn, named = _model_fn(answer, model), []
    for case in answer.cases(np.random.default_rng(check._seed(answer.name))):
        reason = judge.judge(answer, case, judge.run_function(fn, case, answer.params))
        if reason and not reason.startswith("raised") and "NaN or inf" not in reason:
            assert judge.mistake_of(reason) in judge.MISTAKES, \
            f"{reason!r}: give the hint an id with _mistake(id, hint) in answers.py"
            named.append(judge.mistake_of(reason))
    assert named, "the slip passes every case"
    assert judge.mistake_of(f"x. Hint: {hint}") in named, \
        f"{hint!r} is never diagnosed, or has no id (give it one with _mistake(id, hint))"


def test_in_place_updates_and_rounded_values_have_ids():
    def in_place(theta, grad, lr):
        theta -= lr * grad
        return theta
    _, reason = _first_failure(answers.by_name("gd_step"), in_place)
    assert judge.mistake_of(reason) == "in_place_update"
    assert judge.mistake_of(f"case 2 of 4: {reason}") == "in_place_update"  # as the grader says
    reason = judge.judge(answers.by_name("no_bias_first_step"), {}, judge.outcome_of(3.2))
    assert judge.mistake_of(reason) == "value_rounded"
    assert judge.mistake_of("raised ValueError: boom") is None
    assert judge.mistake_of("") is None


def test_a_nan_at_t_0_is_not_blamed_on_t():
    """theta * nan (m, v and t right) fails only where the reference is finite: no mistake
    model is named on a NaN 'match', so the hint is the general one."""
    answer = answers.by_name("adam_step")

    def nan_step(theta, grad, m, v, t, lr, beta1, beta2, eps):
        theta, m, v, t = answer.reference(theta=theta, grad=grad, m=m, v=v, t=t, lr=lr,
                                          beta1=beta1, beta2=beta2, eps=eps)
        return theta * np.nan, m, v, t

    cases = answer.cases(np.random.default_rng(3))
    t0 = next(c for c in cases if c["t"] == 0)
    reason = judge.judge(answer, t0, judge.run_function(nan_step, t0, answer.params))
    assert reason.startswith("theta contains NaN or inf"), reason
    assert "t must be incremented" not in reason and judge.mistake_of(reason) is None


def test_incrementing_t_late_is_diagnosed_on_the_first_case():
    """The t = 0 case comes last, so the slip shows first on a finite, diagnosable case."""
    answer = answers.by_name("adam_step")
    cases = answer.cases(np.random.default_rng(check._seed("adam_step")))
    assert cases[0]["t"] > 0 and cases[-1]["t"] == 0
    model = next(model for hint, model in answer.mistakes if "t must be" in hint)
    case, reason = _first_failure(answer, _model_fn(answer, model))
    assert case is cases[0] or case["t"] == cases[0]["t"]
    assert judge.mistake_of(reason) == "t_not_incremented", reason


def test_mistake_ids_are_stable_words_with_a_hint():
    for mistake, hint in judge.MISTAKES.items():
        assert re.fullmatch(r"[a-z0-9_]+", mistake) and hint and not hint.endswith(".")
