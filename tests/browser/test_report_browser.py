"""The class report in a real browser, from a real grading run, with the network blocked.

A small class (per-student folders, flat LMS names, a file that matches no rule, a file
that is not a notebook) is made from the solutions with the usual slips put in, graded
with ``python -m adamedu.course.grade ... --report``, and the report is opened from disk in
headless Chromium with every network request aborted: it must render with no console
error and no request, and its mistake table must rank what the class did.

`make_class(dest)` is also how the instructor guide's example was made.
"""
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

ADAM = """def adam_step(theta, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    t = t + 1
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t
"""
EPS_INSIDE = ADAM.replace("(np.sqrt(v_hat) + eps)", "np.sqrt(v_hat + eps)")
NO_BIAS = ADAM.replace("m / (1 - beta1**t)", "m").replace("v / (1 - beta2**t)", "v")
T_LATE = """def adam_step(theta, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, t + 1
"""
IN_PLACE = ADAM.replace("    m = beta1 * m + (1 - beta1) * grad\n",
                        "    m *= beta1\n    m += (1 - beta1) * grad\n")
ADAGRAD_EPS = """def adagrad_step(theta, grad, state_sum, lr=0.01, eps=1e-10):
    state_sum = state_sum + grad**2
    return theta - lr * grad / np.sqrt(state_sum + eps), state_sum
"""


def _solution(name):
    return json.loads((ROOT / "solutions" / f"{name}.ipynb").read_text(encoding="utf-8"))


def _with(nb, **answers):
    """The notebook with the source of answer cells replaced ({answer name: source})."""
    for cell in nb["cells"]:
        name = str(cell.get("id", "")).removeprefix("answer-")
        if name in answers:
            cell["source"] = answers[name]
    return nb


def make_class(dest):
    """Write a small class's submissions into dest; return what its report must rank."""
    dest = Path(dest)
    files = {
        "alice/ex05_adam.ipynb": _solution("ex05_adam"),
        "alice/ex03_adagrad.ipynb": _with(_solution("ex03_adagrad"), adagrad_step=ADAGRAD_EPS),
        "bob/ex05_adam.ipynb": _with(_solution("ex05_adam"), adam_step=EPS_INSIDE),
        "carol_ex05.ipynb": _with(_solution("ex05_adam"), adam_step=NO_BIAS,
                                  m_hat_first="M_HAT_FIRST = 0.2\n"),
        "dave-ex05-final.ipynb": _with(_solution("ex05_adam"), adam_step=T_LATE),
        "ex05_adam_erin.ipynb": _with(_solution("ex05_adam"), adam_step=IN_PLACE,
                                      no_bias_first_step="NO_BIAS_FIRST_STEP = 1.0\n"),
        "frank/ex05_adam.ipynb": _with(_solution("ex05_adam"), adam_step=EPS_INSIDE),
        "ex05_adam (1).ipynb": json.loads(
            (ROOT / "exercises" / "ex05_adam.ipynb").read_text(encoding="utf-8")),
    }
    for name, nb in files.items():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        (dest / name).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    (dest / "gina_ex05.ipynb").write_text("{ not json", encoding="utf-8")
    return [("eps_inside_root", "3"), ("bias_corrected_anyway", "1"), ("in_place_update", "1"),
            ("m_not_m_hat", "1"), ("no_bias_correction", "1"), ("t_not_incremented", "1")]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    expected = make_class(tmp / "submissions")
    out = tmp / "out"
    out.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "adamedu.course.grade", str(tmp / "submissions"), "--out",
         str(out / "gradebook.csv"), "--report", str(out / "report.html"), "-j", "2",
         "--seed", "1", "--exercises", str(ROOT / "exercises")],
        check=False, capture_output=True, text=True, cwd=tmp, env=env, timeout=600)
    assert proc.returncode == 1, proc.stderr  # gina's file is not a notebook
    return out, expected


def test_the_gradebook_has_one_row_per_student(graded):
    out, _ = graded
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["student"], r["ex03_adagrad"], r["ex05_adam"], r["total"]) for r in rows] == [
        ("alice", "4", "10", "14"), ("bob", "", "4", "4"), ("carol", "", "3", "3"),
        ("dave", "", "4", "4"), ("erin", "", "3", "3"), ("frank", "", "4", "4"),
        ("gina", "", "", ""), ("ex05_adam (1).ipynb", "", "0", "0")]  # not graded: no total
    assert "not graded: not a notebook" in rows[6]["flags"]
    assert rows[3]["lost"] == "adam_step 0/6 (t_not_incremented)"


def test_the_report_in_chromium_offline(graded, page):
    out, expected = graded
    requests, errors = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def block(route):
        if not route.request.url.startswith("file://"):
            requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()
    page.route("**/*", block)
    page.goto((out / "report.html").as_uri())
    assert page.title() == "adamedu class report"
    assert page.locator("h1").inner_text() == "Class report"
    assert page.locator("svg[role=img]").count() == 2
    table = page.locator("h2:has-text('Mistakes') + table tbody tr")
    ranked = [(table.nth(i).locator("td").nth(0).inner_text(),
               table.nth(i).locator("td").nth(1).inner_text()) for i in range(table.count())]
    assert ranked == expected
    hint = table.nth(0).locator("td").nth(3).inner_text()
    assert hint.startswith("compare where eps enters your denominator")
    assert "gina_ex05.ipynb" in page.locator("h2:has-text('Not graded') + table").inner_text()
    box = page.locator("main").bounding_box()
    assert box["width"] <= 1400 and box["height"] > 300
    assert requests == [] and errors == []
    if os.environ.get("ADAMEDU_REPORT_SCREENSHOT"):  # how docs/report.png is made
        page.set_viewport_size({"width": 1000, "height": 800})
        page.screenshot(path=os.environ["ADAMEDU_REPORT_SCREENSHOT"], full_page=True)
