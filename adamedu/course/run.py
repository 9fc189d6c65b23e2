"""Running one submission: the cells to execute, and the sandboxed worker that runs them.

`build_run` lays out the run: the exercise's own read-only cells, then the submission's
answer cells in its order, then one harness cell per answer (`adamedu.course.harness`)
that calls the answer on inputs drawn here, at random. `execute` runs them in a fresh
kernel inside the sandbox (`adamedu.course.sandbox`) as ``python -I harness.py JOB`` with
the grader's temporary folder as cwd (no folder the student can write is on its sys.path),
and reads the worker's report without trust (`adamedu.course.results`). A run that leaves
no report is tried once more, in fresh folders; a second failure fails that submission.
"""
import json
import os
import secrets
import shutil
import sys
from pathlib import Path

import adamedu
from adamedu.course import answers, harness, results
from adamedu.course.notebook import (
    MAX_SOURCE,
    answer_positions,
    cell_id,
    flags_for,
    provided_cells,
    source,
)
from adamedu.course.sandbox import NPROC

PACKAGE = Path(adamedu.__file__).resolve().parent  # the kernel imports this very copy
MAX_ELEMENTS = 100_000            # array elements sent back per value
MAX_RESULT_BYTES = 20 * 2**20     # raw results of one answer


def readable():
    """What the sandbox must read: the course package, the Python install and the folders
    on sys.path, except the checkout that holds the package (solutions, gradebooks)."""
    checkout = {PACKAGE.parent, *PACKAGE.parent.parents}
    extra = [p for p in sys.path[1:] if p and os.path.isdir(p)
             and Path(p).resolve() not in checkout]
    return [PACKAGE, sys.prefix, sys.base_prefix, *extra]


class WorkerFailed(Exception):
    """The worker produced no report twice (the submission killed it, or it crashed)."""


def build_run(nb, notebook, pristine, rng, results_dir, call_timeout):
    """(cells to execute, plan {answer: {"cases", "cell"}}, {answer: its cell ids or None},
    flags). Provided cells first, then the answer cells in the submission's order, then one
    harness cell per answer; results_dir: where the harness cells write (in the sandbox)."""
    cells = [_cell(cell_id(c), source(c)) for c in provided_cells(pristine)]
    wanted = answers.notebook_answers(notebook)
    chosen, ids, tuning = {}, {}, {}
    for answer in wanted:
        found = answer_positions(nb, answer)
        ids[answer.name] = None if not found else []
        for i, c in found:
            if len(source(c)) > MAX_SOURCE:
                continue
            chosen[i] = c
            tuning[i] = tuning.get(i, True) and isinstance(answer, answers.TuningAnswer)
            ids[answer.name].append(f"answer#{i}")
    for i in sorted(chosen):
        cells.append(_cell(f"answer#{i}", source(chosen[i])))
    plan = {}
    for answer in wanted:
        if not ids[answer.name]:
            continue
        cases = answer.cases(rng)
        spec = {"kind": answer.kind, "params": list(answer.params), "lookup": answer.lookup,
                "cases": [{k: harness.encode(v, MAX_ELEMENTS) for k, v in c.items()}
                          for c in cases],
                "max_elements": MAX_ELEMENTS, "call_timeout": call_timeout,
                "path": str(Path(results_dir) / f"{answer.name}.json")}
        plan[answer.name] = {"cases": cases, "cell": len(cells)}
        cells.append(_cell(f"harness-{answer.name}", harness.harness_cell(spec)))
    flags = flags_for([(i, chosen[i], tuning[i]) for i in sorted(chosen)])
    return cells, plan, ids, flags


def _cell(cid, src):
    return {"id": cid, "source": src}


def layout(box, tmp):
    """{"scratch", "results", "work", "home", "runtime"}: the folders of a run (in the
    sandbox's tmpfs with bwrap, else inside tmp)."""
    scratch = box.scratch(tmp)
    return {"scratch": scratch, "results": scratch / f"results-{secrets.token_hex(8)}",
            "work": scratch / "work", "home": scratch / "home", "runtime": scratch / "run"}


def _env(where):
    home = where["home"]
    keep = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL", "TZ") if k in os.environ}
    return dict(keep, HOME=str(home), IPYTHONDIR=str(home / "ipython"),
                MPLCONFIGDIR=str(home / "mpl"), JUPYTER_RUNTIME_DIR=str(where["runtime"]),
                JUPYTER_CONFIG_DIR=str(home / "jupyter"), JUPYTER_DATA_DIR=str(home / "data"),
                XDG_CACHE_HOME=str(home / "cache"), TMPDIR=str(where["work"]),
                PYTHONPATH=str(PACKAGE.parent), PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg",
                OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                PYTHONNOUSERSITE="1")


def execute(cells, plan, tmp, where, opts, box):
    """Run the cells in the sandbox; return (status of each cell, a folder of the grader's
    holding each answer's results file as the worker reported it)."""
    tmp = Path(tmp)
    mine = tmp / "results"
    mine.mkdir()
    box.readable_by_sandbox(tmp)
    for attempt in (1, 2):
        if where["scratch"].is_relative_to(tmp):  # no sandbox: fresh folders each time
            shutil.rmtree(where["scratch"], ignore_errors=True)
        job = {"cells": cells, "workdir": str(where["work"]), "cell_timeout": opts.cell_timeout,
               "interrupt_grace": harness.INTERRUPT_GRACE,
               "total_timeout": opts.total_timeout, "runtime": str(where["runtime"]),
               "mkdirs": [str(where[k]) for k in ("results", "work", "home", "runtime")],
               "results": {name: str(where["results"] / f"{name}.json") for name in plan},
               "max_result": MAX_RESULT_BYTES,
               "nproc": harness_nproc(box)}
        job_path = tmp / f"job{attempt}.json"
        job_path.write_text(json.dumps(job), encoding="utf-8")
        out_path = tmp / f"out{attempt}"
        with open(out_path, "wb") as out:
            code, _ = box.run([sys.executable, "-I", str(Path(harness.__file__).resolve()),
                               str(job_path)], jobdir=tmp, env=_env(where),
                              timeout=opts.total_timeout + 90, memory_mb=opts.memory_mb,
                              stdout=out)
        report = results.worker_output(out_path, len(cells), limit=box_output_limit(plan))
        if report is not None:
            status, texts = report
            for name, text in texts.items():
                if name in plan:
                    (mine / f"{name}.json").write_text(text, encoding="utf-8")
            return status, mine
        why = ("the runner did not finish in time" if code is None else
               f"it ended with code {code} and no report (killed by the submission?)")
    # the worker's stderr is not shown: the submission can write to it
    raise WorkerFailed(f"the notebook runner failed twice: {why}")


def harness_nproc(box):
    """The process limit the worker sets itself when no pids cgroup counts them (in a user
    namespace RLIMIT_NPROC counts per namespace), or 0."""
    return NPROC if box.bwrap and "pids" not in box.cgroups else 0


def box_output_limit(plan):
    """The largest worker report read: every answer's results at their cap, and the status."""
    return (len(plan) + 1) * MAX_RESULT_BYTES
