"""Who each graded file belongs to, and which of a student's files counts.

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

Names are Unicode-normalised (NFC: "rené" typed either way is one student) and compared
ignoring case. When a student has several files for one exercise, the
best graded one counts and the flags say so.
"""
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from adamedu.course.answers import ANSWERS, notebook_answers

EXERCISES = tuple(dict.fromkeys(a.notebook for a in ANSWERS))
_EX = re.compile(r"(?<![A-Za-z0-9])ex(\d{2})(?!\d)", re.IGNORECASE)
_WORDS = r"\(\d+\)|copy|final|late|v\d+|submission"     # download noise around a name
_NOISE = re.compile(rf"{_WORDS}|\d+", re.IGNORECASE)   # ... and LMS id numbers
_MOODLE = re.compile(r"_\d+_assignsubmission_\w*$", re.IGNORECASE)


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


def identify(record):
    """(student, exercise, matched): matched is False when the file name is shown instead.
    The student's name is in NFC."""
    student, exercise, matched = _identify(record)
    return unicodedata.normalize("NFC", student), exercise, matched


def _identify(record):
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
    student, exercise, _ = identify(record)
    return student, exercise


def exercise_max(exercise, records):
    """The points an exercise is worth (for an unknown one, the largest max recorded)."""
    points = [a.points for a in notebook_answers(exercise)]
    if points:
        return float(sum(points))
    return max((float(r.get("max") or 0) for r in records), default=0.0)


def by_path(records):
    """records ordered by (root, file), stably: outputs do not depend on which worker
    finished first, so a sharded class merges into exactly the unsharded gradebook."""
    return sorted(records, key=lambda r: (r.get("root", ""), r["file"]))


def latest(records):
    """One record per file: the last one (a file regraded after it changed replaces the
    earlier grading of the same path), in path order."""
    return by_path({(r.get("root", ""), r["file"]): r for r in records}.values())


def by_student(records):
    """{student key: {"name", "matched", "records": [...]}} in gradebook order."""
    out = {}
    for r in latest(records):
        student, exercise, matched = identify(r)
        key = (not matched, student.casefold())
        entry = out.setdefault(key, {"name": student, "matched": matched, "records": []})
        entry["records"].append((exercise, r))
    return dict(sorted(out.items()))


def counted(submissions):
    """The record that counts among one student's files for one exercise: the best graded."""
    graded = [r for r in submissions if r.get("graded")]
    pool = graded or submissions
    return max(pool, key=lambda r: (float(r.get("total") or 0), -pool.index(r)))


def columns(records):
    """The exercises the records hold, in course order, unknown ones after."""
    seen = {identify(r)[1] for r in records} - {None}
    return [e for e in EXERCISES if e in seen] + sorted(seen - set(EXERCISES))


def per_exercise(entry):
    """{exercise: [records]} of one student's entry of `by_student`."""
    out = defaultdict(list)
    for exercise, r in entry["records"]:
        out[exercise].append(r)
    return out


def counted_files(records):
    """[(student, exercise, record)]: for each student and exercise, the file that counts."""
    out = []
    for entry in by_student(records).values():
        out.extend((entry["name"], e, counted(subs)) for e, subs in per_exercise(entry).items())
    return out


def num(x):
    """Points as every output shows them: 6 not 6.0, 0.5 stays 0.5."""
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(x)
