"""Fixtures for the real-browser tests: a private JupyterLab and headless Chromium.

The tests need Debian's `chromium` (/usr/bin/chromium) and the `playwright` Python
package (its own browser download is not used). Without them the tests are skipped,
unless ADAMEDU_REQUIRE_BROWSER=1 (set by .ci/run), which turns the skip into a failure.
Screenshots of failing tests go to tests/browser/screenshots/ (ignored by git).
"""
import importlib
import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from lab_server import LabServer

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
REQUIRED = os.environ.get("ADAMEDU_REQUIRE_BROWSER") == "1"


def _missing():
    """Why the browser tests cannot run here, or None."""
    reasons = []
    if shutil.which("chromium") is None:
        reasons.append("no `chromium` on PATH (apt-get install -y chromium)")
    try:
        importlib.import_module("playwright.sync_api")
    except ImportError:
        reasons.append("the `playwright` package is not installed (pip install playwright)")
    return "; ".join(reasons) or None


@pytest.fixture(scope="session")
def browser():
    reason = _missing()
    if reason:
        message = f"browser tests need Chromium and Playwright: {reason}"
        if REQUIRED:
            pytest.fail(f"{message} (required because ADAMEDU_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def lab(browser, tmp_path_factory):
    """A JupyterLab serving a temporary folder (lessons are copied in, never changed)."""
    root = tmp_path_factory.mktemp("lab")
    with LabServer(root) as server:
        yield server


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{request.node.name}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot saved to {path}")
    context.close()
