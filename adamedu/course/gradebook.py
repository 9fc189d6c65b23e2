"""The grader's outputs: a gradebook with one row per student, the per-answer detail, JSON
and (`adamedu.course.report`) a class report.

The grader hands over one record per graded notebook, a JSON-serialisable dict::

    {"file": "alice/ex05_adam.ipynb", "root": "submissions", "sha256": "...",
     "exercise": "ex05_adam" or None, "graded": True, "error": "",
     "answers": [{"answer": "adam_step", "points": 0.0, "max": 6.0, "reason": "...",
                  "mistake": "..."}, ...],
     "total": 4.0 (None when not graded), "max": 10.0,
     "flags": ["cell answer-adam_step: imports os", ...]}

`write_outputs` turns the records into four files, each replaced atomically (a reader
always finds a complete file), and `load_records` reads them back (for ``--resume``).
A file that could not be graded has an empty total everywhere (never 0, which would read
as a grade), and so has a student with such a file. `lock` keeps one grader per gradebook.
`merge` joins the runs of a class graded in shards (``--shard K/N`` on several machines)::

    python -m adamedu.course.gradebook part1.csv part2.csv --out gradebook.csv [--report r.html]

Who the student is, and which of a student's files counts: `adamedu.course.students`.
"""
import argparse
import csv
import fcntl
import io
import json
import os
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from adamedu.course.answers import notebook_answers
from adamedu.course.judge import NOT_ATTEMPTED
from adamedu.course.report import report_html
from adamedu.course.students import (
    by_path,
    by_student,
    columns,
    counted,
    exercise_max,
    identify,
    latest,
    num,
    per_exercise,
    student_of,
)

DETAIL_COLUMNS = ("student", "exercise", "file", "root", "sha256", "graded", "error",
                  "answer", "points", "max", "reason", "mistake", "flags")


class Locked(Exception):
    """Another grader is writing this gradebook."""


class _Lock:
    def __init__(self, fd):
        self.fd = fd

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        os.close(self.fd)  # closing releases the lock


def lock(out):
    """Hold the gradebook `out` for this run (a context manager), or raise Locked: an
    advisory lock on a hidden file beside it, released when the process ends."""
    path = Path(out).with_name(f".{Path(out).name}.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise Locked(f"another grader is writing {out} (it holds {path}); wait for it to end, "
                     f"or give another --out") from None
    return _Lock(fd)


def _brief(entry):
    """A few words for the gradebook's `lost` column: the mistake id or the reason's start."""
    if entry.get("mistake"):
        return entry["mistake"]
    reason = entry.get("reason") or ""
    text = re.sub(r"^case \d+ of \d+: ", "", reason).split(". Hint:")[0]
    return text if len(text) <= 60 else text[:57] + "..."


def gradebook_rows(records):
    """The gradebook as a header and one list of cells per student. A student's total is
    empty when one of their exercises could not be graded (the flags say why)."""
    records = latest(records)
    shown = columns(records)
    by_exercise = defaultdict(list)
    for r in records:
        by_exercise[identify(r)[1]].append(r)
    maxima = {e: exercise_max(e, by_exercise[e]) for e in shown}
    header = ["student", *shown, "total", "max", "flags", "lost"]
    rows = []
    for entry in by_student(records).values():
        cells, total, flags, lost = {}, 0.0, [], []
        for exercise, subs in per_exercise(entry).items():
            label = exercise or "unknown exercise"
            best = counted(subs)
            if len(subs) > 1:
                flags.append(f"{label}: {len(subs)} files ("
                             f"{', '.join(Path(r['file']).name for r in subs)}); "
                             f"{Path(best['file']).name} counts")
            for r in subs:
                flags.extend(f"{label}: {f}" for f in r.get("flags", []))
            if not best.get("graded"):
                flags.append(f"{label}: not graded: {best.get('error') or 'no reason given'}")
                total = None
                continue
            if exercise is not None:
                cells[exercise] = float(best.get("total") or 0)
                total = None if total is None else total + cells[exercise]
            answers = best.get("answers", [])
            if answers and all(a.get("reason") == NOT_ATTEMPTED for a in answers):
                lost.append(f"{label} 0/{num(sum(float(a['max']) for a in answers))} "
                            f"(nothing attempted)")
                continue
            for a in answers:
                if float(a["points"]) < float(a["max"]):
                    lost.append(f"{a['answer']} {num(a['points'])}/{num(a['max'])} "
                                f"({_brief(a)})")
        rows.append([entry["name"], *(num(cells[e]) if e in cells else "" for e in shown),
                     "" if total is None else num(total), num(sum(maxima.values())),
                     " | ".join(flags),
                     "; ".join(lost)])
    return header, rows


def detail_rows(records):
    """The long-format detail: one row per answer (one row for a file with no answers)."""
    rows = []
    for r in by_path(records):
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
                row.update(answer=a["answer"], points=num(a["points"]), max=num(a["max"]),
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
        if not r["graded"]:
            r["total"] = None
    return list(records.values())


if __name__ == "__main__":
    sys.exit(main())
