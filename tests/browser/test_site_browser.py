"""The offline book in a real browser: headless Chromium with the network blocked.

Uses the book built once per session (tests/conftest.py), opens lesson pages from
file://, and checks that MathJax typeset the math from the local copy, that every figure
loaded and fits the column, that nothing was fetched from the network, and that the live
explorers work from the keyboard (a slider move changes the path and prints the kernel
explorer's readout) and animate. Screenshots for review go to build/screenshots/.

Uses the session's headless Chromium from conftest.py (Debian's `chromium` through
Playwright; skipped with the reason when missing, unless ADAMEDU_REQUIRE_BROWSER=1).
"""
import importlib.util
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SCREENSHOTS = ROOT / "build" / "screenshots"


def load_builder():
    if "build_site" not in sys.modules:
        spec = importlib.util.spec_from_file_location("build_site",
                                                      ROOT / "tools" / "build_site.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["build_site"]


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
def site(built_site):
    out, warnings = built_site
    assert not warnings, "the build found problems:\n" + "\n".join(warnings)
    return out


def open_offline(browser, url, reduced_motion="no-preference"):
    """Open a page with every non-local request aborted; return the page and the log."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  reduced_motion=reduced_motion)
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
    if page.locator("script[src*='mathjax']").count():  # only pages with maths load it
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise",
                               timeout=20_000)
        page.evaluate("MathJax.startup.promise")
    page.evaluate("window.adamedu ? adamedu.ready : null")  # live explorers drawn
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
                    shown: !img.closest('[hidden]'),
                    width: img.getBoundingClientRect().width, col}));
            }""")
            # (tests/test_site.py counts them exactly; here: all there and all loaded)
            assert len(images) >= figures_in(nb), f"{nb.name}: figures missing from the page"
            for img in images:
                assert img["loaded"], f"{nb.name}: image did not load: {img['src'][:80]}"
                if not img["shown"]:  # a still image the live explorer replaced
                    continue
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


# -- live explorers ----------------------------------------------------------------------------

def explorer_cell(kind):
    """(notebook, cell, call) of the first lesson cell opening an explorer of this kind."""
    load_builder()
    explorer_data = sys.modules["explorer_data"]  # tools/explorer_data.py, loaded by the builder
    for nb_path in LESSONS:
        for cell in nbformat.read(nb_path, as_version=4).cells:
            call = explorer_data.explorer_call(cell.source) if cell.cell_type == "code" else None
            if call and call[0] == kind:
                return nb_path, cell, call
    pytest.skip(f"no lesson opens {kind}(...)")


def kernel_explorer(call):
    from adamedu import widgets
    name, args, kwargs = call
    return getattr(widgets, name)(*args, **kwargs)


def test_a_slider_moved_with_the_keyboard_redraws_and_prints_the_explorers_readout(browser, site):
    nb, cell, call = explorer_cell("explore")
    url = (site / "notebooks" / f"{nb.stem}.html").as_uri()
    context, page, log = open_offline(browser, url, reduced_motion="reduce")
    try:
        figure = page.locator(f"#live-{cell.id}")
        assert figure.is_visible() and not page.locator(f"#still-{cell.id}").is_visible()
        data = load_builder().read_data_script(
            site / "_static" / "explorers" / f"{figure.get_attribute('data-explorer')}.js")
        path = figure.locator(".live-plot svg polyline").first
        readout = figure.locator(".live-readout")
        before, before_text = path.get_attribute("points"), readout.inner_text()
        assert before.count(",") >= 2   # a path of at least two drawn points
        slider = figure.locator("input.live-slider").first      # lr of the first optimizer
        slider.focus()
        for _ in range(3):
            page.keyboard.press("ArrowLeft")
        optimizer = data["optimizers"][0]
        lr_slider = optimizer["sliders"][0]
        index = int(slider.input_value())
        assert index == lr_slider["start"] - 3
        assert slider.get_attribute("aria-valuetext") == lr_slider["labels"][index]
        assert path.get_attribute("points") != before
        assert readout.inner_text() != before_text
        ex = kernel_explorer(call)
        ex.set(**{optimizer["name"]: {"lr": lr_slider["values"][index]}})
        assert readout.inner_text().splitlines() == ex.readout
        if len(optimizer["sliders"]) == 3:   # beta1 and beta2 move one at a time
            beta1, beta2 = (figure.locator("input.live-slider").nth(k) for k in (1, 2))
            beta1.focus()
            page.keyboard.press("Home")
            beta2.focus()
            page.keyboard.press("ArrowLeft")
            b1, b2 = optimizer["sliders"][1:]
            assert int(beta1.input_value()) == b1["start"]
            assert "beta1 went back to" in figure.locator(".live-note").inner_text()
            ex.set(**{optimizer["name"]: {"beta1": b1["values"][b1["start"]],
                                          "beta2": b2["values"][int(beta2.input_value())]}})
            assert readout.inner_text().splitlines() == ex.readout
        assert not log["remote"] and not log["failed"] and not log["errors"], log
    finally:
        context.close()


def test_play_unfolds_the_paths_step_by_step(browser, site):
    nb, cell, _ = explorer_cell("explore_counterexample")
    url = (site / "notebooks" / f"{nb.stem}.html").as_uri()
    context, page, log = open_offline(browser, url, reduced_motion="reduce")
    try:
        figure = page.locator(f"#live-{cell.id}")
        step = figure.locator("input.live-step")
        figure.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        last = int(step.get_attribute("max"))
        assert int(step.input_value()) == last, "no autoplay when motion is unwelcome"
        button = figure.locator("button.live-play")
        button.focus()
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-pressed") == "true"
        seen = []
        for _ in range(3):
            page.wait_for_timeout(400)
            band = figure.locator(".live-plot svg polyline").first.get_attribute("points")
            seen.append((int(step.input_value()), len(band.split())))
        assert [s for s, _ in seen] == sorted({s for s, _ in seen}), \
            f"frames did not advance: {seen}"
        assert seen[0][0] < seen[-1][0] and seen[0][1] < seen[-1][1], seen
        page.keyboard.press("Enter")                     # pause
        assert button.get_attribute("aria-pressed") == "false"
        paused = int(step.input_value())
        page.wait_for_timeout(300)
        assert int(step.input_value()) == paused
        assert not log["remote"] and not log["failed"] and not log["errors"], log
    finally:
        context.close()


def test_a_live_explorer_unfolds_once_when_it_comes_into_view(browser, site):
    nb, cell, _ = explorer_cell("explore")
    url = (site / "notebooks" / f"{nb.stem}.html").as_uri()
    context, page, log = open_offline(browser, url)
    try:
        figure = page.locator(f"#live-{cell.id}")
        step = figure.locator("input.live-step")
        figure.scroll_into_view_if_needed()
        page.wait_for_function("(s) => s.value !== s.max && +s.value > 0",
                               arg=step.element_handle())
        assert figure.locator("button.live-play").get_attribute("aria-pressed") == "true"
        assert not log["remote"] and not log["failed"] and not log["errors"], log
    finally:
        context.close()


def test_without_scripts_the_still_image_and_its_readout_stand_in(browser, site):
    context = browser.new_context(java_script_enabled=False)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                  else r.abort())
    page = context.new_page()
    try:
        for nb, cell, _ in all_explorer_cells():
            page.goto((site / "notebooks" / f"{nb.stem}.html").as_uri(), wait_until="load")
            assert page.locator(f"#still-{cell.id} img").is_visible()
            assert not page.locator(f"#live-{cell.id}").is_visible()
            data = data_for(site, page.locator(f"#live-{cell.id}"))
            readout = page.locator(f"#still-{cell.id} .still-readout")
            assert readout.is_visible() and readout.inner_text().splitlines() == data["readout"]
            size = readout.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
            assert size >= 12, f"{nb.name}: the text readout is {size} px"
    finally:
        context.close()


# -- every explorer: true paths, live controls; every page on a phone ------------------------

def all_explorer_cells():
    """(notebook, cell, call) of every lesson cell that opens an explorer."""
    load_builder()
    explorer_data = sys.modules["explorer_data"]
    found = []
    for nb_path in LESSONS:
        for cell in nbformat.read(nb_path, as_version=4).cells:
            call = explorer_data.explorer_call(cell.source) if cell.cell_type == "code" else None
            if call:
                found.append((nb_path, cell, call))
    return found


def data_for(site, figure):
    return load_builder().read_data_script(
        site / "_static" / "explorers" / f"{figure.get_attribute('data-explorer')}.js")


def open_kernel(call):
    from adamedu import widgets
    name, args, kwargs = call
    return getattr(widgets, name)(*args, **kwargs)


def polyline_length(points):
    xy = np.array([[float(v) for v in p.split(",")] for p in points.split()] or [[0, 0]])
    return float(np.hypot(*np.diff(xy, axis=0).T).sum())


def true_length(xs, ys, box, q, clip):
    """A curve's length in the page's pixels: its values in 1/q of the box, clipped as
    the data stores them."""
    x = box[0] + (box[2] - box[0]) * np.clip(xs, *clip) / q
    y = box[3] - (box[3] - box[1]) * np.clip(ys, *clip) / q
    return float(np.hypot(np.diff(x), np.diff(y)).sum())


def test_every_explorer_draws_its_true_path(browser, site):
    """The drawn paths (and loss curves) are as long as the runs' true paths, within 1 %:
    no turn is left out (the counterexample's x_t is a min/max band per pixel column,
    checked in tests/test_site.py)."""
    from adamedu import surfaces
    load_builder()
    encode = sys.modules["explorer_encode"]
    checked = 0
    for nb, cell, call in all_explorer_cells():
        if call[0] == "explore_counterexample":
            continue
        url = (site / "notebooks" / f"{nb.stem}.html").as_uri()
        context, page, log = open_offline(browser, url, reduced_motion="reduce")
        try:
            figure = page.locator(f"#live-{cell.id}")
            data = data_for(site, figure)
            boxes, q = data["layouts"]["wide"]["boxes"], data["q"]
            ex = open_kernel(call)
            if call[0] == "explore":
                s = surfaces.get(ex.values["surface"])
                for i, traj in enumerate(ex.trajectories):
                    drawn = polyline_length(
                        figure.locator("polyline.live-path").nth(i).get_attribute("points"))
                    xs = (traj.points[:, 0] - s.xlim[0]) / (s.xlim[1] - s.xlim[0]) * q
                    ys = (traj.points[:, 1] - s.ylim[0]) / (s.ylim[1] - s.ylim[0]) * q
                    true = true_length(xs, ys, boxes["path"], q, encode.CLIP)
                    if true > 5:
                        assert abs(drawn / true - 1) < 0.01, (nb.name, traj.label, drawn, true)
                        checked += 1
            else:
                low, high = np.log10([1e-6, 1e2])
                for i, run in enumerate(ex.runs):
                    drawn = polyline_length(
                        figure.locator("polyline.live-loss").nth(i).get_attribute("points"))
                    ts = np.arange(len(run.losses)) / (len(run.losses) - 1) * q
                    ls = (np.log10(np.clip(run.losses, 1e-6, 1e2)) - low) / (high - low) * q
                    true = true_length(ts, ls, boxes["loss"], q, encode.CLIP)
                    assert abs(drawn / true - 1) < 0.01, (nb.name, run.label, drawn, true)
                    checked += 1
            assert not log["errors"], log
        finally:
            context.close()
    assert checked >= 10


def test_every_control_is_live_and_prints_the_kernel_readout(browser, site):
    """Each control of each explorer, moved from the keyboard, redraws and prints the
    readout the kernel explorer prints for the same values."""
    moved = 0
    for nb, cell, call in all_explorer_cells():
        url = (site / "notebooks" / f"{nb.stem}.html").as_uri()
        context, page, log = open_offline(browser, url, reduced_motion="reduce")
        try:
            figure = page.locator(f"#live-{cell.id}")
            data = data_for(site, figure)
            ex = open_kernel(call)
            groups = ([o["sliders"] for o in data["optimizers"]] if data["kind"] == "surface"
                      else [data["sliders"]])
            readout = figure.locator(".live-readout")
            for g, sliders in enumerate(groups):
                for s in sliders:
                    control = figure.locator(f"#live-{cell.id}-{g}-{s['key']}")
                    before = readout.inner_text()
                    control.focus()
                    if s.get("toggle"):
                        page.keyboard.press("Space")
                        index = 1 - s["start"]
                    else:
                        index = s["start"] - 1 if s["start"] > 0 else s["start"] + 1
                        page.keyboard.press("ArrowLeft" if s["start"] > 0 else "ArrowRight")
                        assert int(control.input_value()) == index
                    value = s["values"][index]
                    if data["kind"] == "surface":
                        ex.set(**{data["optimizers"][g]["name"]: {s["key"]: value}})
                    elif data["kind"] == "online":
                        ex.set(**{s["key"]: value})
                    else:
                        ex.set(sigma=value)
                    assert readout.inner_text().splitlines() == ex.readout, (nb.name, s["key"])
                    assert readout.inner_text() != before or s["key"] == "eps", (nb.name, s["key"])
                    # back to the lesson's value, in the page and in the kernel
                    page.keyboard.press("Space" if s.get("toggle") else
                                        "ArrowRight" if s["start"] > 0 else "ArrowLeft")
                    start = s["values"][s["start"]]
                    if data["kind"] == "surface":
                        ex.set(**{data["optimizers"][g]["name"]: {s["key"]: start}})
                    elif data["kind"] == "online":
                        ex.set(**{s["key"]: start})
                    else:
                        ex.set(sigma=start)
                    assert readout.inner_text().splitlines() == ex.readout
                    moved += 1
            assert not log["remote"] and not log["failed"] and not log["errors"], log
        finally:
            context.close()
    assert moved >= 20


def test_no_page_scrolls_sideways_on_a_phone(browser, site):
    """At 360 CSS px no page is wider than the screen; the explorers' axis text is at
    least 10 CSS px (their stacked backgrounds)."""
    context = browser.new_context(viewport={"width": 360, "height": 740},
                                  reduced_motion="reduce")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                  else r.abort())
    page = context.new_page()
    wide = []
    try:
        for html_file in sorted(site.rglob("*.html")):
            page.goto(html_file.as_uri(), wait_until="load")
            page.evaluate("window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
            page.evaluate("window.adamedu ? adamedu.ready : null")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                wide.append(f"{html_file.relative_to(site)}: {width} px")
            for img in page.locator("figure.live:not([hidden]) .live-plot img").all():
                assert "-narrow.png" in img.get_attribute("src")
                scale = img.evaluate("i => i.getBoundingClientRect().width / i.naturalWidth")
                # the backgrounds' smallest text is 9 pt at 100 dpi: 12.5 px at scale 1
                assert 12.5 * scale >= 10, f"{html_file.name}: axis text {12.5 * scale:.1f} px"
            if html_file.stem == "05_adam":
                page.screenshot(path=str(SCREENSHOTS / "site_05_adam_phone.png"), full_page=True)
    finally:
        context.close()
    assert not wide, "pages wider than a 360 px screen:\n" + "\n".join(wide)
