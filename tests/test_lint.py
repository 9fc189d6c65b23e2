"""The code passes ruff, configured in pyproject.toml ([tool.ruff]).

Part of the test suite so that CI fails on a lint finding. Ruff is a pinned requirement:
without it this test fails (it never skips), saying how to install it.
"""
import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    assert importlib.util.find_spec("ruff"), \
        "ruff is not installed: pip install -r requirements.txt (it pins ruff)"
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                             "--output-format", "concise", "."],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"ruff check found problems:\n{result.stdout}{result.stderr}"
