"""Two layers: the learner library never imports the course tooling, and the tooling works
from an installed copy of the package, in any folder."""
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import adamedu

ROOT = Path(__file__).resolve().parents[1]

_IMPORT_THE_LIBRARY = r'''
import importlib, pkgutil, sys
import adamedu
names = ["adamedu.widgets"] + [f"adamedu.{m.name}" for m in pkgutil.iter_modules(adamedu.__path__)
                               if m.name != "course"]
import adamedu.widgets
names += [f"adamedu.widgets.{m.name}" for m in pkgutil.iter_modules(adamedu.widgets.__path__)]
for name in names:
    importlib.import_module(name)
print(len(names), sorted(m for m in sys.modules if m.startswith("adamedu.course")))
'''


def _learner_modules():
    return sorted(m.name for m in pkgutil.iter_modules(adamedu.__path__) if m.name != "course")


def test_the_learner_library_never_imports_the_course_tooling():
    assert {"optimizers", "surfaces", "trajectory", "widgets", "quiz"} <= set(_learner_modules())
    proc = subprocess.run([sys.executable, "-c", _IMPORT_THE_LIBRARY], capture_output=True,
                          text=True, timeout=120, check=True, cwd=ROOT,
                          env=dict(os.environ, MPLBACKEND="Agg"))
    count, imported = proc.stdout.split(" ", 1)
    assert int(count) > len(_learner_modules())  # the widgets' own modules too
    assert imported.strip() == "[]", f"the learner library imports {imported.strip()}"


def test_the_course_modules_are_found_where_the_test_above_looks():
    """The check above is not vacuous: the tooling lives at adamedu.course."""
    code = "import sys, adamedu.course.check; print('adamedu.course.judge' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True, cwd=ROOT)
    assert proc.stdout.strip() == "True"


# ---------------------------------------------------------------- an installed copy

def _run(python, args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run([str(python), *args], cwd=cwd, env=dict(env, MPLBACKEND="Agg"),
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with adamedu installed from a copy of the repository (not editable).

    The venv sees this environment's site-packages (numpy, nbformat, and setuptools, the
    build backend, from requirements.txt) through a .pth file, so nothing is downloaded;
    adamedu itself is installed into the venv's own site-packages (not byte-compiled: its
    modules are imported once or twice)."""
    base = tmp_path_factory.mktemp("installed")
    src = base / "src"
    shutil.copytree(ROOT / "adamedu", src / "adamedu",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    purelib = _run(python, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                   base).stdout.strip()
    outer = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    Path(purelib, "outer-environment.pth").write_text("\n".join(outer) + "\n")
    proc = _run(python, ["-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                         "--no-compile", "--disable-pip-version-check", str(src)], base)
    assert proc.returncode == 0, proc.stderr
    work = base / "work"  # outside the repository
    work.mkdir()
    return python, venv, work


def test_the_installed_copy_is_imported_not_the_source_tree(installed):
    python, venv, work = installed
    proc = _run(python, ["-c", "import adamedu.course.grade as g; print(g.__file__)"], work)
    assert proc.returncode == 0, proc.stderr
    where = Path(proc.stdout.strip()).resolve()
    assert venv.resolve() in where.parents and ROOT not in where.parents, where


def test_the_grader_runs_from_an_installed_copy(installed):
    python, _, work = installed
    proc = _run(python, ["-m", "adamedu.course.grade", "--help"], work)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: python -m adamedu.course.grade")
    assert "--exercises" in proc.stdout


def test_the_exercise_generator_runs_from_an_installed_copy(installed):
    python, _, work = installed
    shutil.copytree(ROOT / "solutions", work / "solutions")
    proc = _run(python, ["-m", "adamedu.course.assign"], work)  # the default folders
    assert proc.returncode == 0, proc.stderr
    written = sorted(p.name for p in (work / "exercises").glob("*.ipynb"))
    assert written == sorted(p.name for p in (ROOT / "exercises").glob("*.ipynb")) != []
    for name in written:
        assert (work / "exercises" / name).read_bytes() == (ROOT / "exercises" / name).read_bytes()
