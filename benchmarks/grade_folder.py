"""Wall time of grading a folder of submissions with the autograder.

    python benchmarks/grade_folder.py [--count 20] [--jobs 2]
    python benchmarks/grade_folder.py --count 200 --baseline /var/tmp/grade-base [--rounds 4]

With --baseline DIR (a copy of an older version, outside /tmp, where graders before issue
26 cannot run: ``git archive aa89775 adamedu exercises solutions | tar -x -C DIR``), the
same folder is graded by both versions with the sandbox (``--sandbox require``), in ROUNDS
parts taken in turn (older, newer, then newer, older, ...) so that a change in the
machine's load falls on both; it prints each version's total and the change (the goal of
issue 26: at most +20 %).

Builds COUNT submissions in a temporary folder, cycling through the six exercise notebooks
(two of every three complete, the third untouched or half done, as in a real class), grades
the folder with `python -m adamedu.course.grade FOLDER -j JOBS` as an instructor would, once with
the sandbox off and once with bubblewrap (`--sandbox require`, when bwrap works here), and
prints the wall time of each, the time per submission and the sandbox's overhead (the goal:
at most 20 %). Each submission costs one fresh kernel. The run without the sandbox also
prints the CPU time of the grader and everything it started (steadier than wall time on a
busy machine; bwrap's processes are not all counted, so the sandboxed run has none).

Per submission, measured on a shared 2-core machine: starting the kernel without
ipykernel's debugger takes its CPU time from 0.55 s to 0.40 s (harness.KERNEL_LAUNCHER);
the worker no longer waits 0.2 s for a quiet output channel once the kernel answers; plain
tracebacks take the first failing cell (the provided try cell of ex02 and ex06, which runs
before the answers) from 0.2 s to 0.02 s. This script at load 8: 2.05 -> 1.44 s per
submission without the sandbox, 2.28 -> 1.43 s with it (wall times that busy vary by 30 %).
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(folder, count, start=0):
    names = sorted(p.stem for p in (ROOT / "solutions").glob("ex*.ipynb"))
    for i in range(start, start + count):
        name = names[i % len(names)]
        source = "solutions" if i % 3 != 2 else "exercises"
        nb = json.loads((ROOT / source / f"{name}.ipynb").read_text(encoding="utf-8"))
        (folder / f"student{i + 1:02d}_{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def grade(folder, out, jobs, mode, code=ROOT):
    """(seconds, CPU seconds, records, exit code) of one grader run of the version in code."""
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run([sys.executable, "-m", "adamedu.course.grade", str(folder),
                           "-j", str(jobs), "--sandbox", mode,
                           "--exercises", str(Path(code) / "exercises"),
                           "--out", str(out / f"gradebook-{mode}.csv"),
                           "--json", str(out / f"grades-{mode}.json")],
                          capture_output=True, text=True, check=False, cwd=code,
                          env=dict(os.environ, PYTHONPATH=str(code)))
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    try:
        records = json.loads((out / f"grades-{mode}.json").read_text(encoding="utf-8"))["records"]
    except (OSError, ValueError, KeyError):
        sys.exit(f"the grader wrote no records ({mode}): {proc.stderr.strip()[-500:]}")
    return seconds, cpu, records, proc.returncode


def compare(opts):
    """Grade one folder with the baseline and with this version, in turns; print both."""
    versions = {"baseline": Path(opts.baseline).resolve(), "this version": ROOT}
    totals, graded = dict.fromkeys(versions, 0.0), dict.fromkeys(versions, 0)
    with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        for r in range(opts.rounds):
            folder = Path(tmp) / f"part{r}"
            folder.mkdir()
            build(folder, opts.count // opts.rounds, start=r * (opts.count // opts.rounds))
            order = list(versions) if r % 2 == 0 else list(reversed(versions))
            for name in order:
                out = Path(tmp) / f"out-{r}-{name.replace(' ', '_')}"
                out.mkdir()
                seconds, _, records, _ = grade(folder, out, opts.jobs, "require",
                                               versions[name])
                totals[name] += seconds
                graded[name] += sum(r["graded"] for r in records)
                print(f"round {r + 1}/{opts.rounds}, {name}: {seconds:.1f} s", flush=True)
    n = opts.count // opts.rounds * opts.rounds
    for name, seconds in totals.items():
        print(f"{name:13s}: {n} submissions (graded {graded[name]}) with -j {opts.jobs} in "
              f"{seconds:.1f} s ({seconds / n:.2f} s per submission)")
    change = 100 * (totals["this version"] / totals["baseline"] - 1)
    print(f"change: {change:+.0f} % (goal: at most +20 %)")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--count", type=int, default=20)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--baseline", metavar="DIR", help="compare with the version in DIR")
    p.add_argument("--rounds", type=int, default=4, help="parts graded in turns (--baseline)")
    opts = p.parse_args()
    if opts.baseline:
        return compare(opts)
    modes = ["off"] + (["require"] if shutil.which("bwrap") else [])
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        build(folder, opts.count)
        for mode in modes:
            seconds, cpu, records, code = grade(folder, Path(tmp), opts.jobs, mode)
            times[mode] = seconds
            for r in records:
                if not r["graded"]:
                    print(f"not graded: {r['file']}: {r['error']}")
            graded = sum(r["graded"] for r in records)
            print(f"sandbox {mode:7s}: graded {graded} of {opts.count} submissions with "
                  f"-j {opts.jobs} in {seconds:.1f} s ({seconds / opts.count:.2f} s per "
                  f"submission){f', CPU {cpu:.1f} s' if mode == 'off' else ''}; exit code {code}")
    if "require" in times:
        print(f"bubblewrap costs {100 * (times['require'] / times['off'] - 1):+.0f} % "
              f"(goal: at most +20 %)")
    else:
        print("bwrap not found: the sandboxed run was skipped")


if __name__ == "__main__":
    main()
