"""The course's checks on its committed files, as tests (one per notebook).

Lessons and solutions (notebooks/, solutions/) are committed as executed top to bottom
in a fresh kernel (tools/execute_notebooks.py): execution counts 1, 2, 3, ..., no error
or stderr output, no path of the machine that ran them in an output, and no TODO or FIXME
left in their text. Student notebooks (exercises/) carry no outputs and no solution
markers. Every notebook is readable JSON under 3 MiB; no cache folder is tracked; there
is a README whose test command (the block between its `test-command` markers) runs
pytest, and `.ci/run` (its commands, not its comments) reads that block and executes it.
Notebook metadata and widget views are checked by tests/test_notebook_metadata.py.
"""
import json
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_NOTEBOOK_BYTES = 3 * 1024 * 1024
TODO = re.compile(r"\b(TODO|FIXME|XXX)\b")
SOLUTION_MARKER = re.compile(r"BEGIN SOLUTION|END SOLUTION")
NOTEBOOK_FOLDERS = ("notebooks", "solutions", "exercises")


def machine_paths(root=ROOT):
    """A pattern for paths of the machine a notebook ran on: checkout, its parent, home, temp."""
    folders = {str(root), str(root.parent), str(Path.home()), tempfile.gettempdir()}
    return re.compile("|".join(re.escape(f.rstrip("/") + "/")  # the longest that matches
                               for f in sorted(folders, key=len, reverse=True) if len(f) > 1))


def _text(value):
    return "".join(value) if isinstance(value, list) else value or ""


def output_text(out):
    """What a reader sees of an output: stream text, or its text/plain and text/html."""
    if out.get("output_type") == "stream":
        return _text(out.get("text"))
    data = out.get("data", {})
    return _text(data.get("text/plain")) + _text(data.get("text/html"))


def file_problems(path):
    """(problems, notebook or None) of a notebook file: its size, then whether it is JSON."""
    problems = []
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        problems.append(f"{size // 1024} KiB; keep notebooks under {MAX_NOTEBOOK_BYTES // 1024}"
                        " KiB (smaller figures, fewer frames)")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return problems + [f"not a readable notebook: {e}"], None
    return problems, nb


def lesson_problems(nb, leaky=None):
    """A lesson or solution: executed top to bottom, no errors, no warnings, no leaks."""
    leaky = leaky or machine_paths()
    problems, counts = [], []
    for i, cell in enumerate(nb.get("cells", [])):
        source = _text(cell.get("source"))
        if cell.get("cell_type") == "markdown" and TODO.search(source):
            problems.append(f"cell {i}: markdown still says TODO/FIXME/XXX")
        if cell.get("cell_type") != "code" or not source.strip():
            continue
        counts.append(cell.get("execution_count"))
        for out in cell.get("outputs", []):
            text = output_text(out)
            if out.get("output_type") == "error":
                problems.append(f"cell {i}: stored output is an error ({out.get('ename')})")
            if out.get("name") == "stderr" and text.strip():
                problems.append(f"cell {i}: stored stderr output (a warning?): "
                                + text.strip().splitlines()[0][:100])
            if leaky.search(text):
                problems.append(f"cell {i}: output shows a machine path: "
                                + leaky.search(text).group(0))
    if counts and counts != list(range(1, len(counts) + 1)):
        problems.append(f"execution counts {counts[:12]}{'...' if len(counts) > 12 else ''} "
                        "are not 1, 2, 3, ...: run it top to bottom in a fresh kernel and save "
                        "(python tools/execute_notebooks.py NOTEBOOK)")
    return problems


def exercise_problems(nb):
    """A student notebook: no outputs, no solution left in it."""
    problems = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {i}: student notebook has stored outputs")
        if SOLUTION_MARKER.search(_text(cell.get("source"))):
            problems.append(f"cell {i}: solution markers left in a student notebook")
    return problems


def notebook_problems(path, folder, leaky=None):
    """Everything wrong with the notebook at `path`, which lives in `folder`."""
    problems, nb = file_problems(path)
    if nb is not None and folder == "exercises":
        problems += exercise_problems(nb)
    elif nb is not None:
        problems += lesson_problems(nb, leaky)
    return problems


def tracked_problems(files):
    return [f"{f}: should not be tracked" for f in files
            if ".ipynb_checkpoints/" in f or "__pycache__" in f]


TEST_COMMAND = re.compile(r"<!-- test-command -->\s*```[^\n]*\n(.*?)```\s*<!-- /test-command -->",
                          re.S)
RUNS_PYTEST = re.compile(r"(^|[\s;&|(])(\S*python3?(\.exe)? -m pytest|pytest)(\s|$)")
# In .ci/run: the assignment that reads the README's block, and the line that runs it.
CI_READS = re.compile(r'^test_command="\$\((.*?)\)"$', re.S | re.M)
CI_RUNS = re.compile(r'^\s*(bash -c|sh -c|eval) "\$test_command"\s*$', re.M)


def readme_test_command(text):
    """The README's test command (the code block between the test-command markers), or None."""
    found = TEST_COMMAND.search(text)
    return found.group(1).strip() if found else None


def ci_commands(text):
    """.ci/run without its comments (whole-line ones; the shebang is one)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def ci_test_command(ci, root):
    """What .ci/run's assignment of test_command yields when run in `root` (bash), or None
    when .ci/run has no such assignment followed by a line that executes it."""
    code = ci_commands(ci.read_text(encoding="utf-8", errors="replace"))
    reads, runs = CI_READS.search(code), CI_RUNS.search(code)
    if not (reads and runs and reads.end() < runs.start()):
        return None
    out = subprocess.run(["bash", "-c", f'{reads.group(0)}\nprintf %s "$test_command"'],
                         cwd=root, capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else None


def repo_problems(root):
    readme, ci = root / "README.md", root / ".ci" / "run"
    problems = []
    command = None
    if not readme.exists():
        problems.append("README.md is missing")
    else:
        command = readme_test_command(readme.read_text(encoding="utf-8"))
        if command is None:
            problems.append("README.md has no test command (a code block between "
                            "<!-- test-command --> and <!-- /test-command -->)")
        elif not RUNS_PYTEST.search(command):
            problems.append(f"the README's test command does not run pytest: {command}")
    if not ci.exists():
        problems.append(".ci/run is missing: CI runs nothing")
    elif command is not None and ci_test_command(ci, root) != command:
        problems.append(".ci/run does not execute the README's test command (outside its "
                        "comments: test_command=\"$(sed ... README.md ...)\", then "
                        "bash -c \"$test_command\")")
    return problems


def tracked_files():
    """The files git tracks, or None outside a git checkout."""
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    except FileNotFoundError:
        return None
    return out.stdout.splitlines() if out.returncode == 0 else None


NOTEBOOKS = sorted(p.relative_to(ROOT).as_posix() for folder in NOTEBOOK_FOLDERS
                   for p in (ROOT / folder).glob("*.ipynb"))


# --------------------------------------------------------------------------- the course

@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook(name):
    problems = notebook_problems(ROOT / name, name.split("/")[0])
    assert not problems, f"{name}:\n" + "\n".join(f"- {p}" for p in problems)


def test_every_tracked_notebook_is_checked():
    files = tracked_files()
    if files is None:
        pytest.skip("not a git checkout: nothing is tracked")
    tracked = {f for f in files if f.endswith(".ipynb")}
    assert tracked, "git tracks no notebook"
    assert tracked == set(NOTEBOOKS), f"not checked here: {sorted(tracked - set(NOTEBOOKS))}"


def test_no_cache_files_are_tracked():
    files = tracked_files()
    if files is None:
        pytest.skip("not a git checkout: nothing is tracked")
    assert not tracked_problems(files), "\n".join(tracked_problems(files))


def test_ci_runs_the_readme_test_command_and_it_runs_pytest():
    assert not repo_problems(ROOT), "\n".join(repo_problems(ROOT))


# --------------------------------------------------------------------------- the checks

def code(source, outputs=(), count=None):
    return {"cell_type": "code", "source": source, "metadata": {}, "outputs": list(outputs),
            "execution_count": count}


def stream(name, text):
    return {"output_type": "stream", "name": name, "text": text}


def test_each_check_catches_a_bad_lesson(tmp_path):
    nb = {"cells": [
        {"cell_type": "markdown", "source": "# Adam\nTODO: explain eps", "metadata": {}},
        code("1 / 0", [{"output_type": "error", "ename": "ZeroDivisionError", "evalue": "",
                        "traceback": []}], count=2),
        code("import warnings", [stream("stderr", "RuntimeWarning: overflow\nmore")], count=1),
        code("print(path)", [stream("stdout", f"saved to {tmp_path}/fig.png\n")], count=3),
        code("path", [{"output_type": "execute_result", "execution_count": 4, "metadata": {},
                       "data": {"text/plain": f"'{ROOT}/notebooks'"}}], count=4)]}
    path = tmp_path / "bad.ipynb"
    path.write_text(json.dumps(nb))
    problems = notebook_problems(path, "notebooks", machine_paths(ROOT))
    expected = ["cell 0: markdown still says TODO/FIXME/XXX",
                "cell 1: stored output is an error (ZeroDivisionError)",
                "cell 2: stored stderr output (a warning?): RuntimeWarning: overflow",
                "cell 3: output shows a machine path: /",  # temp (or home) folder
                f"cell 4: output shows a machine path: {ROOT}/",
                "execution counts [2, 1, 3, 4] are not 1, 2, 3, ..."]
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected):
        assert problem.startswith(start), (problem, start)


def test_a_clean_lesson_passes():
    nb = {"cells": [{"cell_type": "markdown", "source": "# Adam", "metadata": {}},
                    code("print(1)", [stream("stdout", "1\n")], count=1),
                    code("", count=None), code("x = 2", count=2)]}
    assert lesson_problems(nb) == []


def test_each_check_catches_a_bad_exercise():
    nb = {"cells": [code("x = 1", [stream("stdout", "1\n")]),
                    code("### BEGIN SOLUTION\ny = 2\n### END SOLUTION")]}
    assert exercise_problems(nb) == ["cell 0: student notebook has stored outputs",
                                     "cell 1: solution markers left in a student notebook"]


def test_file_checks_catch_a_big_or_unreadable_notebook(tmp_path):
    big = tmp_path / "big.ipynb"
    big.write_text(json.dumps({"cells": [], "pad": "x" * MAX_NOTEBOOK_BYTES}))
    assert file_problems(big)[0] == ["3072 KiB; keep notebooks under 3072 KiB (smaller "
                                     "figures, fewer frames)"]
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [')
    problems, nb = file_problems(broken)
    assert nb is None and problems[0].startswith("not a readable notebook")


def test_repo_checks_catch_missing_ci_and_readme(tmp_path):
    assert tracked_problems(["notebooks/.ipynb_checkpoints/01-checkpoint.ipynb",
                             "adamedu/__pycache__/x.pyc", "adamedu/x.py"]) == [
        "notebooks/.ipynb_checkpoints/01-checkpoint.ipynb: should not be tracked",
        "adamedu/__pycache__/x.pyc: should not be tracked"]
    assert repo_problems(tmp_path) == ["README.md is missing",
                                       ".ci/run is missing: CI runs nothing"]
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "run").write_text("echo hello\n")
    (tmp_path / "README.md").write_text("# course\n")
    assert repo_problems(tmp_path) == [
        "README.md has no test command (a code block between <!-- test-command --> and "
        "<!-- /test-command -->)"]


def _fake_repo(root, readme_command, ci):
    (root / ".ci").mkdir(exist_ok=True)
    (root / ".ci" / "run").write_text(ci)
    (root / "README.md").write_text(f"# course\n<!-- test-command -->\n```\n{readme_command}\n"
                                    f"```\n<!-- /test-command -->\n")


def test_ci_check_reads_commands_not_comments(tmp_path):
    real_ci = (ROOT / ".ci" / "run").read_text()
    _fake_repo(tmp_path, ".venv/bin/python -m pytest", real_ci)
    assert repo_problems(tmp_path) == []
    # pytest named only in a comment, the README block never executed: caught
    _fake_repo(tmp_path, ".venv/bin/python -m pytest",
               "#!/bin/bash\n# runs python -m pytest, the README's test command\necho hi\n")
    assert repo_problems(tmp_path) == [
        ".ci/run does not execute the README's test command (outside its comments: "
        'test_command="$(sed ... README.md ...)", then bash -c "$test_command")']
    # the block read but its execution commented out: caught
    _fake_repo(tmp_path, ".venv/bin/python -m pytest",
               real_ci.replace('bash -c "$test_command"', '# bash -c "$test_command"'))
    assert len(repo_problems(tmp_path)) == 1
    # a README block that runs no pytest: caught
    _fake_repo(tmp_path, "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt",
               real_ci)
    assert repo_problems(tmp_path) == [
        "the README's test command does not run pytest: python3 -m venv .venv && "
        ".venv/bin/pip install -r requirements.txt"]
