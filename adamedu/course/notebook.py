"""Reading a submitted notebook: its cells, which exercise it is, its answer cells, flags.

Everything here works on the parsed JSON of a snapshot, in time linear in its size, with
caps: at most `MAX_CELLS` cells and `MAX_ANSWER_CELLS` cells for one answer (more is
refused with a reason); an answer cell longer than `MAX_SOURCE` characters is not run.
"""
import json
import re
from pathlib import Path

from adamedu.course.results import clean

MAX_CELLS = 2000                  # cells in one submission
MAX_ANSWER_CELLS = 50             # cells that count for one answer (copies included)
MAX_SOURCE = 200_000              # characters in one answer cell

# (pattern, reason) for answer cells an instructor should look at
FLAGS = (
    (r"\bcheck\s*\.\s*(answers|judge|_\w+)|\.reference\b|\badamedu\s*\.\s*course\b"
     + r"|\bimport\s+course\b|\bchecks\b",
     "uses the checking module (its answers, references or private helpers)"),
    (r"\boptimizers\b", OPTIMIZERS := "uses adamedu.optimizers, the reference implementation"),
    (r"\b(exec|eval|compile)\s*\(", "runs code built at run time (exec/eval/compile)"),
    (r"\bos\s*\.\s*(popen|system|exec\w*|spawn\w*|fork|posix_spawn\w*)|\bsubprocess\b|\bpty\b",
     "starts other programs or processes"),
    (r"/proc\b", "reads /proc (other processes)"),
    (r"\bsys\s*\.\s*_getframe|\binspect\s*\.\s*(currentframe|stack)|\bf_back\b|\bf_globals\b",
     "inspects the calling frames"),
    (r"\bresource\b", "changes resource limits (resource module)"),
    (r"\bsys\s*\.\s*modules|\bbuiltins\b|__import__|\bimportlib\b|\bsetattr\b|\bglobals\s*\(",
     "edits modules or namespaces at run time"),
    (r"\bshutil\b|\bos\s*\.\s*(remove|unlink|rmdir|rename|replace|chdir|kill\w*)|\bsignal\b"
     + r"|\bctypes\b|\bsocket\b",
     "touches files, processes, signals or the network"),
)
_FLAGS = [(re.compile(p), why) for p, why in FLAGS]


class Unreadable(Exception):
    """The submission cannot be graded at all; the message is the gradebook's reason."""


def pristine_notebooks(exercises_dir):
    """{name: exercise notebook dict} for every ex*.ipynb in exercises_dir."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(Path(exercises_dir).glob("ex*.ipynb"))}


def parse_notebook(data):
    """The submission's bytes as a notebook dict with a list of cells, or raise Unreadable."""
    if not data.strip():
        raise Unreadable("the file is empty")
    try:
        nb = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise Unreadable("not a notebook: the file is not text (UTF-8)") from None
    except ValueError as e:
        raise Unreadable(f"not a notebook: not valid JSON ({e.msg} at line {e.lineno})") from None
    except RecursionError:
        raise Unreadable("not a notebook: the JSON is nested too deeply") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise Unreadable("not a notebook: the JSON has no list of cells")
    if len(nb["cells"]) > MAX_CELLS:
        raise Unreadable(f"the notebook has {len(nb['cells'])} cells, more than the "
                         f"{MAX_CELLS} a submission may have")
    return nb


def source(cell):
    src = cell.get("source", "")
    if isinstance(src, list):
        src = "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def code_cells(nb):
    return [c for c in nb["cells"] if isinstance(c, dict) and c.get("cell_type") == "code"]


def _tags(cell):
    meta = cell.get("metadata")
    tags = meta.get("tags") if isinstance(meta, dict) else None
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def cell_id(cell):
    cid = cell.get("id")
    return cid if isinstance(cid, str) else ""


def identify(nb, file, pristine):
    """Which exercise notebook this submission is: metadata, answer ids/tags, file name."""
    meta = nb.get("metadata")
    name = meta.get("adamedu", {}).get("exercise") if isinstance(meta, dict) and \
        isinstance(meta.get("adamedu"), dict) else None
    if isinstance(name, str) and name in pristine:
        return name
    keys = {k for c in code_cells(nb) for k in [cell_id(c), *_tags(c)]}
    best = max(pristine, key=lambda n: len(keys & _answer_ids(pristine[n])), default=None)
    if best and keys & _answer_ids(pristine[best]):
        return best
    stem = Path(file).name.lower()
    for n in pristine:
        if stem.startswith(n[:4]) or n[:4] in stem:
            return n
    raise Unreadable("cannot tell which exercise this is: no adamedu metadata, no answer "
                     "cells, and the file name names no exercise (exNN)")


def _answer_ids(nb):
    return {cell_id(c) for c in code_cells(nb) if cell_id(c).startswith("answer-")}


def answer_positions(nb, answer):
    """[(position among the code cells, cell)] for `answer`, in order, as the notebook would
    run them before the answer's check cell: cells with the id or tag answer-<name> (copies
    keep the tag) and cells that define the answer's name. The last one counts. Raises
    Unreadable when more than MAX_ANSWER_CELLS match."""
    key, check = f"answer-{answer.name}", f"check-{answer.name}"
    order = code_cells(nb)
    definition = re.compile(answer.definition, re.MULTILINE)
    found = [(i, c) for i, c in enumerate(order) if not cell_id(c).startswith("check-")
             and (cell_id(c) == key or key in _tags(c) or definition.search(source(c)))]
    if len(found) > MAX_ANSWER_CELLS:
        raise Unreadable(f"{len(found)} cells for the answer {answer.name}, more than the "
                         f"{MAX_ANSWER_CELLS} a submission may have")
    check_at = next((i for i, c in enumerate(order) if cell_id(c) == check), None)
    if check_at is not None:
        before = [(i, c) for i, c in found if i < check_at]
        found = before or found  # a check cell above every answer cell runs too early
    return found


def answer_cells(nb, answer):
    """The cells of `answer_positions`, without their positions."""
    return [c for _, c in answer_positions(nb, answer)]


def find_answer(nb, answer):
    """The source of the answer cell that counts (the last one), or None."""
    found = answer_cells(nb, answer)
    return source(found[-1]) if found else None


def provided_cells(pristine):
    """The exercise's own read-only code cells other than checks (setup, given code)."""
    out = []
    for cell in code_cells(pristine):
        cid, meta = cell_id(cell), cell.get("metadata", {})
        if cid.startswith(("answer-", "check-")) or meta.get("editable", True):
            continue
        out.append(cell)
    return out


def flags_for(cells):
    """["cell <id>: reason", ...] for answer cells that do something worth a look.

    cells: (position, cell, tuning); tuning answers may use the optimizers: that is the
    exercise."""
    out = []
    for i, cell, tuning in cells:
        src = source(cell)
        for pattern, why in _FLAGS:
            if pattern.search(src) and not (tuning and why == OPTIMIZERS):
                flag = f"cell {clean(cell_id(cell), 80) or f'#{i}'}: {why}"
                if flag not in out:
                    out.append(flag)
    return out
