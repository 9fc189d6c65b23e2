"""The offline book in a real browser: headless Chromium with the network blocked.

Builds the site, opens two lesson pages from file://, and checks that MathJax typeset the
math from the local copy, that every figure loaded and fits the column, and that nothing
was fetched from the network. Screenshots for review go to build/screenshots/.

Uses the session's headless Chromium from conftest.py (Debian's `chromium` through
Playwright; skipped with the reason when missing, unless ADAMEDU_REQUIRE_BROWSER=1).
"""
import importlib.util
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SCREENSHOTS = ROOT / "build" / "screenshots"


def load_builder():
    spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def richest_lessons(n=2):
    """The n lessons with the most math and figures: the hardest pages to render."""
    def weight(path):
        nb = nbformat.read(path, as_version=4)
        math = sum(c.source.count("$") for c in nb.cells if c.cell_type == "markdown")
        figures = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.outputs
                      if "image/png" in o.get("data", {}))
        return math + 20 * figures
    return sorted(LESSONS, key=weight, reverse=True)[:n]


def figures_in(nb_path):
    """Images the page shows at least: PNG/JPEG outputs (widget stills too), animations."""
    nb = nbformat.read(nb_path, as_version=4)
    outputs = [o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    return sum(1 for d in outputs if {"image/png", "image/jpeg"} & set(d)) + \
        sum(1 for d in outputs if 'class="animation"' in str(d.get("text/html", "")))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not LESSONS:
        pytest.skip("notebooks/ holds no lessons yet, so there is no book to open")
    out = tmp_path_factory.mktemp("site")
    _, warnings = load_builder().build(ROOT, out)
    assert not warnings, "the build found problems:\n" + "\n".join(warnings)
    return out


def open_offline(browser, url):
    """Open a page with every non-local request aborted; return the page and the log."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    log = {"remote": [], "failed": [], "errors": []}

    def route(r):
        host = urlsplit(r.request.url).hostname
        local = r.request.url.startswith(("file:", "data:", "blob:"))
        if local or host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            log["remote"].append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("requestfailed", lambda r: log["failed"].append(r.url))
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on("console", lambda m: m.type == "error" and log["errors"].append(m.text))
    page.goto(url, wait_until="load")
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise",
                           timeout=20_000)
    page.evaluate("MathJax.startup.promise")
    return context, page, log


def test_two_lessons_render_math_and_figures_offline(browser, site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("site_*.png"):
        old.unlink()
    for nb in richest_lessons():
        html_file = site / "notebooks" / f"{nb.stem}.html"
        context, page, log = open_offline(browser, html_file.as_uri())
        try:
            page.screenshot(path=str(SCREENSHOTS / f"site_{nb.stem}.png"), full_page=True)
            markdown = "\n".join(page.locator(".jp-RenderedMarkdown").all_inner_texts())
            if "$" in "".join(c.source for c in nbformat.read(nb, as_version=4).cells
                              if c.cell_type == "markdown"):
                assert page.locator("mjx-container").count() > 0, f"{nb.name}: no typeset math"
            assert "$$" not in markdown and not re.search(r"\$[^$\s][^$]*\$", markdown), \
                f"{nb.name}: raw TeX left on the page"
            assert page.locator("mjx-merror").count() == 0, f"{nb.name}: a TeX error"
            images = page.evaluate("""() => {
                const col = document.querySelector('main').getBoundingClientRect().width;
                return [...document.querySelectorAll('main img')].map(img => ({
                    src: img.getAttribute('src') || '',
                    loaded: img.complete && img.naturalWidth > 0,
                    width: img.getBoundingClientRect().width, col}));
            }""")
            # (tests/test_site.py counts them exactly; here: all there and all loaded)
            assert len(images) >= figures_in(nb), f"{nb.name}: figures missing from the page"
            for img in images:
                assert img["loaded"], f"{nb.name}: image did not load: {img['src'][:80]}"
                assert 0 < img["width"] <= img["col"] + 1, \
                    f"{nb.name}: figure wider than the column"
            assert not log["remote"], f"{nb.name} asked the network for {log['remote']}"
            assert not log["failed"], f"{nb.name}: failed requests {log['failed']}"
            assert not log["errors"], f"{nb.name}: errors {log['errors']}"
        finally:
            context.close()


def test_home_page_lists_the_lessons_offline(browser, site):
    context, page, log = open_offline(browser, (site / "index.html").as_uri())
    try:
        page.screenshot(path=str(SCREENSHOTS / "site_index.png"), full_page=True)
        assert page.locator(".syllabus li").count() == len(LESSONS)
        page.locator(".syllabus a.lesson-title").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith(f"notebooks/{LESSONS[0].stem}.html")
        assert not log["remote"] and not log["failed"] and not log["errors"], log
    finally:
        context.close()
