"""Start a private JupyterLab on 127.0.0.1 for the browser tests (or for a quick look).

    python tests/browser/lab_server.py FOLDER      # serves FOLDER, prints the URL, Ctrl-C stops

The server runs with the README's launch configuration (jupyter_config/; what the course
needs from Jupyter, widget views giving way to still pictures on save and no news or
update prompts, is installed into the environment by requirements.txt) and gets a random
token, a free port and its own config, settings, workspace and runtime folders (in a
temporary directory), so it neither reads nor changes the user's JupyterLab setup;
announcements and update checks are off, so it never goes online. `plain=True` starts a
plain `jupyter lab` instead (tests/browser/test_plain_lab.py).
"""
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

COURSE_CONFIG = Path(__file__).resolve().parents[2] / "jupyter_config" / "jupyter_server_config.py"
LAB_CONFIG = {
    "ServerApp": {"open_browser": False},
    "LabApp": {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
               "expose_app_in_browser": True},
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """`with LabServer(folder) as lab: page.goto(lab.url("x.ipynb"))`."""

    def __init__(self, root, startup_timeout=90, plain=False):
        """plain=True: a plain `jupyter lab` started in `root` (no --config, no settings of
        ours, a fresh HOME and Jupyter folders), as Binder or a learner launches it; what
        it does beyond Jupyter's defaults comes from what requirements.txt installed into
        the environment. Only `expose_app_in_browser` is added, for the test to drive it."""
        self.plain = plain
        self.root = Path(root).resolve()
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self._home = tempfile.TemporaryDirectory(prefix="adamedu-lab-")
        self.log_path = Path(self._home.name) / "lab.log"
        self.process = None

    def url(self, notebook=""):
        return f"http://127.0.0.1:{self.port}/lab/tree/{notebook}?token={self.token}"

    def start(self):
        home = Path(self._home.name)
        config = home / "config"
        config.mkdir()
        env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config),
               "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-m", "jupyterlab", "--LabApp.expose_app_in_browser=True",
               "--ip=127.0.0.1", f"--port={self.port}", "--port-retries=0", "--allow-root",
               "--no-browser", f"--IdentityProvider.token={self.token}"]
        if self.plain:
            (home / "home").mkdir()
            env.update(HOME=str(home / "home"), JUPYTER_DATA_DIR=str(home / "data"),
                       IPYTHONDIR=str(home / "ipython"))
            env.pop("JUPYTER_PATH", None)
            env.pop("JUPYTER_CONFIG_PATH", None)
        else:
            for name in ("jupyter_server_config.json", "jupyter_lab_config.json"):
                (config / name).write_text(json.dumps(LAB_CONFIG))
            cmd += [f"--config={COURSE_CONFIG}", f"--ServerApp.root_dir={self.root}",
                    f"--LabApp.user_settings_dir={home / 'settings'}",
                    f"--LabApp.workspaces_dir={home / 'workspaces'}"]
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + self.startup_timeout
        status = f"http://127.0.0.1:{self.port}/api/status?token={self.token}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with code {self.process.returncode}:\n"
                                   f"{self.log()}")
            try:
                with urllib.request.urlopen(status, timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer within {self.startup_timeout} s:\n"
                           f"{self.log()}")

    def log(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def stop(self):
        """Stop the server and its kernels (its own process group only)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process is not None:
            try:  # kernels are in the same group; make sure none is left behind
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._log.close()
            self.process = None
        self._home.cleanup()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with LabServer(sys.argv[1]) as lab:
        print(lab.url(), flush=True)
        try:
            lab.process.wait()
        except KeyboardInterrupt:
            pass
