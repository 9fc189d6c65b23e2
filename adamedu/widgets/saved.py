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
view left, the state is dropped. `tools/execute_notebooks.py` applies it to every
committed notebook, and the course's Jupyter configuration (jupyter_config/) to every
save made in JupyterLab. It has no dependencies, so Jupyter's server can load it alone.
"""

import json
import re

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
PLAIN = ("text/plain",)


def saved_models(nb):
    """The model ids in the notebook's saved widget state."""
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {})
    return set(state.get("state", {}))


def keep_stills(nb):
    """Drop widget views that would not display from a notebook (a dict in nbformat 4's
    JSON form, changed in place); returns how many views were dropped."""
    models, dropped, left = saved_models(nb), 0, 0
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = out.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            fallback = any(key not in PLAIN and key != WIDGET_VIEW for key in data)
            if fallback or data[WIDGET_VIEW].get("model_id") not in models:
                del data[WIDGET_VIEW]
                dropped += 1
            else:
                left += 1
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
