"""Shared fixtures: the book (tools/build_site.py) is built once per test session."""
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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
    _, warnings = load_builder().build(ROOT, out)
    return out, warnings
