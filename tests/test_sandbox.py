"""The grader's sandbox on plain Python commands (no kernel): what a submission can and
cannot do, as the grader's user (root in CI) and, through setpriv, as an unprivileged one.
The bubblewrap tests are skipped, with the reason, where bwrap cannot run; CI installs it
(.ci/run)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from adamedu.course import sandbox

ROOT = Path(__file__).resolve().parents[1]
BWRAP, WHY_NOT = sandbox.available()
# CI sets ADAMEDU_REQUIRE_SANDBOX=1: there a missing bwrap fails these tests instead
needs_bwrap = pytest.mark.skipif(BWRAP is None and not os.environ.get("ADAMEDU_REQUIRE_SANDBOX"),
                                 reason=f"no sandbox here: {WHY_NOT}")

# a double-fork daemon in a new session that writes a file after a short delay
DAEMON = """
import os, sys, time
if os.fork():
    os._exit(0)
os.setsid()
if os.fork():
    os._exit(0)
time.sleep(1.0)
open(sys.argv[1], "w").write("I survived")
"""


@pytest.fixture
def outside():
    """A folder outside /tmp (the sandbox's /tmp is private anyway) with a canary file."""
    parent = "/var/tmp" if os.access("/var/tmp", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="adamedu-sandbox-test-", dir=parent) as d:
        (Path(d) / "canary.txt").write_text("untouched")
        yield Path(d)


def _run(box, tmp_path, code, *args, timeout=30, memory_mb=1024):
    job = tmp_path / "job"
    job.mkdir(parents=True, exist_ok=True)
    box.readable_by_sandbox(job)
    with open(job / "stdout", "wb") as out:
        code, err = box.run([sys.executable, "-I", "-c", code, *map(str, args)], jobdir=job,
                            env={"PATH": os.environ.get("PATH", "")}, timeout=timeout,
                            memory_mb=memory_mb, stdout=out)
    return code, err + (job / "stdout").read_text()


@pytest.fixture(scope="module")
def daemon_runs(tmp_path_factory):
    """{mode: (exit code, whether the daemon's file exists)} after one run per mode that
    starts the daemon, and one wait for both: a surviving daemon writes 1 s after it
    started, which was before its run ended."""
    parent = "/var/tmp" if os.access("/var/tmp", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="adamedu-sandbox-test-", dir=parent) as d:
        runs = {}
        for mode in ("off", "auto"):
            target = Path(d) / f"daemon-{mode}.txt"
            code, _ = _run(sandbox.Sandbox(mode), tmp_path_factory.mktemp(mode),
                           f"import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', "
                           f"{DAEMON!r}, {str(target)!r}], start_new_session=True)")
            runs[mode] = (code, target)
        time.sleep(1.5)
        yield {mode: (code, target.exists()) for mode, (code, target) in runs.items()}


@pytest.mark.parametrize("mode", ["off", "auto"])
def test_nothing_a_run_starts_outlives_it(daemon_runs, mode):
    code, survived = daemon_runs[mode]
    assert code == 0
    assert not survived


# Every way out a hostile submission tried (issue 26), run inside the sandbox. It prints
# {attempt: "done" or "refused <errno>"} as JSON, and how many MiB /tmp and /dev/shm took.
ESCAPE = r"""
import ctypes, json, os, socket, sys
canary, subs, solutions, jobfile = sys.argv[1:5]
libc = ctypes.CDLL(None, use_errno=True)
got = {}

def attempt(name, f):
    try:
        f()
        got[name] = "done"
    except OSError as e:
        got[name] = f"refused {e.errno}"

def c_call(f, *a):
    if f(*a) != 0:
        raise OSError(ctypes.get_errno(), "")

def fill(folder):  # files of at most 32 MiB (the file-size limit is 100 MiB), until full
    n, chunk = 0, b"x" * 2**20
    for i in range(200):
        try:
            with open(os.path.join(folder, f"fill{i}"), "wb", buffering=0) as f:
                for _ in range(32):
                    f.write(chunk)
                    n += 1
        except OSError:
            break
    for j in range(i + 1):
        os.remove(os.path.join(folder, f"fill{j}"))
    return n

def in_new_namespace_unmount():
    c_call(libc.unshare, 0x10000000 | 0x00020000)  # CLONE_NEWUSER | CLONE_NEWNS
    c_call(libc.umount2, b"/tmp", 2)

status = open("/proc/self/status").read()
got["uid"] = os.getuid()
got["capabilities"] = status.split("CapEff:")[1].split()[0]
attempt("write outside", lambda: open(canary, "w").write("x"))
attempt("create outside", lambda: open(canary + ".new", "w"))
attempt("write its job", lambda: open(jobfile, "w"))
attempt("write /usr", lambda: open("/usr/escape", "w"))
attempt("write /", lambda: open("/escape", "w"))
attempt("write /dev", lambda: open("/dev/escape", "w"))
attempt("read /etc/shadow", lambda: open("/etc/shadow").read())
attempt("list solutions", lambda: os.listdir(solutions))
attempt("see a submission", lambda: open(os.path.join(subs, "alice_ex05.ipynb")))
attempt("open core_pattern to write", lambda: open("/proc/sys/kernel/core_pattern", "a"))
attempt("unmount /tmp", lambda: c_call(libc.umount2, b"/tmp", 2))
attempt("remount / writable", lambda: c_call(libc.mount, None, b"/", None, 32 | 4096, None))
attempt("mount a tmpfs", lambda: c_call(libc.mount, b"x", b"/tmp", b"tmpfs", 0, None))
attempt("reach the network", lambda: socket.create_connection(("192.0.2.1", 80), timeout=2))
pid = os.fork()
if pid == 0:  # a child, so that the checks above stay in the sandbox's own namespaces
    attempt("unmount /tmp in a new user namespace", in_new_namespace_unmount)
    print(json.dumps(got), flush=True)
    os._exit(0)
os.waitpid(pid, 0)
print(json.dumps({"MiB in /tmp": fill("/tmp"), "MiB in /dev/shm": fill("/dev/shm")}))
"""


def _escape_args(tmp_path, outside):
    outside.chmod(0o755)  # readable by all: what hides the submissions is the sandbox
    subs = outside / "submissions"
    subs.mkdir(exist_ok=True)
    (subs / "alice_ex05.ipynb").write_text("{}")
    return subs, [outside / "canary.txt", subs, ROOT / "solutions", tmp_path / "job" / "stdout"]


def _check_escape(code, out, outside):
    assert code == 0, out
    got, sizes = (json.loads(line) for line in out.splitlines()[-2:])
    assert got.pop("uid") != 0 and got.pop("capabilities") == "0000000000000000", got
    assert {k: v for k, v in got.items() if not v.startswith("refused")} == {}, got
    assert sizes == {"MiB in /tmp": sandbox.TMPFS_BYTES // 2**20,
                     "MiB in /dev/shm": sandbox.SHM_BYTES // 2**20}
    assert (outside / "canary.txt").read_text() == "untouched"
    assert not (outside / "canary.txt.new").exists()


@needs_bwrap
def test_bwrap_contains_every_escape(tmp_path, outside):
    """As this user (root in CI): not root, no capabilities, no mounts, only the allow-list
    readable (the submissions hidden even inside it), sized /tmp and /dev/shm, no network."""
    subs, args = _escape_args(tmp_path, outside)
    box = sandbox.Sandbox("require", hidden=[subs], readable=[outside])
    _check_escape(*_run(box, tmp_path, ESCAPE, *args), outside)


UNPRIVILEGED = ["setpriv", f"--reuid={sandbox.NOBODY}", f"--regid={sandbox.NOBODY}",
                "--clear-groups"]
# as that user: the sandbox module (standard library only) runs ESCAPE, as _run does
DRIVER = """
import importlib.util, sys
from pathlib import Path
sandbox_py, escape, subs, outside, job, *args = sys.argv[1:]
spec = importlib.util.spec_from_file_location("sandbox", sandbox_py)
sandbox = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sandbox)
box = sandbox.Sandbox("require", hidden=[subs], readable=[outside])
with open(Path(job) / "stdout", "wb") as out:
    code, err = box.run([sys.executable, "-I", "-c", Path(escape).read_text(), *args],
                        jobdir=job, env={}, timeout=60, memory_mb=1024, stdout=out)
print(code)
print(err + (Path(job) / "stdout").read_text())
"""


def _unprivileged_python():
    """(a Python that user NOBODY can run, ""), or (None, why not)."""
    if not shutil.which("setpriv"):
        return None, "setpriv (util-linux) is not installed"
    why = "no Python here"
    for python in dict.fromkeys(p for p in (sys.executable, shutil.which("python3"),
                                            "/usr/bin/python3") if p and os.path.exists(p)):
        r = subprocess.run([*UNPRIVILEGED, python, "-I", "-c", "import os, sys; "
                            "os.stat(os.path.realpath(sys.executable)); os.stat(sys.prefix)"],
                           capture_output=True, text=True, cwd="/", check=False)
        if r.returncode == 0:
            return python, ""
        why = (f"user {sandbox.NOBODY} cannot run {python} "
               f"({(r.stderr.strip().splitlines() or ['no message'])[-1][:150]})")
    return None, why


@needs_bwrap
def test_bwrap_contains_every_escape_as_an_unprivileged_user(tmp_path, outside):
    """The same attempts when the grader itself runs as a normal user (here: NOBODY, with
    a Python it can run; the sandbox module needs only the standard library)."""
    if os.geteuid() == 0:
        python, why = _unprivileged_python()
        if python is None:
            pytest.skip(f"cannot run the grader unprivileged here: {why}")
        prefix = UNPRIVILEGED
    else:
        python, prefix = sys.executable, []
    base = outside / "grader"  # pytest's tmp_path is private to root
    job = base / "job"
    job.mkdir(parents=True)
    subs, args = _escape_args(base, outside)
    for p in (base, job):
        p.chmod(0o777)
    (base / "escape.py").write_text(ESCAPE)
    r = subprocess.run([*prefix, python, "-I", "-c", DRIVER, ROOT / "adamedu/course/sandbox.py",
                        base / "escape.py", subs, outside, job, *args], capture_output=True,
                       text=True, check=False, cwd="/",
                       env={"PATH": os.environ.get("PATH", "")})
    assert r.returncode == 0, r.stderr
    code, out = r.stdout.split("\n", 1)
    _check_escape(int(code), out.strip(), outside)


@needs_bwrap
def test_bwrap_caps_memory_across_all_processes(tmp_path):
    """Four processes of 200 MiB each under a 512 MiB cap: not all of them live."""
    box = sandbox.Sandbox("require")
    if "memory" not in box.cgroups:
        pytest.skip("no writable memory cgroup here (not root?): memory is capped per "
                    "process only, the documented fallback")
    code, out = _run(box, tmp_path, """
import mmap, os, time
pids = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        held = mmap.mmap(-1, 200 * 2**20, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS
                         | mmap.MAP_POPULATE)
        time.sleep(1)  # all four at once
        os._exit(0)
    pids.append(pid)
print(sum(os.waitpid(p, 0)[1] == 0 for p in pids), "of 4 lived")
""", memory_mb=512)
    assert code == 0, out
    assert int(out.split()[-4]) <= 2, out


def test_the_fallback_describes_what_it_does_not_isolate():
    line = sandbox.Sandbox("off").describe()
    assert line.startswith("sandbox: OFF (--sandbox off). Every process a submission starts is "
                           "still ended after it") and "NOT isolated" in line and "\n" not in line


@needs_bwrap
def test_bwrap_describes_what_it_isolates():
    line = sandbox.Sandbox("require").describe()
    assert line.startswith("sandbox: bubblewrap. Each submission runs as an unprivileged user "
                           "without capabilities") and "no network" in line and "\n" not in line
