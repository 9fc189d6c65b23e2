"""exercises/ is exactly what `python -m adamedu.course.assign` makes from solutions/."""
import json
from pathlib import Path

import nbformat
import pytest

from adamedu.course import assign
from adamedu.course.answers import notebook_answers

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("ex*.ipynb"))
NAMES = ["ex01_gradient_descent", "ex02_noisy_gradients", "ex03_adagrad", "ex04_rmsprop",
         "ex05_adam", "ex06_adam_in_practice", "ex07_when_adam_fails", "ex08_hyperparameters",
         "ex09_memory_and_scale"]


def test_every_exercise_has_a_solution_and_back():
    assert [p.stem for p in SOLUTIONS] == NAMES
    assert sorted(p.stem for p in (ROOT / "exercises").glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_exercises_are_generated_not_edited(path):
    written = (ROOT / "exercises" / path.name).read_text(encoding="utf-8")
    assert written == assign.exercise_text(path), (
        f"exercises/{path.name} differs from what its solution produces: "
        f"run `python -m adamedu.course.assign`")


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_exercise_notebooks_are_student_ready(path):
    nb = json.loads((ROOT / "exercises" / path.name).read_text(encoding="utf-8"))
    solution = json.loads(path.read_text(encoding="utf-8"))
    assert [c["id"] for c in nb["cells"]] == [c["id"] for c in solution["cells"]]
    answers = [c for c in nb["cells"] if c["id"].startswith("answer-")]
    assert {c["id"] for c in answers} == {f"answer-{a.name}"
                                         for a in notebook_answers(path.stem)}
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        assert "SOLUTION" not in text and "### HINT" not in text
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
        assert cell["metadata"]["deletable"] is False
        if cell["id"].startswith("answer-"):
            assert "NotImplementedError(" in text or "= ...  # replace ... with" in text
        elif cell["id"].startswith("show-"):   # a judgement task's figure: not replayed
            assert "editable" not in cell["metadata"] and "answer" not in text
        else:
            assert cell["metadata"]["editable"] is False
        if cell["id"].startswith("check-"):
            assert text == f"check.{cell['id'][len('check-'):]}()"


def test_assign_is_deterministic():
    assert assign.exercise_text(SOLUTIONS[0]) == assign.exercise_text(SOLUTIONS[0])


def test_stubs_keep_the_signature_and_raise_with_a_hint():
    src = "def f(x):\n    \"\"\"Doc.\"\"\"\n    ### BEGIN SOLUTION\n    ### HINT: double it\n" \
          "    return 2 * x\n    ### END SOLUTION\n"
    assert assign.stub(src) == "def f(x):\n    \"\"\"Doc.\"\"\"\n" \
                               "    raise NotImplementedError('double it')\n"
    assert assign.stub("### BEGIN SOLUTION\nA = 2\n### END SOLUTION") == \
        "A = ...  # replace ... with your answer"


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nA = 1\n", "no matching"),
    ("A = 1\n### END SOLUTION\n", "without a"),
    ("### BEGIN SOLUTION\nprint(1)\n### END SOLUTION\n", "only assign values"),
])
def test_malformed_solutions_are_refused_with_a_reason(source, message):
    with pytest.raises(assign.AssignError, match=message):
        assign.stub(source, "x")


def test_a_solution_missing_an_answer_cell_is_refused():
    nb = nbformat.read(ROOT / "solutions" / "ex05_adam.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if c.id != "answer-adam_step"]
    with pytest.raises(assign.AssignError, match="no answer cell for answer-adam_step"):
        assign.build(nb)


@pytest.mark.parametrize("cid, old, new, message", [
    ("check-adam_step", "check.adam_step()", "check.adam_step(adam_step)",
     "must read 'check.adam_step\\(\\)'"),
    ("task-adam_step", "*(6 points)*", "*(5 points)*", "says 5 points, adam_step is worth 6"),
    ("intro", "**10 points**", "**12 points**", "says 12 points, the answers add up to 10"),
])
def test_checks_and_stated_points_must_be_the_catalogues(cid, old, new, message):
    nb = nbformat.read(ROOT / "solutions" / "ex05_adam.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.id == cid)
    assert old in cell.source
    cell.source = cell.source.replace(old, new)
    with pytest.raises(assign.AssignError, match=message):
        assign.build(nb)


def test_check_mode_reports_stale_exercises(tmp_path, capsys):
    assert assign.main(["--exercises", str(tmp_path), "--check"]) == 1
    assert list(tmp_path.iterdir()) == []
    assert assign.main(["--exercises", str(tmp_path)]) == 0
    assert assign.main(["--exercises", str(tmp_path), "--check"]) == 0


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solutions_pass_every_check_in_their_stored_outputs(path):
    """nbval only compares outputs with a re-run, so a solution saved failing would pass it."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    checked = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or not cell["id"].startswith("check-"):
            continue
        text = "".join("".join(o.get("text", "")) for o in cell["outputs"])
        name = cell["id"][len("check-"):]
        assert text.startswith(f"✓ {name}: "), (cell["id"], text)
        checked.add(name)
    assert checked == {a.name for a in notebook_answers(path.stem)}
