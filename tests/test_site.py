"""The offline book (tools/build_site.py): build the real course and check the result.

Checks every lesson and exercise has a page, every internal link and image resolves,
every figure of a notebook is on its page, nothing needed to render comes from the
network, and widget views are replaced by their still images. A second group builds tiny
made-up courses to pin down what the builder does with widgets, markers and bad links.
"""
import base64
import functools
import importlib.util
import itertools
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import numpy as np
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("ex[0-9][0-9]_*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
PNG = base64.b64encode(
    bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                  "1f15c4890000000d49444154789c6360000002000100e221bc330000"
                  "000049454e44ae426082")).decode()


def load_builder():
    """tools/build_site.py, loaded when a test first needs it (not while pytest collects)."""
    if "build_site" not in sys.modules:
        spec = importlib.util.spec_from_file_location("build_site",
                                                      ROOT / "tools" / "build_site.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules["build_site"]


def explorer_call(source):
    """tools/explorer_data.py's explorer_call (the builder loads that module)."""
    load_builder()
    return sys.modules["explorer_data"].explorer_call(source)


def pages_of(site):
    return sorted(site.rglob("*.html"))


@functools.lru_cache(maxsize=None)
def soup_of(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@functools.lru_cache(maxsize=None)
def ids_of(path):
    """The ids of a page's elements (what a link's #fragment can point at)."""
    return {el["id"] for el in soup_of(path).find_all(id=True)}


@functools.lru_cache(maxsize=None)
def notebook(path):
    """A committed notebook, read once (tests only read it)."""
    return nbformat.read(path, as_version=4)


def image_outputs(nb_path):
    """Figures a reader should see: PNG/JPEG outputs, and for a widget view with no still
    image beside it (e.g. `interact`), the images its Output widgets captured."""
    nb = notebook(nb_path)
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})

    def captured(model_id):
        model = state.get(model_id, {"model_name": "", "state": {}})
        if model["model_name"] == "OutputModel":
            return model["state"].get("outputs", [])
        return [o for child in model["state"].get("children", [])
                for o in captured(child.removeprefix("IPY_MODEL_"))]

    outputs = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_VIEW in data and not {"image/png", "image/jpeg"} & set(data):
                outputs += captured(data[WIDGET_VIEW]["model_id"])
            else:
                outputs.append(out)
    return sum(1 for out in outputs if {"image/png", "image/jpeg"} & set(out.get("data", {})))


def animation_outputs(nb_path):
    nb = notebook(nb_path)
    return sum(1 for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
               if 'class="animation"' in str(out.get("data", {}).get("text/html", "")))


# -- the real course ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(built_site):
    out, warnings = built_site
    assert not warnings, "the build found problems:\n" + "\n".join(warnings)
    return out


def test_every_lesson_and_exercise_has_a_page_in_order(site):
    for nb in LESSONS:
        assert (site / "notebooks" / f"{nb.stem}.html").is_file(), nb.name
    for nb in EXERCISES:
        assert (site / "exercises" / f"{nb.stem}.html").is_file(), nb.name
    home = soup_of(site / "index.html")
    listed = [a["href"] for a in home.select(".syllabus a.lesson-title")]
    assert listed == [f"notebooks/{nb.stem}.html" for nb in LESSONS]


def test_titles_come_from_each_notebooks_first_heading(site):
    home = soup_of(site / "index.html")
    titles = [a.get_text(" ", strip=True) for a in home.select(".syllabus a.lesson-title")]
    for nb, title in zip(LESSONS, titles):
        first = notebook(nb).cells[0].source.splitlines()[0]
        assert first.startswith("#"), f"{nb.name} does not start with a heading"
        heading = re.sub(r"^#+\s*(\d+\s*[.:]\s+)?", "", first)  # listed beside its number
        assert " ".join(re.sub(r"[*_`]", " ", heading).split()) == " ".join(title.split()), nb.name


def test_lessons_link_to_their_neighbours(site):
    for i, nb in enumerate(LESSONS):
        page = soup_of(site / "notebooks" / f"{nb.stem}.html")
        prev = page.select_one(".pager-bottom a.prev")
        nxt = page.select_one(".pager-bottom a.next")
        if i > 0:
            assert prev["href"].endswith(f"notebooks/{LESSONS[i - 1].stem}.html")
        else:
            assert prev is None
        if i + 1 < len(LESSONS):
            assert nxt["href"].endswith(f"notebooks/{LESSONS[i + 1].stem}.html")
        else:
            assert nxt is None
        assert page.select_one(".run-box code").get_text() == (
            f".venv/bin/jupyter lab --ServerApp.root_dir=. notebooks/{nb.name}")


def test_every_page_names_the_course_and_links_its_licence(site):
    for page in pages_of(site):
        footer = soup_of(page).select_one("footer")
        assert "adamedu" in footer.get_text() and "MIT" in footer.get_text(), page.name
        assert footer.find("a", href=re.compile(r"(^|/)license\.html$")), page.name
    licence = soup_of(site / "license.html").get_text()
    assert "MIT License" in licence and "CC BY 4.0" in licence and "Alpaydin" in licence


def test_every_internal_link_and_source_resolves(site):
    broken = []
    for page in pages_of(site):
        soup = soup_of(page)
        for el in soup.find_all(href=True) + soup.find_all(src=True):
            url = el.get("href") or el.get("src")
            if REMOTE.match(url) or url.startswith(("data:", "mailto:", "javascript:")):
                continue
            parts = urlsplit(url)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {url}")
            elif parts.fragment and target.suffix == ".html":
                ids = ids_of(target)  # as a browser looks: the id as written, or decoded
                if not {parts.fragment, unquote(parts.fragment)} & ids:
                    broken.append(f"{page.relative_to(site)}: {url} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_every_page_has_its_figures_and_no_broken_image(site):
    for nb in LESSONS + EXERCISES:
        page = site / nb.parent.name / f"{nb.stem}.html"
        soup = soup_of(page)
        figures = [img for img in soup.select(".jp-OutputArea img")
                   if not img.find_parent(class_="animation")]
        assert len(figures) == image_outputs(nb), nb.name
        assert len(soup.select(".animation")) == animation_outputs(nb), nb.name
        for img in figures:
            data = (page.parent / img["src"]).read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n" or data[:2] == b"\xff\xd8", img["src"]
            assert img.get("alt"), f"{nb.name}: figure without alt text"
        for img in soup.find_all("img"):
            assert img.get("src") or img.find_parent(class_="animation"), \
                f"{nb.name}: an image with nothing to show"


def test_nothing_needed_to_render_comes_from_the_network(site):
    remote = []
    for page in pages_of(site):
        soup = soup_of(page)
        for el in soup.find_all(["script", "img", "iframe", "video", "audio", "source",
                                 "embed", "object", "input"]):
            if REMOTE.match(el.get("src", "") or el.get("data", "")):
                remote.append(f"{page.relative_to(site)}: <{el.name}> {el.get('src')}")
        for el in soup.find_all("link"):
            if REMOTE.match(el.get("href", "")):
                remote.append(f"{page.relative_to(site)}: <link> {el['href']}")
        for style in soup.find_all("style"):
            remote += [f"{page.relative_to(site)}: {u}" for u in remote_css_urls(style.string)]
    for css in site.rglob("*.css"):
        remote += [f"{css.relative_to(site)}: {u}" for u in remote_css_urls(css.read_text())]
    assert not remote, "\n".join(remote)
    assert (site / "_static" / "mathjax" / "tex-svg-full.js").stat().st_size > 1_000_000


def remote_css_urls(text):
    return [u for u in re.findall(r"(?:url\(|@import)\s*['\"]?([^'\")\s;]+)", text or "")
            if REMOTE.match(u)]


def test_widget_views_are_replaced_by_their_still_images(site):
    for page in pages_of(site):
        text = page.read_text(encoding="utf-8")
        for placeholder in ("application/vnd.jupyter.widget", "Loading widget",
                            "jupyter-widgets", "Error displaying widget"):
            assert placeholder not in text, f"{page.relative_to(site)}: {placeholder}"
    for nb in LESSONS:
        page = soup_of(site / "notebooks" / f"{nb.stem}.html")
        for cell in notebook(nb).cells:
            if any(WIDGET_VIEW in o.get("data", {}) for o in cell.get("outputs", [])):
                shown = page.find(id=f"cell-id={cell.id}")
                still = (".jp-OutputArea img, "  # the explorer's still image, or the
                         ".jp-OutputArea .adamedu-predict details")  # question and answer
                assert shown is not None and shown.select(still), \
                    f"{nb.name}: a widget cell shows nothing to readers without a kernel"


def test_math_is_left_for_the_local_mathjax(site):
    for nb in LESSONS:
        text = "\n".join(c.source for c in notebook(nb).cells
                         if c.cell_type == "markdown")
        if "$" not in text:
            continue
        soup = soup_of(site / "notebooks" / f"{nb.stem}.html")
        scripts = [s.get("src", "") for s in soup.find_all("script")]
        assert "../_static/mathjax/tex-svg-full.js" in scripts
        assert "$" in soup.select_one("main").get_text(), nb.name


# -- what the builder does, on tiny made-up courses ------------------------------------------

def make_course(tmp_path, cells, exercise=True):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "exercises").mkdir()
    nbformat.write(new_notebook(cells=[new_markdown_cell("# Welcome\n\nStart here.")]),
                   tmp_path / "notebooks" / "00_welcome.ipynb")
    nbformat.write(new_notebook(cells=cells), tmp_path / "notebooks" / "01_lesson.ipynb")
    if exercise:
        nbformat.write(new_notebook(cells=[new_markdown_cell("# Exercise 1")]),
                       tmp_path / "exercises" / "ex01_lesson.ipynb")
    return tmp_path


def build(course, capsys):
    code = load_builder().main(["--root", str(course), "--out", str(course / "site"),
                            "--workers", "1"])  # a tiny course: no worker processes
    return code, soup_of(course / "site" / "notebooks" / "01_lesson.html"), capsys.readouterr()


def widget_output(with_still):
    data = {WIDGET_VIEW: {"model_id": "abc", "version_major": 2, "version_minor": 0},
            "text/plain": "VBox(children=(FloatLogSlider(value=0.1),))"}
    if with_still:
        data["image/png"] = PNG
    return new_output("display_data", data=data)


@pytest.fixture(scope="module")
def explorer_course(tmp_path_factory):
    """(folder, exit code, lesson page) of a tiny course whose lesson opens an explorer
    (with a test marker) and shows its still image, followed by a caption."""
    cell = new_code_cell('# NBVAL_IGNORE_OUTPUT\nexplore("adagrad", surface="quadratic", steps=20)',
                         outputs=[widget_output(with_still=True)])
    cells = [new_markdown_cell("# Lesson"), cell, new_markdown_cell("Notice the path.")]
    course = make_course(tmp_path_factory.mktemp("course"), cells)
    code = load_builder().main(["--root", str(course), "--out", str(course / "site"),
                            "--workers", "1"])
    return course, code, soup_of(course / "site" / "notebooks" / "01_lesson.html")


def test_widget_view_gives_way_to_its_still_image(explorer_course):
    course, code, page = explorer_course
    assert code == 0
    img = page.select_one(".jp-OutputArea img")
    assert (course / "site" / "notebooks" / img["src"]).read_bytes()[:4] == b"\x89PNG"
    # the alt text adds to the caption (what the figure is), never repeats it
    assert img["alt"].startswith("Figure 1 of the lesson “Lesson”: a still picture of the "
                                 "explorer")
    assert page.select_one(".figure-caption").get_text(strip=True) == "Notice the path."
    assert "VBox" not in page.get_text() and "NBVAL" not in page.get_text()


def test_widget_view_without_still_leaves_no_empty_box(tmp_path, capsys):
    cell = new_code_cell("slider", outputs=[widget_output(with_still=False)])
    code, page, _ = build(make_course(tmp_path, [new_markdown_cell("# Lesson"), cell]), capsys)
    assert code == 0
    assert page.select(".jp-OutputArea-child") == []
    assert "widget" not in str(page.select_one("main")).lower()


def test_interact_view_gives_way_to_the_figure_its_output_widget_captured(tmp_path, capsys):
    view = {"model_id": "box", "version_major": 2, "version_minor": 0}
    cell = new_code_cell("interact(f, lr=0.1);", outputs=[
        new_output("display_data", data={WIDGET_VIEW: view, "text/plain": "interactive(...)"})])
    course = make_course(tmp_path, [new_markdown_cell("# Lesson"), cell])
    lesson = course / "notebooks" / "01_lesson.ipynb"
    nb = nbformat.read(lesson, as_version=4)
    nb.metadata["widgets"] = {WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_s", "IPY_MODEL_o"]}},
        "s": {"model_name": "FloatSliderModel", "state": {"value": 0.1}},
        "o": {"model_name": "OutputModel", "state": {"outputs": [
            {"output_type": "display_data", "data": {"image/png": PNG}, "metadata": {}}]}}}}}
    nbformat.write(nb, lesson)
    code, page, _ = build(course, capsys)
    assert code == 0
    assert len(page.select(".jp-OutputArea img")) == 1
    assert "interactive" not in page.get_text()


def test_remote_scripts_and_styles_in_outputs_are_dropped(tmp_path, capsys):
    html = ('<link rel="stylesheet" href="https://cdn.example/fa.css">'
            '<script src="//cdn.example/x.js"></script><div class="animation">frames</div>')
    cell = new_code_cell("anim", outputs=[new_output("execute_result", execution_count=1,
                                                     data={"text/html": html})])
    code, page, _ = build(make_course(tmp_path, [new_markdown_cell("# Lesson"), cell]), capsys)
    assert code == 0
    assert page.select_one(".animation").get_text() == "frames"
    assert "cdn.example" not in str(page)


def test_links_point_at_pages_and_a_broken_link_fails_the_build(tmp_path, capsys):
    text = ("# Lesson\n\n[back](00_welcome.ipynb) [ex](../exercises/ex01_lesson.ipynb#Task) "
            "[all](../exercises/) [gone](02_missing.ipynb) "
            "[paper](https://arxiv.org/abs/1412.6980)")
    code, page, out = build(make_course(tmp_path, [new_markdown_cell(text)]), capsys)
    hrefs = {a.get_text(): a["href"] for a in page.select("main a")}
    assert hrefs["back"] == "../notebooks/00_welcome.html"
    assert hrefs["ex"] == "../exercises/ex01_lesson.html#Task"
    assert hrefs["all"] == "../index.html#exercises"
    assert hrefs["paper"] == "https://arxiv.org/abs/1412.6980"
    assert code == 1
    assert "notebooks/01_lesson.ipynb: broken link: 02_missing.ipynb" in out.err


def test_execute_runs_a_copy_and_leaves_the_committed_notebook_alone(tmp_path, capsys):
    course = make_course(tmp_path, [new_markdown_cell("# Lesson"), new_code_cell("print(6 * 7)")])
    (course / "notebooks" / "00_welcome.ipynb").unlink()  # one lesson, one kernel to start
    lesson = course / "notebooks" / "01_lesson.ipynb"
    before = lesson.read_bytes()
    code = load_builder().main(["--root", str(course), "--out", str(course / "site"), "--execute"])
    assert code == 0
    page = soup_of(course / "site" / "notebooks" / "01_lesson.html")
    assert page.select_one(".jp-OutputArea pre").get_text().strip() == "42"
    assert lesson.read_bytes() == before
    download = nbformat.read(course / "site" / "notebooks" / "01_lesson.ipynb", as_version=4)
    assert download.cells[1].outputs[0]["text"] == "42\n"


def test_rebuild_refuses_to_empty_a_folder_it_did_not_build(tmp_path):
    course = make_course(tmp_path, [new_markdown_cell("# Lesson")])
    (course / "mine").mkdir()
    (course / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(SystemExit, match="not built by this tool"):
        load_builder().main(["--root", str(course), "--out", str(course / "mine")])
    assert (course / "mine" / "notes.txt").read_text() == "keep me"


# -- live explorers and accessibility --------------------------------------------------------

DATA_BUDGET = 600_000      # bytes of data per explorer (every turn of every path drawn)
SITE_BUDGET = 25_000_000   # bytes, the whole book


def explorer_cells():
    """(notebook, cell, explorer call) of every cell that opens an explorer."""
    found = []
    for nb_path in LESSONS + EXERCISES:
        for cell in notebook(nb_path).cells:
            call = explorer_call(cell.source) if cell.cell_type == "code" else None
            if call:
                found.append((nb_path, cell, call))
    return found


def live_figure(site, nb_path, cell):
    page = soup_of(site / nb_path.parent.name / f"{nb_path.stem}.html")
    figure = page.find("figure", id=f"live-{cell.id}")
    assert figure is not None, f"{nb_path.name}: cell {cell.id} has no live figure"
    return page, figure


def data_of(site, figure):
    return load_builder().read_data_script(site / "_static" / "explorers"
                                       / f"{figure['data-explorer']}.js")


def open_explorer(call):
    from adamedu import widgets
    name, args, kwargs = call
    return getattr(widgets, name)(*args, **kwargs)


def sampled(keys, start, n=3, seed=0):
    """The starting setting, the first and last on the grid, and n more at random."""
    keys = sorted(keys)
    rng = np.random.default_rng(seed)
    return list(dict.fromkeys([start, keys[0], keys[-1]]
                              + [keys[i] for i in rng.choice(len(keys), n, replace=False)]))


def test_the_lessons_have_explorers_to_bring_alive():
    kinds = {call[0] for _, _, call in explorer_cells()}
    assert kinds == {"explore", "explore_counterexample", "explore_noise"}


def test_each_explorer_becomes_a_live_figure_beside_its_still_image(site):
    for nb_path, cell, _ in explorer_cells():
        page, figure = live_figure(site, nb_path, cell)
        assert figure.has_attr("hidden"), "shown only once the script has drawn it"
        still = page.find(id=figure["data-still"])
        assert still is not None and still.img is not None and still.img.get("alt")
        assert figure.find_previous(class_="jp-OutputArea").find(id=figure["data-still"])
        scripts = [s.get("src", "") for s in page.find_all("script")]
        key = figure["data-explorer"]
        assert f"../_static/explorers/{key}.js" in scripts and "../_static/explorer.js" in scripts
        background = figure.select_one(".live-plot img")
        assert background.get("alt") and (site / "_static" / "explorers" / f"{key}.png").is_file()
        assert figure.select_one(".live-plot svg")["role"] == "img"
        assert figure.select_one(".live-plot svg").get("aria-label")
        inputs = figure.select("input[type=range]")
        assert len(inputs) >= 2 and figure.select_one("button.live-play")
        for input_ in inputs:
            label = figure.find("label", attrs={"for": input_["id"]})
            assert label is not None and label.get_text(strip=True), input_["id"]
            assert input_.get("aria-valuetext")
        readout = figure.select_one(".live-readout")
        assert readout["role"] == "status" and readout["aria-live"] == "polite"
        data = data_of(site, figure)
        assert [d.get_text() for d in readout.find_all("div")] == data["readout"]
        # without scripts the still image comes with the readout as text
        assert [d.get_text() for d in still.select(".still-readout div")] == data["readout"]
        # the step counter is no live region (announced when Play stops, not every frame)
        assert figure.select_one("output.live-step-value")["aria-live"] == "off"
        assert page.find("a", class_="skip-link", href=f"#{figure['id']}")


def test_explorer_data_and_the_site_stay_within_budget(site):
    sizes = {p.name: p.stat().st_size for p in (site / "_static" / "explorers").glob("*.js")}
    assert sizes and max(sizes.values()) <= DATA_BUDGET, sizes
    _, total = load_builder().folder_size(site)
    assert total <= SITE_BUDGET, f"the site is {total / 1e6:.1f} MB"


def test_drawn_paths_are_adamedus_trajectories_and_readouts_the_explorers(site):
    """Numbers a page draws, read back from the built site, equal trajectory.run, every
    turn kept (the drawn length is the path's within 1 %); the readout lines equal what
    the kernel explorer prints after set() with those values."""
    from adamedu import optimizers, surfaces, trajectory
    encode = sys.modules["explorer_encode"]
    checked = 0
    for nb_path, cell, call in explorer_cells():
        if call[0] != "explore":
            continue
        data = data_of(site, live_figure(site, nb_path, cell)[1])
        ex = open_explorer(call)
        values = ex.values
        surface = surfaces.get(values["surface"])
        q = data["q"]
        starts = [o["runs"][",".join(str(s["start"]) for s in o["sliders"])]["lines"]
                  for o in data["optimizers"]]
        for k, o in enumerate(data["optimizers"]):
            start = ",".join(str(s["start"]) for s in o["sliders"])
            for key in sampled(o["runs"], start):
                run = o["runs"][key]
                chosen = {s["key"]: s["values"][int(i)]
                          for s, i in zip(o["sliders"], key.split(","))}
                hp = {**values[o["name"]], **chosen}
                traj = trajectory.run(optimizers.make(o["name"], **hp), surface,
                                      start=values["start"], steps=values["steps"])
                t = np.cumsum(run["t"])
                assert t[0] == 0 and t[-1] == traj.steps and run["div"] == traj.diverged_at
                drawn, true = [], []
                for coord, lim in ((0, surface.xlim), (1, surface.ylim)):
                    at = np.clip((traj.points[:, coord] - lim[0]) / (lim[1] - lim[0]) * q,
                                 *encode.CLIP)
                    drawn.append(np.cumsum(run["xy"[coord]]))
                    true.append(at)
                    np.testing.assert_allclose(drawn[-1], at[t], atol=0.51, rtol=0)
                length = encode.length(np.c_[true[0], true[1]])
                if length > 100:  # a path of more than 1 % of the window: every turn kept
                    assert abs(encode.length(np.c_[drawn[0], drawn[1]]) / length - 1) < 0.01, \
                        (o["name"], chosen)
                low, high = data["loss"]["low"], data["loss"]["high"]
                assert data["loss"]["log"] and data["loss"]["min"] == surface.min_loss
                drawn = np.log10(low) + np.cumsum(run["l"]) / q * np.log10(high / low)
                expected = np.log10(np.clip(traj.losses[t] - surface.min_loss, low, high))
                np.testing.assert_allclose(drawn, expected, atol=0.51 / q * np.log10(high / low))
                ex.set(**{o["name"]: chosen})
                assert ex.readout == [line for j, lines in enumerate(starts)
                                      for line in (run["lines"] if j == k else lines)]
                checked += 1
            ex.set(**{o["name"]: {s["key"]: s["values"][s["start"]] for s in o["sliders"]}})
    assert checked >= 10


def test_every_control_of_the_kernel_explorer_is_in_the_book_or_named_as_missing(site):
    for nb_path, cell, call in explorer_cells():
        if call[0] != "explore":
            continue
        _, figure = live_figure(site, nb_path, cell)
        data = data_of(site, figure)
        values = open_explorer(call).values
        help_text = figure.select_one(".live-help").get_text()
        assert "surface, the start point and the number of steps" in help_text
        for o in data["optimizers"]:
            keys = [s["key"] for s in o["sliders"]]
            assert keys[0] == "lr" and set(keys) | set(o["lacks"]) == set(values[o["name"]])
            for k in o["lacks"]:
                assert k in help_text, f"{nb_path.name}: {o['label']}'s {k} is left out unsaid"
            for s in o["sliders"]:  # each control is on the page, named with its optimizer
                control = figure.find("input", id=f"{figure['id']}-"
                                      f"{data['optimizers'].index(o)}-{s['key']}")
                label = figure.find("label", attrs={"for": control["id"]}).get_text(" ")
                assert o["label"] in label and s["key"].replace("_", " ") in label
                assert control["type"] == ("checkbox" if s.get("toggle") else "range")


def test_page_markers_are_the_python_styles(site):
    """The marks a page draws are matplotlib's markers of each optimizer's style, handed
    over in the data: the script holds no marker table of its own."""
    from adamedu import plots
    encode = sys.modules["explorer_encode"]
    assert "SHAPES" not in (site / "_static" / "explorer.js").read_text()
    for nb_path, cell, _ in explorer_cells():
        data = data_of(site, live_figure(site, nb_path, cell)[1])
        if data["kind"] == "online":
            continue
        styles = plots.distinct_styles([o["label"] for o in data["optimizers"]])
        assert [o["marker"] for o in data["optimizers"]] == [s["marker"] for s in styles]
        for m in [s["marker"] for s in styles] + (["D", "X"] if data["kind"] == "surface" else []):
            assert data["shapes"][m] == encode.marker_shape(m)
        # distinct end marks: every optimizer of one explorer has its own marker
        assert len({o["marker"] for o in data["optimizers"]}) == len(data["optimizers"])


def test_noise_explorer_curves_and_readouts_are_the_explorers(site):
    (nb_path, cell, call), = [c for c in explorer_cells() if c[2][0] == "explore_noise"]
    data = data_of(site, live_figure(site, nb_path, cell)[1])
    from adamedu import widgets
    ex = widgets.explore_noise(*call[1], **call[2])
    assert data["readout"] == ex.readout
    (sigma,) = data["sliders"]
    assert sigma["values"] == list(widgets.SIGMAS)
    q = data["q"]
    for i, s in enumerate(sigma["values"]):
        ex.set(sigma=s)
        entry = data["runs"][str(i)]
        assert entry["lines"] == ex.readout
        for drawn, run in zip(entry["paths"], ex.runs):
            t = np.cumsum(drawn["t"])
            low, high = np.log10([1e-6, 1e2])
            loss = low + np.cumsum(drawn["l"]) / q * (high - low)
            expected = np.log10(np.clip(run.losses[t], 1e-6, 1e2))
            np.testing.assert_allclose(loss, expected, atol=0.51 / q * (high - low))
            assert t[-1] == len(run.losses) - 1


def test_alt_texts_and_contents_read_without_mathjax(site):
    """Alt texts hold no TeX and add to their caption; no page's table of contents or
    title holds TeX; MathJax is loaded only by pages with maths."""
    for page in pages_of(site):
        soup = soup_of(page)
        name = page.relative_to(site)
        for img in soup.find_all("img"):
            alt = img.get("alt", "")
            assert "$" not in alt and "\\" not in alt, f"{name}: TeX in alt text: {alt}"
            assert not re.search(r"Figure \d+ of \d", alt), f"{name}: {alt}"
            cell = img.find_parent(class_="jp-Cell")
            nxt = cell.find_next_sibling(class_="figure-caption") if cell else None
            if nxt is not None and nxt.p is not None:
                assert alt != " ".join(nxt.p.get_text().split()), f"{name}: alt repeats caption"
        for a in soup.select(".toc a, .pager a, title"):
            assert "$" not in a.get_text(), f"{name}: TeX in {a.get_text()}"
        scripts = [s.get("src", "") for s in soup.find_all("script")]
        has_math = any("mathjax" in src for src in scripts)
        text = " ".join(el.get_text() for el in soup.select(".jp-RenderedMarkdown"))
        assert has_math == bool(re.search(r"\$[^$]+\$|\\\(|\\\[|\\begin\{", text)), name
    assert not any("mathjax" in (s.get("src") or "")
                   for s in soup_of(site / "index.html").find_all("script"))


def test_counterexample_curves_and_readouts_are_the_explorers(site):
    from adamedu import counterexample
    for nb_path, cell, call in explorer_cells():
        if call[0] != "explore_counterexample":
            continue
        data = data_of(site, live_figure(site, nb_path, cell)[1])
        ex = open_explorer(call)
        steps, lr, q = data["steps"], data["lr"], data["q"]
        Cs, beta2s = data["sliders"]
        start = ",".join(str(s["start"]) for s in data["sliders"])
        assert data["runs"][start]["lines"] == ex.readout
        for key in sampled(data["runs"], start, n=2):
            i, j = map(int, key.split(","))
            C, beta2 = Cs["values"][i], beta2s["values"][j]
            runs = counterexample.compare(C=C, beta2=beta2, lr=lr, steps=steps)
            for drawn, run in zip(data["runs"][key]["paths"], runs):
                t = np.cumsum(drawn["t"])
                for name, pick in (("lo", np.min), ("hi", np.max)):
                    x = -1.1 + np.cumsum(drawn[name]) / q * 2.2
                    expected = [run.x[0]] + [pick(run.x[a:b + 1]) for a, b in itertools.pairwise(t)]
                    np.testing.assert_allclose(x, expected, atol=0.51 / q * 2.2)
                rt = np.cumsum(drawn["rt"])
                low, top = data["regret"]
                r = np.log10(low) + np.cumsum(drawn["r"]) / q * np.log10(top / low)
                expected = np.log10(np.clip(run.average_regret[rt - 1], low, top))
                np.testing.assert_allclose(r, expected, atol=0.51 / q * np.log10(top / low))
                assert rt[-1] == steps and t[-1] == steps
            ex.set(C=C, beta2=beta2)
            assert ex.readout == data["runs"][key]["lines"]


def test_every_page_has_a_language_ordered_headings_and_described_images(site):
    for page in pages_of(site):
        soup = soup_of(page)
        name = page.relative_to(site)
        assert soup.html.get("lang") == "en", name
        levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
        assert levels and levels[0] == 1, f"{name}: the first heading is not h1"
        skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert not skips, f"{name}: heading levels skipped {skips}"
        for img in soup.find_all("img"):
            assert img.get("alt", "").strip(), \
                f"{name}: an image without alt text: {img.get('src')}"
        for input_ in soup.find_all(["input", "select", "textarea"]):
            assert input_.get("id") and soup.find("label", attrs={"for": input_["id"]}), \
                f"{name}: a control without a label"


def test_an_explorer_call_the_explorer_rejects_keeps_its_still_image(tmp_path, capsys):
    cell = new_code_cell("explore('no_such_optimizer')", outputs=[widget_output(with_still=True)])
    code, page, out = build(make_course(tmp_path, [new_markdown_cell("# Lesson"), cell]), capsys)
    assert code == 1 and "left as a still image" in out.err and "no_such_optimizer" in out.err
    assert page.select_one("figure.live") is None and page.select_one(".jp-OutputArea img")


def test_a_tiny_course_gets_a_live_explorer(explorer_course):
    course, code, page = explorer_course
    assert code == 0
    figure = page.select_one("figure.live")
    assert figure["data-still"] == page.select_one(".jp-OutputArea-child")["id"]
    assert figure.select_one(".live-plot svg")["aria-label"].endswith("Notice the path.")
    data = load_builder().read_data_script(course / "site" / "_static" / "explorers"
                                       / f"{figure['data-explorer']}.js")
    (optimizer,) = data["optimizers"]
    lr, eps = optimizer["sliders"]
    assert [lr["key"], eps["key"]] == ["lr", "eps"]
    assert len(optimizer["runs"]) == len(lr["values"]) * len(eps["values"]) >= 21 * 7
