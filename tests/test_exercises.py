"""Untouched exercise notebooks run top to bottom and every check says "not attempted yet".

exercises/ has no stored outputs (nbval would have nothing to compare), so each notebook
is executed here in a fresh kernel, as a student would first run it.
"""
from pathlib import Path

import pytest

from adamedu.course.execute import execute_file

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", sorted((ROOT / "exercises").glob("ex*.ipynb")),
                         ids=lambda p: p.stem)
def test_untouched_exercise_runs_and_says_not_attempted(path):
    nb = execute_file(path, timeout=120)
    checks = [c for c in nb.cells if c.cell_type == "code" and c.id.startswith("check-")]
    assert checks
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kinds = {o.output_type for o in cell.outputs}
        assert "error" not in kinds, cell.id
        assert not any(o.get("name") == "stderr" for o in cell.outputs), cell.id
    for cell in checks:
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert text.startswith(f"{cell.id[len('check-'):]}: not attempted yet"), (cell.id, text)
