"""The class report: one self-contained HTML page (inline CSS and SVG, no scripts, nothing
fetched), rendered from ``templates/report.html`` with Jinja2, which escapes every value.

It counts each student once per exercise, with the file that counts
(`adamedu.course.students`): scores per exercise (a histogram each), the pass rate per
answer, the mistakes by how many students made them (failures the judge could not name
get their own row, `UNCLASSIFIED`), flagged files and files that could not be graded.
"""
import math
from collections import Counter, defaultdict
from pathlib import Path

import jinja2

from adamedu.course.answers import ANSWERS, by_name
from adamedu.course.judge import MISTAKES, NOT_ATTEMPTED
from adamedu.course.students import columns, counted_files, exercise_max, latest, num, student_of

UNCLASSIFIED = "(not classified)"
UNCLASSIFIED_HINT = ("points lost for a reason the judge names no mistake for (errors, "
                     "timeouts, wrong values without a known cause): read the reasons in the "
                     "detail CSV")
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                          autoescape=True, undefined=jinja2.StrictUndefined,
                          keep_trailing_newline=True)


def mistake_table(records):
    """[(mistake id, number of students, answers, hint)], most students first, counted in
    the file that counts for each student and exercise. An answer that lost points with no
    mistake id (and was attempted) counts under UNCLASSIFIED, last."""
    students, answers = defaultdict(set), defaultdict(set)
    for student, _, r in counted_files(records):
        for a in r.get("answers", []) if r.get("graded") else []:
            m = a.get("mistake") or (UNCLASSIFIED if float(a["points"]) < float(a["max"])
                                     and a.get("reason") != NOT_ATTEMPTED else None)
            if m:
                students[m].add(student.casefold())
                answers[m].add(a["answer"])
    known = sorted(set(students) - {UNCLASSIFIED}, key=lambda m: (-len(students[m]), m))
    return [(m, len(students[m]), sorted(answers[m]), MISTAKES.get(m, UNCLASSIFIED_HINT))
            for m in known + [UNCLASSIFIED] * (UNCLASSIFIED in students)]


def _histogram(exercise, totals, maximum):
    """What the template draws: how many students scored each whole number of points."""
    top = math.ceil(maximum)
    counts = Counter(min(top, max(0, math.floor(t))) for t in totals)
    width, height, pad = 30 * (top + 1) + 40, 150, 24
    peak = max(counts.values(), default=1)
    bars = []
    for s in range(top + 1):
        n = counts.get(s, 0)
        h = 0 if not n else max(2, (height - 2 * pad) * n / peak)
        x = 30 + 30 * s
        bars.append({"score": s, "n": n, "x": x, "mid": x + 12, "y": f"{height - pad - h:.1f}",
                     "h": f"{h:.1f}", "top": f"{height - pad - h - 3:.1f}"})
    desc = ", ".join(f"{counts[s]} with {s}" for s in sorted(counts)) or "no graded files"
    return {"exercise": exercise, "width": width, "height": height, "axis": height - pad,
            "bars": bars, "label": f"Scores in {exercise} out of {num(maximum)}: {desc}",
            "count": len(totals), "mean": f"{sum(totals) / len(totals):.1f}",
            "maximum": num(maximum)}


def _histograms(records, counted):
    totals = defaultdict(list)
    for _, exercise, r in counted:
        if exercise and r.get("graded"):
            totals[exercise].append(float(r.get("total") or 0))
    return [_histogram(e, totals[e], exercise_max(e, [r for _, x, r in counted if x == e]))
            for e in columns(records) if totals.get(e)]


def _pass_rates(counted):
    stats = defaultdict(lambda: [0, 0, 0])  # full points, attempted, students graded
    for _, _, r in counted:
        for a in r.get("answers", []) if r.get("graded") else []:
            s = stats[a["answer"]]
            s[2] += 1
            s[1] += (a.get("reason") or "") != NOT_ATTEMPTED
            s[0] += float(a["points"]) >= float(a["max"])
    order = [a.name for a in ANSWERS if a.name in stats] + sorted(
        set(stats) - {a.name for a in ANSWERS})
    return [(name, getattr(_answer(name), "notebook", ""), f"{full} of {n}",
             f"{100 * full / n:.0f} %", n - attempted)
            for name in order for full, attempted, n in [stats[name]]]


def report_html(records, meta=None):
    """The class report of these records as an HTML page (a string)."""
    records = latest(records)
    counted = counted_files(records)
    return _ENV.get_template("report.html").render(
        people=len({s.casefold() for s, _, _ in counted}), files=len(records),
        graded=sum(bool(r.get("graded")) for r in records),
        seed=(meta or {}).get("seed"), histograms=_histograms(records, counted),
        pass_rates=_pass_rates(counted), unclassified=UNCLASSIFIED,
        mistakes=[(m, n, ", ".join(a), h) for m, n, a, h in mistake_table(records)],
        flagged=[(student_of(r)[0], r["file"], "; ".join(r["flags"]))
                 for r in records if r.get("flags")],
        not_graded=[(student_of(r)[0], r["file"], r.get("error") or "") for r in records
                    if not r.get("graded")])


def _answer(name):
    try:
        return by_name(name)
    except KeyError:
        return None
