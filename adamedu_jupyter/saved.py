"""What a saved notebook keeps of a widget: the still picture, never a dangling view.

A widget output holds a *view* (``application/vnd.jupyter.widget-view+json``: the id of
a model that lives in the kernel) next to plain representations. Once the kernel is gone,
JupyterLab looks the model up in the widget state saved in the notebook's metadata;
if it is not there (JupyterLab does not save widget state by default, and the state from
an earlier run has other ids), the cell shows "Error displaying widget: model not found"
instead of the picture beside it.

`keep_stills(nb)` removes the view from every output that has a picture or HTML beside
it (the explorers' still PNG, a quiz's HTML), so the notebook shows that when reopened,
and the view of a plain widget whose model is not in the saved state (its text stays).
Views whose model the saved state holds are kept, and so is that state; without any
view left, the state is dropped. A still picture that replaces a view is followed by a
one-line note (`still_note()`, `NOTE_TEXT`): running the cell brings the sliders back.
`tools/execute_notebooks.py` applies it to every committed notebook, and this package's
server extension (`adamedu_jupyter`, enabled by the configuration `pip install` puts into
the environment) to every save made in JupyterLab. It imports nothing from the course, so
Jupyter's server loads it alone; `tools/build_site.py` takes `WIDGET_VIEW`,
`WIDGET_STATE` and `is_still_note` from here.
"""

import json
import re

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
PLAIN = ("text/plain",)
NOTE_TEXT = "A still picture of the explorer: run this cell to bring back its sliders."
# the note's output carries this in its metadata, so that tools can find it
NOTE_KEY = "adamedu_still_note"


def still_note():
    """The output placed after an explorer's still picture when its view is dropped."""
    return {"output_type": "display_data", "metadata": {NOTE_KEY: True},
            "data": {"text/markdown": f"*{NOTE_TEXT}*", "text/plain": NOTE_TEXT}}


def is_still_note(output):
    """Whether an output (a dict or nbformat node) is the note `keep_stills` adds."""
    return bool(output.get("metadata", {}).get(NOTE_KEY))


def _like(kind, value):
    """value's dicts as `kind` (an nbformat NotebookNode when the notebook is one)."""
    if isinstance(value, dict):
        return kind({key: _like(kind, item) for key, item in value.items()})
    return value


def saved_models(nb):
    """The model ids in the notebook's saved widget state."""
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {})
    return set(state.get("state", {}))


def keep_stills(nb):
    """Drop widget views that would not display from a notebook (a dict in nbformat 4's
    JSON form, or an nbformat node, changed in place), with a note after each still
    picture left in their place; returns how many views were dropped."""
    models, dropped, left = saved_models(nb), 0, 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        outputs = []
        for out in cell.get("outputs", []):
            outputs.append(out)
            data = out.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            fallback = any(key not in PLAIN and key != WIDGET_VIEW for key in data)
            if fallback or data[WIDGET_VIEW].get("model_id") not in models:
                del data[WIDGET_VIEW]
                dropped += 1
                if "image/png" in data:  # an explorer: say how to get the sliders back
                    outputs.append(_like(type(out), still_note()))
            else:
                left += 1
        if len(outputs) != len(cell.get("outputs", [])):
            cell["outputs"] = outputs
    if not left:
        nb.get("metadata", {}).pop("widgets", None)
    elif models:
        _prune_state(nb)
    return dropped


def _prune_state(nb):
    """Keep in the saved state only the models the remaining views need (a view's model
    and, through ``IPY_MODEL_<id>`` references, its children, layouts and styles)."""
    state = nb["metadata"]["widgets"][WIDGET_STATE]["state"]
    todo = [out["data"][WIDGET_VIEW]["model_id"] for cell in nb.get("cells", [])
            for out in cell.get("outputs", []) if WIDGET_VIEW in out.get("data", {})]
    needed = set()
    while todo:
        model = todo.pop()
        if model in needed or model not in state:
            continue
        needed.add(model)
        todo += re.findall(r"IPY_MODEL_([0-9a-zA-Z_-]+)", json.dumps(state[model]))
    for model in set(state) - needed:
        del state[model]


def pre_save_hook(model, **kwargs):
    """jupyter_server's `ContentsManager.pre_save_hook`: `keep_stills` on every
    notebook saved (the browser's copy keeps its live widgets)."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        keep_stills(model["content"])
