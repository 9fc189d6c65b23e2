"""Driving a notebook in JupyterLab from Playwright, shared by the browser tests."""


def open_and_run_all(page, lab, notebook):
    page.goto(lab.url(notebook) + "&reset")  # a fresh workspace: only this notebook open
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext")
    page.evaluate("""async () => {
        const panel = window.jupyterapp.shell.currentWidget;
        await panel.context.ready;
        await panel.sessionContext.ready;
        const ok = await window.jupyterapp.commands.execute("notebook:run-all-cells");
        if (!ok) throw new Error("a cell failed while running all cells");
    }""")
    page.wait_for_function("window.jupyterapp.shell.currentWidget.sessionContext.session"
                           ".kernel.status === 'idle'")


def save_and_reopen(page, lab, notebook):
    """Save the notebook, shut its kernel down and open it again in a new page (widget
    models and kernel gone), as a learner who closes and reopens it; wait until the
    new kernel is idle and the widget manager has tried to restore."""
    page.evaluate("""async () => {
        const panel = window.jupyterapp.shell.currentWidget;
        await panel.context.save();
        await panel.sessionContext.shutdown();
    }""")
    page.goto(lab.url(notebook) + "&reset")  # a new page: widget models and kernel are gone
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext")
    page.evaluate("""async () => {
        const panel = window.jupyterapp.shell.currentWidget;
        await panel.context.ready;
        await panel.sessionContext.ready;
    }""")
    page.wait_for_function("window.jupyterapp.shell.currentWidget.sessionContext.session"
                           ".kernel.status === 'idle'")
    page.locator(".jp-OutputArea-output").first.wait_for()
    page.wait_for_timeout(1500)  # the widget manager has restored by now
