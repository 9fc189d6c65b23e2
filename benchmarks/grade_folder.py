"""Wall time of grading a folder of submissions with the autograder.

    python benchmarks/grade_folder.py [--count 20] [--jobs 2]

Builds COUNT submissions in a temporary folder, cycling through the six exercise notebooks
(two of every three complete, the third untouched or half done, as in a real class), grades
the folder with `python -m adamedu.grade FOLDER -j JOBS` as an instructor would, and prints
the total wall time and the time per submission. Each submission costs one fresh kernel.
"""
import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(folder, count):
    names = sorted(p.stem for p in (ROOT / "solutions").glob("ex*.ipynb"))
    for i in range(count):
        name = names[i % len(names)]
        source = "solutions" if i % 3 != 2 else "exercises"
        nb = json.loads((ROOT / source / f"{name}.ipynb").read_text(encoding="utf-8"))
        (folder / f"student{i + 1:02d}_{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--count", type=int, default=20)
    p.add_argument("--jobs", type=int, default=2)
    opts = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        build(folder, opts.count)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "adamedu.grade", str(folder), "-j",
                               str(opts.jobs), "--out", str(Path(tmp) / "gradebook.csv")],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        with open(Path(tmp) / "gradebook.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    for r in rows:
        if r["status"] != "graded":
            print(f"not graded: {Path(r['submission']).name}: {r['reasons']}")
    graded = sum(r["status"] == "graded" for r in rows)
    print(f"graded {graded} of {opts.count} submissions with -j {opts.jobs} in {seconds:.1f} s "
          f"({seconds / opts.count:.2f} s per submission); exit code {proc.returncode}")


if __name__ == "__main__":
    main()
