"""Predict questions and an explorer in a real JupyterLab 4, driven with the keyboard only.

Two small generated notebooks are run, each in a fresh page: two questions, and an
explorer alone (so its controls are guarded by their own widget, not by the script a
question loads into the page). Focus then starts on the notebook's active cell, as it
does after Run All, and only keys move it from there:

- Tab reaches the first question's radio group once (one Tab stop for the whole group),
  the arrow keys choose (wrapping around), Tab goes on to Check, Enter checks; the
  feedback says wrong, then right, with the letters the static answer uses.
- The explorer's surface dropdown and lr slider take arrow keys and letters.
- Throughout, JupyterLab's notebook shortcuts never see those keys: the active cell stays
  the one that holds the focused widget (focus entering a cell makes it active) and no
  cell is inserted (an arrow key would move to the next cell; A and B insert cells in
  command mode). Ctrl+S, a shortcut with a modifier, still saves.
"""
import nbformat
from lab_page import open_and_run_all

OPTIONS = ["one", "two", "three"]


def write_keyboard_notebook(folder):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from adamedu.quiz import predict\n"
            f"predict('Which is larger?', {OPTIONS!r}, answer='three', "
            "why='Three is the largest.')"),
        nbformat.v4.new_code_cell(
            "predict('Which is smaller?', ['ten', 'two'], answer='two', why='Two is.')"),
    ]
    nbformat.write(nb, folder / "quiz_keys.ipynb")
    return "quiz_keys.ipynb"


def write_explorer_notebook(folder):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell(
            "# NBVAL_IGNORE_OUTPUT\nfrom adamedu.widgets import explore\n"
            "explore('adam', surface='quadratic', lr=0.1)"),
        nbformat.v4.new_code_cell("y = 2"),
    ]
    nbformat.write(nb, folder / "explorer_keys.ipynb")
    return "explorer_keys.ipynb"


def start_on_first_cell(page):
    """Where Run All leaves the learner: on a cell, in command mode."""
    page.evaluate("""() => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        nb.activeCellIndex = 0; nb.mode = 'command'; nb.activeCell.node.focus();
    }""")


def notebook_state(page):
    """The active cell's index and the number of cells: what notebook shortcuts change."""
    return page.evaluate("""() => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        return [nb.activeCellIndex, nb.widgets.length];
    }""")


def focused(page):
    return page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")


def tab_to(page, target, presses=12, key="Tab"):
    """Press Tab (or `key`) until `target` has the focus; return how many presses it took."""
    for n in range(1, presses + 1):
        page.keyboard.press(key)
        if target.evaluate("(el) => el === document.activeElement"):
            return n
    raise AssertionError(f"Tab never reached the target; focus is on {focused(page)}")


def test_questions_work_from_the_keyboard_without_moving_the_notebook(page, lab):
    open_and_run_all(page, lab, write_keyboard_notebook(lab.root))
    quizzes = page.locator(".adamedu-predict fieldset")
    quizzes.nth(1).wait_for()
    first = page.locator(".adamedu-predict").filter(has_text="Which is larger?").first
    radios = first.get_by_role("radio")
    assert radios.count() == len(OPTIONS)
    assert [radios.nth(i).evaluate("(el) => el.parentElement.innerText.trim()")
            for i in range(3)] == ["(a) one", "(b) two", "(c) three"]
    assert first.get_by_role("group", name="Predict: Which is larger?").count() == 1
    check = first.get_by_role("button", name="Check")
    feedback = first.get_by_role("status")

    start_on_first_cell(page)
    state = notebook_state(page)

    tab_to(page, radios.first)                   # the group: its first radio
    page.keyboard.press("ArrowDown")             # chooses (b)
    assert radios.nth(1).is_checked() and notebook_state(page) == state
    page.keyboard.press("ArrowDown")             # (c)
    page.keyboard.press("ArrowDown")             # wraps round to (a)
    assert radios.first.is_checked()
    for letter in ("a", "b", "j", "k"):          # command-mode shortcuts, all ignored here
        page.keyboard.press(letter)
    assert notebook_state(page) == state
    assert tab_to(page, check) == 1              # one Tab stop for the whole group
    page.keyboard.press("Enter")
    page.wait_for_function("(el) => el.innerText.includes('Not quite')",
                           arg=feedback.element_handle())
    assert "you chose (a) one; the answer is (c) three. Three is the largest." \
        in feedback.inner_text()

    page.keyboard.press("Shift+Tab")             # back to the group, on the chosen radio
    assert radios.first.evaluate("(el) => el === document.activeElement")
    page.keyboard.press("ArrowUp")               # (c)
    assert radios.nth(2).is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.wait_for_function("(el) => el.innerText.startsWith('Right: (c) three.')",
                           arg=feedback.element_handle())
    assert notebook_state(page) == state
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")


def test_explorer_controls_work_from_the_keyboard_without_moving_the_notebook(page, lab):
    open_and_run_all(page, lab, write_explorer_notebook(lab.root))
    surface = page.locator(".adamedu-surface select")
    surface.wait_for()
    start_on_first_cell(page)
    tab_to(page, surface, presses=20)
    state = notebook_state(page)
    assert state == [1, 3]                       # focus made the explorer's cell active
    before = surface.input_value()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("b")                     # "insert cell below" in command mode
    assert surface.input_value() != before
    assert notebook_state(page) == state
    lr = page.locator(".adamedu-lr [role=slider], .adamedu-lr .noUi-handle").first
    tab_to(page, lr, key="Shift+Tab")            # back to the optimizer's own sliders
    readout = page.locator(".adamedu-readout").first
    old = readout.inner_text()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("([el, old]) => el.innerText !== old",
                           arg=[readout.element_handle(), old])
    page.keyboard.press("ArrowDown")
    assert notebook_state(page) == state

    # a shortcut with a modifier still reaches JupyterLab: Ctrl+S saves
    assert page.evaluate("window.jupyterapp.shell.currentWidget.context.model.dirty")
    page.keyboard.press("Control+s")
    page.wait_for_function("!window.jupyterapp.shell.currentWidget.context.model.dirty")
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
