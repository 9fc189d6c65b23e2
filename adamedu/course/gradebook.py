"""The grader's outputs: a gradebook with one row per student, the per-answer detail, JSON
and a class report.

The grader hands over one record per graded notebook, a JSON-serialisable dict::

    {"file": "alice/ex05_adam.ipynb", "root": "submissions", "sha256": "...",
     "exercise": "ex05_adam" or None, "graded": True, "error": "",
     "answers": [{"answer": "adam_step", "points": 0.0, "max": 6.0, "reason": "..."}, ...],
     "total": 4.0, "max": 10.0, "flags": ["cell answer-adam_step: imports os", ...]}

`write_outputs` turns the records into four files, each replaced atomically (a reader
always finds a complete file), and `load_records` reads them back (for ``--resume``).
`merge` joins the runs of a class graded in shards (``--shard K/N`` on several machines)::

    python -m adamedu.course.gradebook part1.csv part2.csv --out gradebook.csv [--report r.html]

Who is the student? `student_of` applies these rules, first match wins:

1. A folder per student: a file inside a folder under the submissions folder belongs to
   that folder's student (``submissions/alice/ex05_adam.ipynb`` is alice's, as nbgrader's
   ``submitted/<student>/...``), unless the folder's name names an exercise
   (``submissions/ex05/...``); Moodle's folder suffix ``_<id>_assignsubmission_file_`` is
   dropped.
2. A flat file named ``<student>_exNN...`` or ``exNN..._<student>`` (any of ``_ - . space``
   as separators): ``alice_ex05.ipynb``, ``alice-ex05-final.ipynb``,
   ``ex05_adam_alice.ipynb``. Download noise is dropped: ``(1)``, ``copy``, ``final``,
   ``late``, ``v2``, and number tokens (LMS ids such as Canvas's
   ``alice_12345_67890_ex05_adam.ipynb``) unless the name is only a number.
3. A folder named by rule 2 (``ex05-adam-alice/``, as GitHub Classroom names them).
4. Anything else (``ex05_adam (1).ipynb``, ``homework.ipynb``) is still a row, shown
   under its file name.

Names are compared ignoring case. When a student has several files for one exercise, the
best graded one counts and the flags say so.
"""
import argparse
import csv
import html
import io
import json
import math
import os
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from adamedu.course.answers import ANSWERS, by_name, notebook_answers
from adamedu.course.judge import MISTAKES, NOT_ATTEMPTED

__all__ = ["EXERCISES", "counted_files", "default_detail", "detail_rows", "gradebook_rows",
           "load_records", "merge", "mistake_table", "report_html", "student_of", "write_outputs"]

EXERCISES = tuple(dict.fromkeys(a.notebook for a in ANSWERS))
DETAIL_COLUMNS = ("student", "exercise", "file", "root", "sha256", "graded", "error",
                  "answer", "points", "max", "reason", "mistake", "flags")

_EX = re.compile(r"(?<![A-Za-z0-9])ex(\d{2})(?!\d)", re.IGNORECASE)
_WORDS = r"\(\d+\)|copy|final|late|v\d+|submission"     # download noise around a name
_NOISE = re.compile(rf"{_WORDS}|\d+", re.IGNORECASE)   # ... and LMS id numbers
_MOODLE = re.compile(r"_\d+_assignsubmission_\w*$", re.IGNORECASE)


# --------------------------------------------------------------------------- students

def _exercise_in(name):
    """(exercise name or None, match) for the exNN token in a file or folder name."""
    m = _EX.search(name)
    if not m:
        return None, None
    known = [e for e in EXERCISES if e[2:4] == m.group(1)]
    return (known[0] if known else f"ex{m.group(1)}"), m


def _tokens(text):
    return [(t.group(), t.start(), t.end()) for t in re.finditer(r"[^\s_.\-]+", text)]


def _clean(text, keep_first):
    """The student name in text, with download noise dropped (see the module docstring)."""
    toks = _tokens(text)
    if keep_first:  # before the exercise: drop trailing noise, keep a name that is only digits
        while len(toks) > 1 and _NOISE.fullmatch(toks[-1][0]):
            toks.pop()
        if len(toks) == 1 and re.fullmatch(_WORDS, toks[0][0], re.IGNORECASE):
            toks = []
    else:
        toks = [t for t in toks if not _NOISE.fullmatch(t[0])]
    return text[toks[0][1]:toks[-1][2]] if toks else ""


def _from_name(stem):
    """(student or "", exercise or None) from a flat file name without .ipynb."""
    exercise, m = _exercise_in(stem)
    if not m:
        return "", None
    before, after = stem[:m.start()], stem[m.end():]
    if exercise[5:]:  # the exercise's name after exNN ("_adam", "-when-adam-fails") goes too
        name = r"[\s_.\-]+".join(map(re.escape, exercise[5:].split("_")))
        after = re.sub(rf"^[\s_.\-]+{name}(?![^\s_.\-])", "", after, flags=re.IGNORECASE)
    student = _clean(before, keep_first=True) or _clean(after, keep_first=False)
    return student, exercise


def _identify(record):
    """(student, exercise, matched): matched is False when the file name is shown instead."""
    path = Path(record["file"])
    exercise = record.get("exercise")
    parts = path.parts
    in_folder = bool(record.get("root")) and len(parts) >= 2
    if in_folder and not _EX.search(parts[0]):
        student = _MOODLE.sub("", parts[0]).strip()
        if student:
            return student, exercise or _exercise_in(path.stem)[0], True
    student, named = _from_name(path.stem)
    if student:
        return student, exercise or named, True
    if in_folder:  # a folder named like a file: ex05-adam-alice/ (GitHub Classroom)
        student, from_folder = _from_name(parts[0])
        if student:
            return student, exercise or named or from_folder, True
    return record["file"], exercise or named, False


def student_of(record):
    """(student, exercise) of a record; an unmatched file's student is its file path."""
    student, exercise, _ = _identify(record)
    return student, exercise


# --------------------------------------------------------------------------- the gradebook

def _num(x):
    """A number as the CSV shows it: 6 not 6.0, 0.5 stays 0.5."""
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(x)


def _exercise_max(exercise, records):
    points = [a.points for a in notebook_answers(exercise)]
    if points:
        return float(sum(points))
    return max((float(r.get("max") or 0) for r in records), default=0.0)


def _brief(entry):
    """A few words for the gradebook's `lost` column: the mistake id or the reason's start."""
    if entry.get("mistake"):
        return entry["mistake"]
    reason = entry.get("reason") or ""
    text = re.sub(r"^case \d+ of \d+: ", "", reason).split(". Hint:")[0]
    return text if len(text) <= 60 else text[:57] + "..."


def _by_path(records):
    """records ordered by (root, file), stably: outputs do not depend on which worker
    finished first, so a sharded class merges into exactly the unsharded gradebook."""
    return sorted(records, key=lambda r: (r.get("root", ""), r["file"]))


def _latest(records):
    """One record per file: the last one (a file regraded after it changed replaces the
    earlier grading of the same path), in path order."""
    return _by_path({(r.get("root", ""), r["file"]): r for r in records}.values())


def _students(records):
    """{student key: {"name", "matched", "records": [...]}} in gradebook order."""
    out = {}
    for r in _latest(records):
        student, exercise, matched = _identify(r)
        key = (not matched, student.casefold())
        entry = out.setdefault(key, {"name": student, "matched": matched, "records": []})
        entry["records"].append((exercise, r))
    return dict(sorted(out.items()))


def _counted(submissions):
    """The record that counts among one student's files for one exercise: the best graded."""
    graded = [r for r in submissions if r.get("graded")]
    pool = graded or submissions
    return max(pool, key=lambda r: (float(r.get("total") or 0), -pool.index(r)))


def _columns(records):
    seen = {_identify(r)[1] for r in records} - {None}
    return [e for e in EXERCISES if e in seen] + sorted(seen - set(EXERCISES))


def gradebook_rows(records):
    """The gradebook as a header and one list of cells per student."""
    records = _latest(records)
    columns = _columns(records)
    by_exercise = defaultdict(list)
    for r in records:
        by_exercise[_identify(r)[1]].append(r)
    maxima = {e: _exercise_max(e, by_exercise[e]) for e in columns}
    header = ["student", *columns, "total", "max", "flags", "lost"]
    rows = []
    for entry in _students(records).values():
        per_exercise = defaultdict(list)
        for exercise, r in entry["records"]:
            per_exercise[exercise].append(r)
        cells, total, flags, lost = {}, 0.0, [], []
        for exercise, subs in per_exercise.items():
            label = exercise or "unknown exercise"
            best = _counted(subs)
            if len(subs) > 1:
                flags.append(f"{label}: {len(subs)} files ("
                             f"{', '.join(Path(r['file']).name for r in subs)}); "
                             f"{Path(best['file']).name} counts")
            for r in subs:
                flags.extend(f"{label}: {f}" for f in r.get("flags", []))
            if not best.get("graded"):
                flags.append(f"{label}: not graded: {best.get('error') or 'no reason given'}")
                continue
            if exercise is not None:
                cells[exercise] = float(best.get("total") or 0)
                total += cells[exercise]
            answers = best.get("answers", [])
            if answers and all(a.get("reason") == NOT_ATTEMPTED for a in answers):
                lost.append(f"{label} 0/{_num(sum(float(a['max']) for a in answers))} "
                            f"(nothing attempted)")
                continue
            for a in answers:
                if float(a["points"]) < float(a["max"]):
                    lost.append(f"{a['answer']} {_num(a['points'])}/{_num(a['max'])} "
                                f"({_brief(a)})")
        rows.append([entry["name"], *(_num(cells[e]) if e in cells else "" for e in columns),
                     _num(total), _num(sum(maxima.values())), " | ".join(flags),
                     "; ".join(lost)])
    return header, rows


def detail_rows(records):
    """The long-format detail: one row per answer (one row for a file with no answers)."""
    rows = []
    for r in _by_path(records):
        student = student_of(r)[0]
        common = {"student": student, "exercise": r.get("exercise") or "", "file": r["file"],
                  "root": r.get("root", ""), "sha256": r.get("sha256", ""),
                  "graded": "yes" if r.get("graded") else "no", "error": r.get("error", ""),
                  "flags": "\n".join(r.get("flags", []))}
        answers = r.get("answers") or [None]
        for a in answers:
            row = dict(common, answer="", points="", max="", reason="", mistake="")
            if a is not None:
                reason = a.get("reason") or ""
                row.update(answer=a["answer"], points=_num(a["points"]), max=_num(a["max"]),
                           reason=reason, mistake=a.get("mistake") or "")
            rows.append([row[c] for c in DETAIL_COLUMNS])
    return rows


def _cell(text):
    """A CSV cell a spreadsheet will not run as a formula: text that starts with = + - @,
    a tab or a carriage return (or with ') gets a leading ' (file names come from students)."""
    text = str(text)
    return "'" + text if text[:1] in _FORMULA else text


def _uncell(text):
    return text[1:] if text[:1] == "'" else text


_FORMULA = ("=", "+", "-", "@", "\t", "\r", "'")


def _csv(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows([_cell(c) for c in row] for row in rows)
    return buf.getvalue()


def _atomic_write(path, text):
    """Replace path with text in one step: readers see the old file or the new one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def default_detail(out):
    """The detail CSV next to the gradebook: gradebook.csv -> gradebook_detail.csv."""
    out = Path(out)
    return out.with_name(f"{out.stem}_detail{out.suffix or '.csv'}")


def write_outputs(records, out, detail=None, json_path=None, report=None, meta=None):
    """Write the gradebook CSV (out), the detail CSV (detail, default `default_detail(out)`),
    and, when given, the JSON and the HTML report; each file is replaced atomically.
    meta: optional facts for the JSON and the report, e.g. {"seed": 123}."""
    records = list(records)
    header, rows = gradebook_rows(records)
    _atomic_write(detail or default_detail(out), _csv(DETAIL_COLUMNS, detail_rows(records)))
    if json_path:
        students = [dict(zip(header, row)) for row in rows]
        _atomic_write(json_path, json.dumps({**(meta or {}), "students": students,
                                             "records": records}, indent=1))
    if report:
        _atomic_write(report, report_html(records, meta))
    _atomic_write(out, _csv(header, rows))


def load_records(out, detail=None, json_path=None):
    """The records write_outputs wrote, from the detail CSV (else the JSON); [] if neither.
    Raises ValueError when the detail file is not one write_outputs wrote."""
    path = Path(detail or default_detail(out))
    if path.exists():
        return _records_from_detail(path)
    if json_path and Path(json_path).exists():
        return json.loads(Path(json_path).read_text(encoding="utf-8"))["records"]
    return []


def _is_detail(path):
    with open(path, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f), [])
    return all(c in header for c in DETAIL_COLUMNS)


def merge(parts):
    """The records of several grading runs (shards of one class) as one list.

    Each part is a run's gradebook CSV (its detail file, written beside it, is read) or
    that detail CSV itself. A file graded in two parts counts once if both parts hold the
    same gradings of it (one part may hold several: a file changed and regraded with
    ``--resume``); raises ValueError naming the file when they do not (other contents or
    results: not shards of one run) or when a part cannot be read.
    """
    merged = {}
    for part in map(Path, parts):
        if not part.is_file():
            raise ValueError(f"{part}: no such file")
        detail = part if _is_detail(part) else default_detail(part)
        if not detail.is_file():
            raise ValueError(f"{part} is not a detail file, and there is no {detail} beside "
                             f"it (each grading run writes one)")
        mine = defaultdict(list)
        for r in _records_from_detail(detail):
            mine[(r["root"], r["file"])].append(r)
        for key, records in mine.items():
            if merged.setdefault(key, records) != records:
                same = {r["sha256"] for r in merged[key]} == {r["sha256"] for r in records}
                raise ValueError(f"{Path(*key)} was graded twice with different "
                                 f"{'results' if same else 'contents'} ({detail}): merge the "
                                 f"shards of one run only")
    return [r for records in merged.values() for r in records]


def main(argv=None):
    """``python -m adamedu.course.gradebook PART ... --out gradebook.csv``: merge shards."""
    p = argparse.ArgumentParser(prog="python -m adamedu.course.gradebook",
                                description="Merge the gradebooks of a class graded in "
                                            "shards (python -m adamedu.course.grade "
                                            "--shard K/N).")
    p.add_argument("parts", nargs="+", metavar="PART",
                   help="each shard's gradebook CSV (or its detail CSV)")
    p.add_argument("--out", required=True, help="the merged gradebook CSV")
    p.add_argument("--detail", help="merged detail CSV (default: the --out name with _detail)")
    p.add_argument("--json", dest="json_out", metavar="PATH", help="also write JSON")
    p.add_argument("--report", metavar="PATH", help="also write the HTML class report")
    opts = p.parse_args(argv)
    outs = [Path(x) for x in (opts.out, opts.detail or default_detail(opts.out),
                              opts.json_out, opts.report) if x]
    ins = {Path(x).resolve() for x in opts.parts}
    ins |= {default_detail(x).resolve() for x in opts.parts}
    for o in outs:
        if o.resolve() in ins or o.is_dir() or not o.parent.is_dir():
            p.exit(2, f"{p.prog}: error: cannot write {o}: it is one of the parts, a folder, "
                      f"or in a folder that does not exist\n")
    if len({o.resolve() for o in outs}) < len(outs):
        p.exit(2, f"{p.prog}: error: two outputs are the same file\n")
    try:
        records = merge(opts.parts)
    except (ValueError, OSError, csv.Error, UnicodeDecodeError) as e:
        p.exit(2, f"{p.prog}: error: {e}\n")
    write_outputs(records, opts.out, detail=opts.detail, json_path=opts.json_out,
                  report=opts.report, meta={"merged_from": [str(x) for x in opts.parts]})
    print(f"wrote {opts.out}: {len(records)} submissions from {len(opts.parts)} parts",
          file=sys.stderr)
    return 0


def _records_from_detail(path):
    records = {}
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in DETAIL_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path} is not a detail file written by adamedu.course.grade "
                             f"(no column {', '.join(missing)})")
        for row in reader:
            row = {k: _uncell(v) for k, v in row.items()}
            key = (row["root"], row["file"], row["sha256"])
            r = records.get(key)
            if r is None:
                r = records[key] = {
                    "file": row["file"], "root": row["root"], "sha256": row["sha256"],
                    "exercise": row["exercise"] or None, "graded": row["graded"] == "yes",
                    "error": row["error"], "answers": [], "total": 0.0, "max": 0.0,
                    "flags": row["flags"].split("\n") if row["flags"] else []}
            if row["answer"]:
                a = {"answer": row["answer"], "points": float(row["points"]),
                     "max": float(row["max"]), "reason": row["reason"],
                     "mistake": row["mistake"]}
                r["answers"].append(a)
                r["total"] += a["points"]
                r["max"] += a["max"]
    for r in records.values():  # not graded: the exercise's points, as the grader counts them
        if not r["answers"] and r["exercise"]:
            r["max"] = float(sum(a.points for a in notebook_answers(r["exercise"])))
    return list(records.values())


# --------------------------------------------------------------------------- the class report

_CSS = """
body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;
color:#1a1a1a;line-height:1.45}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}
th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#e8e8e8}td.n{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.3rem 0}
figure{margin:0 0 1rem}figcaption{font-size:.9rem}
.muted{color:#555}code{font-size:.95em}
"""


def _hist_svg(exercise, totals, maximum):
    """An inline SVG bar chart: how many students scored each whole number of points."""
    top = math.ceil(maximum)
    counts = Counter(min(top, max(0, math.floor(t))) for t in totals)
    width, height, pad, bw = 30 * (top + 1) + 40, 150, 24, 24
    peak = max(counts.values(), default=1)
    bars = []
    for s in range(top + 1):
        n = counts.get(s, 0)
        h = 0 if not n else max(2, (height - 2 * pad) * n / peak)
        x = 30 + 30 * s
        bars.append(f'<rect x="{x}" y="{height - pad - h:.1f}" width="{bw}" height="{h:.1f}" '
                    f'fill="#3b3b8f"><title>{n} scored {s}</title></rect>'
                    f'<text x="{x + bw / 2}" y="{height - 8}" font-size="11" '
                    f'text-anchor="middle">{s}</text>'
                    + (f'<text x="{x + bw / 2}" y="{height - pad - h - 3:.1f}" font-size="11" '
                       f'text-anchor="middle">{n}</text>' if n else ""))
    desc = ", ".join(f"{counts[s]} with {s}" for s in sorted(counts)) or "no graded files"
    label = f"Scores in {exercise} out of {_num(maximum)}: {desc}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{html.escape(label)}">'
            f'<title>{html.escape(label)}</title>'
            f'<line x1="26" y1="{height - pad}" x2="{width - 6}" y2="{height - pad}" '
            f'stroke="#000"/>{"".join(bars)}</svg>')


def _table(caption, header, rows, numeric=()):
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{html.escape(str(c))}</td>' if i in numeric
                         else f"<td>{html.escape(str(c))}</td>" for i, c in enumerate(row))
        + "</tr>" for row in rows)
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def counted_files(records):
    """[(student, exercise, record)]: for each student and exercise, the file that counts."""
    out = []
    for entry in _students(records).values():
        per_exercise = defaultdict(list)
        for exercise, r in entry["records"]:
            per_exercise[exercise].append(r)
        out.extend((entry["name"], e, _counted(subs)) for e, subs in per_exercise.items())
    return out


def mistake_table(records):
    """[(mistake id, number of students, answers, hint)], most students first, counted in
    the file that counts for each student and exercise."""
    students, answers = defaultdict(set), defaultdict(set)
    for student, _, r in counted_files(records):
        for a in r.get("answers", []):
            m = a.get("mistake")
            if m:
                students[m].add(student.casefold())
                answers[m].add(a["answer"])
    return [(m, len(students[m]), sorted(answers[m]), MISTAKES[m])
            for m in sorted(students, key=lambda m: (-len(students[m]), m))]


def _scores_section(records, counted):
    totals = defaultdict(list)
    for _, exercise, r in counted:
        if exercise and r.get("graded"):
            totals[exercise].append(float(r.get("total") or 0))
    parts = ["<h2>Scores per exercise</h2>"]
    if not totals:
        parts.append("<p>No graded files yet.</p>")
    for exercise in (e for e in _columns(records) if totals.get(e)):
        scores = totals[exercise]
        maximum = _exercise_max(exercise, [r for _, e, r in counted if e == exercise])
        parts.append(f"<h3>{html.escape(exercise)}</h3><figure>"
                     f"{_hist_svg(exercise, scores, maximum)}<figcaption>{len(scores)} "
                     f"student{'s' if len(scores) != 1 else ''}, mean "
                     f"{sum(scores) / len(scores):.1f} of {_num(maximum)}; each bar counts "
                     f"the students with that score.</figcaption></figure>")
    return parts


def _pass_rate_section(counted):
    stats = defaultdict(lambda: [0, 0, 0])  # full points, attempted, students graded
    for _, _, r in counted:
        for a in r.get("answers", []) if r.get("graded") else []:
            s = stats[a["answer"]]
            s[2] += 1
            s[1] += (a.get("reason") or "") != NOT_ATTEMPTED
            s[0] += float(a["points"]) >= float(a["max"])
    order = [a.name for a in ANSWERS if a.name in stats] + sorted(
        set(stats) - {a.name for a in ANSWERS})
    rows = [(name, getattr(_answer(name), "notebook", ""), f"{full} of {n}",
             f"{100 * full / n:.0f} %", n - attempted)
            for name in order for full, attempted, n in [stats[name]]]
    return ["<h2>Pass rate per answer</h2>",
            _table("Students whose graded file earned the answer's full points",
                   ["answer", "exercise", "full points", "pass rate", "not attempted"],
                   rows, numeric=(2, 3, 4)) if rows else "<p>No graded answers yet.</p>"]


def report_html(records, meta=None):
    """The class report: a self-contained HTML page (inline CSS and SVG, no scripts)."""
    records = _latest(records)
    counted = counted_files(records)
    graded = sum(bool(r.get("graded")) for r in records)
    people = len({s.casefold() for s, _, _ in counted})
    parts = [f"<h1>Class report</h1><p>{people} student{'s' if people != 1 else ''}, "
             f"{len(records)} files: {graded} graded, {len(records) - graded} not graded."
             + (f" Seed {html.escape(str(meta['seed']))}." if meta and "seed" in meta else "")
             + " Each student counts with one file per exercise: the best graded one.</p>"]
    parts += _scores_section(records, counted)
    parts += _pass_rate_section(counted)
    mistakes = mistake_table(records)
    parts += ["<h2>Mistakes, most common first</h2>",
              _table("Diagnosed mistakes: how many students made each, and the hint they saw",
                     ["mistake", "students", "answers", "hint"],
                     [(m, n, ", ".join(a), h) for m, n, a, h in mistakes], numeric=(1,))
              if mistakes else "<p>No diagnosed mistakes.</p>"]
    flagged = [(student_of(r)[0], r["file"], "; ".join(r["flags"]))
               for r in records if r.get("flags")]
    parts += ["<h2>Flagged files</h2>",
              _table("Answer cells worth a look (flags do not change the score)",
                     ["student", "file", "flags"], flagged) if flagged
              else "<p>No flagged files.</p>"]
    bad = [(student_of(r)[0], r["file"], r.get("error") or "") for r in records
           if not r.get("graded")]
    parts += ["<h2>Not graded</h2>",
              _table("Files that could not be graded, and why", ["student", "file", "reason"],
                     bad) if bad else "<p>Every file was graded.</p>"]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>adamedu class report</title><style>{_CSS}</style></head><body><main>"
            + "\n".join(parts) + "</main></body></html>\n")


def _answer(name):
    try:
        return by_name(name)
    except KeyError:
        return None


if __name__ == "__main__":
    sys.exit(main())
