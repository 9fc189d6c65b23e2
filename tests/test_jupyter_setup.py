"""The course's Jupyter behaviour is installed into the environment by requirements.txt.

`./jupyter_config` (a distribution of its own, installed, not editable: setuptools'
editable installs leave data files out) puts the server configuration that enables the
extension `adamedu_jupyter` and JupyterLab's settings overrides into `sys.prefix`; CI
installs requirements.txt into a fresh venv, so these tests check that install. The
browser test tests/browser/test_plain_lab.py checks what a plain `jupyter lab` then does.
"""
import json
import logging
import sys
from pathlib import Path

import pytest

import adamedu_jupyter
from adamedu_jupyter import root_hides_the_course
from adamedu_jupyter.saved import WIDGET_VIEW, pre_save_hook

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "jupyter_config"
INSTALL = "run `pip install -r requirements.txt` (it installs ./jupyter_config)"


def data_files():
    """(where it is installed, relative to sys.prefix; its source) for each data file:
    jupyter_config/etc/... and share/... mirror the places they go."""
    listed = (SOURCE / "pyproject.toml").read_text()
    files = [(path.relative_to(SOURCE), path) for top in ("etc", "share")
             for path in sorted((SOURCE / top).rglob("*.json"))]
    assert len(files) == 2 and all(f'"{target.as_posix()}"' in listed for target, _ in files)
    return files


def test_requirements_install_the_jupyter_configuration():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    assert "./jupyter_config" in lines and "-e ./jupyter_config" not in lines


@pytest.mark.parametrize("target, source", data_files(), ids=lambda v: str(v))
def test_each_file_is_installed_into_the_environment(target, source):
    installed = Path(sys.prefix) / target
    assert installed.is_file(), f"{installed} is missing: {INSTALL}"
    assert json.loads(installed.read_text()) == json.loads(source.read_text()), INSTALL


def test_jupyter_server_enables_the_extension_and_lab_gets_the_settings():
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.extension.config import ExtensionConfigManager
    from jupyterlab.commands import get_app_dir

    assert ExtensionConfigManager(read_config_path=jupyter_config_path()).enabled(
        "adamedu_jupyter")
    overrides = json.loads((Path(get_app_dir()) / "settings" / "overrides.d" / "adamedu.json")
                           .read_text())
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}


class FakeServer:
    def __init__(self, root):
        self.root_dir = str(root)
        self.log = logging.getLogger("fake-server")
        self.hooks = []
        self.contents_manager = self

    def register_pre_save_hook(self, hook):
        self.hooks.append(hook)


def test_the_extension_registers_the_save_hook_and_warns_of_a_hidden_course(tmp_path, caplog):
    for folder in ("notebooks", "exercises", "solutions"):
        (tmp_path / folder).mkdir()
    assert adamedu_jupyter._jupyter_server_extension_points() == [{"module": "adamedu_jupyter"}]
    server = FakeServer(tmp_path)
    with caplog.at_level(logging.WARNING):
        adamedu_jupyter._load_jupyter_server_extension(server)
    assert server.hooks == [pre_save_hook] and not caplog.records
    with caplog.at_level(logging.WARNING):
        adamedu_jupyter._load_jupyter_server_extension(FakeServer(tmp_path / "notebooks"))
    assert "cannot open" in caplog.text and str(tmp_path) in caplog.text
    assert root_hides_the_course(tmp_path / "notebooks") == tmp_path
    assert root_hides_the_course(tmp_path) is None
    assert root_hides_the_course(tmp_path / "exercises") is None


def test_the_hook_keeps_stills_in_a_saved_notebook_only():
    out = {"output_type": "display_data", "metadata": {},
           "data": {WIDGET_VIEW: {"model_id": "m"}, "image/png": "iVBOR", "text/plain": "x"}}
    notebook = {"type": "notebook", "content": {"cells": [
        {"cell_type": "code", "source": "", "metadata": {}, "outputs": [out]}],
        "metadata": {}}}
    pre_save_hook(notebook, path="a.ipynb", contents_manager=None)
    assert [sorted(o["data"]) for o in notebook["content"]["cells"][0]["outputs"]] == [
        ["image/png", "text/plain"], ["text/markdown", "text/plain"]]
    text = {"type": "file", "content": "not a notebook"}
    pre_save_hook(text, path="a.txt", contents_manager=None)
    assert text == {"type": "file", "content": "not a notebook"}
