"""Committed notebooks open unmodified and reopen without widget errors.

JupyterLab rewrites a notebook's kernelspec and language_info to what the running kernel
reports, which marks the tab modified (and autosave rewrites the file) before the
learner does anything; and a widget view whose model is gone shows "Error displaying
widget: model not found". The browser test opens notebooks for real; this checks every
committed one against the pinned kernel and `adamedu_jupyter.saved`.
"""
from pathlib import Path

import nbformat
import pytest
from ipykernel.ipkernel import IPythonKernel
from jupyter_client.kernelspec import KernelSpecManager

from adamedu_jupyter.saved import WIDGET_VIEW, is_still_note, keep_stills

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.relative_to(ROOT).as_posix() for folder in ("notebooks", "exercises",
                                                                  "solutions")
                   for p in (ROOT / folder).glob("*.ipynb"))


def test_there_are_notebooks_to_check():
    assert any(n.startswith("exercises/") for n in NOTEBOOKS)
    assert any(n.startswith("solutions/") for n in NOTEBOOKS)
    assert any(n.startswith("notebooks/") for n in NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_metadata_is_what_the_pinned_kernel_reports(name):
    nb = nbformat.read(ROOT / name, as_version=4)
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert nb.metadata.kernelspec == {"display_name": spec.display_name,
                                      "language": spec.language, "name": "python3"}
    assert nb.metadata.language_info == IPythonKernel.language_info
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5)  # cell ids: none to add on opening
    assert all("id" in cell for cell in nb.cells)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_widget_view_without_its_saved_model(name):
    nb = nbformat.read(ROOT / name, as_version=4)
    before = nbformat.writes(nb)
    assert keep_stills(nb) == 0, "run tools/execute_notebooks.py on it"
    assert nbformat.writes(nb) == before


def output(data, model="m1"):
    return {"output_type": "display_data", "metadata": {},
            "data": {WIDGET_VIEW: {"model_id": model, "version_major": 2, "version_minor": 0},
                     **data}}


def notebook(outputs, state=None):
    nb = {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": outputs}],
          "metadata": {}}
    if state is not None:
        nb["metadata"]["widgets"] = {
            "application/vnd.jupyter.widget-state+json": {"state": state}}
    return nb


def test_keep_stills_keeps_the_picture_or_html_and_drops_the_view():
    explorer = output({"image/png": "iVBOR", "text/plain": "Adam ..."})
    quiz = output({"text/html": "<b>Which?</b>", "text/plain": "quiz"}, "m2")
    nb = notebook([explorer, quiz], state={"m1": {}, "m2": {}})
    assert keep_stills(nb) == 2
    outputs = nb["cells"][0]["outputs"]
    assert [sorted(o["data"]) for o in outputs] == [
        ["image/png", "text/plain"], ["text/markdown", "text/plain"],  # the still, its note
        ["text/html", "text/plain"]]
    assert [is_still_note(o) for o in outputs] == [False, True, False]
    assert "run this cell to bring back its sliders" in outputs[1]["data"]["text/plain"]
    assert "widgets" not in nb["metadata"]
    assert keep_stills(nb) == 0 and len(nb["cells"][0]["outputs"]) == 3  # once only


def test_keep_stills_adds_its_note_as_a_notebook_node_to_an_nbformat_notebook():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
        nbformat.from_dict(output({"image/png": "iVBOR", "text/plain": "x"}))])])
    assert keep_stills(nb) == 1
    note = nb.cells[0].outputs[1]
    assert note.output_type == "display_data" and is_still_note(note)
    nbformat.validate(nb)
    assert nbformat.reads(nbformat.writes(nb), as_version=4) == nb


def test_keep_stills_keeps_a_plain_widget_whose_state_is_saved_and_prunes_the_rest():
    state = {"box": {"state": {"children": ["IPY_MODEL_child"]}}, "child": {"state": {}},
             "gone": {"state": {}}}
    nb = notebook([output({"text/plain": "VBox()"}, "box")], state=state)
    assert keep_stills(nb) == 0
    kept = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert set(kept) == {"box", "child"}


def test_keep_stills_drops_a_view_whose_model_was_not_saved():
    nb = notebook([output({"text/plain": "IntSlider(value=3)"}, "lost")])
    assert keep_stills(nb) == 1
    assert nb["cells"][0]["outputs"][0]["data"] == {"text/plain": "IntSlider(value=3)"}
