"""The instructor autograder.

    python -m adamedu.grade SUBMISSION_OR_FOLDER... --out gradebook.csv [--json grades.json]
                            [-j 2] [--cell-timeout 30] [--total-timeout 300]

For each submitted notebook the grader
1. reads it (never writes it) and takes only its answer cells: by cell id
   (``answer-<name>``), else by tag, else the code cell that defines the answer's name;
2. places them into the pristine exercise notebook from ``exercises/`` (after its own
   ``setup`` cells; check cells and every other cell are left out) and appends one
   harness cell per answer, which calls the student's functions on inputs generated here,
   at random, and writes their raw return values to a file;
3. executes that notebook in a fresh kernel, in a temporary folder, in a separate process,
   with a per-cell and a total timeout and a memory cap;
4. scores the raw values here, in the grader's process, against `adamedu.optimizers`
   with the definitions in `adamedu.checks`: what the student's kernel imported, edited or
   monkeypatched cannot change them.

Every submission gets one gradebook row: points per answer, total, and a one-line reason
for every lost point. The exit code is 0 when every submission was graded (a zero is a
grade) and 1 when some could not be (unreadable, not an exercise notebook, or the grader
itself failed on it; the row says why); 2 when nothing was graded (bad arguments, no
notebooks found, or an output path that is a submission).
"""
import argparse
import csv
import io
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from adamedu import checks

ROOT = Path(__file__).resolve().parents[1]
MAX_BYTES = 50 * 1024 * 1024      # larger files are not read
MAX_SOURCE = 200_000              # characters in one answer cell
MAX_ELEMENTS = 100_000            # array elements sent back per value
MAX_RESULT_BYTES = 20 * 2**20     # raw results of one answer
SUSPICIOUS = re.compile(r"\b(optimizers|checks|sys\.modules|builtins|__import__|importlib|"
                        r"subprocess|shutil|os\.(remove|unlink|system|chdir|kill)|signal|"
                        r"setattr|globals\(\))")


# --------------------------------------------------------------------------- reading submissions

class Unreadable(Exception):
    """The submission cannot be graded at all; the message is the gradebook's reason."""


def pristine_notebooks(exercises_dir):
    """{name: exercise notebook dict} for every ex*.ipynb in exercises_dir."""
    out = {}
    for path in sorted(Path(exercises_dir).glob("ex*.ipynb")):
        out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return out


def read_notebook(path):
    """The submission as a dict with a list of cells, or raise Unreadable."""
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise Unreadable(f"file is {size // 2**20} MiB, more than the "
                             f"{MAX_BYTES // 2**20} MiB a notebook may have")
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise Unreadable(f"cannot read the file: {e.strerror or e}") from None
    if not data.strip():
        raise Unreadable("the file is empty")
    try:
        nb = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise Unreadable("not a notebook: the file is not text (UTF-8)") from None
    except ValueError as e:
        raise Unreadable(f"not a notebook: not valid JSON ({e.msg} at line {e.lineno})") from None
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


def identify(nb, path, pristine):
    """Which exercise notebook this submission is: metadata, answer ids, then file name."""
    meta = nb.get("metadata")
    name = meta.get("adamedu", {}).get("exercise") if isinstance(meta, dict) and \
        isinstance(meta.get("adamedu"), dict) else None
    if name in pristine:
        return name
    ids = {str(c.get("id")) for c in _code_cells(nb)}
    best = max(pristine, key=lambda n: len(ids & _answer_ids(pristine[n])), default=None)
    if best and ids & _answer_ids(pristine[best]):
        return best
    stem = Path(path).name.lower()
    for n in pristine:
        if stem.startswith(n[:4]) or n[:4] in stem:
            return n
    raise Unreadable("cannot tell which exercise this is: no adamedu metadata, no answer "
                     "cells, and the file name names no exercise (exNN)")


def _answer_ids(nb):
    return {str(c.get("id")) for c in _code_cells(nb) if str(c.get("id", "")).startswith("answer-")}


def find_answer(nb, answer):
    """The source of the submission's answer cell for `answer`, or None if it has none."""
    key = f"answer-{answer.name}"
    cells = _code_cells(nb)
    for test in (lambda c: c.get("id") == key,
                 lambda c: key in (c.get("metadata", {}) or {}).get("tags", []),
                 lambda c: _defines(_source(c), answer)):
        found = [c for c in cells if _safe(test, c)]
        if found:
            return _source(found[-1])
    return None


def _safe(test, cell):
    try:
        return bool(test(cell))
    except (AttributeError, TypeError):
        return False


def _defines(src, answer):
    name = answer.name if answer.kind == "function" else answer.variable
    pattern = rf"^def {name}\(" if answer.kind == "function" else rf"^{name}\s*="
    return re.search(pattern, src, re.M) is not None


# --------------------------------------------------------------------------- the harness

HARNESS = r'''# adamedu grader harness: calls the answer on the grader's inputs, records raw values
def _adamedu_harness(spec):
    import json, signal
    import numpy as np

    def dec(x):
        return np.array(x["nd"], dtype=float).reshape(x["shape"]) if isinstance(x, dict) else x

    def enc(x, depth=0):
        if depth > 3:
            return {"type": "nested too deep"}
        if x is None or x is Ellipsis:
            return {"none": True} if x is None else {"ellipsis": True}
        if isinstance(x, (bool, np.bool_)):
            return {"bool": bool(x)}
        if isinstance(x, (int, np.integer)):
            return {"int": int(x)} if abs(int(x)) < 2**53 else {"float": float(x)}
        if isinstance(x, (float, np.floating)):
            return {"float": float(x)}
        if isinstance(x, np.ndarray):
            if x.dtype.kind not in "biuf":
                return {"type": "ndarray of " + str(x.dtype)}
            if x.size > spec["max_elements"]:
                return {"type": "array too large", "shape": list(x.shape)}
            return {"nd": x.astype(float).ravel().tolist(), "shape": list(x.shape)}
        if isinstance(x, (tuple, list)):
            return {"seq": [enc(y, depth + 1) for y in list(x)[:20]],
                    "tuple": isinstance(x, tuple)}
        if isinstance(x, dict):
            return {"dict": {str(k)[:50]: enc(v, depth + 1) for k, v in list(x.items())[:20]}}
        if isinstance(x, str):
            return {"str": x[:200]}
        return {"type": type(x).__name__[:50]}

    def alarm(signum, frame):
        raise TimeoutError(f"took longer than {spec['call_timeout']:g} s")

    results = []
    target = globals().get(spec["lookup"], spec)
    if target is spec:
        results = {"missing": True}
    elif spec["kind"] != "function":
        results = {"value": enc(target)}
    else:
        signal.signal(signal.SIGALRM, alarm)
        for case in spec["cases"]:
            args = [dec(case[p]) for p in spec["params"]]
            try:
                signal.setitimer(signal.ITIMER_REAL, spec["call_timeout"])
                with np.errstate(all="ignore"):
                    r = {"value": enc(target(*args))}
            except NotImplementedError:
                r = {"not_attempted": True}
            except BaseException as e:
                r = {"error": f"{type(e).__name__}: {e}"[:300]}
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            r["after"] = [enc(a) for a in args]
            results.append(r)
            if "error" in r and r["error"].startswith(("TimeoutError", "KeyboardInterrupt")):
                break
    with open(spec["path"], "w") as f:
        json.dump({"results": results}, f)


_adamedu_harness(__import__("json").loads({spec!r}))
del _adamedu_harness
'''


def _encode_case(case):
    return {k: ({"nd": v.ravel().tolist(), "shape": list(v.shape)} if isinstance(v, np.ndarray)
                else v) for k, v in case.items()}


def _decode(x):
    """A value the harness recorded, back as Python/numpy objects."""
    if not isinstance(x, dict):
        return x
    if "nd" in x:
        return np.array(x["nd"], dtype=float).reshape(x["shape"])
    for key in ("int", "float", "bool", "str"):
        if key in x:
            return x[key]
    if "none" in x:
        return None
    if "ellipsis" in x:
        return Ellipsis
    if "seq" in x:
        items = [_decode(y) for y in x["seq"]]
        return tuple(items) if x.get("tuple") else items
    if "dict" in x:
        return {k: _decode(v) for k, v in x["dict"].items()}
    return type(str(x.get("type", "object")), (), {})()


# --------------------------------------------------------------------------- building the run

def build_run(nb, notebook, pristine, rng, results_dir, call_timeout):
    """The notebook to execute, and per answer: its cases and its harness cell's index."""
    cells, plan, sources = [], {}, {}
    for cell in pristine["cells"]:
        if cell.get("cell_type") != "code":
            continue
        cid = str(cell.get("id", ""))
        if cid.startswith("setup"):
            cells.append(_cell(cid, _source(cell)))
        elif cid.startswith("answer-"):
            answer = checks.by_name(cid[len("answer-"):])
            src = find_answer(nb, answer)
            sources[answer.name] = src
            if src is None:
                continue
            if len(src) > MAX_SOURCE:
                sources[answer.name] = ""
                continue
            cells.append(_cell(cid, src))
    for answer in checks.notebook_answers(notebook):
        if sources.get(answer.name) is None:
            continue
        cases = checks.cases_for(answer, rng)
        spec = {"kind": answer.kind, "params": list(getattr(answer, "params", ())),
                "lookup": answer.name if answer.kind == "function" else answer.variable,
                "cases": [_encode_case(c) for c in cases], "max_elements": MAX_ELEMENTS,
                "path": str(Path(results_dir) / f"{answer.name}.json"),
                "call_timeout": call_timeout}
        plan[answer.name] = {"cases": cases, "cell": len(cells)}
        cells.append(_cell(f"harness-{answer.name}",
                           HARNESS.replace("{spec!r}", repr(json.dumps(spec)))))
    return cells, plan, sources


def _cell(cid, source):
    return {"cell_type": "code", "id": cid[:64] or "cell", "metadata": {}, "source": source,
            "outputs": [], "execution_count": None}


# --------------------------------------------------------------------------- the worker process

def _limits(memory_mb):
    def apply():
        import resource
        limit = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_FSIZE, (100 * 2**20, 100 * 2**20))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def worker(job_path):
    """Execute one prepared notebook in a fresh kernel; write each cell's status as JSON.

    Talks to the kernel with jupyter_client directly (no notebook library needed): each
    cell gets the per-cell timeout (then an interrupt, then the kernel is killed if it
    ignores it), the whole run the total timeout; outputs are read and thrown away.
    """
    from jupyter_client import KernelManager

    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    cells = job["cells"]
    status = ["not run"] * len(cells)
    deadline = time.monotonic() + job["total_timeout"]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    # IPC sockets in the grader's private folder: no TCP ports to collide between parallel
    # kernels, and nothing listening on the network
    km = KernelManager(kernel_name="python3", transport="ipc",
                       ip=str(Path(job["status"]).parent / "kernel"))
    km.start_kernel(cwd=job["workdir"], env=env, preexec_fn=_limits(job["memory_mb"]),
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        for i, cell in enumerate(cells):
            if time.monotonic() >= deadline:
                status[i:] = ["total time limit reached before this cell"] * (len(cells) - i)
                break
            status[i] = _run_cell(km, kc, cell["source"], job["cell_timeout"], deadline)
            if not km.is_alive():
                status[i + 1:] = [f"the kernel died in cell {cell['id']}"] * (len(cells) - i - 1)
                break
    finally:
        kc.stop_channels()
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    Path(job["status"]).write_text(json.dumps(status), encoding="utf-8")


_DEAD = "the kernel died (out of memory, or the code exited it)"


def _run_cell(km, kc, source, cell_timeout, deadline):
    """Run one cell; return "ok", "<Error>: <message>", or why it did not finish."""
    from queue import Empty

    msg_id = kc.execute(source, store_history=False, allow_stdin=False, stop_on_error=False)
    limit = min(cell_timeout, deadline - time.monotonic())
    end, interrupted = time.monotonic() + limit, False
    while True:
        for _ in range(1000):  # discard output as it comes: it is never needed
            try:
                kc.get_iopub_msg(timeout=0)
            except Empty:
                break
        try:
            msg = kc.get_shell_msg(timeout=0.1)
        except Empty:
            if not km.is_alive():
                return _DEAD
            if time.monotonic() < end:
                continue
            why = ("total time limit reached" if limit < cell_timeout
                   else f"Timeout: the cell ran longer than {cell_timeout:g} s")
            if interrupted:
                km.shutdown_kernel(now=True)
                return why + "; it ignored the interrupt, so the kernel was stopped"
            km.interrupt_kernel()
            interrupted, end = True, time.monotonic() + 5
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if interrupted:
            return ("total time limit reached" if limit < cell_timeout
                    else f"Timeout: the cell ran longer than {cell_timeout:g} s")
        content = msg["content"]
        if content.get("status") == "ok":
            return "ok"
        return f"{content.get('ename', 'Error')}: {content.get('evalue', '')}"[:300]


# --------------------------------------------------------------------------- grading one submission

def grade_one(path, pristine, seed, opts):
    """Grade one submission; always returns a row dict (never raises)."""
    row = {"submission": str(path), "notebook": "", "status": "not graded", "points": {},
           "total": "", "max": "", "reasons": [], "flags": []}
    try:
        nb = read_notebook(path)
        notebook = identify(nb, path, pristine)
        row["notebook"] = notebook
        answers = checks.notebook_answers(notebook)
        row["max"] = sum(a.points for a in answers)
        rng = np.random.default_rng([seed, zlib.crc32(str(path).encode())])
        # the kernel runs in workdir; the job, its status and the raw results live in a
        # separate folder, so code that wipes its surroundings cannot take them along
        with tempfile.TemporaryDirectory(prefix="adamedu-grade-") as tmp, \
                tempfile.TemporaryDirectory(prefix="adamedu-run-",
                                            ignore_cleanup_errors=True) as workdir:
            results_dir = Path(tmp) / f"results-{secrets.token_hex(8)}"
            results_dir.mkdir()
            cells, plan, sources = build_run(nb, notebook, pristine[notebook], rng, results_dir,
                                             call_timeout=max(1.0, opts.cell_timeout / 2))
            status = _execute(cells, tmp, workdir, results_dir, opts)
            for answer in answers:
                try:
                    got, reason = _score(answer, sources.get(answer.name),
                                         plan.get(answer.name), status, cells, results_dir)
                except Exception as e:  # results forged into a shape the harness never writes
                    got, reason = 0, f"unusable result ({type(e).__name__}: {e})"[:300]
                row["points"][answer.name] = got
                if reason:
                    row["reasons"].append(f"{answer.name} {got}/{answer.points}: {reason}")
            row["flags"] = sorted({m.group(0) for s in sources.values() if s
                                   for m in SUSPICIOUS.finditer(s)})
        row["total"] = sum(row["points"].values())
        row["status"] = "graded"
    except Unreadable as e:
        row["reasons"] = [str(e)]
    except Exception as e:  # a grader bug must not lose the submission or stop the batch
        row["reasons"] = [f"grader error ({type(e).__name__}: {e}); please report it"]
    return row


def _execute(cells, tmp, workdir, results_dir, opts):
    job = {"cells": cells, "workdir": str(workdir), "cell_timeout": opts.cell_timeout,
           "total_timeout": opts.total_timeout, "memory_mb": opts.memory_mb,
           "status": str(Path(tmp) / "status.json")}
    job_path = Path(tmp) / "job.json"
    job_path.write_text(json.dumps(job), encoding="utf-8")
    for attempt in (1, 2):  # a second try only if the runner itself failed (e.g. kernel start)
        for stale in Path(results_dir).iterdir():
            stale.unlink()
        try:
            proc = subprocess.run([sys.executable, "-m", "adamedu.grade", "--worker",
                                   str(job_path)], cwd=workdir, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  timeout=opts.total_timeout + 90)
        except subprocess.TimeoutExpired:
            raise RuntimeError("the notebook runner did not finish") from None
        try:
            return json.loads(Path(job["status"]).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            tail = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
    raise RuntimeError(f"the notebook runner failed: {tail[0][:200]}")


def _score(answer, source, plan, status, cells, results_dir):
    """(points, reason) for one answer; reason is '' when all points are earned."""
    if source is None:
        return 0, "answer cell not found in the submission"
    if source == "":
        return 0, "answer cell is empty or too long"
    path = Path(results_dir) / f"{answer.name}.json"
    try:
        if path.stat().st_size > MAX_RESULT_BYTES:
            return 0, "the answer's results are too large to read (more than 20 MB)"
        raw = json.loads(path.read_text(encoding="utf-8"))["results"]
    except (OSError, ValueError, KeyError, TypeError):
        return 0, _no_result(answer, plan, status, cells)
    if isinstance(raw, dict):  # a value, or the name was never defined
        if raw.get("missing"):
            return 0, _not_defined(answer, status, cells)
        if answer.kind == "function":
            return 0, "unusable result from the harness"
        reason = checks.judge(answer, {}, checks.outcome_of(_decode(raw.get("value"))))
        return (0, reason) if reason else (answer.points, "")
    cases = plan["cases"]
    if not isinstance(raw, list) or not raw:
        return 0, "the harness recorded nothing"
    for i, (case, r) in enumerate(zip(cases, raw), 1):
        outcome = _outcome(answer, case, r)
        reason = checks.judge(answer, case, outcome)
        if reason == checks.NOT_ATTEMPTED:
            return 0, reason
        if reason:
            return 0, f"case {i} of {len(cases)}: {reason}"
    if len(raw) < len(cases):
        return 0, f"stopped after case {len(raw)} of {len(cases)}"
    return answer.points, ""


def _outcome(answer, case, r):
    if not isinstance(r, dict):
        return {"error": "the harness recorded nothing usable"}
    if r.get("not_attempted"):
        return {"not_attempted": True}
    if "error" in r:
        return {"error": str(r["error"])}
    after = dict(zip(answer.params, (_decode(a) for a in r.get("after", []))))
    return {"value": _decode(r.get("value")), "mutated": checks.changed_inputs(case, after)}


def _cell_status(status, cells, cid):
    for i, c in enumerate(cells):
        if c["id"] == cid and i < len(status):
            return status[i]
    return "not run"


def _not_defined(answer, status, cells):
    st = _cell_status(status, cells, f"answer-{answer.name}")
    name = answer.name if answer.kind == "function" else answer.variable
    if st != "ok":
        return f"answer cell failed ({st}), so {name} is not defined"
    return f"the answer cell ran but does not define {name}"


def _no_result(answer, plan, status, cells):
    st = _cell_status(status, cells, f"answer-{answer.name}")
    if st.startswith(("Timeout", "total time limit", _DEAD)):  # the answer cell itself failed
        return f"answer cell: {st}"
    hs = status[plan["cell"]] if plan and plan["cell"] < len(status) else "not run"
    if hs == "ok":
        return "no result recorded (does the submission interfere with files or the kernel?)"
    return f"not tested: {hs}"


# --------------------------------------------------------------------------- the batch

def collect(paths):
    """Submission files from files and folders (folders: every *.ipynb inside, sorted)."""
    found, skipped = [], []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if not f.is_file() or any(part.startswith(".") for part in f.relative_to(p).parts):
                    continue
                (found if f.suffix == ".ipynb" else skipped).append(f)
        else:
            found.append(p)
    return found, skipped


def write_gradebook(rows, out):
    """CSV: submission, notebook, status, one column per answer, total, max, flags, reasons."""
    names = [a.name for a in checks.ANSWERS if any(a.name in r["points"] for r in rows)]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["submission", "notebook", "status", *names, "total", "max", "flags", "reasons"])
    for r in rows:
        w.writerow([r["submission"], r["notebook"], r["status"],
                    *(r["points"].get(n, "") for n in names), r["total"], r["max"],
                    " ".join(r["flags"]), " | ".join(x.replace("\n", " ") for x in r["reasons"])])
    _atomic_write(out, buf.getvalue())


def _atomic_write(path, text):
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m adamedu.grade", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("submissions", nargs="*", metavar="SUBMISSION_OR_FOLDER")
    p.add_argument("--out", default="gradebook.csv", help="gradebook CSV (default gradebook.csv)")
    p.add_argument("--json", dest="json_out", metavar="PATH", help="also write the rows as JSON")
    p.add_argument("-j", "--jobs", type=int, default=1,
                   help="submissions graded in parallel (default 1)")
    p.add_argument("--cell-timeout", type=float, default=30.0,
                   help="seconds one cell may run (default 30)")
    p.add_argument("--total-timeout", type=float, default=300.0,
                   help="seconds one submission may run in all (default 300)")
    p.add_argument("--memory-mb", type=int, default=2048,
                   help="address-space cap of a student's kernel (default 2048)")
    p.add_argument("--seed", type=int, help="seed of the random inputs (default: a new one)")
    p.add_argument("--exercises", default=str(ROOT / "exercises"),
                   help="folder of the pristine exercise notebooks")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    opts = p.parse_args(argv)
    if not opts.worker and not opts.submissions:
        p.error("give at least one submission notebook or folder")
    if opts.jobs < 1 or opts.cell_timeout <= 0 or opts.total_timeout <= 0 or opts.memory_mb < 256:
        p.error("-j must be >= 1, timeouts > 0 and --memory-mb >= 256")
    return opts


def main(argv=None):
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    if opts.worker:
        worker(opts.worker)
        return 0
    pristine = pristine_notebooks(opts.exercises)
    if not pristine:
        print(f"no exercise notebooks in {opts.exercises}", file=sys.stderr)
        return 2
    files, skipped = collect(opts.submissions)
    outs = {Path(opts.out).resolve()} | ({Path(opts.json_out).resolve()} if opts.json_out else set())
    if any(f.resolve() in outs for f in files if f.exists()):
        print("the gradebook would overwrite a submission; choose another --out/--json",
              file=sys.stderr)
        return 2
    for f in skipped:
        print(f"skipped (not .ipynb): {f}", file=sys.stderr)
    if not files:
        print(f"no .ipynb submissions in {', '.join(opts.submissions)}", file=sys.stderr)
        return 2
    seed = opts.seed if opts.seed is not None else secrets.randbits(32)
    print(f"grading {len(files)} submission(s) with {opts.jobs} worker(s); seed {seed}",
          file=sys.stderr)
    rows, done, lock = [None] * len(files), [0], threading.Lock()
    start = time.perf_counter()

    def task(i):
        rows[i] = grade_one(files[i], pristine, seed, opts)
        with lock:
            done[0] += 1
            r = rows[i]
            score = (f"{r['total']}/{r['max']}" if r["status"] == "graded"
                     else f"NOT GRADED ({r['reasons'][0] if r['reasons'] else 'no reason'})")
            print(f"[{done[0]}/{len(files)}] {files[i]}: {score}", file=sys.stderr)

    with ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        list(pool.map(task, range(len(files))))
    write_gradebook(rows, opts.out)
    if opts.json_out:
        _atomic_write(opts.json_out, json.dumps({"seed": seed, "rows": rows}, indent=1))
    bad = sum(r["status"] != "graded" for r in rows)
    print(f"wrote {opts.out}: {len(rows) - bad} graded, {bad} not graded, "
          f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
