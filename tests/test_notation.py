"""One meaning per symbol across the course (issue 24).

Lesson 00's notation table gives every symbol one meaning and the lessons that use it. For
the letters that once carried two meanings (mu: momentum and a gradient's mean; lambda: a
curvature, Adagrad's lr_decay and weight decay; alpha: the learning rate and RMSprop's
decay; r: a signal-to-noise ratio, an effective rate and a root) and for the letters that
replaced them (h, rho), this checks the lessons' markdown: each letter appears only in the
lessons the table lists for it, and none of the old second meanings is back. Reads the
committed notebooks only (well under a second).
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S)

# symbol as written in the table: (a use in prose or maths, a use inside maths only)
CHECKED = {
    r"$\mu$": (r"μ|\\mu(?![A-Za-z])", None),
    r"$\lambda$": (r"λ|\\lambda(?![A-Za-z])", None),
    r"$\alpha$": (r"α|\\alpha(?![A-Za-z])", None),
    r"$\rho$": (r"ρ|\\rho(?![A-Za-z])", None),
    r"$r$": (None, r"(?<![A-Za-z\\])r(?![A-Za-z])"),
    r"$h$": (None, r"(?<![A-Za-z\\])h(?![A-Za-z])"),
}

# The second meanings these letters used to have, which must not come back.
OLD_MEANINGS = {
    "mu as a gradient's mean": r"\\mu\^2|\\mu\s*\+\s*\\sigma|\|\\mu\||mean \$\\mu\$",
    "lambda as a curvature": r"\\lambda_\{\\m(in|ax)\}|=\s*\\lambda\s*u\b|\\lambda_i\b",
    "lambda as Adagrad's lr_decay": r"\(t-1\)\\?,?\s*\\lambda",
    "alpha as the learning rate": (r"\$\\alpha\$ \(lr\)|paper's \$\\alpha\$"
                                   r"|\\alpha\s*\\cdot\s*\\hat m"),
    "r as a signal-to-noise ratio": r"(?<![A-Za-z\\])r\s*=\s*\\frac\{\|",
    "r as a root": r"(?<![A-Za-z\\])r\^t|\|r\|",
}


def markdown(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def table():
    """{symbol: set of lesson numbers} from lesson 00's notation table."""
    text = markdown(ROOT / "notebooks" / "00_welcome.ipynb")
    start = text.index("| symbol | in the code | meaning | lessons |")
    rows = {}
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        symbol, lessons = cells[0], cells[-1]
        assert symbol not in rows, f"{symbol} has two rows (two meanings) in the table"
        numbers = set()
        for part in lessons.split(","):
            part = part.strip()
            if part == "all":
                numbers |= set(range(0, 11))
            elif "-" in part:
                low, high = part.split("-")
                numbers |= set(range(int(low), int(high) + 1))
            else:
                numbers.add(int(part))
        rows[symbol] = numbers
    return rows


def test_the_table_gives_each_checked_symbol_one_row():
    rows = table()
    for symbol in CHECKED:
        assert symbol in rows, f"lesson 00's notation table has no row for {symbol}"


@pytest.mark.parametrize("symbol", CHECKED)
def test_symbol_is_used_only_in_the_lessons_the_table_lists(symbol):
    allowed = table()[symbol]
    anywhere, in_maths = CHECKED[symbol]
    for path in LESSONS:
        number = int(path.name[:2])
        if number == 0:
            continue                      # lesson 00 is where the table lives
        text = markdown(path)
        maths = " ".join(MATH.findall(text))
        used = (anywhere and re.search(anywhere, text)) or (in_maths and re.search(in_maths, maths))
        assert not used or number in allowed, (
            f"{path.name} uses {symbol} ({used.group(0)!r} in "
            f"...{(text if anywhere else maths)[max(0, used.start() - 60):used.end() + 60]!r}...), "
            f"which lesson 00's table gives only to lessons {sorted(allowed)}")


@pytest.mark.parametrize("meaning", OLD_MEANINGS)
def test_no_letter_is_back_in_its_old_second_meaning(meaning):
    for path in LESSONS:
        found = re.search(OLD_MEANINGS[meaning], markdown(path))
        assert not found, f"{path.name}: {found.group(0)!r} uses a letter as {meaning}"
