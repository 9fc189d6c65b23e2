"""The autograder against its hostile-input corpus (tests/grading_corpus/build.py).

The whole corpus is graded ONCE per session (-j 2, short timeouts, in the sandbox when
bubblewrap works here); each test reads the records. A second, small batch runs the
attacks without the sandbox (the fallback must still end every process); it mostly waits
on a timeout, so it is graded in a subprocess while the first batch runs. A third is
killed mid-run and resumed; a fourth runs from a venv and a checkout under /tmp, holds its
gradebook against a second grader and ends on SIGTERM. The corpus holds the attacks of
issue 26 among honest neighbours (an escape as root, forged results, names and messages
that are not UTF-8, links, FIFOs, huge notebooks). The unit tests at the bottom need no
kernel.

The short timeouts fit: a perfect submission's slowest cell takes 0.4 s (huge_output's
30 MB print) on a loaded 2-core machine, against --cell-timeout 3; a busy loop stops at
once on the interrupt, against the 2 s grace (harness.INTERRUPT_GRACE, 5 s when grading)
the fixture gives it.
"""
import contextlib
import csv
import hashlib
import importlib.util
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from adamedu.course import (
    answers,
    check,
    grade,
    gradebook,
    harness,
    judge,
    notebook,
    results,
    sandbox,
    submissions,
)

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("grading_corpus",
                                               ROOT / "tests/grading_corpus/build.py")
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

BWRAP, WHY_NOT = sandbox.available()
REQUIRED = bool(os.environ.get("ADAMEDU_REQUIRE_SANDBOX"))
# CI sets ADAMEDU_REQUIRE_SANDBOX=1: there a missing bwrap fails these tests instead
needs_bwrap = pytest.mark.skipif(BWRAP is None and not REQUIRED,
                                 reason=f"no sandbox here: {WHY_NOT}")


def _tree_hash():
    """The grader's own files and the notebooks it reads."""
    h = hashlib.sha256()
    files = sorted((ROOT / "adamedu" / "course").glob("*.py"))
    for p in files + sorted((ROOT / "solutions").glob("*")) + sorted(
            (ROOT / "exercises").glob("*")):
        h.update(str(p).encode() + p.read_bytes())
    return h.hexdigest()


def _state(folder):
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()}


def _alive(needle):
    """Pids of processes whose command line contains needle."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if needle.encode() in Path(f"/proc/{entry.name}/cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


EXERCISES = ["--exercises", str(ROOT / "exercises")]


class _Log(io.StringIO):
    """The grader's stderr, remembering when each piece was written (a row's line is
    printed as soon as it is graded)."""

    def __init__(self):
        super().__init__()
        self.at = []

    def write(self, text):
        self.at.append((time.monotonic(), text))
        return super().write(text)

    def when(self, needle):
        return next(t for t, text in self.at if needle in text)


def _grade(args, log=None):
    log = log or _Log()
    with contextlib.redirect_stderr(log):
        code = grade.main([str(a) for a in args] + EXERCISES)
    return code, log.getvalue()


@pytest.fixture(scope="session")
def workspace():
    """A folder outside /tmp when possible, so that the sandbox's read-only file system is
    what protects the canary (a private /tmp would hide it anyway)."""
    parent = "/var/tmp" if os.access("/var/tmp", os.W_OK) else None
    base = Path(tempfile.mkdtemp(prefix="adamedu-grade-test-", dir=parent))
    yield base
    shutil.rmtree(base, ignore_errors=True)


def _targets(base, subs, out):
    (base / "canary.txt").write_text("untouched", encoding="utf-8")
    return corpus.Targets(victim=str(subs / corpus.VICTIM), canary=str(base / "canary.txt"),
                          gradebook=str(out / "gradebook.csv"), sandboxed=BWRAP is not None,
                          tmp_mib=sandbox.TMPFS_BYTES // 2**20 if BWRAP else 0,
                          shm_mib=sandbox.SHM_BYTES // 2**20 if BWRAP else 0)


@pytest.fixture(scope="session")
def batch(workspace, fallback_started):
    """The corpus graded; the fallback batch, started first, has ended too."""
    base = workspace / "main"
    subs, out = base / "submissions", base / "out"
    out.mkdir(parents=True)
    targets = _targets(base, subs, out)
    expected = corpus.build(subs, targets)
    before, repo_before = _state(subs), _tree_hash()
    cwd, log = os.getcwd(), _Log()
    os.chdir(out)  # the vandal writes relative paths: they must not land here either
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(harness, "INTERRUPT_GRACE", 2.0)
            code, err = _grade([subs, "-j", "2", "--cell-timeout", "3", "--total-timeout", "60",
                                "--out", out / "gradebook.csv", "--json", out / "grades.json",
                                "--sandbox", "require" if BWRAP or REQUIRED else "off"], log)
    finally:
        os.chdir(cwd)
    fallback_started["wait"]()
    data = json.loads((out / "grades.json").read_text(encoding="utf-8"))
    return dict(code=code, records={Path(r["file"]).name: r for r in data["records"]},
                data=data, expected=expected, subs=subs, out=out, before=before,
                repo_before=repo_before, stderr=err, targets=targets,
                daemon_row_ended=log.when(f"{os.sep}daemon_ex05.ipynb: "),
                gradebook=(out / "gradebook.csv").read_bytes())


def test_exit_code_says_some_were_not_graded(batch):
    assert batch["code"] == 1


def test_one_record_per_submission_and_hidden_folders_are_named(batch):
    assert sorted(batch["records"]) == sorted(batch["expected"])
    assert len(batch["data"]["records"]) == len(batch["expected"])
    assert f"skipped hidden folder {batch['subs'] / '.dave'}{os.sep} " in batch["stderr"]


@pytest.mark.parametrize("name", sorted(map(results.display_name, corpus.corpus())))
def test_each_submission_gets_its_score_reason_and_flags(batch, name):
    rec, expect = batch["records"][name], batch["expected"][name]
    reasons = [f"{a['answer']} {a['points']:g}/{a['max']:g}: {a['reason']}"
               for a in rec["answers"] if a["reason"]] + [rec["error"]]
    assert rec["graded"] == expect.graded, reasons
    if expect.graded:
        assert rec["total"] == expect.total, reasons
    for text in expect.reasons:
        assert any(text in r for r in reasons), reasons
    if expect.graded and expect.total == corpus.PERFECT:
        assert reasons == [""]
    if expect.flags is not None:
        assert tuple(rec["flags"]) == expect.flags


def test_every_lost_point_has_a_reason(batch):
    for name, rec in batch["records"].items():
        if not rec["graded"]:
            assert rec["error"], name
        for a in rec["answers"]:
            assert (a["points"] == a["max"]) == (a["reason"] == ""), (name, a)


def _on_disk(subs):
    """{name as the outputs show it: the file}."""
    return {results.display_name(p.name): p for p in subs.iterdir()}


def test_records_carry_the_hash_of_what_was_graded(batch):
    files = _on_disk(batch["subs"])
    for name, rec in batch["records"].items():
        assert rec["root"] == str(batch["subs"]) and rec["file"] == name
        if files[name].is_symlink() or not files[name].is_file():
            assert rec["sha256"] == "" and not rec["graded"]  # refused, never read
        else:
            assert rec["sha256"] == hashlib.sha256(files[name].read_bytes()).hexdigest()


def test_no_submission_changes_another_or_the_repo(batch):
    assert _state(batch["subs"]) == batch["before"]
    assert batch["records"][corpus.VICTIM]["total"] == corpus.PERFECT
    assert _tree_hash() == batch["repo_before"]
    assert sorted(p.name for p in batch["out"].iterdir()) == [
        ".gradebook.csv.lock", "gradebook.csv", "gradebook_detail.csv", "grades.json"]
    assert not (ROOT / "ex05_adam.ipynb").exists()


@needs_bwrap
def test_sandbox_keeps_files_outside_and_the_gradebook_safe(batch):
    assert Path(batch["targets"].canary).read_text(encoding="utf-8") == "untouched"
    assert b"hacked" not in batch["gradebook"]
    assert batch["stderr"].startswith("skipped hidden folder")
    assert "sandbox: bubblewrap." in batch["stderr"]


def _wait_for_a_surviving_daemon(row_ended):
    """The daemon starts while its row is graded: had it survived the row, it would have
    written DAEMON_DELAY later (0.5 s more for its own start)."""
    time.sleep(max(0.0, row_ended + corpus.DAEMON_DELAY + 0.5 - time.monotonic()))


def test_nothing_a_submission_started_outlives_its_row(batch):
    assert _alive(corpus.DAEMON_MARK) == []
    _wait_for_a_surviving_daemon(batch["daemon_row_ended"])
    assert b"forged" not in (batch["out"] / "gradebook.csv").read_bytes()
    if BWRAP:
        assert Path(batch["targets"].canary).read_text(encoding="utf-8") == "untouched"


def test_progress_is_reported_on_stderr(batch):
    n, lines = len(batch["expected"]), batch["stderr"].splitlines()
    assert f"[{n}/{n}]" in batch["stderr"]
    assert sum(line.startswith("[") for line in lines) == n  # one line per submission
    assert any(line.endswith("empty.ipynb: NOT GRADED (the file is empty)") for line in lines)
    assert any(line.endswith("perfect_ex05_adam.ipynb: 10/10") for line in lines)


def test_outputs_agree_with_the_records(batch):
    loaded = gradebook.load_records(out=batch["out"] / "gradebook.csv")
    assert sorted(r["file"] for r in loaded) == sorted(batch["records"])
    assert isinstance(batch["data"]["seed"], int)


def test_what_a_submission_wrote_reaches_no_output_raw(batch):
    """Forged 18 MB of reasons, terminal escapes in names and messages, a surrogate: every
    output stays small and shows them escaped; the worker's stderr is never a reason."""
    outputs = {p.name: p.read_bytes() for p in batch["out"].iterdir()}
    assert max(map(len, outputs.values())) < 2**20, {k: len(v) for k, v in outputs.items()}
    for text in [batch["stderr"], *(v.decode("utf-8") for v in outputs.values())]:
        assert "\x1b" not in text and "\x07" not in text
    assert r"esc\x1b[2J_ex05_adam.ipynb: 10/10" in batch["stderr"]
    assert r"j\xf6rg_ex05_adam.ipynb: 10/10" in batch["stderr"]
    assert "FORGED" not in batch["records"]["planted_ex05.ipynb"]["error"]
    assert all(len(a["reason"]) <= results.MAX_REASON
               for r in batch["records"].values() for a in r["answers"])


def test_not_graded_has_an_empty_total_in_every_output(batch):
    refused = {name for name, r in batch["records"].items() if not r["graded"]}
    assert {"fifo_ex05.ipynb", "linked_ex05.ipynb", "many_cells_ex05.ipynb"} <= refused
    assert all(batch["records"][n]["total"] is None for n in refused)
    rows = list(csv.DictReader(io.StringIO(batch["gradebook"].decode("utf-8"))))
    for name in refused:
        row = next(r for r in rows if r["student"] == gradebook.student_of(
            batch["records"][name])[0])
        assert row["total"] == "", row
    detail = list(csv.DictReader(open(batch["out"] / "gradebook_detail.csv", encoding="utf-8")))
    assert all(r["points"] == "" for r in detail if r["graded"] == "no")


def test_a_name_typed_two_ways_is_one_student(batch):
    rows = list(csv.DictReader(io.StringIO(batch["gradebook"].decode("utf-8"))))
    rene = [r for r in rows if r["student"].startswith("ren")]
    assert [r["student"] for r in rene] == ["ren\u00e9"]
    assert "ex05_adam: 2 files" in rene[0]["flags"]


def test_resume_over_the_corpus_grades_nothing_again(batch):
    """Names that are not UTF-8 or hold escapes match their rows when resuming."""
    code, err = _grade([batch["subs"], "--out", batch["out"] / "gradebook.csv", "--json",
                        batch["out"] / "grades.json", "--resume", "--sandbox", "off"])
    assert f"resuming: {len(batch['expected'])} already graded, 0 to grade" in err, err
    assert code == 0


# ---------------------------------------------------------------- verdict parity

_RUN_AS_A_STUDENT = r'''
import contextlib, io, json, sys, traceback
out = {}
for path in sys.argv[1:]:
    nb = json.load(open(path, encoding="utf-8"))
    ns, verdicts = {"__name__": "__main__"}, {}
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        cid = cell.get("id", "")
        buf = io.StringIO()
        try:
            with contextlib.redirect_stdout(buf):
                exec(compile(src, cid, "exec"), ns)
        except Exception as e:
            if cid.startswith("check-"):
                verdicts[cid[6:]] = f"raised {type(e).__name__}: {e}"
            continue
        if cid.startswith("check-"):
            verdicts[cid[6:]] = buf.getvalue().strip()
    out[path] = verdicts
print(json.dumps(out))
'''


def test_the_grader_agrees_with_each_check_cell(batch, tmp_path):
    """Run every PARITY notebook as a student would (top to bottom, errors do not stop it):
    where a check cell printed a verdict, the grader's points say the same."""
    paths = [str(batch["subs"] / n) for n in corpus.PARITY]
    proc = subprocess.run([sys.executable, "-c", _RUN_AS_A_STUDENT, *paths], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=True,
                          env=dict(os.environ, MPLBACKEND="Agg"))
    compared = 0
    for path, verdicts in json.loads(proc.stdout).items():
        rec = batch["records"][Path(path).name]
        for a in rec["answers"]:
            said = verdicts.get(a["answer"])
            if said is None or said.startswith("raised NameError: name 'check'"):
                continue  # no check cell, or it ran before the setup cell: no verdict
            passed = said.startswith("✓")
            assert passed == (a["points"] == a["max"]), (path, a, said)
            compared += 1
    assert compared >= 65  # of ~80 answers; the rest have no check cell or none that ran


# ---------------------------------------------------------------- without the sandbox

@pytest.fixture(scope="session")
def fallback_started(workspace):
    """The daemon and the planted module with --sandbox off, and a slow submission: graded
    by `python -m adamedu.course.grade` in a subprocess, started here, not waited for."""
    base = workspace / "fallback"
    subs, out = base / "submissions", base / "out"
    out.mkdir(parents=True)
    targets = _targets(base, subs, out)
    targets.sandboxed = False
    expected = corpus.build(subs, targets, only={"daemon_ex05.ipynb", "planted_ex05.ipynb"})
    nb = json.loads((ROOT / "solutions/ex04_rmsprop.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("id") == "answer-rmsprop_step":
            cell["source"] = "import time\ntime.sleep(30)\n" + "".join(cell["source"])
    (subs / "slow_ex04.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    args = [subs, "-j", "2", "--cell-timeout", "20", "--total-timeout", "6",
            "--out", out / "gradebook.csv", "--json", out / "grades.json", "--sandbox", "off"]
    with open(base / "stderr.txt", "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "adamedu.course.grade",
                                 *map(str, args + EXERCISES)], cwd=base, stdout=err, stderr=err,
                                env=dict(os.environ, PYTHONPATH=str(ROOT)))
    started = dict(proc=proc, expected=expected, targets=targets, out=out)

    def note_the_end():
        proc.wait()
        started["ended"] = time.monotonic()
    waiter = threading.Thread(target=note_the_end, daemon=True)
    waiter.start()
    started["wait"] = lambda: waiter.join(timeout=300) or proc.returncode
    yield started
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def fallback(fallback_started):
    code, out = fallback_started["wait"](), fallback_started["out"]
    data = json.loads((out / "grades.json").read_text(encoding="utf-8"))
    return dict(fallback_started, code=code,
                stderr=(out.parent / "stderr.txt").read_text(encoding="utf-8"),
                records={r["file"]: r for r in data["records"]})


def test_fallback_says_what_is_not_isolated(fallback):
    line = next(x for x in fallback["stderr"].splitlines() if x.startswith("sandbox:"))
    assert line.startswith("sandbox: OFF (--sandbox off). Every process a submission starts "
                           "is still ended after it") and "NOT isolated" in line


def test_fallback_ends_daemons_and_keeps_the_worker_unhijacked(fallback):
    recs = fallback["records"]
    assert recs["daemon_ex05.ipynb"]["total"] == corpus.PERFECT
    assert not recs["planted_ex05.ipynb"]["graded"]
    assert "the notebook runner failed twice" in recs["planted_ex05.ipynb"]["error"]
    assert _alive(corpus.DAEMON_MARK) == []
    _wait_for_a_surviving_daemon(fallback["ended"])
    assert Path(fallback["targets"].canary).read_text(encoding="utf-8") == "untouched"
    assert b"forged" not in (fallback["out"] / "gradebook.csv").read_bytes()


def test_total_timeout_stops_a_slow_submission(fallback):
    rec = fallback["records"]["slow_ex04.ipynb"]
    assert rec["graded"] and rec["total"] == 0
    reasons = [a["reason"] for a in rec["answers"]]
    assert reasons[0].startswith("answer cell: total time limit reached")
    assert all("total time limit reached before this cell" in r for r in reasons[1:])


# ---------------------------------------------------------------- installed under /tmp, locked

def test_an_install_under_tmp_grades_one_run_per_gradebook_and_stops_on_sigterm(tmp_path):
    """Python (a venv) and the course (a checkout) in /tmp, as the sandbox's private /tmp
    would hide them: grading works. While it runs, a second grader on the same gradebook
    exits 2; SIGTERM ends the first within seconds, with its rows kept."""
    home = Path(tempfile.mkdtemp(prefix="adamedu-tmp-install-", dir="/tmp"))
    try:
        venv, checkout = home / "venv", home / "checkout"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
        site = next(venv.glob("lib/python*/site-packages"))
        ours = [p for p in sys.path if p.endswith("site-packages") and os.path.isdir(p)]
        (site / "adamedu_test.pth").write_text("\n".join(ours) + "\n")
        shutil.copytree(ROOT / "adamedu", checkout / "adamedu",
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "exercises", checkout / "exercises")
        subs, out = tmp_path / "subs", tmp_path / "out"
        subs.mkdir()
        out.mkdir()
        shutil.copy(ROOT / "solutions/ex03_adagrad.ipynb", subs / "a_ex03.ipynb")
        nb = json.loads((ROOT / "solutions/ex04_rmsprop.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell.get("id") == "answer-rmsprop_step":
                cell["source"] = "import time\ntime.sleep(120)\n"
        (subs / "b_ex04.ipynb").write_text(json.dumps(nb), encoding="utf-8")
        args = [str(subs), "-j", "1", "--out", str(out / "g.csv"), "--sandbox",
                "require" if BWRAP or REQUIRED else "off"]
        proc = subprocess.Popen([str(venv / "bin/python"), "-m", "adamedu.course.grade", *args],
                                cwd=checkout, env=dict(os.environ, PYTHONPATH=str(checkout)),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not gradebook.load_records(out=out / "g.csv") and time.monotonic() < deadline:
            time.sleep(0.1)
        kept = gradebook.load_records(out=out / "g.csv")
        code, err = _grade([*args[:-2], "--sandbox", "off"])
        assert code == 2 and err.startswith("another grader is writing"), err
        proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        _, stderr = proc.communicate(timeout=30)
        assert proc.returncode == 130 and time.monotonic() - sent < 10, stderr
        assert "interrupted: 1 row(s) graded in this run" in stderr
        assert [(r["file"], r["total"]) for r in kept] == [("a_ex03.ipynb", 10.0)], stderr
    finally:
        shutil.rmtree(home, ignore_errors=True)


# ---------------------------------------------------------------- interrupted, then resumed

def test_a_killed_run_keeps_its_rows_and_resume_grades_the_rest(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    out.mkdir()
    names = ["a_ex03.ipynb", "b_ex04.ipynb", "c_ex03.ipynb"]
    for name, src in zip(names, ("solutions/ex03_adagrad.ipynb", "solutions/ex04_rmsprop.ipynb",
                                 "exercises/ex03_adagrad.ipynb")):
        (subs / name).write_bytes((ROOT / src).read_bytes())
    args = [str(subs), "-j", "1", "--out", str(out / "g.csv"), "--json", str(out / "g.json"),
            *EXERCISES]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "adamedu.course.grade", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not gradebook.load_records(out=out / "g.csv") and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.kill()  # SIGKILL: no chance to clean up
    proc.wait()
    kept = gradebook.load_records(out=out / "g.csv")
    assert 1 <= len(kept) < 3
    code, err = _grade([*args, "--resume", "-j", "2"])
    assert code == 0, err  # a graded zero (c: untouched) is still graded
    assert f"resuming: {len(kept)} already graded, {3 - len(kept)} to grade" in err
    final = gradebook.load_records(out=out / "g.csv")
    assert sorted(r["file"] for r in final) == names
    assert {r["file"]: r["total"] for r in final} == {"a_ex03.ipynb": 10, "b_ex04.ipynb": 10,
                                                      "c_ex03.ipynb": 0}


# ---------------------------------------------------------------- fail fast: no kernel below

@pytest.fixture
def one(tmp_path):
    sub = tmp_path / "a.ipynb"
    sub.write_text("{}")
    return tmp_path, sub


BAD = {
    "negative seed": (["--seed", "-1"], "--seed must be between 0"),
    "infinite total timeout": (["--total-timeout", "inf"], "--total-timeout must be a finite "
                                                           "number > 0"),
    "NaN cell timeout": (["--cell-timeout", "nan"], "--cell-timeout must be a finite number > 0"),
    "negative cell timeout": (["--cell-timeout", "-3"], "--cell-timeout must be a finite number > "
                                                        "0"),
    "no jobs": (["-j", "0"], "-j must be between 1"),
    "tiny memory": (["--memory-mb", "100"], "--memory-mb must be >= 256"),
    "bad shard": (["--shard", "3/2"], "--shard must be K/N"),
    "unknown sandbox": (["--sandbox", "maybe"], "invalid choice"),
    "missing submission": (["{tmp}/nothere.ipynb"], "no such submission file or folder"),
    "out in a missing folder": (["--out", "{tmp}/no/g.csv"], "does not exist"),
    "out is a folder": (["--out", "{tmp}"], "is a folder"),
    "clashing outputs": (["--out", "{tmp}/g.csv", "--json", "{tmp}/g.csv"], "are the same file"),
    "detail over the gradebook": (["--out", "{tmp}/g.csv", "--detail", "{tmp}/g.csv"],
                                  "are the same file"),
    "output is a submission": (["--json", "{tmp}/a.ipynb"], "is one of the submissions"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_arguments_fail_fast_with_one_line(one, case, capsys):
    tmp, sub = one
    extra, message = BAD[case]
    argv = [str(sub)] + [a.format(tmp=tmp) for a in extra] + EXERCISES
    if "--out" not in extra:
        argv += ["--out", str(tmp / "g.csv")]
    with pytest.raises(SystemExit) as e:
        grade.main(argv)
    err = capsys.readouterr().err
    assert e.value.code == 2 and message in err and err.count("\n") == 1, err
    assert sub.read_text() == "{}" and not (tmp / "g.csv").exists()


def test_the_exercises_folder_defaults_to_the_current_folders(one, monkeypatch, capsys):
    tmp, sub = one
    monkeypatch.chdir(tmp)
    with pytest.raises(SystemExit) as e:
        grade.main([str(sub), "--out", str(tmp / "g.csv")])
    assert e.value.code == 2 and "--exercises exercises is not a folder" in capsys.readouterr().err


def test_an_empty_folder_is_an_error_not_an_empty_gradebook(tmp_path):
    code, err = _grade([tmp_path, "--out", tmp_path / "g.csv"])
    assert code == 2 and "no .ipynb submissions" in err and not (tmp_path / "g.csv").exists()


def test_require_fails_fast_without_bwrap(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(sandbox.Unavailable, match="bwrap"):
        sandbox.Sandbox("require")
    line = sandbox.Sandbox("auto").describe()
    assert line.startswith("sandbox: OFF (bubblewrap (bwrap) is not installed") and "\n" not in line


def test_folders_take_notebooks_and_name_what_they_skip(tmp_path):
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}")
    (tmp_path / "notes.txt").write_text("x")
    found, skipped = submissions.collect([tmp_path])
    assert [(p.name, root, file) for p, root, file in found] == [
        ("a.ipynb", str(tmp_path), "a.ipynb")]
    assert skipped[0].startswith(f"skipped hidden folder {tmp_path / '.ipynb_checkpoints'}")
    assert skipped[1] == f"skipped (not .ipynb): {tmp_path / 'notes.txt'}"


def test_snapshot_reads_bytes_and_hash_once(tmp_path):
    p = tmp_path / "x.ipynb"
    p.write_bytes(b'{"cells": []}')
    sub = submissions.snapshot(p, "", "x.ipynb")
    assert sub.data == b'{"cells": []}' and sub.error == ""
    assert sub.sha256 == hashlib.sha256(b'{"cells": []}').hexdigest()
    gone = submissions.snapshot(tmp_path / "gone.ipynb", "", "gone.ipynb")
    assert gone.error.startswith("cannot read")


def test_fifos_devices_and_links_are_refused_without_being_opened(tmp_path):
    os.mkfifo(tmp_path / "fifo.ipynb")  # opening it to read would block
    (tmp_path / "link.ipynb").symlink_to("/etc/hostname")
    refused = {name: submissions.snapshot(path, "", name).error for name, path in [
        ("fifo", tmp_path / "fifo.ipynb"), ("device", "/dev/zero"),
        ("link", tmp_path / "link.ipynb")]}
    assert refused == {"fifo": "refused: a FIFO, not a regular file (not opened)",
                       "device": "refused: a character device, not a regular file (not opened)",
                       "link": "refused: a symbolic link (to /etc/hostname); a link may count "
                               "another student's work twice, so grade the file itself"}


def test_names_and_messages_are_shown_escaped():
    assert results.clean("j\udcf6rg\x1b[2J\u202e\n") == "j\\xf6rg\\x1b[2J\\u202e\\x0a"
    assert results.clean("x" * 600) == "x" * 499 + "…"
    assert results.clean("ren\u00e9 \u4e2d") == "ren\u00e9 \u4e2d"


def test_cells_and_answer_cells_are_capped():
    cell = {"cell_type": "code", "id": "answer-m_hat_first", "source": "M_HAT_FIRST = 1"}
    data = json.dumps({"cells": [cell] * (notebook.MAX_CELLS + 1)}).encode()
    with pytest.raises(notebook.Unreadable, match="more than the 2000 a submission may have"):
        notebook.parse_notebook(data)
    nb = notebook.parse_notebook(json.dumps({"cells": [cell] * notebook.MAX_CELLS}).encode())
    with pytest.raises(notebook.Unreadable, match="2000 cells for the answer m_hat_first"):
        notebook.answer_positions(nb, answers.by_name("m_hat_first"))


def test_shards_split_the_class_without_overlap(tmp_path):
    for i in range(12):
        (tmp_path / f"s{i}.ipynb").write_text(f'{{"n": {i}}}')
    seen = []
    for k in (1, 2, 3):
        code, err = _grade([tmp_path, "--shard", f"{k}/3", "--out", tmp_path / f"g{k}.csv",
                            "--sandbox", "off"])
        recs = gradebook.load_records(out=tmp_path / f"g{k}.csv")
        seen += [r["file"] for r in recs]
        assert f"shard {k}/3: {len(recs)} of 12 submissions" in err
        assert code == (1 if recs else 0)  # not notebooks: rows, but not graded
    assert sorted(seen) == sorted(f"s{i}.ipynb" for i in range(12))


def _cell(cid, source, tags=()):
    return {"cell_type": "code", "id": cid, "metadata": {"tags": list(tags)}, "source": source}


def test_answers_are_found_as_the_notebook_runs_them():
    answer = answers.by_name("adam_step")
    head = "def adam_step(theta):\n"
    by_tag = {"cells": [_cell("x", "B", ["answer-adam_step"])]}
    by_def = {"cells": [{"cell_type": "code", "source": "import numpy\n" + head}]}
    copies = {"cells": [_cell("answer-adam_step", "stub"),
                        _cell("copy", "edited", ["answer-adam_step"]),
                        _cell("check-adam_step", "check"), _cell("later", head + "  return 0")]}
    check_first = {"cells": [_cell("check-adam_step", "check"), _cell("answer-adam_step", "A")]}
    nothing = {"cells": [{"cell_type": "markdown", "id": "answer-adam_step", "source": "no"}]}
    assert notebook.find_answer(by_tag, answer) == "B"
    assert notebook.find_answer(by_def, answer).startswith("import numpy")
    assert notebook.find_answer(copies, answer) == "edited"  # the last before the check
    assert [c["source"] for c in notebook.answer_cells(copies, answer)] == ["stub", "edited"]
    assert notebook.find_answer(check_first, answer) == "A"
    assert notebook.find_answer(nothing, answer) is None


def test_provided_cells_are_the_read_only_ones_except_checks():
    pristine = notebook.pristine_notebooks(ROOT / "exercises")
    provided = notebook.provided_cells(pristine["ex08_hyperparameters"])
    assert [c["id"] for c in provided] == ["setup", "try"]
    assert [c["id"] for c in notebook.provided_cells(pristine["ex05_adam"])] == ["setup"]


def test_flags_name_the_cell_and_the_reason():
    cells = [(0, _cell("answer-x", "y = eval('1')\nimport os\nos.popen('ls')"), False),
             (3, {"cell_type": "code", "source": "from adamedu import optimizers"}, True),
             (4, {"cell_type": "code", "source": "from adamedu import optimizers"}, False)]
    assert notebook.flags_for(cells) == [
        "cell answer-x: runs code built at run time (exec/eval/compile)",
        "cell answer-x: starts other programs or processes",
        "cell #4: uses adamedu.optimizers, the reference implementation"]


@pytest.mark.parametrize("source, flagged", [
    ("from adamedu.course import answers", True),
    ("import adamedu.course.judge", True),
    ("from adamedu import course", True),
    ("ref = check.answers.by_name('adam_step').reference", True),
    ("seed = check._seed('adam_step')", True),
    ("check.adam_step(adam_step)  # of course", False),
])
def test_using_the_course_tooling_in_an_answer_is_flagged(source, flagged):
    assert notebook.flags_for([(0, _cell("answer-x", source), False)]) == (
        ["cell answer-x: uses the checking module (its answers, references or private helpers)"]
        if flagged else [])


def test_memorized_answers_pass_in_the_notebook_but_not_the_grader(batch):
    """The in-notebook inputs are fixed; the grader's are fresh, so memorizing fails."""
    source = json.loads((batch["subs"] / "memorized_ex05.ipynb").read_text())
    cell = next(c for c in source["cells"] if c.get("id") == "answer-adam_step")
    namespace = {"np": np}
    exec(cell["source"], namespace)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        check.adam_step(namespace["adam_step"])
    assert out.getvalue().startswith("✓")
    adam = next(a for a in batch["records"]["memorized_ex05.ipynb"]["answers"]
                if a["answer"] == "adam_step")
    assert adam["points"] == 0


# ---------------------------------------------------------------- the harness module

def test_decode_reverses_encode():
    value = (np.arange(6.0).reshape(2, 3), 3, 2.5, True, None, Ellipsis, "s", [1, {"k": 2.0}])
    back = harness.decode(json.loads(json.dumps(harness.encode(value))))
    assert np.array_equal(back[0], value[0]) and back[0].shape == (2, 3)
    assert back[1:] == value[1:]
    assert type(harness.decode(harness.encode(object()))).__name__ == "object"
    assert harness.encode(np.zeros(10), max_elements=5) == {"type": "array too large",
                                                           "shape": [10]}


def test_call_answer_records_what_the_scorer_judges(tmp_path):
    answer = answers.by_name("adam_step")
    cases = answer.cases(np.random.default_rng(0))
    spec = {"kind": "function", "params": list(answer.params), "lookup": "adam_step",
            "cases": [{k: harness.encode(v) for k, v in c.items()} for c in cases],
            "max_elements": 1000, "call_timeout": 5.0, "path": str(tmp_path / "r.json")}

    def adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps):
        return answer.reference(theta=theta, grad=grad, m=m, v=v, t=t, lr=lr, beta1=beta1,
                                beta2=beta2, eps=eps)

    harness.call_answer({"adam_step": adam_step}, spec)
    raw = json.loads((tmp_path / "r.json").read_text())["results"]
    for case, r in zip(cases, raw, strict=True):
        outcome = {"value": harness.decode(r["value"]), "mutated": []}
        assert judge.judge(answer, case, outcome).passed
    harness.call_answer({}, dict(spec, kind="value", lookup="X"))
    assert json.loads((tmp_path / "r.json").read_text()) == {"results": {"missing": True}}


def test_kernels_start_through_the_launcher_without_the_debugger():
    spec = ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    assert harness.without_debugger(spec) == ["/usr/bin/python3", "-c", harness.KERNEL_LAUNCHER,
                                              "-f", "{connection_file}"]
    assert spec[1] == "-m"  # the kernelspec's own list is left as it was
    other = ["julia", "-i", "kernel.jl", "{connection_file}"]
    assert harness.without_debugger(other) == other
    assert 'sys.modules["debugpy"] = None' in harness.KERNEL_LAUNCHER
    assert 'del sys.modules["debugpy"]' in harness.KERNEL_LAUNCHER  # importable by students


def test_harness_cell_runs_the_module_in_a_private_namespace(tmp_path):
    spec = {"kind": "value", "params": [], "lookup": "X", "cases": [], "max_elements": 10,
            "call_timeout": 1.0, "path": str(tmp_path / "r.json")}
    namespace = {"X": 2.0, "encode": "the student's own"}
    exec(compile(harness.harness_cell(spec), "harness", "exec"), namespace)
    assert json.loads((tmp_path / "r.json").read_text()) == {"results": {"value": {"float": 2.0}}}
    assert namespace["encode"] == "the student's own" and "_adamedu_ns" not in namespace



def test_resume_over_a_foreign_detail_file_stops_before_grading(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a_ex05.ipynb").write_text('{"cells": []}')
    foreign = tmp_path / "g_detail.csv"
    foreign.write_text("name,score\nx,1\n")
    code, err = _grade([subs, "--out", tmp_path / "g.csv", "--resume", "--sandbox", "off"])
    assert code == 2 and err.startswith("cannot resume: ") and len(err.splitlines()) == 1
    assert "not a detail file written by adamedu.course.grade" in err
    assert foreign.read_text() == "name,score\nx,1\n" and not (tmp_path / "g.csv").exists()


def test_a_graded_class_split_by_the_shard_rule_merges_back_byte_for_byte(batch, tmp_path):
    records = list(batch["data"]["records"])
    parts = []
    for k in range(1, 4):
        part = [r for r in records if int(r["sha256"] or "0", 16) % 3 == k - 1]
        gradebook.write_outputs(part, tmp_path / f"g{k}.csv")
        parts.append(str(tmp_path / f"g{k}.csv"))
    with contextlib.redirect_stderr(io.StringIO()):
        assert gradebook.main([*parts, "--out", str(tmp_path / "merged.csv")]) == 0
    assert (tmp_path / "merged.csv").read_bytes() == batch["gradebook"]
