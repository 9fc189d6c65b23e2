"""Scoring one answer of a graded submission from the raw results its worker wrote.

Runs in the grader's process, never in the student's kernel: the harness cell wrote raw
return values (`adamedu.course.harness`'s encoding), and they are judged here with
`adamedu.course.judge`, so nothing the student's kernel imported or edited can change them.
"""
from pathlib import Path

from adamedu.course import answers, harness, judge, results

MAX_RESULT_BYTES = 20 * 2**20     # raw results of one answer


def score_answer(answer, ids, plan, status, cells, results_dir):
    """The record entry of one answer: {"answer", "points", "max", "reason", "mistake"}
    (reason '' when all points are earned; mistake the verdict's mistake id or '')."""
    try:
        v = _verdict(answer, ids, plan, status, cells, results_dir)
    except Exception as e:  # results forged into a shape the harness never writes
        v = judge.Verdict(judge.FAIL, f"unusable result ({type(e).__name__}: {e})"[:300])
    reason = "" if v.passed else v.reason()
    if v.case and not v.passed:
        reason = f"case {v.case} of {v.cases}: {reason}"
    return {"answer": answer.name, "points": float(answer.points if v.passed else 0),
            "max": float(answer.points), "reason": reason, "mistake": v.mistake}


def _verdict(answer, ids, plan, status, cells, results_dir):
    """The judge's verdict on one answer, or a failing one saying why it was not judged."""
    if ids is None:
        return _unjudged("answer cell not found in the submission")
    if not ids:
        return _unjudged("answer cell is too long")
    path = Path(results_dir) / f"{answer.name}.json"
    try:
        raw = results.load_json(path, MAX_RESULT_BYTES)["results"]
    except results.TooLarge:
        return _unjudged("the answer's results are too large to read (more than 20 MB)")
    except (OSError, ValueError, KeyError, TypeError):
        return _unjudged(_no_result(ids, plan, status, cells))
    if isinstance(raw, dict):  # a value, or the name was never defined
        if raw.get("missing"):
            return _unjudged(_not_defined(answer, ids, status, cells))
        if isinstance(answer, answers.FunctionAnswer):
            return _unjudged("unusable result from the harness")
        return judge.verdict(answer, [{}], [judge.outcome_of(harness.decode(raw.get("value")))])
    if not isinstance(raw, list) or not raw:
        return _unjudged("the harness recorded nothing")
    cases = plan["cases"]
    return judge.verdict(answer, cases, (_outcome(answer, c, r) for c, r in zip(cases, raw)))


def _unjudged(text):
    return judge.Verdict(judge.FAIL, text)


def _outcome(answer, case, r):
    if not isinstance(r, dict):
        return {"error": "the harness recorded nothing usable"}
    if r.get("not_attempted"):
        return {"not_attempted": True}
    if "error" in r:
        return {"error": str(r["error"])}
    after = dict(zip(answer.params, (harness.decode(a) for a in r.get("after", []))))
    return {"value": harness.decode(r.get("value")),
            "mutated": judge.changed_inputs(case, after)}


def _cell_status(status, cells, cid):
    for i, c in enumerate(cells):
        if c["id"] == cid and i < len(status):
            return status[i]
    return "not run"


def _not_defined(answer, ids, status, cells):
    st = _cell_status(status, cells, ids[-1])
    if st != "ok":
        return f"answer cell failed ({st}), so {answer.lookup} is not defined"
    return f"the answer cell ran but does not define {answer.lookup}"


def _no_result(ids, plan, status, cells):
    st = _cell_status(status, cells, ids[-1])
    if st.startswith(("Timeout", "total time limit", harness.DEAD)):  # the answer cell failed
        return f"answer cell: {st}"
    hs = status[plan["cell"]] if plan and plan["cell"] < len(status) else "not run"
    if hs == "ok":
        return "no result recorded (does the submission interfere with files or the kernel?)"
    return f"not tested: {hs}"
