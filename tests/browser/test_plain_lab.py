"""The course in a plain `jupyter lab`, as Binder, a JupyterHub image built from
requirements.txt, or a learner's own launch starts it: no `--config`, fresh user settings
(a temporary HOME and Jupyter folders), started in a copy of the course folder. What the
course needs from Jupyter comes only from what `pip install -r requirements.txt` put into
the environment (the server extension adamedu_jupyter and JupyterLab's settings
overrides, from jupyter_config/).

- Lesson 01 is run, saved, its kernel shut down and the notebook reopened in a new page:
  no "Error displaying widget", every predict question's text, and every explorer's still
  picture with its note that running the cell brings the sliders back; the first launch
  shows no news or update prompt.
- Started inside `notebooks/` (which hides `exercises/`), the welcome notebook explains
  why an exercise link does nothing and how to launch instead.
"""
import html
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from lab_page import open_and_run_all, save_and_reopen
from lab_server import LabServer

from adamedu_jupyter.saved import NOTE_TEXT, WIDGET_VIEW

ROOT = Path(__file__).resolve().parents[2]
LESSON = "notebooks/01_gradient_descent.ipynb"
QUESTION = re.compile(r"<strong>Predict:</strong>\s*(.*?)</p>", re.S)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the course's notebooks, exercises and solutions."""
    root = tmp_path_factory.mktemp("course")
    for folder in ("notebooks", "exercises", "solutions"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def expected(notebook):
    """Per code cell of a committed lesson (by index): its predict questions' texts and
    whether it shows an explorer."""
    nb = nbformat.read(ROOT / notebook, as_version=4)
    cells = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            data = out.get("data", {})
            questions = [html.unescape(q) for q in QUESTION.findall(data.get("text/html", ""))]
            explorer = "explore" in cell.source and "image/png" in data
            if questions or explorer:
                cells[i] = (questions, explorer)
    return cells


# Every cell scrolled into view in turn (JupyterLab renders only the cells near the view),
# then its output text and pictures (natural widths, 0 if broken).
READ_CELLS = """async () => {
    const notebook = window.jupyterapp.shell.currentWidget.content;
    const cells = [];
    for (let i = 0; i < notebook.widgets.length; i++) {
        await notebook.scrollToItem(i, "center");
        const cell = notebook.widgets[i];
        await cell.ready;
        await new Promise((resolve) => setTimeout(resolve, 50));
        const imgs = [...cell.node.querySelectorAll(".jp-OutputArea-output img")];
        await Promise.all(imgs.map((img) => img.decode().catch(() => null)));
        const outputs = cell.node.querySelector(".jp-OutputArea");
        cells.push({text: outputs ? outputs.innerText : "",
                    images: imgs.map((img) => img.naturalWidth)});
    }
    return cells;
}"""


def no_prompt(page):
    assert page.get_by_text("get notified about", exact=False).count() == 0
    toasts = page.locator(".jp-Notification-Toast")
    assert toasts.count() == 0, toasts.all_inner_texts()


def test_a_lesson_saved_in_a_plain_jupyter_lab_reopens_with_questions_and_pictures(
        page, course):
    wanted = expected(LESSON)
    assert sum(len(q) for q, _ in wanted.values()) >= 3
    assert sum(e for _, e in wanted.values()) >= 1
    with LabServer(course, plain=True) as lab:
        open_and_run_all(page, lab, LESSON)
        page.locator(".adamedu-explorer").first.wait_for()
        no_prompt(page)
        save_and_reopen(page, lab, LESSON)
        no_prompt(page)
        cells = page.evaluate(READ_CELLS)
        assert page.locator(".adamedu-explorer").count() == 0  # no live widget now
        for i, cell in enumerate(cells):
            assert "Error displaying widget" not in cell["text"], i
            assert "model not found" not in cell["text"], i
            questions, explorer = wanted.get(i, ([], False))
            for question in questions:
                assert question in cell["text"], (i, question)
            if explorer:
                assert cell["images"] and all(cell["images"]), (i, cell["images"])
                assert NOTE_TEXT in cell["text"], i
        no_prompt(page)
        saved = nbformat.read(course / LESSON, as_version=4)
        assert not [o for c in saved.cells if c.cell_type == "code" for o in c.outputs
                    if WIDGET_VIEW in o.get("data", {})]


def test_started_inside_notebooks_the_welcome_explains_how_to_launch(page, course):
    with LabServer(course / "notebooks", plain=True) as lab:
        page.goto(lab.url("00_welcome.ipynb") + "&reset")
        page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget"
                               " && window.jupyterapp.shell.currentWidget.context")
        page.evaluate("() => window.jupyterapp.shell.currentWidget.context.ready")
        page.locator(".jp-RenderedMarkdown a").filter(has_text="ex01").wait_for()
        note = page.locator(".jp-RenderedMarkdown p").filter(has_text="If a link does nothing")
        assert note.count() == 1
        text = note.inner_text()
        assert "started inside notebooks/" in text and "README.md" in text
        assert "jupyter lab" in text
        no_prompt(page)
        assert "adamedu: JupyterLab's root is" in lab.log()  # and the terminal says so too
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
