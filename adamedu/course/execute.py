"""Run a notebook top to bottom in a fresh kernel, as nbval and JupyterLab run it.

The one place that executes notebooks: `tools/execute_notebooks.py` (committed
notebooks), `tools/build_site.py --execute` (the book) and `tests/test_exercises.py`.
"""
from pathlib import Path

import nbformat
from jupyter_client import AsyncKernelManager
from nbclient import NotebookClient

from adamedu.course.harness import without_debugger

KERNEL = "python3"  # the kernelspec every committed notebook names


class _KernelManager(AsyncKernelManager):
    """Starts the kernelspec's ipykernel without its debugger (`harness.KERNEL_LAUNCHER`)."""

    def format_kernel_cmd(self, extra_arguments=None):
        return without_debugger(super().format_kernel_cmd(extra_arguments))


def execute(nb, cwd, timeout=600, record_timing=False):
    """Execute the notebook `nb` (a NotebookNode, filled in place) and return it.

    The kernel is a fresh `python3` kernel whose working folder is `cwd` (the notebook's
    own folder, so relative paths work as in JupyterLab); `timeout` is per cell, in
    seconds; `record_timing` stores each cell's start and end times in its metadata.
    A cell that raises stops the run with nbclient's `CellExecutionError`, which names
    the cell and shows the traceback. The kernel runs without ipykernel's debugger and is
    stopped at once when the last cell is done (its outputs are in by then).
    """
    NotebookClient(nb, timeout=timeout, kernel_name=KERNEL, record_timing=record_timing,
                   resources={"metadata": {"path": str(cwd)}}, shutdown_kernel="immediate",
                   kernel_manager_class=_KernelManager).execute()
    return nb


def execute_file(path, cwd=None, timeout=600, record_timing=False):
    """Read the notebook at `path`, execute it in `cwd` (default: its folder), return it.

    The file itself is not changed.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    return execute(nb, path.parent if cwd is None else cwd, timeout, record_timing)
