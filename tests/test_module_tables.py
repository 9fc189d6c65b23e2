"""README's and DESIGN.md's module tables name every public module of the learner library
(and nothing that is not one)."""
import re
from pathlib import Path

import adamedu

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(adamedu.__file__).parent


def public_modules():
    names = {p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_")}
    names |= {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    return names - {"course"}  # the course tooling has its own table


def tabled(text):
    rows = [line.split("|")[1] for line in text.splitlines() if line.startswith("| `")]
    return {name for cell in rows for name in re.findall(r"`(\w+)`", cell)}


def test_readme_and_design_tables_match_the_package():
    modules = public_modules()
    for doc in ("README.md", "DESIGN.md"):
        named = tabled((ROOT / doc).read_text(encoding="utf-8"))
        assert modules <= named, f"{doc} does not list {sorted(modules - named)}"
        course = PACKAGE / "course"  # its table is the tooling's own
        stale = {n for n in named - modules if n not in ("course", "_check")
                 and not (course / f"{n}.py").exists() and not (course / n).is_dir()}
        assert not stale, f"{doc} lists modules that do not exist: {sorted(stale)}"
