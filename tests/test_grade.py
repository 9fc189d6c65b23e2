"""The autograder against its hostile-input corpus (tests/grading_corpus/build.py).

The whole corpus is graded in ONE batch (-j 2, short timeouts), then each test reads the
gradebook; the unit tests at the bottom need no kernel.
"""
import contextlib
import csv
import hashlib
import importlib.util
import io
import json
import os
from pathlib import Path

import numpy as np
import pytest

from adamedu import checks, grade

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("grading_corpus", ROOT / "tests/grading_corpus/build.py")
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)


def _tree_hash():
    """The grader's own files and the notebooks it reads (other modules may be edited by
    their authors while the tests run, so they are not part of the hash)."""
    h = hashlib.sha256()
    files = [ROOT / "adamedu" / f for f in ("checks.py", "grade.py", "assign.py")]
    for p in files + sorted((ROOT / "solutions").glob("*")) + sorted((ROOT / "exercises").glob("*")):
        h.update(str(p).encode() + p.read_bytes())
    return h.hexdigest()


def _snapshot(folder):
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    subs = tmp_path_factory.mktemp("submissions")
    expected = corpus.build(subs)
    out = tmp_path_factory.mktemp("out")
    before, repo_before = _snapshot(subs), _tree_hash()
    cwd = os.getcwd()
    os.chdir(out)  # the vandal writes relative paths: make sure they do not land here either
    try:
        with contextlib.redirect_stderr(io.StringIO()) as err:
            code = grade.main([str(subs), "-j", "2", "--cell-timeout", "5",
                               "--total-timeout", "60", "--out", str(out / "gradebook.csv"),
                               "--json", str(out / "grades.json")])
    finally:
        os.chdir(cwd)
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        rows = {Path(r["submission"]).name: r for r in csv.DictReader(f)}
    return dict(code=code, rows=rows, expected=expected, subs=subs, out=out, before=before,
                repo_before=repo_before, stderr=err.getvalue(),
                json=json.loads((out / "grades.json").read_text(encoding="utf-8")))


def test_exit_code_says_some_were_not_graded(batch):
    assert batch["code"] == 1


def test_one_row_per_submission_nothing_lost(batch):
    assert set(batch["rows"]) == set(batch["expected"])
    assert len(batch["json"]["rows"]) == len(batch["expected"])


@pytest.mark.parametrize("name", sorted(corpus.corpus()))
def test_each_submission_gets_its_score_and_reason(batch, name):
    row, expect = batch["rows"][name], batch["expected"][name]
    assert row["status"] == ("graded" if expect.graded else "not graded"), row["reasons"]
    assert row["total"] == ("" if expect.total is None else str(expect.total)), row["reasons"]
    for text in expect.reasons:
        assert text in row["reasons"], row["reasons"]
    if expect.graded and expect.total == corpus.PERFECT:
        assert row["reasons"] == ""


def test_every_lost_point_has_a_reason(batch):
    for name, row in batch["rows"].items():
        if row["status"] != "graded":
            assert row["reasons"], name
            continue
        for answer in checks.notebook_answers(row["notebook"]):
            if int(row[answer.name]) < answer.points:
                assert f"{answer.name} {row[answer.name]}/{answer.points}: " in row["reasons"], name


def test_submissions_and_repo_are_untouched(batch):
    assert _snapshot(batch["subs"]) == batch["before"]
    assert _tree_hash() == batch["repo_before"]
    assert sorted(p.name for p in batch["out"].iterdir()) == ["gradebook.csv", "grades.json"]
    assert not (ROOT / "ex05_adam.ipynb").exists()


def test_suspicious_answer_cells_are_flagged(batch):
    assert "optimizers" in batch["rows"]["monkeypatch_ex05.ipynb"]["flags"]
    assert batch["rows"]["perfect_ex05_adam.ipynb"]["flags"] == ""


def test_progress_is_reported_on_stderr(batch):
    n, lines = len(batch["expected"]), batch["stderr"].splitlines()
    assert f"[{n}/{n}]" in batch["stderr"] and "not graded" in batch["stderr"]
    assert sum(line.startswith("[") for line in lines) == n  # one line per submission
    assert any(line.endswith("empty.ipynb: NOT GRADED (the file is empty)") for line in lines)
    assert any(line.endswith("perfect_ex05_adam.ipynb: 10/10") for line in lines)


def test_json_matches_the_gradebook(batch):
    for r in batch["json"]["rows"]:
        row = batch["rows"][Path(r["submission"]).name]
        assert str(r["total"]) == row["total"]
        assert isinstance(batch["json"]["seed"], int)


def test_exit_code_zero_when_everything_is_graded(tmp_path):
    sub = tmp_path / "sub.ipynb"
    sub.write_bytes((ROOT / "exercises/ex03_adagrad.ipynb").read_bytes())
    with contextlib.redirect_stderr(io.StringIO()):
        code = grade.main([str(sub), "--out", str(tmp_path / "g.csv")])
    assert code == 0  # a graded zero is still graded
    assert "0,10" in (tmp_path / "g.csv").read_text()


# ---------------------------------------------------------------- no kernel needed below

def test_memorized_answers_pass_in_the_notebook_but_not_the_grader(batch):
    """The in-notebook inputs are fixed; the grader's are fresh, so memorizing fails."""
    source = json.loads((batch["subs"] / "memorized_ex05.ipynb").read_text())
    cell = next(c for c in source["cells"] if c.get("id") == "answer-adam_step")
    namespace = {"np": np}
    exec(cell["source"], namespace)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        checks.adam_step(namespace["adam_step"])
    assert out.getvalue().startswith("✓")
    assert batch["rows"]["memorized_ex05.ipynb"]["adam_step"] == "0"


def test_refuses_to_write_the_gradebook_over_a_submission(tmp_path):
    sub = tmp_path / "a.ipynb"
    sub.write_text("{}")
    with contextlib.redirect_stderr(io.StringIO()):
        assert grade.main([str(sub), "--out", str(sub)]) == 2
    assert sub.read_text() == "{}"


def test_an_empty_folder_is_an_error_not_an_empty_gradebook(tmp_path):
    with contextlib.redirect_stderr(io.StringIO()) as err:
        assert grade.main([str(tmp_path), "--out", str(tmp_path / "g.csv")]) == 2
    assert "no .ipynb submissions" in err.getvalue() and not (tmp_path / "g.csv").exists()


def test_folders_take_notebooks_and_skip_hidden_files(tmp_path):
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}")
    (tmp_path / "notes.txt").write_text("x")
    found, skipped = grade.collect([tmp_path])
    assert [p.name for p in found] == ["a.ipynb"] and [p.name for p in skipped] == ["notes.txt"]


def test_answers_are_found_by_id_then_tag_then_definition():
    answer = checks.by_name("adam_step")
    by_id = {"cells": [{"cell_type": "code", "id": "answer-adam_step", "source": "A"}]}
    by_tag = {"cells": [{"cell_type": "code", "id": "x", "metadata": {"tags": ["answer-adam_step"]},
                         "source": "B"}]}
    by_def = {"cells": [{"cell_type": "code", "source": "import numpy\ndef adam_step(theta):\n"}]}
    nothing = {"cells": [{"cell_type": "markdown", "id": "answer-adam_step", "source": "no"}]}
    assert grade.find_answer(by_id, answer) == "A"
    assert grade.find_answer(by_tag, answer) == "B"
    assert grade.find_answer(by_def, answer).startswith("import numpy")
    assert grade.find_answer(nothing, answer) is None


def test_decode_reverses_the_harness_encoding():
    assert grade._decode({"seq": [{"nd": [1.0, 2.0], "shape": [2]}, {"int": 3}], "tuple": True}
                         )[1] == 3
    assert grade._decode({"ellipsis": True}) is Ellipsis
    assert type(grade._decode({"type": "Foo"})).__name__ == "Foo"


def test_total_timeout_stops_a_slow_submission(tmp_path):
    nb = json.loads((ROOT / "solutions/ex04_rmsprop.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("id") == "answer-rmsprop_step":
            cell["source"] = "import time\ntime.sleep(30)\n" + "".join(cell["source"])
    sub = tmp_path / "slow_ex04.ipynb"
    sub.write_text(json.dumps(nb), encoding="utf-8")
    opts = grade.parse_args([str(sub), "--cell-timeout", "20", "--total-timeout", "6"])
    row = grade.grade_one(sub, grade.pristine_notebooks(ROOT / "exercises"), 0, opts)
    assert row["status"] == "graded" and row["total"] == 0
    assert "rmsprop_step 0/6: answer cell: total time limit reached" in row["reasons"][0]
    assert all("total time limit reached before this cell" in r for r in row["reasons"][1:])
