"""Shared fixtures: the book (tools/build_site.py) is built once per test session.

tests/browser is a suite of its own (a real JupyterLab and Chromium; minutes, not
seconds): `python -m pytest` leaves it out, `python -m pytest tests/browser` runs it.
The README's test command runs both.
"""
import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BROWSER = ROOT / "tests" / "browser"

# One BLAS thread per process: the suite runs two workers on two cores, each starting
# notebook kernels, and OpenBLAS's threads on our small matrices only wait for each other
# (lesson 06's two races: 5.8 s with them, 2.8 s without, on a busy machine).
# The workers and their kernels inherit this environment.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def _asked_for_browser(config):
    return any(BROWSER == a or BROWSER in a.parents
               for a in (Path(arg.split("::")[0]).resolve() for arg in config.args))


def pytest_ignore_collect(collection_path, config):
    if collection_path == BROWSER and not _asked_for_browser(config):
        return True
    return None


def pytest_report_header(config):
    if not _asked_for_browser(config):
        return ["tests/browser: not in this run (python -m pytest tests/browser -n 0)"]
    return None


def load_builder():
    """tools/build_site.py as a module (it is a script, not part of the package)."""
    if "build_site" not in sys.modules:
        spec = importlib.util.spec_from_file_location("build_site",
                                                      ROOT / "tools" / "build_site.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules["build_site"]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """(folder, warnings) of the course's book, built once and shared by every test."""
    if not sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        pytest.skip("notebooks/ holds no lessons yet, so there is no book to build")
    out = tmp_path_factory.mktemp("site")
    # under pytest-xdist every core runs a test already: no pool for the explorer runs
    workers = 1 if os.environ.get("PYTEST_XDIST_WORKER") else None
    _, warnings = load_builder().build(ROOT, out, workers=workers)
    return out, warnings
