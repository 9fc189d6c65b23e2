"""The learner library (adamedu, not adamedu/course) passes mypy, configured in
pyproject.toml ([tool.mypy]: which modules are fully annotated, which only type-checked).

Part of the test suite so that CI fails on a type error, as tests/test_lint.py does for
ruff. mypy is a pinned requirement: without it this test fails (it never skips), saying
how to install it. Its cache lives in the system's temporary folder, one per checkout, so
a second run only re-checks the files that changed.
"""
import hashlib
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(tempfile.gettempdir()) / ("adamedu-mypy-"
                                       + hashlib.sha256(str(ROOT).encode()).hexdigest()[:12])


def test_mypy_finds_nothing():
    assert importlib.util.find_spec("mypy"), \
        "mypy is not installed: pip install -r requirements.txt (it pins mypy)"
    result = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(CACHE),
                             "--no-error-summary", "--hide-error-context"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"mypy found problems:\n{result.stdout}{result.stderr}"
