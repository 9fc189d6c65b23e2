"""Isolation of one submission's worker and kernel (used by `adamedu.course.grade`).

With bubblewrap (``bwrap``), each submission runs in its own sandbox:

- the whole file system is mounted read-only; writable are only its own run folder and
  two small private tmpfs (its working folder and /tmp, `TMPFS_BYTES` each); the folders
  of the submissions are hidden (an empty tmpfs over each);
- no network (a new network namespace with only loopback);
- its own PID namespace and ``--die-with-parent``: when the worker ends (or the grader
  dies), every process the submission started is killed by the kernel;
- at most `NPROC` processes (a cgroup's pids.max when the grader runs as root, else
  RLIMIT_NPROC, which counts per user namespace);
- the address-space, file-size and core-dump limits of `limits`.

Without bwrap the grader still ends every process a submission started, whatever it did to
escape (new sessions, double forks): each is found by a marker in its environment, its
process group, or its cgroup, and killed. It is not isolated from the file system or the
network. `Sandbox.describe()` says which applies, in one line.
"""
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MARK = "ADAMEDU_GRADE_MARK"
NPROC = 256                     # processes one submission may have at once
TMPFS_BYTES = 256 * 2**20       # its working folder and /tmp, in bwrap
FSIZE_BYTES = 100 * 2**20       # largest file it may write


class Unavailable(Exception):
    """--sandbox require, but bubblewrap cannot run here."""


class Sandbox:
    """Runs a command for one submission, isolated as far as this machine allows."""

    def __init__(self, mode="auto", hidden=(), keep_visible=()):
        """mode: "require", "auto" or "off". hidden: folders and files the sandbox must not
        see (the submissions), unless they contain a path of keep_visible."""
        self.mode = mode
        self.why_not = ""
        self.bwrap = None
        if mode != "off":
            self.bwrap, self.why_not = available()
            if mode == "require" and not self.bwrap:
                raise Unavailable(f"--sandbox require, but {self.why_not}")
        else:
            self.why_not = "--sandbox off"
        self.cgroups = _pids_cgroup_root()
        keep = [Path(p).resolve() for p in keep_visible]
        self.hidden = sorted({Path(h).resolve() for h in hidden
                              if not any(k == Path(h).resolve() or Path(h).resolve() in k.parents
                                         for k in keep)})
        self.running = {}  # pid -> (Popen, marker, cgroup)

    def describe(self):
        """One line: what is and is not isolated."""
        limit = (f"at most {NPROC} processes (cgroup pids.max)" if self.cgroups
                 else f"at most {NPROC} processes (RLIMIT_NPROC in its user namespace)"
                 if self.bwrap and os.geteuid() != 0
                 else "NO process-count limit (no writable pids cgroup)")
        if self.bwrap:
            return ("sandbox: bubblewrap. Each submission can write only its own temporary "
                    "folders, cannot see the submissions, has no network and its own process "
                    f"namespace (nothing it starts outlives it), {limit}")
        return (f"sandbox: OFF ({self.why_not}). Every process a submission starts is still "
                f"ended after it, {limit}; NOT isolated: it can read and write any file your "
                "user can, and use the network")

    # ------------------------------------------------------------------- running

    def run(self, argv, jobdir, env, timeout, memory_mb, writable=(), tmpfs=()):
        """Run argv for one submission with cwd jobdir; return (returncode, stderr text).

        writable: folders inside jobdir the sandbox may write (jobdir itself stays
        read-only); tmpfs: folders that get a private, size-limited tmpfs. When it returns,
        no process it started is alive. returncode is None on timeout."""
        marker = secrets.token_hex(12)
        env = dict(env, **{MARK: marker})
        cgroup = self._new_cgroup(marker)
        cmd = (self._bwrap_args(jobdir, writable, tmpfs) + list(argv)) if self.bwrap else list(argv)
        # stderr goes to a file, not a pipe: a daemon holding a pipe open would keep the
        # grader waiting for its end of file
        with tempfile.TemporaryFile(dir=jobdir) as err:
            proc = subprocess.Popen(cmd, cwd=jobdir, env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err,
                                    start_new_session=True,  # takes no locks: safe with threads
                                    preexec_fn=_limits(memory_mb, cgroup, not self.bwrap))
            self.running[proc.pid] = (proc, marker, cgroup)
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                code = None
            finally:
                self.end(proc.pid)
            err.seek(max(0, err.seek(0, os.SEEK_END) - 4096))
            tail = err.read()
        return code, tail.decode(errors="replace")

    def end(self, pid):
        """Kill the run started as pid and everything it started; remove its cgroup."""
        entry = self.running.pop(pid, None)
        if entry is None:
            return
        proc, marker, cgroup = entry
        for _ in range(100):  # until a full scan finds nothing (daemons may still fork)
            victims = set(_marked(marker)) | set(_cgroup_pids(cgroup))
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            if proc.poll() is None:
                proc.kill()
            if not victims:
                break
            for p in victims:
                try:
                    os.kill(p, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.01)
        proc.wait()
        if cgroup:
            for _ in range(50):
                try:
                    cgroup.rmdir()
                    break
                except OSError:  # a killed process is still being reaped
                    time.sleep(0.02)

    def end_all(self):
        """End every run still going (the grader was interrupted)."""
        for pid in list(self.running):
            self.end(pid)

    # ------------------------------------------------------------------- helpers

    def _new_cgroup(self, marker):
        if not self.cgroups:
            return None
        path = self.cgroups / f"adamedu-{marker}"
        try:
            path.mkdir()
            (path / "pids.max").write_text(str(NPROC))
        except OSError:
            return None
        return path

    def _bwrap_args(self, jobdir, writable, tmpfs):
        args = [self.bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                "--size", str(TMPFS_BYTES), "--tmpfs", "/tmp"]
        for h in self.hidden:
            if Path("/tmp") in h.parents or h == Path("/tmp"):
                continue  # already hidden by the private /tmp
            args += ["--tmpfs", str(h)] if h.is_dir() else ["--ro-bind", "/dev/null", str(h)]
        args += ["--ro-bind", str(jobdir), str(jobdir)]
        for w in writable:
            args += ["--bind", str(w), str(w)]
        for t in tmpfs:
            args += ["--size", str(TMPFS_BYTES), "--tmpfs", str(t)]
        return args + ["--unshare-all", "--die-with-parent", "--new-session",
                       "--chdir", str(jobdir), "--"]


def _limits(memory_mb, cgroup, parent_death):
    """preexec_fn: join the cgroup; cap address space, file size and core dumps."""
    def apply():
        if cgroup:
            with open(cgroup / "cgroup.procs", "w") as f:
                f.write(str(os.getpid()))
        limit = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FSIZE_BYTES, FSIZE_BYTES))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if parent_death:  # without bwrap: the worker dies with the grader
            _pdeathsig()
    return apply


def _pdeathsig():
    try:
        import ctypes
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def available():
    """(path of a working bwrap, "") or (None, why not)."""
    path = shutil.which("bwrap")
    if not path:
        return None, "bubblewrap (bwrap) is not installed; Debian/Ubuntu: apt install bubblewrap"
    try:
        r = subprocess.run([path, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                            "--unshare-all", "--die-with-parent", "--", sys.executable, "-I",
                            "-c", "pass"], check=False, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"bwrap does not run ({e})"
    if r.returncode != 0:
        msg = r.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        return None, f"bwrap does not work here ({msg[0][:120]}; user namespaces disabled?)"
    return path, ""


def _pids_cgroup_root():
    """A folder where this process can create pids-limited cgroups, or None."""
    if os.geteuid() != 0:
        return None
    candidates = [Path("/sys/fs/cgroup/pids")]
    try:
        own = Path("/proc/self/cgroup").read_text().splitlines()
        v2 = next((line.split("::", 1)[1] for line in own if line.startswith("0::")), None)
        if v2 is not None:
            candidates.append(Path("/sys/fs/cgroup") / v2.lstrip("/"))
    except OSError:
        pass
    for root in candidates:
        probe = root / f"adamedu-probe-{secrets.token_hex(4)}"
        try:
            probe.mkdir()
        except OSError:
            continue
        try:
            ok = (probe / "pids.max").exists()
        finally:
            probe.rmdir()
        if ok:
            return root
    return None


def _cgroup_pids(cgroup):
    if not cgroup:
        return []
    try:
        return [int(p) for p in (cgroup / "cgroup.procs").read_text().split()]
    except (OSError, ValueError):
        return []


def _marked(marker):
    """Pids of the processes whose environment carries this marker."""
    needle = f"{MARK}={marker}".encode()
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as f:
                if needle in f.read():
                    found.append(int(entry.name))
        except OSError:
            continue
    return found
