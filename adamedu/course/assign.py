"""Write the student notebooks in exercises/ from the complete ones in solutions/.

    python -m adamedu.course.assign           # (re)write exercises/ex*.ipynb from solutions/
    python -m adamedu.course.assign --check   # exit 1, naming the files, if exercises/ is stale

The folders are ``--solutions`` (default ``solutions``) and ``--exercises`` (default
``exercises``), relative to the current folder.

In a solution notebook an answer cell has the id ``answer-<name>`` (and the same tag);
its answer sits between ``### BEGIN SOLUTION`` and ``### END SOLUTION``. An optional
``### HINT: ...`` line right after BEGIN gives the stub's hint. In the exercise the region
becomes a stub: ``raise NotImplementedError("<hint>")`` inside a function, or
``NAME = ...  # <hint>`` for a top-level value. A check cell (id ``check-<name>``) must read
``check.<name>()``: the check looks the answer up itself. Points stated in the markdown
(the intro's "worth **N points**", a task's "*(N points)*") must be the catalogue's.
Outputs and execution counts are cleared, every cell but the answers and the judgement
tasks' figures and experiments (id ``show-<name>``, which the grader does not replay) is
marked read-only (``editable``/``deletable`` false), cell ids are kept and the notebook
metadata is fixed, so the output is byte-identical on every run.
"""
import argparse
import ast
import copy
import os
import re
import sys
from pathlib import Path

import nbformat

from adamedu.course import answers

BEGIN, END, HINT = "### BEGIN SOLUTION", "### END SOLUTION", "### HINT:"
METADATA = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                           "name": "python3"},
            "language_info": {"name": "python"}}


class AssignError(ValueError):
    """A solution notebook is not in the form assign understands."""


def stub(source, where=""):
    """The answer cell source with every solution region replaced by its stub."""
    lines, out, i = source.split("\n"), [], 0
    while i < len(lines):
        line = lines[i]
        if line.strip() != BEGIN:
            if line.strip() == END:
                raise AssignError(f"{where}: {END} without a {BEGIN} before it")
            out.append(line)
            i += 1
            continue
        indent = line[:len(line) - len(line.lstrip())]
        try:
            j = next(k for k in range(i + 1, len(lines)) if lines[k].strip() == END)
        except StopIteration:
            raise AssignError(f"{where}: {BEGIN} has no matching {END}") from None
        body = lines[i + 1:j]
        hint = ""
        if body and body[0].strip().startswith(HINT):
            hint = body[0].strip()[len(HINT):].strip()
            body = body[1:]
        out.extend(_stub_lines(body, indent, hint, where))
        i = j + 1
    return "\n".join(out)


def _stub_lines(body, indent, hint, where):
    if indent:
        message = hint or "write your code here"
        return [f"{indent}raise NotImplementedError({message!r})"]
    try:
        tree = ast.parse("\n".join(body))
    except SyntaxError as e:
        raise AssignError(f"{where}: the solution region does not parse: {e}") from None
    names = [t.id for node in tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)]
    if not names or len(names) != len(tree.body):
        raise AssignError(f"{where}: a top-level solution region must only assign values "
                          f"(NAME = ...); put code inside a function instead")
    comment = f"  # replace ... with {hint or 'your answer'}"
    return [f"{name} = ...{comment}" for name in names]


def build(solution):
    """The exercise notebook (a NotebookNode) made from a solution notebook."""
    name = solution.metadata.get("adamedu", {}).get("exercise")
    expected = {f"answer-{a.name}" for a in answers.notebook_answers(name)}
    if not expected:
        raise AssignError(f"solution metadata names exercise {name!r}, which has no answers "
                          f"in adamedu.course.answers")
    nb = nbformat.v4.new_notebook()
    nb.nbformat_minor = 5
    nb.metadata = copy.deepcopy(METADATA)
    # the language_info the pinned kernel reported when the solution ran: JupyterLab
    # writes it on opening, and a different one marks the exercise modified
    nb.metadata["language_info"] = copy.deepcopy(solution.metadata.get(
        "language_info", METADATA["language_info"]))
    nb.metadata["adamedu"] = {"exercise": name}
    seen = set()
    by_id = {f"answer-{a.name}": a for a in answers.notebook_answers(name)}
    for cell in solution.cells:
        cid = cell.get("id")
        if not cid:
            raise AssignError(f"{name}: every cell needs a stable id (nbformat 4.5)")
        source = cell.source
        meta = {"deletable": False, "editable": False}
        if cid.startswith("show-"):  # a judgement task's figure or experiment: the grader
            meta = {"deletable": False}  # replays read-only cells only, so it skips these
        if cell.cell_type == "code" and cid.startswith("answer-"):
            if cid not in expected:
                raise AssignError(f"{name}: {cid} is not an answer of {name} in "
                                  f"adamedu.course.answers")
            if BEGIN not in source:
                raise AssignError(f"{name}: {cid} has no {BEGIN} ... {END} region")
            source = stub(source, f"{name}/{cid}")
            meta = {"deletable": False, "tags": [cid]}
            seen.add(cid)
        elif re.search(r"BEGIN SOLUTION|END SOLUTION", source):
            raise AssignError(f"{name}: cell {cid} has solution markers but is not an answer cell")
        elif cell.cell_type == "code" and cid.startswith("check-"):
            if f"answer-{cid[6:]}" not in by_id:
                raise AssignError(f"{name}: {cid} checks no answer of {name}")
            source = check_source(by_id[f"answer-{cid[6:]}"])
            if cell.source != source:
                raise AssignError(f"{name}: {cid} must read {source!r} (the check looks the "
                                  f"answer up itself)")
        elif cell.cell_type == "markdown":
            _check_points(name, cid, source, by_id)
        if cell.cell_type == "code":
            new = nbformat.v4.new_code_cell(source, metadata=meta)
        else:
            new = nbformat.v4.new_markdown_cell(source, metadata=meta)
        new.id = cid
        nb.cells.append(new)
    missing = sorted(expected - seen)
    if missing:
        raise AssignError(f"{name}: no answer cell for {', '.join(missing)}")
    return nb


def check_source(answer):
    """The source of an answer's check cell: the check looks the answer up by its name."""
    return f"check.{answer.name}()"


def _check_points(name, cid, source, by_id):
    """Points stated in markdown must be the catalogue's: the intro's total and each task's
    "(N points)"."""
    total = re.search(r"worth \*\*(\d+) points?\*\*", source)
    if total and int(total.group(1)) != answers.notebook_points(name):
        raise AssignError(f"{name}: {cid} says {total.group(1)} points, the answers add up to "
                          f"{answers.notebook_points(name)}")
    stated = re.search(r"\*\((\d+) points?\)\*", source)
    answer = by_id.get(f"answer-{cid[5:]}") if cid.startswith("task-") else None
    if stated and answer and int(stated.group(1)) != answer.points:
        raise AssignError(f"{name}: {cid} says {stated.group(1)} points, {answer.name} is "
                          f"worth {answer.points}")


def render(nb):
    """The notebook as the exact text written to disk."""
    return nbformat.writes(nb) + "\n"


def exercise_text(solution_path):
    """The text `python -m adamedu.course.assign` writes for one solution notebook."""
    return render(build(nbformat.read(solution_path, as_version=4)))


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m adamedu.course.assign",
                                description=__doc__.split("\n")[0])
    p.add_argument("--solutions", default="solutions",
                   help="folder of the solution notebooks (default: solutions)")
    p.add_argument("--exercises", default="exercises",
                   help="folder the exercises are written to (default: exercises)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if the exercises differ from what would be "
                        "written")
    opts = p.parse_args(argv)
    sources = sorted(Path(opts.solutions).glob("ex*.ipynb"))
    if not sources:
        print(f"no ex*.ipynb in {opts.solutions}", file=sys.stderr)
        return 1
    stale = []
    for src in sources:
        try:
            text = exercise_text(src)
        except AssignError as e:
            print(f"{src}: {e}", file=sys.stderr)
            return 1
        dest = Path(opts.exercises) / src.name
        current = dest.read_text(encoding="utf-8") if dest.exists() else None
        if current != text:
            stale.append(dest)
            if not opts.check:
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_text(text, encoding="utf-8")
    verb = "out of date" if opts.check else "written"
    for dest in stale:
        print(f"{dest}: {verb}")
    if not stale:
        print(f"{Path(opts.exercises)}{os.sep} is up to date ({len(sources)} notebooks)")
    return 1 if (opts.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
