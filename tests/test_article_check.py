"""Lesson 10's check of the introductory article (issue 24): every row has a verdict and a
place, and every phrase quoted from the article is one of the phrases verified against it.

The article is not part of the project, so the quotations are checked against
tests/fixtures/article_phrases.txt, a list verified word for word against the article when
each phrase was added. Reads the committed notebook only (a few milliseconds).
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "notebooks" / "10_summary.ipynb"
PHRASES = ROOT / "tests" / "fixtures" / "article_phrases.txt"
VERDICTS = {"right", "right with a condition", "wrong", "not checked here"}
HEADING = "## 4. Checking the article"


def section():
    cells = json.loads(LESSON.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    start = text.index(HEADING)
    end = text.index("\n## ", start + len(HEADING))
    return text[start:end]


def rows():
    table = [line for line in section().splitlines() if re.match(r"\| \d+ \|", line)]
    return [[cell.strip() for cell in line.strip().strip("|").split(" | ")] for line in table]


def phrases():
    lines = PHRASES.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def test_every_row_has_a_claim_a_verdict_and_a_place():
    table = rows()
    assert len(table) >= 25, "the table should cover every substantive claim of the article"
    assert [int(row[0]) for row in table] == list(range(1, len(table) + 1))
    for row in table:
        assert len(row) == 5, f"row {row[0]} has {len(row)} columns, not 5: {row}"
        number, claim, verdict, truth, where = row
        assert claim and truth, f"row {number} is missing its claim or what is true"
        assert verdict in VERDICTS, f"row {number}: verdict {verdict!r} is not one of {VERDICTS}"
        assert where, f"row {number} names no lesson section or literature"
        if where != "none":
            assert "lesson" in where or "literature" in where or "section" in where, where
        else:
            assert verdict == "not checked here", f"row {number} has a verdict but no place"


@pytest.mark.parametrize("claim", [
    "YOLO and SSD", "small gradients will have their learning rates increased",
    "starting from 0", "Suitable for large datasets", "converge to flawed solutions",
    "may perform better", "convolutional neural networks", "combines the ideas from both",
    "Memory intensive", "maintain higher learning rates",
])
def test_the_claims_named_in_issue_24_have_rows(claim):
    assert any(claim in row[1] for row in rows()), f"no row for the article's claim {claim!r}"


def test_every_quotation_is_a_verified_phrase_and_every_phrase_is_used():
    quoted = set(re.findall(r'"([^"\n]+)"', section()))
    verified = phrases()
    assert quoted - verified == set(), (
        "quoted but not in tests/fixtures/article_phrases.txt (check the words against the "
        "article, then list them)")
    assert verified - quoted == set(), "listed phrases the lesson no longer quotes"


def test_quotations_are_a_few_key_words_not_sentences():
    # The course paraphrases the article; it quotes at most a few of its words at a time.
    for phrase in phrases():
        assert len(phrase.split()) <= 12, phrase
