"""The grader's command line: parsing and checking every argument before any grading.

A bad argument exits with code 2 and a one-line reason (`parse_args`).
"""
import argparse
import math
import re
from pathlib import Path

from adamedu.course import gradebook


class BadArguments(Exception):
    """A command-line argument is unusable; the message is the one-line reason."""


def _positive_finite(name):
    def parse(text):
        try:
            x = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, not {text!r}") from None
        if not math.isfinite(x) or x <= 0:
            raise argparse.ArgumentTypeError(f"{name} must be a finite number > 0, not {text}")
        return x
    return parse


def _int_at_least(name, low, high=None):
    def parse(text):
        try:
            x = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} must be a whole number, not {text!r}") from None
        if x < low or (high is not None and x > high):
            rng = f"between {low} and {high}" if high is not None else f">= {low}"
            raise argparse.ArgumentTypeError(f"{name} must be {rng}, not {text}")
        return x
    return parse


def _shard(text):
    m = re.fullmatch(r"(\d+)/(\d+)", text)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise argparse.ArgumentTypeError(f"--shard must be K/N with 1 <= K <= N, not {text!r}")
    return int(m.group(1)), int(m.group(2))


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def parse_args(argv, description=""):
    p = _Parser(prog="python -m adamedu.course.grade", description=description,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("submissions", nargs="+", metavar="SUBMISSION_OR_FOLDER")
    p.add_argument("--out", default="gradebook.csv", help="gradebook CSV (default gradebook.csv)")
    p.add_argument("--detail", metavar="PATH",
                   help="one row per answer (default: the --out name with _detail)")
    p.add_argument("--json", dest="json_out", metavar="PATH", help="also write the records as JSON")
    p.add_argument("--report", metavar="PATH", help="also write an HTML class report")
    p.add_argument("-j", "--jobs", type=_int_at_least("-j", 1, 64), default=1,
                   help="submissions graded in parallel (default 1)")
    p.add_argument("--cell-timeout", type=_positive_finite("--cell-timeout"), default=30.0,
                   help="seconds one cell may run (default 30)")
    p.add_argument("--total-timeout", type=_positive_finite("--total-timeout"), default=300.0,
                   help="seconds one submission may run in all (default 300)")
    p.add_argument("--memory-mb", type=_int_at_least("--memory-mb", 256), default=2048,
                   help="memory of one submission, all its processes together when a "
                        "cgroup is writable, else per process (default 2048)")
    p.add_argument("--seed", type=_int_at_least("--seed", 0, 2**63 - 1),
                   help="seed of the random inputs (default: a new one)")
    p.add_argument("--resume", action="store_true",
                   help="keep the rows of an earlier run; grade only what they lack")
    p.add_argument("--shard", type=_shard, metavar="K/N",
                   help="grade only the K-th of N parts of the submissions (by content hash)")
    p.add_argument("--sandbox", choices=("require", "auto", "off"), default="auto",
                   help="bubblewrap isolation: require it, use it when available (default), "
                        "or not")
    p.add_argument("--exercises", default="exercises",
                   help="folder of the pristine exercise notebooks (default: exercises, in "
                        "the current folder)")
    opts = p.parse_args(argv)
    if opts.detail is None:
        opts.detail = str(gradebook.default_detail(opts.out))
    try:
        check_paths(opts)
    except BadArguments as e:
        p.error(str(e))
    return opts


def check_paths(opts):
    """Submissions exist; outputs are distinct files in existing folders, none a submission."""
    for s in opts.submissions:
        if not Path(s).exists():
            raise BadArguments(f"no such submission file or folder: {s}")
    if not Path(opts.exercises).is_dir():
        raise BadArguments(f"--exercises {opts.exercises} is not a folder")
    outs = {"--out": opts.out, "--detail": opts.detail, "--json": opts.json_out,
            "--report": opts.report}
    seen = {}
    for flag, path in outs.items():
        if path is None:
            continue
        p = Path(path)
        if p.is_dir():
            raise BadArguments(f"{flag} {path} is a folder; give a file name")
        if not p.parent.is_dir():
            raise BadArguments(f"{flag} {path}: the folder {p.parent} does not exist")
        key = p.resolve()
        if key in seen:
            raise BadArguments(f"{flag} and {seen[key]} are the same file ({path})")
        seen[key] = flag
        for s in opts.submissions:
            sp = Path(s).resolve()
            if key == sp or (sp.is_dir() and sp in key.parents and key.suffix == ".ipynb"):
                raise BadArguments(f"{flag} {path} is one of the submissions")
