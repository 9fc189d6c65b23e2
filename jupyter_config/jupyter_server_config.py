"""JupyterLab as the course launches it (README: `jupyter lab --config=jupyter_config/...`).

- Saving a notebook keeps each widget's still picture instead of a widget view that
  would show "Error displaying widget: model not found" once the kernel is gone
  (`adamedu/widgets/saved.py`).
- No prompts unrelated to the course on first launch: no news, no update checks
  (lab-settings/overrides.json sets the defaults; the learner can still change them).
- The whole course folder is JupyterLab's root, so links between lessons and exercises work.
"""
import importlib.util
from pathlib import Path

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# loaded by path: the server needs this one function, not the whole adamedu package
_spec = importlib.util.spec_from_file_location("adamedu_saved",
                                               ROOT / "adamedu" / "widgets" / "saved.py")
_saved = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_saved)



class CourseContentsManager(AsyncLargeFileManager):
    """Jupyter's default contents manager, keeping widgets' still pictures on save."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.register_pre_save_hook(_saved.pre_save_hook)


c = get_config()
c.ServerApp.root_dir = str(ROOT)
c.ServerApp.contents_manager_class = CourseContentsManager
c.LabApp.app_settings_dir = str(HERE / "lab-settings")
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
