"""Where the README's test run spends its time.

    python benchmarks/suite_time.py [pytest arguments]

Runs `python -m pytest` from the repository (pytest.ini's options: two workers,
`--dist loadfile`, nbval) with this file as a plugin that records when each test ran and
on which worker, while a thread reads the CPU time of every process under the run from
/proc five times a second. Prints the wall time in three phases (start-up until the first
test, the tests, the tail from the last test to the exit), the CPU time of the run (all
cores; 2 x wall is the most two cores can give) and its share by kind of process (the
pytest workers themselves, lesson kernels, the grader's kernels...), and the files that
kept a worker busy longest. Target: wall <= 60 s on 2 cores.

The sampled CPU misses processes that live under 0.2 s and a process's last 0.2 s, so the
kinds add up to less than they used; the total is the run's rusage, exact for every
process whose parent waited for it (a daemon left behind is not in it; the sampler is not).
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = "ADAMEDU_SUITE_TIMELINE"  # where the plugin writes the tests' timeline (JSON)

# --------------------------------------------------------------------------- the plugin

_reports = []


def pytest_runtest_logreport(report):
    node = getattr(report, "node", None)  # in the controller: the worker that ran it
    worker = node.gateway.id if node is not None else "main"
    _reports.append((worker, report.nodeid.split("::")[0], report.start, report.stop))


def pytest_sessionfinish(session):
    if OUT in os.environ and "PYTEST_XDIST_WORKER" not in os.environ:
        Path(os.environ[OUT]).write_text(json.dumps(_reports), encoding="utf-8")


# --------------------------------------------------------------------------- the sampler

KINDS = (  # (what the command line holds, kind): the first match names the process
    ("bwrap ", "bubblewrap"),  # before harness.py: its command line holds the runner's
    ("IPKernelApp", "kernels without debugger (grader, course.execute)"),  # KERNEL_LAUNCHER
    ("ipykernel_launcher", "kernels started by nbval (lessons, solutions)"),
    ("harness.py", "the grader's notebook runners (harness.py)"),
    ("exec(eval(sys.stdin.readline()))", "the pytest workers"),
    ("-m pytest", "the pytest controller"),
)


def kind(cmdline):
    return next((name for needle, name in KINDS if needle in cmdline), "other processes")


def sample(root_pid, seen, stop):
    """seen[(pid, start time)] = [kind, cpu seconds] for root_pid and its descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    tree, outside = {root_pid}, set()
    while not stop.is_set():
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit() or int(entry.name) in outside:
                continue
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
                fields = stat[stat.rindex(")") + 2:].split()
                pid, ppid = int(entry.name), int(fields[1])
                if pid not in tree and ppid not in tree:
                    outside.add(pid)  # not started by the run: never read again
                    continue
                tree.add(pid)
                key = (pid, fields[19])
                if key not in seen:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                    seen[key] = [kind(cmdline.decode(errors="replace")), 0.0]
                seen[key][1] = (int(fields[11]) + int(fields[12])) / tick
            except (OSError, ValueError, IndexError):
                pass  # it ended while we looked
        stop.wait(0.2)


# --------------------------------------------------------------------------- the run

def main(args):
    with tempfile.TemporaryDirectory(prefix="adamedu-suite-") as tmp:
        timeline = Path(tmp) / "timeline.json"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(Path(__file__).parent)] + os.environ.get("PYTHONPATH", "").split(os.pathsep)),
            **{OUT: str(timeline)})
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", Path(__file__).stem, *args]
        seen, stop = {}, threading.Event()
        t0 = time.time()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env)  # pytest's own report as it runs
        sampler = threading.Thread(target=sample, args=(proc.pid, seen, stop), daemon=True)
        sampler.start()
        proc.wait()
        t1 = time.time()
        stop.set()
        sampler.join()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        reports = json.loads(timeline.read_text(encoding="utf-8")) if timeline.exists() else []
    wall, cpu = t1 - t0, usage.ru_utime + usage.ru_stime
    print(f"\nwall {wall:.1f} s (target <= 60 s), CPU (rusage) {cpu:.1f} s "
          f"({cpu / wall:.2f} of {os.cpu_count()} cores busy on average)")
    if reports:
        first, last = min(r[2] for r in reports) - t0, max(r[3] for r in reports) - t0
        print(f"  start-up {first:.1f} s, tests {last - first:.1f} s, tail {wall - last:.1f} s")
    by_kind = defaultdict(lambda: [0, 0.0])
    for name, seconds in seen.values():
        by_kind[name][0] += 1
        by_kind[name][1] += seconds
    total = sum(seconds for _, seconds in by_kind.values())
    print(f"\nCPU by kind of process (sampled: {total:.1f} s in all):")
    for name, (count, seconds) in sorted(by_kind.items(), key=lambda kv: -kv[1][1]):
        print(f"  {seconds:6.1f} s {count:4d} x  {name}")
    busy = defaultdict(float)
    for worker, path, start, stop_ in reports:
        busy[(path, worker)] += stop_ - start
    print("\nlongest files (seconds on their worker):")
    for (path, worker), seconds in sorted(busy.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {seconds:6.1f} s  {worker:4}  {path}")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
