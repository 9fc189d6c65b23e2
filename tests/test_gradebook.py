"""The grader's outputs: one gradebook row per student, the long-format detail, resume
loading, atomic replacement and the class report (no kernel needed: records are built here
in the form the grader hands them over)."""
import csv
import itertools
import json
import os
import re
import threading
from html.parser import HTMLParser

import pytest

from adamedu.course import gradebook, judge, report, students
from adamedu.course.answers import notebook_answers

EPS = ("case 1 of 6: theta differs by up to 0.05. Hint: eps belongs outside the square root: "
       "divide by sqrt(...) + eps, not sqrt(... + eps)")
NO_BIAS = ("case 1 of 6: theta differs by up to 0.3. Hint: no bias correction: divide m by "
           "(1 - beta1**t) and v by (1 - beta2**t)")
ADAGRAD_EPS = EPS.replace("of 6", "of 5")
M_HAT = "not correct. Hint: that is m, still biased"   # the start of m_not_m_hat's reason


def _mistake(reason):
    """The mistake id the judge's verdict carries with these fixtures' reasons."""
    if reason.startswith(M_HAT):
        return "m_not_m_hat"
    return {EPS: "eps_inside_root", ADAGRAD_EPS: "eps_inside_root",
            NO_BIAS: "no_bias_correction"}.get(reason, "")


def rec(file, root="subs", exercise="ex05_adam", lost=None, graded=True, error="",
        flags=(), sha=None):
    """A record as the grader writes it; lost: {answer: reason} for the answers scored 0
    (the mistake id is the one the judge gives with that reason)."""
    answers = []
    if graded:
        for a in notebook_answers(exercise):
            reason = (lost or {}).get(a.name, "")
            answers.append({"answer": a.name, "points": 0.0 if reason else float(a.points),
                            "max": float(a.points), "reason": reason,
                            "mistake": _mistake(reason)})
    return {"file": file, "root": root, "sha256": sha or f"{abs(hash(file)):064x}"[:64],
            "exercise": exercise, "graded": graded, "error": error, "answers": answers,
            "total": float(sum(a["points"] for a in answers)) if graded else None,
            "max": float(sum(a.points for a in notebook_answers(exercise or ""))),
            "flags": list(flags)}


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


HEADER = ["student", "ex03_adagrad", "ex05_adam", "total", "max", "flags", "lost"]


def test_a_folder_per_student(tmp_path):
    records = [
        rec("alice/ex05_adam.ipynb"),
        rec("alice/ex03_adagrad.ipynb", exercise="ex03_adagrad",
            lost={"adagrad_step": ADAGRAD_EPS}),
        rec("bob/ex05_adam (2).ipynb", lost={"adam_step": NO_BIAS},
            flags=["cell answer-adam_step: imports os"]),
        rec("Carol Smith_4711_assignsubmission_file_/ex05_adam.ipynb",
            lost={"m_hat_first": judge.NOT_ATTEMPTED}),
    ]
    gradebook.write_outputs(records, tmp_path / "gradebook.csv")
    assert read_csv(tmp_path / "gradebook.csv") == [
        HEADER,
        ["alice", "4", "10", "14", "20", "", "adagrad_step 0/6 (eps_inside_root)"],
        ["bob", "", "4", "4", "20", "ex05_adam: cell answer-adam_step: imports os",
         "adam_step 0/6 (no_bias_correction)"],
        ["Carol Smith", "", "9", "9", "20", "", "m_hat_first 0/1 (not attempted yet)"],
    ]


def test_flat_files_named_as_lms_downloads_name_them(tmp_path):
    records = [
        rec("alice_ex05.ipynb"),
        rec("ex03_adagrad_alice.ipynb", exercise="ex03_adagrad"),
        rec("bob-ex05-final.ipynb", lost={"adam_step": EPS}),
        rec("bob-ex05-final (1).ipynb", lost={"adam_step": EPS, "m_hat_first": "not correct"}),
        rec("dave_12345_67890_ex05_adam.ipynb"),
        rec("downloads/Erin_ex03_adagrad.ipynb", root="", exercise="ex03_adagrad",
            lost={"accumulator": "not correct. Hint: the accumulator is ..."}),
    ]
    gradebook.write_outputs(records, tmp_path / "gradebook.csv")
    assert read_csv(tmp_path / "gradebook.csv") == [
        HEADER,
        ["alice", "10", "10", "20", "20", "", ""],
        ["bob", "", "4", "4", "20",
         ("ex05_adam: 2 files (bob-ex05-final (1).ipynb, bob-ex05-final.ipynb); "
          "bob-ex05-final.ipynb counts"), "adam_step 0/6 (eps_inside_root)"],
        ["dave", "", "10", "10", "20", "", ""],
        ["Erin", "9", "", "9", "20", "", "accumulator 0/1 (not correct)"],
    ]


def test_files_that_match_no_rule_are_rows_under_their_file_name(tmp_path):
    records = [
        rec("zoe/ex05_adam.ipynb"),
        rec("ex05_adam (1).ipynb", lost={"no_bias_first_step": "not correct"}),
        rec("ex05/ex05_adam.ipynb"),
        rec("homework.ipynb", exercise=None, graded=False,
            error="cannot tell which exercise this is"),
    ]
    gradebook.write_outputs(records, tmp_path / "gradebook.csv")
    assert read_csv(tmp_path / "gradebook.csv") == [
        ["student", "ex05_adam", "total", "max", "flags", "lost"],
        ["zoe", "10", "10", "10", "", ""],
        ["ex05/ex05_adam.ipynb", "10", "10", "10", "", ""],
        ["ex05_adam (1).ipynb", "9", "9", "10", "", "no_bias_first_step 0/1 (not correct)"],
        ["homework.ipynb", "", "", "10",  # not graded: an empty total, never a zero
         "unknown exercise: not graded: cannot tell which exercise this is", ""],
    ]


@pytest.mark.parametrize("file, root, expected", [
    ("alice/ex05_adam.ipynb", "subs", ("alice", "ex05_adam")),
    ("alice/week2/anything.ipynb", "subs", ("alice", "ex05_adam")),
    ("Carol Smith_4711_assignsubmission_file_/x.ipynb", "subs", ("Carol Smith", "ex05_adam")),
    ("ex05/bob_ex05.ipynb", "subs", ("bob", "ex05_adam")),
    ("ex05-adam-alice/ex05_adam.ipynb", "subs", ("alice", "ex05_adam")),
    ("alice_ex05/ex05_adam.ipynb", "subs", ("alice", "ex05_adam")),
    ("ex05_adam-Bob.ipynb", "subs", ("Bob", "ex05_adam")),
    ("ex05_adamant.ipynb", "subs", ("adamant", "ex05_adam")),
    ("alice_ex05.ipynb", "subs", ("alice", "ex05_adam")),
    ("alice-ex05-final.ipynb", "subs", ("alice", "ex05_adam")),
    ("ex05_adam_alice.ipynb", "subs", ("alice", "ex05_adam")),
    ("ex05_adam_alice (3).ipynb", "subs", ("alice", "ex05_adam")),
    ("mary_jane_ex05 copy.ipynb", "subs", ("mary_jane", "ex05_adam")),
    ("alice_late_12345_67890_ex05_adam.ipynb", "subs", ("alice", "ex05_adam")),
    ("s1234567_ex05.ipynb", "subs", ("s1234567", "ex05_adam")),
    ("1234567_ex05.ipynb", "subs", ("1234567", "ex05_adam")),
    ("some/dir/alice_ex05.ipynb", "", ("alice", "ex05_adam")),
    ("ex05_adam (1).ipynb", "subs", ("ex05_adam (1).ipynb", "ex05_adam")),
    ("some/dir/ex05_adam.ipynb", "", ("some/dir/ex05_adam.ipynb", "ex05_adam")),
    ("final_ex05.ipynb", "subs", ("final_ex05.ipynb", "ex05_adam")),
])
def test_student_of_applies_the_layout_rules(file, root, expected):
    assert gradebook.student_of({"file": file, "root": root, "exercise": "ex05_adam"}) == expected


def test_the_exercise_comes_from_the_name_when_the_grader_could_not_tell():
    r = {"file": "alice_ex03.ipynb", "root": "subs", "exercise": None}
    assert gradebook.student_of(r) == ("alice", "ex03_adagrad")
    assert gradebook.student_of({"file": "a.ipynb", "root": "", "exercise": None}) == \
        ("a.ipynb", None)


def test_the_long_format_detail(tmp_path):
    records = [rec("bob/ex05_adam.ipynb", sha="ab" * 32,
                   flags=["cell x: imports os", "cell y: eval"],
                   lost={"adam_step": EPS, "m_hat_first": "not correct. Hint: that is m, still "
                         "biased toward its starting value 0; m_hat removes that bias"}),
               rec("junk.ipynb", exercise=None, graded=False, error="the file is empty",
                   sha="cd" * 32)]
    out = tmp_path / "grades.csv"
    gradebook.write_outputs(records, out)
    assert gradebook.default_detail(out) == tmp_path / "grades_detail.csv"
    rows = read_csv(tmp_path / "grades_detail.csv")
    assert rows[0] == list(gradebook.DETAIL_COLUMNS) == [
        "student", "exercise", "file", "root", "sha256", "graded", "error", "answer", "points",
        "max", "reason", "mistake", "flags"]
    common = ["bob", "ex05_adam", "bob/ex05_adam.ipynb", "subs", "ab" * 32, "yes", ""]
    flags = "cell x: imports os\ncell y: eval"
    assert rows[1:] == [
        [*common, "adam_step", "0", "6", EPS, "eps_inside_root", flags],
        [*common, "m_hat_first", "0", "1", records[0]["answers"][1]["reason"], "m_not_m_hat",
         flags],
        [*common, "constant_g_step", "1", "1", "", "", flags],
        [*common, "no_bias_first_step", "1", "1", "", "", flags],
        [*common, "diagnose_adam", "1", "1", "", "", flags],
        ["junk.ipynb", "", "junk.ipynb", "subs", "cd" * 32, "no", "the file is empty",
         "", "", "", "", "", ""],
    ]


def test_resume_reads_back_every_record(tmp_path):
    records = [rec("alice/ex05_adam.ipynb", lost={"adam_step": EPS}, flags=["cell a: b"]),
               rec("alice/ex05_adam.ipynb", sha="0" * 64),  # the same path, changed since
               rec("bob_ex03.ipynb", exercise="ex03_adagrad", graded=False,
                   error="grader error (x); please report it"),
               rec("empty.ipynb", exercise=None, graded=False, error="the file is empty")]
    out, js = tmp_path / "g.csv", tmp_path / "g.json"
    assert gradebook.load_records(out) == []
    gradebook.write_outputs(records, out, json_path=js, meta={"seed": 7})
    assert gradebook.load_records(out) == records
    os.remove(gradebook.default_detail(out))
    assert gradebook.load_records(out, json_path=js) == records
    data = json.loads(js.read_text())
    assert data["seed"] == 7 and data["records"] == records
    assert [s["student"] for s in data["students"]] == ["alice", "bob", "empty.ipynb"]


def test_no_cell_starts_a_spreadsheet_formula(tmp_path):
    """File names come from students: a name like =HYPERLINK(...) must stay text."""
    records = [rec("=HYPERLINK(1)_ex05.ipynb", lost={"adam_step": "raised ValueError: x"}),
               rec("+1_ex05.ipynb"), rec("'quoted'_ex05.ipynb")]
    out = tmp_path / "g.csv"
    gradebook.write_outputs(records, out)
    rows = read_csv(out) + read_csv(gradebook.default_detail(out))
    assert not [c for row in rows for c in row if c and c[0] in "=+-@\t\r"]
    assert [r[0] for r in read_csv(out)[1:]] == ["''quoted'", "'+1", "'=HYPERLINK(1)"]
    assert gradebook.load_records(out) == sorted(records, key=lambda r: r["file"])  # path order


def test_resume_refuses_a_file_it_did_not_write(tmp_path):
    (tmp_path / "g_detail.csv").write_text("submission,notebook,status\nx.ipynb,ex05_adam,graded\n")
    with pytest.raises(ValueError, match="not a detail file written by adamedu.course.grade"):
        gradebook.load_records(tmp_path / "g.csv")


def test_a_file_graded_again_replaces_its_earlier_row(tmp_path):
    old = rec("alice_ex05.ipynb", lost={"adam_step": EPS}, sha="1" * 64)
    new = rec("alice_ex05.ipynb", sha="2" * 64)
    assert gradebook.gradebook_rows([old, new])[1] == [["alice", "10", "10", "10", "", ""]]


def test_outputs_are_replaced_atomically(tmp_path, monkeypatch):
    out = tmp_path / "gradebook.csv"
    records = [rec(f"s{i:03d}_ex05.ipynb") for i in range(40)]
    gradebook.write_outputs(records[:1], out, report=tmp_path / "r.html")
    seen, stop = [], threading.Event()

    def reader():
        while not stop.is_set():
            with open(out, newline="", encoding="utf-8") as f:
                text = f.read()
            seen.append(text)

    t = threading.Thread(target=reader)
    t.start()
    try:
        for n in range(2, len(records) + 1):
            gradebook.write_outputs(records[:n], out, report=tmp_path / "r.html")
    finally:
        stop.set()
        t.join()
    assert len(seen) > 1
    for text in seen:  # every read is a whole gradebook of some n rows
        rows = list(csv.reader(text.splitlines()))
        assert text.endswith("\n") and rows[0][0] == "student"
        assert all(len(r) == len(rows[0]) for r in rows) and 2 <= len(rows) <= 41
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "gradebook.csv", "gradebook_detail.csv", "r.html"]

    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def broken_replace(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(gradebook.os, "replace", broken_replace)
    with pytest.raises(OSError):
        gradebook.write_outputs(records[:3], out)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no stray temp file


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))


def _report(records):
    page = report.report_html(records, meta={"seed": 5})
    outline = _Outline()
    outline.feed(page)
    return page, outline


def class_of_five():
    return [rec("alice/ex05_adam.ipynb", lost={"adam_step": EPS}),
            rec("bob/ex05_adam.ipynb", lost={"adam_step": EPS, "m_hat_first":
                                             "not correct. Hint: that is m, still biased "
                                             "toward its starting value 0; m_hat removes "
                                             "that bias"}),
            rec("carol/ex05_adam.ipynb", lost={"adam_step": NO_BIAS},
                flags=["cell answer-adam_step: imports os"]),
            rec("carol/ex03_adagrad.ipynb", exercise="ex03_adagrad",
                lost={"adagrad_step": ADAGRAD_EPS}),
            rec("dave/ex05_adam.ipynb"),
            rec("erin/ex05_adam.ipynb", exercise=None, graded=False,
                error="not a notebook: not valid JSON (Expecting value at line 1)")]


def test_the_report_ranks_mistakes_by_students():
    assert report.mistake_table(class_of_five()) == [
        ("eps_inside_root", 3, ["adagrad_step", "adam_step"], judge.MISTAKES["eps_inside_root"]),
        ("m_not_m_hat", 1, ["m_hat_first"], judge.MISTAKES["m_not_m_hat"]),
        ("no_bias_correction", 1, ["adam_step"], judge.MISTAKES["no_bias_correction"]),
    ]
    page, _ = _report(class_of_five())
    table = page.split("<h2>Mistakes, most common first</h2>")[1].split("</table>")[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table)
    assert cells[:4] == ["eps_inside_root", "3", "adagrad_step, adam_step",
                         judge.MISTAKES["eps_inside_root"].replace("'", "&#39;")]
    assert "3 of 5" not in page and "1 of 4" in page  # pass rate of adam_step: dave only


def test_the_report_counts_failures_it_cannot_classify_in_their_own_row():
    """A lost answer without a mistake id (an error, a timeout) is neither dropped nor mixed
    with the known mistakes; an answer not attempted is not a failure to classify."""
    records = [rec("alice_ex05.ipynb", lost={"adam_step": "raised ValueError: boom"}),
               rec("bob_ex05.ipynb", lost={"adam_step": EPS, "m_hat_first": "answer cell: "
                                           "Timeout: the cell ran longer than 30 s"}),
               rec("carol_ex05.ipynb", lost={"adam_step": judge.NOT_ATTEMPTED})]
    assert report.mistake_table(records) == [
        ("eps_inside_root", 1, ["adam_step"], judge.MISTAKES["eps_inside_root"]),
        (report.UNCLASSIFIED, 2, ["adam_step", "m_hat_first"], report.UNCLASSIFIED_HINT)]
    table = _report(records)[0].split("<h2>Mistakes, most common first</h2>")[1]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table.split("</table>")[0])
    assert cells[4:7] == [report.UNCLASSIFIED, "2", "adam_step, m_hat_first"]


def test_the_report_counts_each_student_once_per_exercise():
    """bob fixed eps in a second file: the best file counts, in the report as in the
    gradebook, so his earlier slip is not one to re-teach."""
    records = [rec("bob_ex05.ipynb", lost={"adam_step": EPS}), rec("bob_ex05 (1).ipynb"),
               rec("carol_ex05.ipynb", lost={"adam_step": EPS})]
    assert report.mistake_table(records) == [
        ("eps_inside_root", 1, ["adam_step"], judge.MISTAKES["eps_inside_root"])]
    assert [(s, e, r["file"]) for s, e, r in students.counted_files(records)] == [
        ("bob", "ex05_adam", "bob_ex05 (1).ipynb"), ("carol", "ex05_adam", "carol_ex05.ipynb")]
    page = _report(records)[0]
    assert "2 students, 3 files" in page and "1 of 2" in page  # adam_step: bob only


def test_the_report_is_self_contained_and_accessible():
    page, outline = _report(class_of_five())
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)|<script|<link|<img|@import|url\(",
                         page)
    levels = [int(t[1]) for t in outline.tags if re.fullmatch(r"h[1-6]", t)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    ths = [a for t, a in outline.attrs if t == "th"]
    assert ths and all(a.get("scope") == "col" for a in ths)
    assert outline.tags.count("table") == outline.tags.count("caption")
    svgs = [a for t, a in outline.attrs if t == "svg"]
    assert len(svgs) == 2 and all(a["role"] == "img" and a["aria-label"] for a in svgs)
    assert "Scores in ex05_adam out of 10: 1 with 3, 2 with 4, 1 with 10" in page
    assert "erin/ex05_adam.ipynb" in page.split("<h2>Not graded</h2>")[1]
    assert "imports os" in page.split("<h2>Flagged files</h2>")[1]


def test_student_text_is_escaped_in_the_report():
    evil = "<script>alert(1)</script>"
    records = [rec(f"{evil}_ex05.ipynb", lost={"adam_step": f"raised ValueError: {evil}"},
                   flags=[f"cell {evil}: eval"]),
               rec(f"{evil}/ex05_adam.ipynb", exercise=None, graded=False, error=evil)]
    page = _report(records)[0]
    assert "<script" not in page and page.count("&lt;script&gt;") >= 4


def test_an_empty_class_still_gives_a_page():
    page = _report([])[0]
    assert "No graded files yet." in page and "No diagnosed mistakes." in page


def test_outputs_do_not_depend_on_the_order_records_arrive_in(tmp_path):
    """Workers finish in any order; two files of one student tie on points."""
    records = [rec("alice_ex05.ipynb"), rec("alice_ex05 (1).ipynb"), rec("bob_ex03.ipynb",
               exercise="ex03_adagrad", lost={"adagrad_step": ADAGRAD_EPS}),
               rec("carol_ex05.ipynb")]
    outputs = set()
    for order in itertools.permutations(records):
        out = tmp_path / "g.csv"
        gradebook.write_outputs(order, out)
        outputs.add(out.read_bytes() + gradebook.default_detail(out).read_bytes())
    assert len(outputs) == 1


def _merge(*args):
    with pytest.raises(SystemExit) as stop:
        gradebook.main([str(a) for a in args])
    return stop.value.code


def test_merge_joins_shards_into_the_unsharded_gradebook(tmp_path, capsys):
    records = [rec(f"s{i:02d}_ex05.ipynb", lost={"adam_step": EPS} if i % 3 else None)
               for i in range(12)] + [rec("junk.ipynb", exercise=None, graded=False,
                                          error="the file is empty")]
    gradebook.write_outputs(records, tmp_path / "all.csv")
    parts = []
    for k in range(3):  # the grader's shard rule
        part = [r for r in records if int(r["sha256"], 16) % 3 == k]
        gradebook.write_outputs(part, tmp_path / f"part{k}.csv")
        parts.append(tmp_path / f"part{k}.csv")
    parts[2] = gradebook.default_detail(parts[2])  # a detail file is accepted as a part
    assert gradebook.main([*map(str, parts), "--out", str(tmp_path / "m.csv"),
                           "--report", str(tmp_path / "m.html")]) == 0
    assert (tmp_path / "m.csv").read_bytes() == (tmp_path / "all.csv").read_bytes()
    assert (gradebook.default_detail(tmp_path / "m.csv").read_bytes()
            == gradebook.default_detail(tmp_path / "all.csv").read_bytes())
    assert "13 submissions from 3 parts" in capsys.readouterr().err
    # the same part twice is harmless: identical gradings count once
    assert gradebook.main([str(parts[0]), str(parts[0]), str(parts[1]), str(parts[2]),
                           "--out", str(tmp_path / "m2.csv")]) == 0
    assert (tmp_path / "m2.csv").read_bytes() == (tmp_path / "all.csv").read_bytes()


def test_merge_refuses_what_is_not_shards_of_one_run(tmp_path, capsys):
    gradebook.write_outputs([rec("alice_ex05.ipynb", sha="1" * 64)], tmp_path / "a.csv")
    gradebook.write_outputs([rec("alice_ex05.ipynb", sha="2" * 64)], tmp_path / "b.csv")
    gradebook.write_outputs([rec("alice_ex05.ipynb", sha="1" * 64, lost={"adam_step": EPS})],
                            tmp_path / "c.csv")
    (tmp_path / "foreign.csv").write_text("name,score\nx,1\n")
    cases = {
        "graded twice with different contents": ["a.csv", "b.csv", "--out", "m.csv"],
        "graded twice with different results": ["a.csv", "c.csv", "--out", "m.csv"],
        "missing.csv: no such file": ["a.csv", "missing.csv", "--out", "m.csv"],
        "there is no": ["foreign.csv", "--out", "m.csv"],
        "it is one of the parts": ["a.csv", "b.csv", "--out", "a.csv"],
        "in a folder that does not exist": ["a.csv", "--out", "nowhere/m.csv"],
        "two outputs are the same file": ["a.csv", "--out", "m.csv", "--json", "m.csv"],
    }
    for message, args in cases.items():
        code = _merge(*(a if a.startswith("--") else tmp_path / a for a in args))
        err = capsys.readouterr().err
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1, (message, err)
        assert not (tmp_path / "m.csv").exists()


def test_merge_keeps_a_file_regraded_with_resume_inside_one_part(tmp_path):
    """--resume over a changed file leaves both gradings in the run's detail file."""
    records = [rec("alice_ex05.ipynb", sha="1" * 64, lost={"adam_step": EPS}),
               rec("alice_ex05.ipynb", sha="2" * 64), rec("bob_ex05.ipynb")]
    gradebook.write_outputs(records, tmp_path / "part.csv")
    gradebook.write_outputs(records[2:], tmp_path / "other.csv")
    merged = tmp_path / "m.csv"
    assert gradebook.main([str(tmp_path / "part.csv"), str(tmp_path / "other.csv"),
                           "--out", str(merged)]) == 0
    assert merged.read_bytes() == (tmp_path / "part.csv").read_bytes()
    assert (gradebook.default_detail(merged).read_bytes()
            == gradebook.default_detail(tmp_path / "part.csv").read_bytes())
