"""Hints teach the idea without handing over the answer, and name known mistakes by id.

A function answer's hints form a ladder (the idea and the lesson section first, narrower
on a repeat); no rung, no stub message and no other hint of its notebook contains a line
or a longer expression of the solution (normalised: spaces and `np.` removed).

A value question's hints (the general one and those for recognised wrong values) may
explain what m_hat corrects or why the step does not grow with |g|, but must not contain
the expected value, nor arithmetic that produces it: every numeric sub-expression of every
hint is evaluated and compared with the answer.
"""
import ast
import json
import math
import operator
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from adamedu.course import answers, check, judge

VALUES = [a for a in answers.ANSWERS if a.kind == "value" and not isinstance(a.expected, bool)]
FUNCTIONS = [a for a in answers.ANSWERS if a.kind == "function"]
SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"

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
    texts = [answer.hint] + [h for _, m in answer.wrong for h in m.hints]
    for wrong, _ in answer.wrong:
        texts.append(judge.judge(answer, {}, judge.outcome_of(wrong)).reason())
    for factor in (0.5, 0.97, 1.03, 2.0, -1.0):  # unrecognised, near-miss and far-off values
        texts.append(judge.judge(answer, {}, judge.outcome_of(answer.expected * factor)).reason())
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
    for wrong, mistake in answer.wrong:
        v = judge.judge(answer, {}, judge.outcome_of(wrong))
        assert (v.status, v.mistake, v.hints) == (judge.FAIL, mistake.id, mistake.hints)
        assert answers.MISTAKES[mistake.id] is mistake


def _first_failure(answer, fn):
    cases = check.check_cases(answer)
    v = judge.verdict(answer, cases, (judge.run_function(fn, c, answer.params) for c in cases))
    return (None if v.passed else cases[v.case - 1]), v


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
    mistake, model = answer.mistakes[index]
    fn, named = _model_fn(answer, model), []
    for case in check.check_cases(answer):
        v = judge.judge(answer, case, judge.run_function(fn, case, answer.params))
        if not v.passed and not v.text.startswith("raised") and "NaN or inf" not in v.text:
            assert v.mistake in judge.MISTAKES, v
            named.append(v.mistake)
    assert named, "the slip passes every case"
    assert mistake.id in named, f"{mistake.id} is never diagnosed"


def test_in_place_updates_and_rounded_values_have_ids():
    def in_place(theta, grad, lr):
        theta -= lr * grad
        return theta
    _, v = _first_failure(answers.by_name("gd_step"), in_place)
    assert (v.mistake, v.case) == ("in_place_update", 1)
    assert v.text == "changed its input theta in place"
    v = judge.judge(answers.by_name("no_bias_first_step"), {}, judge.outcome_of(3.2))
    assert v.mistake == "value_rounded"
    v = judge.judge(answers.by_name("gd_step"), {}, {"error": "ValueError: boom"})
    assert (v.status, v.mistake, v.reason()) == (judge.FAIL, "", "raised ValueError: boom")


def test_values_in_the_wrong_order_are_named_as_that_mistake():
    answer = answers.by_name("adam_step")

    def swapped(theta, grad, m, v, t, lr, beta1, beta2, eps):
        theta, m, v, t = answer.reference(theta=theta, grad=grad, m=m, v=v, t=t, lr=lr,
                                          beta1=beta1, beta2=beta2, eps=eps)
        return theta, v, m, t
    _, v = _first_failure(answer, swapped)
    assert (v.mistake, v.case) == ("wrong_order", 1), v
    answer = answers.by_name("momentum_step")
    _, v = _first_failure(answer, lambda *a: answer.reference(**dict(zip(answer.params, a)))[::-1])
    assert v.mistake == "wrong_order", v


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
    v = judge.judge(answer, t0, judge.run_function(nan_step, t0, answer.params))
    assert v.text.startswith("theta contains NaN or inf"), v
    assert v.mistake == "" and v.hints == answer.hint.hints


def test_incrementing_t_late_is_diagnosed_on_the_first_case():
    """The t = 0 case comes last, so the slip shows first on a finite, diagnosable case."""
    answer = answers.by_name("adam_step")
    cases = check.check_cases(answer)
    assert cases[0]["t"] > 0 and cases[-1]["t"] == 0
    model = next(model for m, model in answer.mistakes if m.id == "t_not_incremented")
    case, v = _first_failure(answer, _model_fn(answer, model))
    assert case is cases[0] or case["t"] == cases[0]["t"]
    assert v.mistake == "t_not_incremented", v


def test_mistake_ids_are_stable_words_with_a_ladder():
    for mistake_id, m in answers.MISTAKES.items():
        assert m.id == mistake_id and re.fullmatch(r"[a-z0-9_]+", mistake_id)
        assert m.hints and all(h and not h.endswith(".") for h in m.hints), m
        assert judge.MISTAKES[mistake_id] == m.hint


@pytest.mark.parametrize("answer", FUNCTIONS, ids=lambda a: a.name)
def test_every_function_answer_has_a_ladder_that_points_to_a_lesson(answer):
    """The first rung names the idea and the lesson section; a repeat gets a narrower one."""
    ladders = [answer.hint] + [m for m, _ in answer.mistakes]
    for m in ladders:
        assert len(m.hints) >= 2 and len(set(m.hints)) == len(m.hints), m
    assert re.search(r"lesson \d", answer.hint.hints[0]), answer.hint
    assert all(re.search(r"lesson \d", m.hints[0]) or m.id == "fixed_betas"
               for m, _ in answer.mistakes), answer.name


# --------------------------------------------------------------------------- no given code

def _region(source):
    lines = source.split("\n")
    begin = next(i for i, x in enumerate(lines) if x.strip() == "### BEGIN SOLUTION")
    end = next(i for i, x in enumerate(lines) if x.strip() == "### END SOLUTION")
    return [x for x in lines[begin + 1:end] if not x.strip().startswith("#")]


def _norm(text):
    return re.sub(r"\s+|\bnp\.|\bmath\.", "", text)


def solution_expressions(source):
    """The normalised code a hint must not contain: each statement of the solution region,
    each value it assigns or returns (and each item of a returned tuple), and each longer
    arithmetic sub-expression (such as sqrt(v_hat) + eps)."""
    body = textwrap.dedent("\n".join(_region(source)))
    out = set()
    for node in ast.walk(ast.parse(body)):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.Return)):
            out.add(_norm(ast.unparse(node)).removeprefix("return"))
            value = node.value
            if value is not None:
                items = value.elts if isinstance(value, ast.Tuple) else [value]
                out.update(_norm(ast.unparse(x)) for x in items
                           if not isinstance(x, (ast.Name, ast.Constant)))
        elif isinstance(node, ast.BinOp) and len(_norm(ast.unparse(node))) >= 10:
            out.add(_norm(ast.unparse(node)))
    return {x for x in out if re.search(r"[-+*/]", x)}


def _function_answers_and_stubs():
    """(notebook, [solution sources of its function answers], [their stub hints])."""
    out = []
    for path in sorted(SOLUTIONS.glob("ex*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        sources, stubs = [], []
        for a in answers.notebook_answers(path.stem):
            if a.kind != "function":
                continue
            cell = next(c for c in nb["cells"] if c.get("id") == f"answer-{a.name}")
            source = "".join(cell["source"])
            sources.append(source)
            stubs += [x.split("### HINT:", 1)[1] for x in source.split("\n") if "### HINT:" in x]
        if sources:
            out.append((path.stem, sources, stubs))
    return out


def test_the_code_finder_catches_the_old_give_aways():
    src = ("def f(theta, m, v_hat, lr, eps):\n    ### BEGIN SOLUTION\n"
           "    t = t + 1\n    return theta - lr * m / (np.sqrt(v_hat) + eps), m\n"
           "    ### END SOLUTION\n")
    found = solution_expressions(src)
    assert "t=t+1" in found and "t+1" in found and "sqrt(v_hat)+eps" in found
    assert "theta-lr*m/(sqrt(v_hat)+eps)" in found
    for old in ("t + 1 first; then m, v", "divide by sqrt(v_hat) + eps, not sqrt(v_hat + eps)",
                "theta - lr * m / (sqrt(v_hat) + eps)"):
        assert any(code in _norm(old) for code in found), old


@pytest.mark.parametrize("notebook, sources, stubs", _function_answers_and_stubs(),
                         ids=lambda x: x if isinstance(x, str) else "")
def test_no_hint_or_stub_states_the_corrected_code(notebook, sources, stubs):
    """No rung of any ladder, no stub message and no hint of the same notebook's other
    answers contains a line (or a longer expression) of a function answer's solution."""
    code = set().union(*(solution_expressions(s) for s in sources))
    texts = list(stubs) + [h for m in answers.MISTAKES.values() for h in m.hints]
    for a in answers.notebook_answers(notebook):
        if a.kind == "choice":
            texts += [h for m in a.clues.values() for h in m.hints]
        else:
            texts += [a.hint] if isinstance(a.hint, str) else list(a.hint.hints)
    for text in texts:
        leaked = [c for c in code if c in _norm(text)]
        assert not leaked, f"{notebook}: {text!r} states {leaked}"
