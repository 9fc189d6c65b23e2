"""JupyterLab as the README launches it (`jupyter lab --config=jupyter_config/...`).

The course's Jupyter behaviour (saving explorers as still pictures, no news or update
prompts) is installed into the environment with the course (`adamedu_jupyter`, a server
extension, and JupyterLab settings: see the data files in pyproject.toml, whose sources
are this folder's etc/ and share/), so a plain `jupyter lab` has it too. This file only
makes the whole course folder JupyterLab's root, whatever folder or notebook is named on
the command line, so the links between lessons, exercises and solutions work.
"""
from pathlib import Path

c = get_config()
c.ServerApp.root_dir = str(Path(__file__).resolve().parents[1])
