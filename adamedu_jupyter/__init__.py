"""The course's Jupyter behaviour, installed with the course.

`pip install -r requirements.txt` (or `pip install adamedu`) installs this package and two
configuration files into the environment, so a plain `jupyter lab` there (Binder, a
JupyterHub image, a learner's own launch) behaves like the README's launch:

- `{sys.prefix}/etc/jupyter/jupyter_server_config.d/adamedu_jupyter.json` enables this
  Jupyter server extension, which registers `saved.pre_save_hook` with the contents
  manager: every saved notebook keeps each explorer's still picture (with a note that
  running the cell brings the sliders back) instead of a widget view that shows "Error
  displaying widget: model not found" once the kernel is gone. The same file turns off
  the server's news feed and update checks (`LabApp.news_url`,
  `LabApp.check_for_updates_class`).
- `{sys.prefix}/share/jupyter/lab/settings/overrides.json` sets JupyterLab's default for
  news and update notifications to off, so the first launch asks nothing (a learner can
  switch them on in Settings).

When the server's root hides the course's `exercises/` (JupyterLab started inside
`notebooks/`), the extension says so in the server's log; the welcome notebook explains
it to the learner beside the links.
"""
from pathlib import Path

from adamedu_jupyter.saved import keep_stills, pre_save_hook

__all__ = ["keep_stills", "pre_save_hook"]


def _jupyter_server_extension_points():
    return [{"module": "adamedu_jupyter"}]


def root_hides_the_course(root):
    """The course folder above `root` whose `exercises/` the root hides, or None."""
    root = Path(root).resolve()
    for folder in root.parents:
        if (folder / "exercises").is_dir() and (folder / "notebooks").is_dir():
            return folder if (folder / "notebooks") in (root, *root.parents) else None
    return None


def _load_jupyter_server_extension(serverapp):
    serverapp.contents_manager.register_pre_save_hook(pre_save_hook)
    course = root_hides_the_course(serverapp.root_dir)
    if course is not None:
        serverapp.log.warning(
            "adamedu: JupyterLab's root is %s, inside the course, so the links to the "
            "exercises and solutions cannot open. Start JupyterLab from the course "
            "folder instead: cd %s && jupyter lab", serverapp.root_dir, course)
