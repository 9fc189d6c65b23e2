"""axe-core on the offline book: no serious or critical accessibility violations.

axe-core (the npm package) is installed with npm into a temporary folder when the tests
run, never into the site or the repository, and injected into the pages by Playwright;
every network request of the pages is blocked. Checks the home page and three lessons with
live explorers, at 1280 and 360 CSS px, after MathJax and the explorers have drawn.
Skipped with the reason when npm or the registry is unavailable, unless
ADAMEDU_REQUIRE_BROWSER=1 (CI), which turns the skip into a failure.
"""
import os
import shutil
import subprocess

import pytest

AXE = "axe-core@4"
PAGES = ["index.html", "notebooks/02_noisy_gradients.html", "notebooks/05_adam.html",
         "notebooks/07_when_adam_fails.html"]
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="session")
def axe_script(tmp_path_factory):
    folder = tmp_path_factory.mktemp("axe")
    npm = shutil.which("npm")
    reason = None
    if npm is None:
        reason = "npm is not installed (apt-get install -y npm)"
    else:
        env = {**os.environ, "npm_config_cache": str(folder / ".npm-cache"),
               "npm_config_update_notifier": "false", "npm_config_fund": "false",
               "npm_config_audit": "false"}
        try:
            subprocess.run([npm, "install", "--prefix", str(folder), "--no-package-lock", AXE],
                           check=True, capture_output=True, text=True, timeout=300, env=env)
        except subprocess.CalledProcessError as err:
            reason = f"`npm install {AXE}` failed: {err.stderr.strip()[-400:]}"
        except subprocess.TimeoutExpired:
            reason = f"`npm install {AXE}` took more than 300 s"
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if reason is None and not script.is_file():
        reason = f"npm installed {AXE} without axe.min.js"
    if reason:
        if os.environ.get("ADAMEDU_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (required because ADAMEDU_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    return script


@pytest.fixture(scope="module")
def site(built_site):
    out, warnings = built_site
    assert not warnings, "the build found problems:\n" + "\n".join(warnings)
    return out


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("rel", PAGES)
def test_no_serious_or_critical_accessibility_violations(browser, site, axe_script, rel, width):
    """At a desktop's width and a phone's (where the explorers show stacked panels)."""
    if not (site / rel).is_file():
        pytest.skip(f"the book has no {rel}")
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  reduced_motion="reduce")
    asked = []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            asked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    try:
        page.goto((site / rel).as_uri(), wait_until="load")
        page.wait_for_function("!window.MathJax || (MathJax.startup && MathJax.startup.promise)")
        page.evaluate("window.MathJax ? MathJax.startup.promise : null")
        page.evaluate("window.adamedu ? adamedu.ready : null")
        page.add_script_tag(path=str(axe_script))    # inline: no request leaves the page
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found = [f"{v['impact']}: {v['id']} ({v['help']}) at "
                 f"{[n['target'] for n in v['nodes'][:3]]}"
                 for v in result["violations"] if v["impact"] in BLOCKING]
        assert not found, f"{rel}:\n" + "\n".join(found)
        assert not asked, f"{rel} asked the network for {asked}"
    finally:
        context.close()
