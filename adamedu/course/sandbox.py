"""Isolation of one submission's worker and kernel (used by `adamedu.course.grade`).

With bubblewrap (``bwrap``), each submission runs in its own sandbox:

- it sees only a read-only allow-list: the system's programs and libraries (/usr, a few
  files of /etc), the Python install and the course package (`Sandbox(readable=...)`,
  bound at their own paths, also under /tmp); not the submissions, solutions, gradebook,
  home folders or /etc/shadow;
- it is not root: when the grader runs as root, the command starts as `NOBODY` with no
  capabilities and an empty bounding set (setpriv, else `DROP_ROOT`); otherwise as the grader's
  user in a user namespace without capabilities. Either way it cannot change mounts;
- writable are only two sized tmpfs: /tmp (`TMPFS_BYTES` in all: its working folder,
  HOME, the kernel's files and results) and /dev/shm (`SHM_BYTES`);
- no network (a new network namespace with only loopback), its own PID namespace and
  ``--die-with-parent``: when the worker ends, every process it started is killed;
- per submission, across all its processes: at most `NPROC` processes and `memory_mb` of
  memory when a writable cgroup exists (root; cgroup v1 or v2). Otherwise the fallback:
  RLIMIT_NPROC in its user namespace and the per-process address-space limit only.

The worker's results come back on its stdout (a file of the grader's, capped by
RLIMIT_FSIZE), read without trust by `adamedu.course.results`.

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
TMPFS_BYTES = 256 * 2**20       # its /tmp: every folder it may write, in bwrap
SHM_BYTES = 64 * 2**20          # its /dev/shm, in bwrap
FSIZE_BYTES = 100 * 2**20       # largest file it may write (its stdout and stderr too)
NOBODY = 65534                  # the uid and gid a root grader's sandbox runs as
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
       "nsswitch.conf", "hosts", "host.conf", "fonts", "ssl", "ca-certificates",
       "alternatives", "mime.types", "os-release", "locale.alias", "matplotlibrc")
SCRATCH = Path("/tmp/adamedu")  # where a sandboxed run writes (its tmpfs)
# run first in a root grader's sandbox: drop every capability for good, become NOBODY,
# then exec the command (argv[1:])
DROP_ROOT = f"""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for cap in range(64):
    libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP: no exec can regain a capability
os.setgroups([])
os.setgid({NOBODY})
os.setuid({NOBODY})
if os.getuid() != {NOBODY} or int(open("/proc/self/status").read()
                                 .split("CapEff:")[1].split()[0], 16):
    sys.exit("the sandbox could not drop root")
os.execv(sys.argv[1], sys.argv[1:])
"""


class Unavailable(Exception):
    """--sandbox require, but bubblewrap cannot run here."""


class Closed(Exception):
    """The grader was interrupted: no new run starts."""


class Sandbox:
    """Runs a command for one submission, isolated as far as this machine allows."""

    def __init__(self, mode="auto", hidden=(), readable=()):
        """mode: "require", "auto" or "off". readable: folders the sandbox may read besides
        the system's and this Python install's (the course package, say). hidden: folders
        and files it must not see even inside a readable folder (the submissions)."""
        self.mode = mode
        self.why_not = ""
        self.bwrap = None
        if mode != "off":
            self.bwrap, self.why_not = available()
            if mode == "require" and not self.bwrap:
                raise Unavailable(f"--sandbox require, but {self.why_not}")
        else:
            self.why_not = "--sandbox off"
        self.root = os.geteuid() == 0
        self.cgroups = _cgroup_roots()
        self.readable = _outermost(Path(p).resolve() for p in
                                   [sys.prefix, sys.base_prefix, *readable] if Path(p).exists())
        self.hidden = sorted({Path(h).resolve() for h in hidden
                              if any(r in Path(h).resolve().parents for r in self.readable)})
        self.running = {}  # pid -> (Popen, marker, [cgroup folders])
        self.closed = False

    def describe(self):
        """One line: what is and is not isolated."""
        caps = [f"at most {NPROC} processes" if "pids" in self.cgroups or self.bwrap
                else "NO process-count limit",
                "memory capped across all its processes (cgroup)" if "memory" in self.cgroups
                else "memory capped per process only (no writable memory cgroup)"]
        if self.bwrap:
            return ("sandbox: bubblewrap. Each submission runs as an unprivileged user without "
                    "capabilities, sees only the system, Python and the course package (read-"
                    f"only), can write only a {TMPFS_BYTES // 2**20} MiB /tmp and a "
                    f"{SHM_BYTES // 2**20} MiB /dev/shm, has no network and its own process "
                    f"namespace (nothing it starts outlives it), {', '.join(caps)}")
        return (f"sandbox: OFF ({self.why_not}). Every process a submission starts is still "
                f"ended after it, {', '.join(caps)}; NOT isolated: it can read and write any "
                "file your user can, and use the network")

    def scratch(self, jobdir):
        """The folder a run may write: its tmpfs in bwrap, else a folder in jobdir."""
        return SCRATCH if self.bwrap else Path(jobdir) / "scratch"

    def readable_by_sandbox(self, folder):
        """Let the sandbox read folder (the job's; a root grader's sandbox runs as NOBODY,
        and bwrap enters it without capabilities)."""
        if self.bwrap and self.root:
            os.chmod(folder, 0o755)

    # ------------------------------------------------------------------- running

    def run(self, argv, jobdir, env, timeout, memory_mb, stdout=None):
        """Run argv for one submission with cwd jobdir (read-only in bwrap); return
        (returncode, the last 4 KiB of its stderr). stdout: an open file of the grader's
        for its output, or None. When it returns, no process it started is alive.
        returncode is None on timeout. Raises Closed after `end_all`."""
        if self.closed:
            raise Closed("the grader was interrupted")
        marker = secrets.token_hex(12)
        env = dict(env, **{MARK: marker})
        groups = self._new_cgroups(marker, memory_mb)
        cmd = list(argv)
        if self.bwrap:
            cmd = self._bwrap_args(jobdir) + (_drop_root() if self.root else []) + cmd
        # stderr goes to a file, not a pipe: a daemon holding a pipe open would keep the
        # grader waiting for its end of file
        with tempfile.TemporaryFile(dir=jobdir) as err:
            proc = subprocess.Popen(cmd, cwd=jobdir, env=env, stdin=subprocess.DEVNULL,
                                    stdout=stdout or subprocess.DEVNULL, stderr=err,
                                    start_new_session=True,  # takes no locks: safe with threads
                                    preexec_fn=_limits(memory_mb, groups, not self.bwrap))
            self.running[proc.pid] = (proc, marker, groups)
            if self.closed:  # interrupted while starting
                self.end(proc.pid)
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
        """Kill the run started as pid and everything it started; remove its cgroups."""
        entry = self.running.pop(pid, None)
        if entry is None:
            return
        proc, marker, groups = entry
        for _ in range(100):  # until a full scan finds nothing (daemons may still fork)
            victims = set(_marked(marker)).union(*(_cgroup_pids(g) for g in groups))
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
        for g in groups:
            for _ in range(50):
                try:
                    g.rmdir()
                    break
                except OSError:  # a killed process is still being reaped
                    time.sleep(0.02)

    def end_all(self):
        """End every run still going and start no new one (the grader was interrupted)."""
        self.closed = True
        for pid in list(self.running):
            self.end(pid)

    # ------------------------------------------------------------------- helpers

    def _new_cgroups(self, marker, memory_mb):
        """The run's cgroup folders (one per hierarchy), limits written; [] if none."""
        made = {}
        limits = {"pids": [("pids.max", NPROC)],
                  "memory": [("memory.max", memory_mb * 2**20), ("memory.swap.max", 0),
                             ("memory.limit_in_bytes", memory_mb * 2**20),
                             ("memory.memsw.limit_in_bytes", memory_mb * 2**20)]}
        for ctl, root in self.cgroups.items():
            path = root / f"adamedu-{marker}"
            try:
                if path not in made.values():
                    path.mkdir()
                for name, value in limits[ctl]:
                    if (path / name).exists():
                        try:
                            (path / name).write_text(str(value))
                        except OSError:
                            if name in ("pids.max", "memory.max", "memory.limit_in_bytes"):
                                raise
                made[ctl] = path
            except OSError:
                continue
        return sorted(set(made.values()))

    def _bwrap_args(self, jobdir):
        args = [self.bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session",
                "--cap-drop", "ALL"]
        if self.root:  # no user namespace: DROP_ROOT becomes NOBODY
            args += [c for cap in ("CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP")
                     for c in ("--cap-add", cap)]
        else:
            args += ["--unshare-user", "--disable-userns"]
        args += ["--dev", "/dev", "--perms", "1777", "--size", str(SHM_BYTES),
                 "--tmpfs", "/dev/shm", "--remount-ro", "/dev",
                 "--proc", "/proc", "--ro-bind", "/proc/sys", "/proc/sys",
                 "--perms", "1777", "--size", str(TMPFS_BYTES), "--tmpfs", "/tmp"]
        args += _allowed(self.readable + [Path(jobdir).resolve()])
        for h in self.hidden:
            args += ["--tmpfs", str(h)] if h.is_dir() else ["--ro-bind", "/dev/null", str(h)]
        return args + ["--remount-ro", "/", "--chdir", str(jobdir), "--"]


def _allowed(readable):
    """bwrap arguments binding the system's files and the readable folders, read-only."""
    args = []
    for p in SYSTEM:
        if os.path.islink(p):
            args += ["--symlink", os.readlink(p), p]
        elif os.path.isdir(p):
            args += ["--ro-bind", p, p]
    args += ["--perms", "0755", "--dir", "/etc"]
    for name in ETC:
        if os.path.exists(f"/etc/{name}"):
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    for r in readable:
        args += _parents(r) + ["--ro-bind", str(r), str(r)]
    return args


def _drop_root():
    """The command prefix that becomes NOBODY with no capabilities: util-linux's setpriv
    (a few ms), else DROP_ROOT in Python (25 ms more per submission)."""
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                "--bounding-set=-all", "--inh-caps=-all", "--"]
    return [sys.executable, "-I", "-S", "-c", DROP_ROOT]


def _parents(path):
    """bwrap arguments creating path's missing parents traversable (mode 0755)."""
    return [a for p in reversed(path.parents) if str(p) not in ("/", "/tmp", *SYSTEM)
            for a in ("--perms", "0755", "--dir", str(p))]


def _outermost(paths):
    """The paths, without those inside another one."""
    paths = sorted(set(paths))
    return [p for p in paths if not any(q in p.parents for q in paths)]


def _limits(memory_mb, groups, parent_death):
    """preexec_fn: join the cgroups; cap address space, file size and core dumps."""
    def apply():
        for g in groups:
            with open(g / "cgroup.procs", "w") as f:
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
        python = _outermost(Path(p).resolve() for p in (sys.prefix, sys.base_prefix))
        r = subprocess.run([path, *_allowed(python), "--dev", "/dev", "--proc", "/proc",
                            "--unshare-all", "--die-with-parent", "--", sys.executable, "-I",
                            "-c", "pass"], check=False, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"bwrap does not run ({e})"
    if r.returncode != 0:
        msg = r.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        return None, f"bwrap does not work here ({msg[0][:120]}; user namespaces disabled?)"
    return path, ""


def _cgroup_roots():
    """{"pids": folder, "memory": folder}: where this process can create child cgroups with
    that limit (cgroup v2, or v1's per-controller hierarchies); {} when not root."""
    if os.geteuid() != 0:
        return {}
    try:
        own = dict(line.split(":", 2)[1:] for line in
                   Path("/proc/self/cgroup").read_text().splitlines() if line.count(":") >= 2)
    except OSError:
        return {}
    base = Path("/sys/fs/cgroup")
    v2 = own.get("", "/").lstrip("/")
    found = {}
    for ctl, v1_file, v2_file in (("pids", "pids.max", "pids.max"),
                                  ("memory", "memory.limit_in_bytes", "memory.max")):
        v1 = next((path for names, path in own.items() if ctl in names.split(",")), None)
        candidates = ([(base / ctl / v1.lstrip("/"), v1_file)] if v1 is not None else []) + [
            (base / v2, v2_file), (base / "unified" / v2, v2_file)]
        for root, probe_file in candidates:
            probe = root / f"adamedu-probe-{secrets.token_hex(4)}"
            try:
                probe.mkdir()
            except OSError:
                continue
            try:
                ok = (probe / probe_file).exists()
            finally:
                probe.rmdir()
            if ok:
                found[ctl] = root
                break
    return found


def _cgroup_pids(cgroup):
    try:
        return {int(p) for p in (cgroup / "cgroup.procs").read_text().split()}
    except (OSError, ValueError):
        return set()


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
