"""A predict question in a real JupyterLab 4, answered with the keyboard only.

A small generated notebook with one `predict(...)` cell is run; the test then moves focus
to the radio buttons, picks an option with Space, tabs to the Check button and
presses it, and reads the feedback: first a wrong answer, then the right one.
"""
import nbformat
from lab_page import open_and_run_all

QUESTION = "Which is larger?"
OPTIONS = ["one", "two", "three"]


def write_quiz_notebook(folder):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "from adamedu.quiz import predict\n"
        f"predict({QUESTION!r}, {OPTIONS!r}, answer='three', why='Three is the largest.')")]
    nbformat.write(nb, folder / "quiz_check.ipynb")
    return "quiz_check.ipynb"


def tab_to(page, target, presses=6):
    """Press Tab until `target` has the focus."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if target.evaluate("(el) => el === document.activeElement"):
            return
    raise AssertionError("Tab never reached the target")


def test_predict_is_answered_with_the_keyboard(page, lab):
    open_and_run_all(page, lab, write_quiz_notebook(lab.root))
    quiz = page.locator(".adamedu-predict.widget-vbox, .adamedu-predict.jupyter-widgets").first
    quiz.wait_for()
    assert QUESTION in quiz.inner_text()
    radios = quiz.get_by_role("radio")
    assert radios.count() == len(OPTIONS)
    assert not any(radios.nth(i).is_checked() for i in range(len(OPTIONS)))
    feedback = quiz.locator(".widget-html").last

    button = quiz.get_by_role("button", name="Check")

    radios.first.focus()
    page.keyboard.press("Space")                 # choose "one"
    assert radios.first.is_checked()
    tab_to(page, button)
    page.keyboard.press("Enter")
    page.wait_for_function("(el) => el.innerText.includes('Not quite')",
                           arg=feedback.element_handle())
    assert "the answer is three. Three is the largest." in feedback.inner_text()

    radios.first.focus()
    tab_to(page, radios.nth(2))                  # to "three"
    page.keyboard.press("Space")
    assert radios.nth(2).is_checked() and not radios.first.is_checked()
    tab_to(page, button)
    page.keyboard.press("Space")
    page.wait_for_function("(el) => el.innerText.startsWith('Right')",
                           arg=feedback.element_handle())
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
