"""The instructor autograder.

    python -m adamedu.course.grade SUBMISSION_OR_FOLDER... [--exercises exercises]
                                   [--out gradebook.csv] [--json PATH] [--detail PATH]
                                   [--report PATH] [-j 2] [--resume] [--shard K/N]
                                   [--sandbox require|auto|off]

1. Every argument is checked first (exit 2 with a one-line reason).
2. Every submission is read into memory (its bytes and their SHA-256) before any student
   code runs; grading uses only this snapshot, and no submission is ever opened for writing.
3. Per submission, the grader takes its answer cells the way the notebook runs them: every
   cell with the answer's id or tag (copies included) or that defines the answer's name,
   in order, up to the answer's check cell; the last one wins. It runs them after the
   exercise's own read-only cells (from the pristine notebook in the ``--exercises``
   folder, ``exercises`` in the current folder by default), then one harness cell per
   answer (`adamedu.course.harness`) that calls the answer on inputs drawn here, at random,
   and writes the raw return values to a file.
4. That runs in a fresh kernel in a sandbox (`adamedu.course.sandbox`: bubblewrap when
   available), with a per-cell and a total timeout, a memory cap and a process-count limit.
   The kernel imports the same `adamedu` as the grader (the folder it was imported from).
5. The raw values are scored here, in the grader's process, with `adamedu.course.judge`:
   what the student's kernel imported, edited or monkeypatched cannot change them.
6. After each submission, all rows so far are written (each output replaced atomically), so
   an interrupted run keeps what it graded; ``--resume`` skips what is already there.

Exit code: 0 when every submission was graded (a zero is a grade); 1 when some could not
be (the row says why); 2 when nothing was graded (bad arguments, no notebooks found);
130 when interrupted (the rows so far are written).
"""
import argparse
import csv
import hashlib
import json
import math
import os
import re
import secrets
import signal
import sys
import tempfile
import threading
import time
import zlib
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import adamedu
from adamedu.course import answers, gradebook, harness, sandbox, score

PACKAGE = Path(adamedu.__file__).resolve().parent  # the kernel imports this very copy
MAX_BYTES = 50 * 1024 * 1024      # larger files are not graded
MAX_SOURCE = 200_000              # characters in one answer cell
MAX_ELEMENTS = 100_000            # array elements sent back per value

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


class BadArguments(Exception):
    """A command-line argument is unusable; the message is the one-line reason."""


@dataclass
class Submission:
    """One submission as found and snapshotted: nothing is read from disk after this."""
    path: Path          # where it is on disk
    root: str           # the folder argument it was found under ("" for a file argument)
    file: str           # as given, or relative to root
    data: bytes         # the snapshot (b"" when unreadable)
    sha256: str
    error: str = ""     # why it cannot be read ("" when readable)


# --------------------------------------------------------------------------- finding and reading

def collect(paths):
    """(submission files as (path, root, file), skipped: list of messages).

    Folders are searched recursively for *.ipynb in sorted order. Hidden files and folders
    (.ipynb_checkpoints, .dave/...) are skipped, each with a message, as are other files."""
    found, skipped = [], []
    for arg in paths:
        p = Path(arg)
        if not p.is_dir():
            found.append((p, "", str(arg)))
            continue
        for f in sorted(p.rglob("*")):
            rel = f.relative_to(p)
            hidden = [i for i, part in enumerate(rel.parts) if part.startswith(".")]
            if hidden:
                if hidden[0] == len(rel.parts) - 1 and (f.is_dir() or f.suffix == ".ipynb"):
                    what = "folder" if f.is_dir() else "file"
                    skipped.append(f"skipped hidden {what} {f}{os.sep if f.is_dir() else ''} "
                                   f"(editor copies such as .ipynb_checkpoints live in hidden "
                                   f"folders; pass it by name to grade it)")
                continue
            if f.is_file():
                if f.suffix == ".ipynb":
                    found.append((f, str(arg), str(rel)))
                else:
                    skipped.append(f"skipped (not .ipynb): {f}")
    return found, skipped


def snapshot(path, root, file):
    """Read the whole file once, in binary, read-only; never raises."""
    h, chunks, size = hashlib.sha256(), [], 0
    try:
        with open(path, "rb") as f:
            while chunk := f.read(2**20):
                h.update(chunk)
                size += len(chunk)
                if size <= MAX_BYTES:
                    chunks.append(chunk)
    except OSError as e:
        return Submission(Path(path), root, file, b"", "",
                          f"cannot read the file: {e.strerror or e}")
    error = (f"file is {size // 2**20} MiB, more than the {MAX_BYTES // 2**20} MiB a notebook "
             f"may have") if size > MAX_BYTES else ""
    return Submission(Path(path), root, file, b"" if error else b"".join(chunks),
                      h.hexdigest(), error)


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
    return nb


def _source(cell):
    src = cell.get("source", "")
    if isinstance(src, list):
        src = "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def _code_cells(nb):
    return [c for c in nb["cells"] if isinstance(c, dict) and c.get("cell_type") == "code"]


def _tags(cell):
    meta = cell.get("metadata")
    tags = meta.get("tags") if isinstance(meta, dict) else None
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def _id(cell):
    cid = cell.get("id")
    return cid if isinstance(cid, str) else ""


def identify(nb, file, pristine):
    """Which exercise notebook this submission is: metadata, answer ids/tags, file name."""
    meta = nb.get("metadata")
    name = meta.get("adamedu", {}).get("exercise") if isinstance(meta, dict) and \
        isinstance(meta.get("adamedu"), dict) else None
    if isinstance(name, str) and name in pristine:
        return name
    keys = {k for c in _code_cells(nb) for k in [_id(c), *_tags(c)]}
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
    return {_id(c) for c in _code_cells(nb) if _id(c).startswith("answer-")}


def answer_cells(nb, answer):
    """The submission's cells for `answer`, in order, as the notebook would run them before
    the answer's check cell: cells with the id or tag answer-<name> (copies keep the tag)
    and cells that define the answer's name. The last one is the answer that counts."""
    key, check = f"answer-{answer.name}", f"check-{answer.name}"
    cells = [c for c in _code_cells(nb) if not _id(c).startswith("check-")]
    found = [c for c in cells if _id(c) == key or key in _tags(c) or _defines(_source(c), answer)]
    order = _code_cells(nb)
    check_at = next((i for i, c in enumerate(order) if _id(c) == check), None)
    if check_at is not None:
        before = [c for c in found if _position(order, c) < check_at]
        found = before or found  # a check cell above every answer cell runs too early
    return found


def _position(order, cell):
    return next(i for i, c in enumerate(order) if c is cell)


def find_answer(nb, answer):
    """The source of the answer cell that counts (the last one), or None."""
    found = answer_cells(nb, answer)
    return _source(found[-1]) if found else None


def _defines(src, answer):
    return re.search(answer.definition, src, re.MULTILINE) is not None


def provided_cells(pristine):
    """The exercise's own read-only code cells other than checks (setup, given code)."""
    out = []
    for cell in _code_cells(pristine):
        cid, meta = _id(cell), cell.get("metadata", {})
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
        src = _source(cell)
        for pattern, why in _FLAGS:
            if pattern.search(src) and not (tuning and why == OPTIMIZERS):
                flag = f"cell {_id(cell) or f'#{i}'}: {why}"
                if flag not in out:
                    out.append(flag)
    return out


# --------------------------------------------------------------------------- building the run

def build_run(nb, notebook, pristine, rng, results_dir, call_timeout):
    """(cells to execute, plan {answer: {"cases", "cell"}}, {answer: its cell ids or None},
    flags). Provided cells first, then the answer cells in the submission's order, then one
    harness cell per answer."""
    cells = [_cell(_id(c), _source(c)) for c in provided_cells(pristine)]
    wanted = answers.notebook_answers(notebook)
    order = _code_cells(nb)
    chosen, ids, tuning = {}, {}, {}
    for answer in wanted:
        found = [c for c in answer_cells(nb, answer) if len(_source(c)) <= MAX_SOURCE]
        ids[answer.name] = None if not answer_cells(nb, answer) else []
        for c in found:
            i = _position(order, c)
            chosen[i] = c
            tuning[i] = tuning.get(i, True) and isinstance(answer, answers.TuningAnswer)
            ids[answer.name].append(f"answer#{i}")
    for i in sorted(chosen):
        cells.append(_cell(f"answer#{i}", _source(chosen[i])))
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


def _cell(cid, source):
    return {"id": cid, "source": source}


# --------------------------------------------------------------------------- grading one submission

def new_record(sub):
    return {"file": sub.file, "root": sub.root, "sha256": sub.sha256, "exercise": None,
            "graded": False, "error": "", "answers": [], "total": 0.0, "max": 0.0, "flags": []}


def grade_one(sub, pristine, seed, opts, box):
    """Grade one snapshotted submission; always returns a record (never raises)."""
    rec = new_record(sub)
    try:
        if sub.error:
            raise Unreadable(sub.error)
        nb = parse_notebook(sub.data)
        notebook = identify(nb, sub.file, pristine)
        rec["exercise"] = notebook
        wanted = answers.notebook_answers(notebook)
        rec["max"] = float(sum(a.points for a in wanted))
        rng = np.random.default_rng([seed, zlib.crc32(sub.file.encode())])
        with tempfile.TemporaryDirectory(prefix="adamedu-grade-") as tmp:
            run = Path(tmp) / "run"
            results_dir = run / f"results-{secrets.token_hex(8)}"
            results_dir.mkdir(parents=True)
            cells, plan, ids, flags = build_run(nb, notebook, pristine[notebook], rng,
                                                results_dir,
                                                call_timeout=max(1.0, opts.cell_timeout / 2))
            status = _execute(cells, Path(tmp), run, results_dir, opts, box)
            for answer in wanted:
                rec["answers"].append(score.score_answer(
                    answer, ids.get(answer.name), plan.get(answer.name), status, cells,
                    results_dir))
            rec["flags"] = flags
        rec["total"] = float(sum(a["points"] for a in rec["answers"]))
        rec["graded"] = True
    except Unreadable as e:
        rec["error"] = str(e)
    except WorkerFailed as e:
        rec["error"], rec["answers"], rec["total"] = str(e), [], 0.0
    except Exception as e:  # a grader bug must not lose the submission or stop the batch
        rec["error"] = f"grader error ({type(e).__name__}: {e}); please report it"
        rec["answers"], rec["total"] = [], 0.0
    return rec


class WorkerFailed(Exception):
    """The worker produced no status twice (the submission killed it, or it crashed)."""


def _env(run, workdir):
    home = run / "home"
    home.mkdir(exist_ok=True)
    keep = {k: os.environ[k] for k in ("PATH", "LANG", "LC_ALL", "TZ") if k in os.environ}
    return dict(keep, HOME=str(home), IPYTHONDIR=str(home / "ipython"),
                MPLCONFIGDIR=str(home / "mpl"), JUPYTER_RUNTIME_DIR=str(run / "runtime"),
                JUPYTER_CONFIG_DIR=str(home / "jupyter"), JUPYTER_DATA_DIR=str(home / "data"),
                XDG_CACHE_HOME=str(home / "cache"), TMPDIR=str(workdir),
                PYTHONPATH=str(PACKAGE.parent), PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg",
                OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                PYTHONNOUSERSITE="1")


def _execute(cells, tmp, run, results_dir, opts, box):
    """Run the cells in the sandbox; return the status of each cell.

    The worker runs as `python -I harness.py JOB` with the grader's temporary folder as cwd:
    no folder the student can write is on its sys.path. Its second try (only if the first
    left no status) gets a fresh working folder."""
    status_path = run / "status.json"
    for attempt in (1, 2):
        for stale in list(results_dir.iterdir()) + [status_path]:
            stale.unlink(missing_ok=True)
        workdir = tmp / f"work{attempt}"
        workdir.mkdir()
        job = {"cells": cells, "workdir": str(workdir), "cell_timeout": opts.cell_timeout,
               "interrupt_grace": harness.INTERRUPT_GRACE,
               "total_timeout": opts.total_timeout, "status": str(status_path),
               "runtime": str(run), "nproc": sandbox.NPROC if box.bwrap else 0}
        job_path = tmp / f"job{attempt}.json"
        job_path.write_text(json.dumps(job), encoding="utf-8")
        code, err = box.run([sys.executable, "-I", str(Path(harness.__file__).resolve()),
                             str(job_path)], jobdir=tmp, env=_env(run, workdir),
                            timeout=opts.total_timeout + 90, memory_mb=opts.memory_mb,
                            writable=[run], tmpfs=[workdir])
        try:
            return json.loads(status_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            tail = err.strip().splitlines()[-1:] or [
                "the runner did not finish in time" if code is None else
                f"it ended with code {code} and no message (killed by the submission?)"]
    raise WorkerFailed(f"the notebook runner failed twice: {tail[0][:200]}")


# --------------------------------------------------------------------------- outputs

def write_outputs(records, opts, seed):
    """Write every output from all records so far (each file replaced atomically)."""
    gradebook.write_outputs(records, out=opts.out, detail=opts.detail, json_path=opts.json_out,
                            report=opts.report, meta={"seed": seed})


# --------------------------------------------------------------------------- arguments

def _positive_finite(name):
    def parse(text):
        try:
            x = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, not {text!r}") from None
        if not math.isfinite(x) or x <= 0:
            raise argparse.ArgumentTypeError(f"{name} must be a finite number > 0, not {text}")
        return x
    return parse


def _int_at_least(name, low, high=None):
    def parse(text):
        try:
            x = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} must be a whole number, not {text!r}") from None
        if x < low or (high is not None and x > high):
            rng = f"between {low} and {high}" if high is not None else f">= {low}"
            raise argparse.ArgumentTypeError(f"{name} must be {rng}, not {text}")
        return x
    return parse


def _shard(text):
    m = re.fullmatch(r"(\d+)/(\d+)", text)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise argparse.ArgumentTypeError(f"--shard must be K/N with 1 <= K <= N, not {text!r}")
    return int(m.group(1)), int(m.group(2))


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def parse_args(argv):
    p = _Parser(prog="python -m adamedu.course.grade", description=__doc__,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("submissions", nargs="+", metavar="SUBMISSION_OR_FOLDER")
    p.add_argument("--out", default="gradebook.csv", help="gradebook CSV (default gradebook.csv)")
    p.add_argument("--detail", metavar="PATH",
                   help="one row per answer (default: the --out name with _detail)")
    p.add_argument("--json", dest="json_out", metavar="PATH", help="also write the records as JSON")
    p.add_argument("--report", metavar="PATH", help="also write an HTML class report")
    p.add_argument("-j", "--jobs", type=_int_at_least("-j", 1, 64), default=1,
                   help="submissions graded in parallel (default 1)")
    p.add_argument("--cell-timeout", type=_positive_finite("--cell-timeout"), default=30.0,
                   help="seconds one cell may run (default 30)")
    p.add_argument("--total-timeout", type=_positive_finite("--total-timeout"), default=300.0,
                   help="seconds one submission may run in all (default 300)")
    p.add_argument("--memory-mb", type=_int_at_least("--memory-mb", 256), default=2048,
                   help="address-space cap of a student's kernel (default 2048)")
    p.add_argument("--seed", type=_int_at_least("--seed", 0, 2**63 - 1),
                   help="seed of the random inputs (default: a new one)")
    p.add_argument("--resume", action="store_true",
                   help="keep the rows of an earlier run; grade only what they lack")
    p.add_argument("--shard", type=_shard, metavar="K/N",
                   help="grade only the K-th of N parts of the submissions (by content hash)")
    p.add_argument("--sandbox", choices=("require", "auto", "off"), default="auto",
                   help="bubblewrap isolation: require it, use it when available (default), "
                        "or not")
    p.add_argument("--exercises", default="exercises",
                   help="folder of the pristine exercise notebooks (default: exercises, in "
                        "the current folder)")
    opts = p.parse_args(argv)
    if opts.detail is None:
        opts.detail = str(gradebook.default_detail(opts.out))
    try:
        check_paths(opts)
    except BadArguments as e:
        p.error(str(e))
    return opts


def check_paths(opts):
    """Submissions exist; outputs are distinct files in existing folders, none a submission."""
    for s in opts.submissions:
        if not Path(s).exists():
            raise BadArguments(f"no such submission file or folder: {s}")
    if not Path(opts.exercises).is_dir():
        raise BadArguments(f"--exercises {opts.exercises} is not a folder")
    outs = {"--out": opts.out, "--detail": opts.detail, "--json": opts.json_out,
            "--report": opts.report}
    seen = {}
    for flag, path in outs.items():
        if path is None:
            continue
        p = Path(path)
        if p.is_dir():
            raise BadArguments(f"{flag} {path} is a folder; give a file name")
        if not p.parent.is_dir():
            raise BadArguments(f"{flag} {path}: the folder {p.parent} does not exist")
        key = p.resolve()
        if key in seen:
            raise BadArguments(f"{flag} and {seen[key]} are the same file ({path})")
        seen[key] = flag
        for s in opts.submissions:
            sp = Path(s).resolve()
            if key == sp or (sp.is_dir() and sp in key.parents and key.suffix == ".ipynb"):
                raise BadArguments(f"{flag} {path} is one of the submissions")


# --------------------------------------------------------------------------- the batch

def main(argv=None):
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    pristine = pristine_notebooks(opts.exercises)
    if not pristine:
        print(f"no exercise notebooks in {opts.exercises}", file=sys.stderr)
        return 2
    try:  # before any grading: a foreign file at the detail path stops the run at once
        previous = gradebook.load_records(out=opts.out, detail=opts.detail,
                                          json_path=opts.json_out) if opts.resume else []
    except (ValueError, KeyError, OSError, csv.Error) as e:
        print(f"cannot resume: {e}", file=sys.stderr)
        return 2
    found, skipped = collect(opts.submissions)
    for line in skipped:
        print(line, file=sys.stderr)
    if not found:
        print(f"no .ipynb submissions in {', '.join(opts.submissions)}", file=sys.stderr)
        return 2
    subs = [snapshot(*f) for f in found]  # every byte is read before any student code runs
    if opts.shard:
        k, n = opts.shard
        subs = [s for s in subs if int((s.sha256 or "0"), 16) % n == k - 1]
        print(f"shard {k}/{n}: {len(subs)} of {len(found)} submissions", file=sys.stderr)
    done_keys = {(r.get("file"), r.get("sha256")) for r in previous}
    todo = [s for s in subs if (s.file, s.sha256) not in done_keys]
    if opts.resume:
        print(f"resuming: {len(subs) - len(todo)} already graded, {len(todo)} to grade",
              file=sys.stderr)
    try:
        box = sandbox.Sandbox(opts.sandbox, hidden=[Path(a) for a in opts.submissions],
                              keep_visible=[PACKAGE, sys.prefix, sys.base_prefix,
                                            tempfile.gettempdir()])
    except sandbox.Unavailable as e:
        print(str(e), file=sys.stderr)
        return 2
    print(box.describe(), file=sys.stderr)
    seed = opts.seed if opts.seed is not None else secrets.randbits(32)
    print(f"grading {len(todo)} submission(s) with {opts.jobs} worker(s); seed {seed}",
          file=sys.stderr)
    records = list(previous)
    lock, start, stopping = threading.Lock(), time.perf_counter(), threading.Event()
    write_outputs(records, opts, seed)

    def task(sub):
        rec = grade_one(sub, pristine, seed, opts, box)
        with lock:
            if stopping.is_set():
                return
            records.append(rec)
            write_outputs(records, opts, seed)
            score = (f"{rec['total']:g}/{rec['max']:g}" if rec["graded"]
                     else f"NOT GRADED ({rec['error']})")
            print(f"[{len(records) - len(previous)}/{len(todo)}] {sub.path}: {score}",
                  file=sys.stderr)

    old_term = signal.signal(signal.SIGTERM, _interrupt) \
        if threading.current_thread() is threading.main_thread() else None
    pool = ThreadPoolExecutor(max_workers=opts.jobs)
    try:
        pending = {pool.submit(task, s) for s in todo}
        while pending:
            finished, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for f in finished:
                f.result()
    except KeyboardInterrupt:
        with lock:
            stopping.set()
            kept = len(records) - len(previous)
        pool.shutdown(wait=False, cancel_futures=True)
        box.end_all()
        print(f"interrupted: {kept} row(s) graded in this run are in {opts.out}; run again "
              f"with --resume to grade the rest", file=sys.stderr)
        return 130
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
    ours = records[len(previous):]
    bad = sum(not r["graded"] for r in ours)
    print(f"wrote {opts.out}: {len(ours) - bad} graded, {bad} not graded, "
          f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 1 if bad else 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
