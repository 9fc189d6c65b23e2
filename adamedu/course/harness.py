"""The autograder's harness: what runs next to a student's code, and how values travel.

Three parts, all self-contained (this file imports nothing from adamedu, so the grader can
run it as a script with ``python -I``, where no student-writable folder is on sys.path):

- `encode` / `decode`: the one encoding of values between a student's kernel and the
  scorer. The kernel encodes what the answer returned; the grader decodes it.
- `call_answer(namespace, spec)`: runs inside the student's kernel, in a harness cell
  built by `harness_cell`. It calls the answer on the grader's inputs and writes the raw
  encoded results to a file. The cell executes this file's source in a private namespace,
  so what the student's code did to imported modules cannot change the harness itself.
- `worker(job_path)` (``python -I harness.py JOB``): executes a prepared list of cells in a
  fresh kernel with a per-cell and a total timeout and writes each cell's status as JSON.
  The kernel is ipykernel started by `KERNEL_LAUNCHER` instead of ``-m ipykernel_launcher``:
  the same kernel without its debugger, whose import (debugpy) is a quarter of a kernel's
  start.
"""
import functools
import json
import os
import resource
import signal
import sys
import time
from pathlib import Path

MAX_DEPTH = 3          # nesting of tuples, lists and dicts that is encoded
MAX_ITEMS = 100_000    # items of one sequence or dict (cases carry index lists, e.g. rows)


# --------------------------------------------------------------------------- the value encoding

def encode(x, max_elements=100_000, depth=0):
    """A JSON-ready dict describing x; arrays become {"nd": [...], "shape": [...]}."""
    import numpy as np

    if depth > MAX_DEPTH:
        return {"type": "nested too deep"}
    if x is None:
        return {"none": True}
    if x is Ellipsis:
        return {"ellipsis": True}
    if isinstance(x, (bool, np.bool_)):
        return {"bool": bool(x)}
    if isinstance(x, (int, np.integer)):
        return {"int": int(x)} if abs(int(x)) < 2**53 else {"float": float(x)}
    if isinstance(x, (float, np.floating)):
        return {"float": float(x)}
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in "biuf":
            return {"type": f"ndarray of {x.dtype}"}
        if x.size > max_elements:
            return {"type": "array too large", "shape": list(x.shape)}
        return {"nd": x.astype(float).ravel().tolist(), "shape": list(x.shape)}
    if isinstance(x, (tuple, list)):
        return {"seq": [encode(y, max_elements, depth + 1) for y in list(x)[:MAX_ITEMS]],
                "tuple": isinstance(x, tuple)}
    if isinstance(x, dict):
        return {"dict": {str(k)[:50]: encode(v, max_elements, depth + 1)
                         for k, v in list(x.items())[:MAX_ITEMS]}}
    if isinstance(x, str):
        return {"str": x[:200]}
    return {"type": type(x).__name__[:50]}


def decode(x):
    """A value `encode` produced, back as Python/numpy objects (others: an opaque object
    whose type name is the one recorded)."""
    import numpy as np

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
        items = [decode(y) for y in x["seq"]]
        return tuple(items) if x.get("tuple") else items
    if "dict" in x:
        return {k: decode(v) for k, v in x["dict"].items()}
    return type(str(x.get("type", "object")), (), {})()


# --------------------------------------------------------------------------- inside the kernel

def call_answer(namespace, spec):
    """Call (or read) the answer named in spec from the student's namespace; write the
    encoded results to spec["path"] as {"results": ...}.

    Functions: one result per case, {"value", "after"} (the arguments after the call, to
    detect changes in place), {"error"} or {"not_attempted"}; a timeout stops the cases.
    Values: {"value"}; a name that is not defined: {"missing": True}.
    """
    import numpy as np

    limit = spec["max_elements"]

    def alarm(signum, frame):
        raise TimeoutError(f"took longer than {spec['call_timeout']:g} s")

    missing = object()
    target = namespace.get(spec["lookup"], missing)
    if target is missing:
        results = {"missing": True}
    elif spec["kind"] != "function":
        results = {"value": encode(target, limit)}
    else:
        results = []
        signal.signal(signal.SIGALRM, alarm)
        for case in spec["cases"]:
            args = [decode(case[p]) for p in spec["params"]]
            try:
                signal.setitimer(signal.ITIMER_REAL, spec["call_timeout"])
                with np.errstate(all="ignore"):
                    r = {"value": encode(target(*args), limit)}
            except NotImplementedError:
                r = {"not_attempted": True}
            except BaseException as e:  # the student's code: anything becomes a reason
                r = {"error": f"{type(e).__name__}: {e}"[:300]}
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            r["after"] = [encode(a, limit) for a in args]
            results.append(r)
            if r.get("error", "").startswith(("TimeoutError", "KeyboardInterrupt")):
                break
    with open(spec["path"], "w", encoding="utf-8") as f:
        json.dump({"results": results}, f)


@functools.lru_cache(maxsize=1)
def _own_source():
    return Path(__file__).read_text(encoding="utf-8")


def harness_cell(spec):
    """The source of one harness cell: this file's code in a private namespace, then
    `call_answer` on the kernel's globals."""
    source = _own_source()
    return ("# adamedu grader harness: calls the answer on the grader's inputs\n"
            "_adamedu_ns = {'__name__': 'adamedu_harness'}\n"
            f"exec({source!r}, _adamedu_ns)\n"
            f"_adamedu_ns['call_answer'](globals(), "
            f"_adamedu_ns['json'].loads({json.dumps(spec)!r}))\n"
            "del _adamedu_ns\n")


# --------------------------------------------------------------------------- the worker process

DEAD = "the kernel died (out of memory, or the code exited it)"
INTERRUPT_GRACE = 5.0  # seconds a timed-out cell gets to stop after the interrupt

# `python -c KERNEL_LAUNCHER -f CONNECTION_FILE`: ipykernel_launcher, with debugpy unimportable
# while the kernel starts, so that ipykernel leaves its debugger out (0.15 s of CPU per
# kernel, 28 %); nothing here debugs, and the code in the kernel can import debugpy.
KERNEL_LAUNCHER = """
import os, sys
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]  # as ipykernel_launcher: no module is imported from the working folder
sys.modules["debugpy"] = None
from ipykernel.kernelapp import IPKernelApp
app = IPKernelApp.instance()
app.initialize()
del sys.modules["debugpy"]
app.start()
"""


def without_debugger(cmd):
    """The kernel command cmd with KERNEL_LAUNCHER in place of ``-m ipykernel_launcher``
    (any other command as it is)."""
    if cmd[1:3] == ["-m", "ipykernel_launcher"]:
        return [cmd[0], "-c", KERNEL_LAUNCHER, *cmd[3:]]
    return list(cmd)


def worker(job_path):
    """Execute the job's cells in a fresh kernel; print {"status": [each cell's status],
    "results": {answer: the text of its results file, or None}} as JSON on stdout.

    Talks to the kernel with jupyter_client directly: each cell gets the per-cell timeout
    (then an interrupt, then the kernel is stopped if it ignores it), the whole run the
    total timeout; outputs are read and thrown away.
    """
    from jupyter_client import KernelManager

    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    if job.get("nproc"):  # in the sandbox: processes are counted per user namespace
        resource.setrlimit(resource.RLIMIT_NPROC, (job["nproc"], job["nproc"]))
    for folder in job.get("mkdirs", []):
        os.makedirs(folder, exist_ok=True)
    cells = job["cells"]
    status = ["not run"] * len(cells)
    deadline = time.monotonic() + job["total_timeout"]
    km = KernelManager(kernel_name="python3", transport="ipc",
                       ip=str(Path(job["runtime"]) / "kernel"))
    km.kernel_spec.argv = without_debugger(km.kernel_spec.argv)
    grace = job.get("interrupt_grace", INTERRUPT_GRACE)
    # the kernel inherits this process's environment, set by the grader (and its marker);
    # its tracebacks are thrown away: plain ones spare the first failing cell 0.2 s (the
    # default mode imports stack_data and pygments), and a cell's status is the same
    with open(os.devnull, "wb") as devnull:
        km.start_kernel(cwd=job["workdir"], env=dict(os.environ), stdin=None,
                        stdout=devnull, stderr=devnull,
                        extra_arguments=["--InteractiveShell.xmode=Plain"])
    kc = km.client()
    kc.start_channels()
    try:
        wait_for_ready(km, kc, timeout=60)
        for i, cell in enumerate(cells):
            if time.monotonic() >= deadline:
                status[i:] = ["total time limit reached before this cell"] * (len(cells) - i)
                break
            status[i] = run_cell(km, kc, cell["source"], job["cell_timeout"], deadline, grace)
            if not km.is_alive():
                status[i + 1:] = [f"the kernel died in cell {cell['id']}"] * (len(cells) - i - 1)
                break
    finally:
        kc.stop_channels()
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    results = {name: read_text(path, job.get("max_result", 20 * 2**20))
               for name, path in job.get("results", {}).items()}
    sys.stdout.write("\n" + json.dumps({"status": status, "results": results}) + "\n")
    sys.stdout.flush()


def read_text(path, limit):
    """The text of the regular file at path (not followed if a link, never blocking on a
    FIFO), or None if it is anything else, unreadable, or larger than limit bytes."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = f.read(limit + 1)
    return data.decode("utf-8", "replace") if len(data) <= limit else None


def wait_for_ready(km, kc, timeout):
    """Return when the kernel answers kernel_info (asked again every second), as
    kc.wait_for_ready does, without its final wait for 0.2 s of quiet on the output channel:
    outputs are thrown away here."""
    from queue import Empty

    end = time.monotonic() + timeout
    while True:
        kc.kernel_info()
        asked = time.monotonic()
        while time.monotonic() - asked < 1:
            try:
                if kc.get_shell_msg(timeout=0.1)["msg_type"] == "kernel_info_reply":
                    return
            except Empty:
                if not km.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info") from None
        if time.monotonic() > end:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


def run_cell(km, kc, source, cell_timeout, deadline, grace=INTERRUPT_GRACE):
    """Run one cell; return "ok", "<Error>: <message>", or why it did not finish (after
    cell_timeout, an interrupt; grace seconds later, the kernel is stopped)."""
    from queue import Empty

    msg_id = kc.execute(source, store_history=False, allow_stdin=False, stop_on_error=False)
    limit = min(cell_timeout, deadline - time.monotonic())
    end, interrupted = time.monotonic() + limit, False
    why = ("total time limit reached" if limit < cell_timeout
           else f"Timeout: the cell ran longer than {cell_timeout:g} s")
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
                return DEAD
            if time.monotonic() < end:
                continue
            if interrupted:
                km.shutdown_kernel(now=True)
                return why + "; it ignored the interrupt, so the kernel was stopped"
            km.interrupt_kernel()
            interrupted, end = True, time.monotonic() + grace
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if interrupted:
            return why
        content = msg["content"]
        if content.get("status") == "ok":
            return "ok"
        return f"{content.get('ename', 'Error')}: {content.get('evalue', '')}"[:300]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -I harness.py JOB.json (started by python -m "
                 "adamedu.course.grade)")
    worker(sys.argv[1])
