"""The instructor autograder.

    python -m adamedu.course.grade SUBMISSION_OR_FOLDER... [--exercises exercises]
                                   [--out gradebook.csv] [--json PATH] [--detail PATH]
                                   [--report PATH] [-j 2] [--resume] [--shard K/N]
                                   [--sandbox require|auto|off]

1. Every argument is checked first (exit 2 with a one-line reason), and the gradebook is
   locked: a second grader on the same --out exits 2 while this one runs.
2. Every submission is read into memory (its bytes and their SHA-256) before any student
   code runs; grading uses only this snapshot, and no submission is ever opened for writing
   (`adamedu.course.submissions`; links, FIFOs and devices are refused with a reason).
3. Per submission, the stages of `PIPELINE`, in order: parse the notebook and tell which
   exercise it is (`adamedu.course.notebook`: the answer cells as the notebook runs them,
   the last one wins); lay out the run: the exercise's read-only cells (from the pristine
   notebook in ``--exercises``, ``exercises`` by default), the answer cells, one harness
   cell per answer (`adamedu.course.run`); run it in a fresh kernel in the sandbox
   (`adamedu.course.sandbox`) with per-cell and total timeouts and resource caps; score the
   raw values here, in the grader's process (`adamedu.course.score`), so that nothing the
   student's kernel edited can change the judge; clean every text that came from the
   submission (`adamedu.course.results.clean`).
4. After each submission, all rows so far are written (each output replaced atomically), so
   an interrupted run keeps what it graded; ``--resume`` skips what is already there.

Exit code: 0 when every submission was graded (a zero is a grade); 1 when some could not
be (the row says why, and its total is empty); 2 when nothing was graded (bad arguments,
no notebooks found, the gradebook locked by another grader); 130 when interrupted (SIGINT
or SIGTERM; the rows so far are written).
"""
import csv
import secrets
import signal
import sys
import tempfile
import threading
import time
import zlib
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np

from adamedu.course import answers, gradebook, run, sandbox, score
from adamedu.course.arguments import parse_args
from adamedu.course.notebook import Unreadable, identify, parse_notebook, pristine_notebooks
from adamedu.course.results import MAX_REASON, clean
from adamedu.course.submissions import collect, snapshot


@dataclass
class Job:
    """One submission on its way through the pipeline."""
    sub: object                 # the Submission
    rec: dict                   # its record, filled in by the stages
    tmp: str = ""               # the grader's temporary folder for it
    nb: dict = None
    wanted: list = field(default_factory=list)
    cells: list = field(default_factory=list)
    plan: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)
    status: list = field(default_factory=list)
    results: object = None      # the folder of its results files
    where: dict = None          # the run's folders (run.layout)


def stage_read(job, ctx):
    """The snapshot as a notebook (Unreadable: not graded, with the reason)."""
    if job.sub.error:
        raise Unreadable(job.sub.error)
    job.nb = parse_notebook(job.sub.data)


def stage_identify(job, ctx):
    """Which exercise it is, and its answers and points."""
    job.rec["exercise"] = identify(job.nb, job.sub.file, ctx["pristine"])
    job.wanted = answers.notebook_answers(job.rec["exercise"])
    job.rec["max"] = float(sum(a.points for a in job.wanted))


def stage_plan(job, ctx):
    """The cells to run, the inputs of each answer, the flags of its answer cells."""
    rng = np.random.default_rng([ctx["seed"], zlib.crc32(job.sub.file.encode())])
    job.where = run.layout(ctx["box"], job.tmp)
    job.cells, job.plan, job.ids, job.rec["flags"] = run.build_run(
        job.nb, job.rec["exercise"], ctx["pristine"][job.rec["exercise"]], rng,
        job.where["results"], call_timeout=max(1.0, ctx["opts"].cell_timeout / 2))


def stage_run(job, ctx):
    """Execute the cells in the sandbox (WorkerFailed: not graded)."""
    job.status, job.results = run.execute(job.cells, job.plan, job.tmp, job.where,
                                          ctx["opts"], ctx["box"])


def stage_score(job, ctx):
    """Judge each answer's raw results here, in the grader."""
    job.rec["answers"] = [score.score_answer(a, job.ids.get(a.name), job.plan.get(a.name),
                                             job.status, job.cells, job.results)
                          for a in job.wanted]
    job.rec["total"] = float(sum(a["points"] for a in job.rec["answers"]))
    job.rec["graded"] = True


PIPELINE = (stage_read, stage_identify, stage_plan, stage_run, stage_score)


def new_record(sub):
    return {"file": sub.file, "root": sub.root, "sha256": sub.sha256, "exercise": None,
            "graded": False, "error": "", "answers": [], "total": None, "max": 0.0, "flags": []}


def grade_one(sub, ctx):
    """Grade one snapshotted submission through PIPELINE; always returns a record (never
    raises). ctx: {"pristine", "seed", "opts", "box"}. A record that is not graded has no
    answers and total None."""
    job = Job(sub, new_record(sub))
    try:
        with tempfile.TemporaryDirectory(prefix="adamedu-grade-") as tmp:
            job.tmp = tmp
            for stage in PIPELINE:
                stage(job, ctx)
    except (Unreadable, run.WorkerFailed) as e:
        job.rec["error"] = str(e)
    except sandbox.Closed:
        job.rec["error"] = "not graded: the grader was interrupted"
    except Exception as e:  # a grader bug must not lose the submission or stop the batch
        job.rec["error"] = f"grader error ({type(e).__name__}: {e}); please report it"
    if not job.rec["graded"]:
        job.rec["answers"], job.rec["total"] = [], None
    return cleaned(job.rec)


def cleaned(rec):
    """The record with every text that came from the submission made safe to show."""
    rec["error"] = clean(rec["error"])
    rec["flags"] = [clean(f) for f in rec["flags"]]
    for a in rec["answers"]:
        a["reason"] = clean(a["reason"], MAX_REASON)
    return rec


# --------------------------------------------------------------------------- the batch

def main(argv=None):
    opts = parse_args(sys.argv[1:] if argv is None else argv, description=__doc__)
    pristine = pristine_notebooks(opts.exercises)
    if not pristine:
        print(f"no exercise notebooks in {opts.exercises}", file=sys.stderr)
        return 2
    try:
        lock = gradebook.lock(opts.out)
    except gradebook.Locked as e:
        print(str(e), file=sys.stderr)
        return 2
    with lock:
        return _batch(opts, pristine)


def _batch(opts, pristine):
    try:  # before any grading: a foreign file at the detail path stops the run at once
        previous = gradebook.load_records(out=opts.out, detail=opts.detail,
                                          json_path=opts.json_out) if opts.resume else []
    except (ValueError, KeyError, OSError, csv.Error) as e:
        print(f"cannot resume: {clean(e)}", file=sys.stderr)
        return 2
    found, skipped = collect(opts.submissions)
    for line in skipped:
        print(line, file=sys.stderr)
    if not found:
        print(f"no .ipynb submissions in {clean(', '.join(opts.submissions))}", file=sys.stderr)
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
        box = sandbox.Sandbox(opts.sandbox, hidden=opts.submissions, readable=run.readable())
    except sandbox.Unavailable as e:
        print(str(e), file=sys.stderr)
        return 2
    print(box.describe(), file=sys.stderr)
    seed = opts.seed if opts.seed is not None else secrets.randbits(32)
    print(f"grading {len(todo)} submission(s) with {opts.jobs} worker(s); seed {seed}",
          file=sys.stderr)
    ctx = {"pristine": pristine, "seed": seed, "opts": opts, "box": box}
    records = list(previous)
    lock, start, stopping = threading.Lock(), time.perf_counter(), threading.Event()
    _write(records, opts, seed)

    def task(sub):
        if stopping.is_set():
            return
        rec = grade_one(sub, ctx)
        with lock:
            if stopping.is_set():
                return
            records.append(rec)
            _write(records, opts, seed)
            result = (f"{rec['total']:g}/{rec['max']:g}" if rec["graded"]
                      else f"NOT GRADED ({rec['error']})")
            print(f"[{len(records) - len(previous)}/{len(todo)}] {sub.shown}: {result}",
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
        print(f"interrupted: {kept} row(s) graded in this run are in {clean(opts.out)}; run "
              f"again with --resume to grade the rest", file=sys.stderr)
        return 130
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
    ours = records[len(previous):]
    bad = sum(not r["graded"] for r in ours)
    print(f"wrote {clean(opts.out)}: {len(ours) - bad} graded, {bad} not graded, "
          f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 1 if bad else 0


def _write(records, opts, seed):
    """Write every output from all records so far (each file replaced atomically)."""
    gradebook.write_outputs(records, out=opts.out, detail=opts.detail, json_path=opts.json_out,
                            report=opts.report, meta={"seed": seed})


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
