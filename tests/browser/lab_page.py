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
