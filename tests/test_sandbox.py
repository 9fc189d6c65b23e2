"""The grader's sandbox on plain Python commands (no kernel): what a submission can and
cannot do. The bubblewrap tests are skipped, with the reason, where bwrap cannot run; CI
installs it (.ci/run)."""
import os
import sys
import tempfile
import time
from pathlib import Path

import pytest

from adamedu.course import sandbox

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


def _run(box, tmp_path, code, *args, timeout=30):
    job = tmp_path / "job"
    (job / "run").mkdir(parents=True, exist_ok=True)
    (job / "work").mkdir(exist_ok=True)
    return box.run([sys.executable, "-I", "-c", code, *map(str, args)], jobdir=job,
                   env={"PATH": os.environ.get("PATH", "")}, timeout=timeout, memory_mb=1024,
                   writable=[job / "run"], tmpfs=[job / "work"])


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


@needs_bwrap
def test_bwrap_allows_writes_only_in_its_own_folders(tmp_path, outside):
    box = sandbox.Sandbox("require")
    job = tmp_path / "job"
    code, err = _run(box, tmp_path, """
import os, sys
for path in sys.argv[1:]:
    try:
        open(path, "w").write("x")
        print("wrote", path, file=sys.stderr)
    except OSError as e:
        print("refused", path, e.errno, file=sys.stderr)
""", outside / "canary.txt", outside / "new.txt", job / "job.json", job / "run" / "ok.txt",
        job / "work" / "ok.txt", "/tmp/ok.txt")
    assert code == 0, err
    lines = err.splitlines()
    assert lines[:3] == [f"refused {outside / 'canary.txt'} 30",
                         f"refused {outside / 'new.txt'} 30",
                         f"refused {job / 'job.json'} 30"]
    assert [x.split()[0] for x in lines[3:]] == ["wrote"] * 3
    assert (outside / "canary.txt").read_text() == "untouched"
    assert (job / "run" / "ok.txt").exists() and not (job / "work" / "ok.txt").exists()


@needs_bwrap
def test_bwrap_has_no_network_and_hides_the_submissions(tmp_path, outside):
    subs = outside / "submissions"
    subs.mkdir()
    (subs / "alice_ex05.ipynb").write_text("{}")
    box = sandbox.Sandbox("require", hidden=[subs])
    code, err = _run(box, tmp_path, """
import os, socket, sys
print(os.listdir(sys.argv[1]), file=sys.stderr)
try:
    socket.create_connection(("192.0.2.1", 80), timeout=2)
except OSError as e:
    print("no network:", e.errno, file=sys.stderr)
""", subs)
    assert code == 0, err
    assert err.splitlines()[0] == "[]"
    assert err.splitlines()[1].startswith("no network")


@needs_bwrap
def test_bwrap_limits_the_number_of_processes(tmp_path):
    box = sandbox.Sandbox("require")
    if not box.cgroups and os.geteuid() == 0:
        pytest.skip("root without a writable pids cgroup: no process-count limit here")
    code, err = _run(box, tmp_path, f"""
import os, resource, sys, time
if {not box.cgroups}:
    resource.setrlimit(resource.RLIMIT_NPROC, ({sandbox.NPROC}, {sandbox.NPROC}))
n = 0
try:
    for n in range({sandbox.NPROC + 50}):
        if os.fork() == 0:
            time.sleep(5)
            os._exit(0)
except OSError:
    print("stopped after", n, file=sys.stderr)
""")
    assert code == 0 and err.startswith("stopped after"), err
    assert int(err.split()[-1]) <= sandbox.NPROC


def test_the_fallback_describes_what_it_does_not_isolate():
    line = sandbox.Sandbox("off").describe()
    assert line.startswith("sandbox: OFF (--sandbox off). Every process a submission starts is "
                           "still ended after it") and "NOT isolated" in line and "\n" not in line


@needs_bwrap
def test_bwrap_describes_what_it_isolates():
    line = sandbox.Sandbox("require").describe()
    assert line.startswith("sandbox: bubblewrap. Each submission can write only its own "
                           "temporary folders") and "no network" in line and "\n" not in line
