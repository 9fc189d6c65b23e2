"""Build the illustrated walkthrough: the whole course as an offline static HTML book.

    python tools/build_site.py [--execute] [--out build/site]

Reads the committed lessons (notebooks/NN_*.ipynb, in file-name order) and exercises
(exercises/exNN_*.ipynb) as they are, without running them, and writes a home page with
the syllabus, one page per lesson and per exercise, and their figures into --out
(default build/site; open build/site/index.html). With --execute the lessons are first
run top to bottom in a fresh kernel, in a temporary copy; the committed files are never
changed.

Every explorer in a lesson (a cell calling `explore(...)` or `explore_counterexample(...)`)
becomes a live figure: sliders and a step-by-step animation that run in the browser, with
no kernel, from trajectories adamedu computes over each slider's grid at build time
(tools/explorer_data.py; the page's script is tools/site/explorer.js). The explorer's
still image stays in the page and is what readers without scripts see.

The pages need no network: MathJax (from the django-static-mathjax package) and the
stylesheet are copied into the site, widget views are replaced by the still image the
explorer leaves beside them (or the figure an `interact` captured), and remote scripts
or stylesheets found in outputs (such as the Font Awesome link in matplotlib's
animations) are dropped.
"""
import argparse
import base64
import copy
import html
import json
import logging
import re
import shutil
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import ExtractOutputPreprocessor
from pygments.formatters import HtmlFormatter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import explorer_data  # tools/explorer_data.py

from adamedu_jupyter.saved import WIDGET_STATE, WIDGET_VIEW, is_still_note

ROOT = Path(__file__).resolve().parents[1]
SITE_SRC = Path(__file__).resolve().with_name("site")
COURSE = "adamedu: the Adam optimizer from first principles"
STATIC = "_static"
ATTRIBUTION = "adamedu/data/digits_ATTRIBUTION.md"  # the digits data set's licence
MARKER = ".adamedu-site"  # marks a folder this tool built, so a rebuild may empty it
NBCONVERT_ALT = "No description has been provided for this image"
NBVAL_COMMENT = re.compile(r"^# *NBVAL_[A-Z_]+ *\n?", re.M)  # test markers, not for readers
LEADING_NUMBER = re.compile(r"^\s*\d+\s*[.:]\s+")  # "4. Adam" is listed as "Adam" beside its 04
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http://, https://, //host


@dataclass
class Page:
    source: Path            # the notebook, in the course folder
    rel: str                # its page inside the site, e.g. "notebooks/05_adam.html"
    kind: str               # "lesson" or "exercise"
    number: str             # "04"
    title_text: str = ""
    title_html: str = ""
    summary: str = ""
    body: str = ""
    toc: list = field(default_factory=list)
    explorers: list = field(default_factory=list)   # [(cell id, explorer key)]
    exercise: "Page | None" = None
    lesson: "Page | None" = None

    @property
    def path(self):         # the notebook's path from the course folder, as typed
        return self.rel[:-len(".html")] + ".ipynb"


def find_pages(root):
    """Lessons and exercises present in the course folder, in order."""
    lessons = [Page(p, f"notebooks/{p.stem}.html", "lesson", p.name[:2])
               for p in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    exercises = [Page(p, f"exercises/{p.stem}.html", "exercise", p.name[2:4])
                 for p in sorted((root / "exercises").glob("ex[0-9][0-9]_*.ipynb"))]
    by_number = {lesson.number: lesson for lesson in lessons}
    for ex in exercises:
        ex.lesson = by_number.get(ex.number)
        if ex.lesson:
            ex.lesson.exercise = ex
    return lessons, exercises


def execute_copies(lessons):
    """Run the lessons in a fresh kernel in a temporary copy; return {source: notebook}."""
    from adamedu.course.execute import execute_file
    executed = {}
    with tempfile.TemporaryDirectory(prefix="adamedu-site-") as tmp:
        for page in lessons:
            copy_path = Path(tmp) / page.source.name
            shutil.copy2(page.source, copy_path)
            print(f"executing {page.path} ...", flush=True)
            executed[page.source] = execute_file(copy_path, tmp, timeout=600,
                                                 record_timing=True)
    return executed


def for_readers(nb):
    """The notebook as a reader sees it: no widget views, no nbval markers."""
    nb = drop_widget_views(copy.deepcopy(nb))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = NBVAL_COMMENT.sub("", cell.source)
    return nb


def drop_widget_views(nb):
    """Replace widget views (they need a kernel) by what a reader can see without one.

    The explorer puts a still image beside its view in the same output: that image stays.
    A view with nothing beside it (e.g. `interact`) is replaced by the outputs its Output
    widgets captured when the notebook ran (saved in the notebook's widget state), and
    dropped if there are none, so no empty box or "Loading widget" is left on the page.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.outputs:
            if is_still_note(out):  # "run this cell": the page's live explorer needs none
                continue
            data = out.get("data", {})
            if WIDGET_VIEW in data:
                view = data.pop(WIDGET_VIEW)
                data.pop("text/plain", None)  # the widget's repr, e.g. "VBox(...)"
                if not data:
                    kept += [nbformat.from_dict(o)
                             for o in captured_outputs(state, view.get("model_id"))]
                    continue
            kept.append(out)
        cell.outputs = kept
    nb.metadata.pop("widgets", None)
    return nb


def captured_outputs(state, model_id):
    """Outputs held by the Output widgets inside a widget, depth first."""
    model = state.get(model_id)
    if model is None:
        return []
    if model.get("model_name") == "OutputModel":
        return model["state"].get("outputs", [])
    children = model["state"].get("children", [])
    return [out for child in children if isinstance(child, str)
            for out in captured_outputs(state, child.removeprefix("IPY_MODEL_"))]


LOG = logging.getLogger("adamedu.site")


class SoupExporter(HTMLExporter):
    """nbconvert's HTMLExporter, returning the page as a BeautifulSoup instead of text.

    HTMLExporter.from_notebook_node (nbconvert 7.17, pinned in requirements.txt) parses
    the page it rendered to add alt text and tabindex, then returns it as text, which
    the builder would parse again: this is its code, with the soup returned."""

    def from_notebook_node(self, nb, resources=None, **kw):
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html_text, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        soup = BeautifulSoup(html_text, "html.parser")
        for elem in soup.select("img:not([alt])"):  # Site.mark_captions replaces this alt
            elem.attrs["alt"] = NBCONVERT_ALT
        for elem in soup.select(".jp-Notebook div.jp-Cell-inputWrapper"):
            elem.attrs["tabindex"] = "0"
        for elem in soup.select(".jp-Notebook div.jp-OutputArea-output"):
            elem.attrs["tabindex"] = "0"
        return soup, resources


def make_exporter():
    exporter = SoupExporter(log=LOG, extra_template_basedirs=[str(SITE_SRC / "templates")],
                            template_name="adamedu",
                            exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(
        ExtractOutputPreprocessor(extract_output_types={"image/png", "image/jpeg"}),
        enabled=True)
    return exporter


class Site:
    def __init__(self, root, out, workers=None):
        self.root, self.out, self.workers = root, out, workers
        self.warnings = []
        self.copied = set()       # course files copied into the site (relative paths)
        self.site_paths = {}      # course-relative notebook path -> site page path
        self.exporter = make_exporter()
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(SITE_SRC),
                                      autoescape=False, keep_trailing_newline=True)

    def warn(self, page, message):
        self.warnings.append(f"{page.path}: {message}")

    # -- one notebook ------------------------------------------------------------------
    def render(self, page, nb):
        nb = for_readers(nb)
        stem = page.source.stem
        soup, resources = self.exporter.from_notebook_node(
            nb, resources={"unique_key": stem, "output_files_dir": f"{stem}_files",
                           "metadata": {"name": stem, "path": str(page.source.parent)}})
        page_dir = (self.out / page.rel).parent
        for name, data in resources.get("outputs", {}).items():
            target = page_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        self.read_title(page, soup)
        self.mark_captions(page, soup)
        self.fix_links(page, soup)
        self.drop_remote(page, soup)
        self.add_live_figures(page, soup)
        page.toc = [{"level": int(h.name[1]), "id": h["id"], "html": heading_html(h)}
                    for h in soup.find_all(["h2", "h3"]) if h.get("id")]
        page.body = str(soup)

    def read_title(self, page, soup):
        """Title: the notebook's first heading; summary: the first sentences after it."""
        heading = soup.find(["h1", "h2", "h3"])
        if heading is None:
            self.warn(page, "no heading; using the file name as title")
            page.title_text = page.title_html = page.source.stem
            return
        page.title_html = heading_html(heading)
        page.title_text = " ".join(heading_text(heading).split())
        for el in heading.find_next_siblings():
            if el.name in ("h1", "h2", "h3", "h4"):
                break
            texts = [el] if el.name == "p" else el.find_all("li") if el.name in ("ul", "ol") else []
            words = [" ".join(t.get_text().split()) for t in texts]
            words = [w for w in words if len(w.split()) >= 6]  # a sentence, not a label
            if words:
                page.summary = first_sentences(words[0])
                break

    def mark_captions(self, page, soup):
        """Style the paragraph that follows a figure as its caption; use it as alt text."""
        cells = soup.find_all("div", class_="jp-Cell", recursive=False)
        figures = 0
        for cell, nxt in zip(cells, cells[1:] + [None]):
            images = cell.select(".jp-OutputArea img")
            if not images and not cell.select(".animation"):
                continue
            caption = None
            if nxt is not None and "jp-MarkdownCell" in nxt["class"]:
                first = nxt.select_one(".jp-RenderedMarkdown > *")
                if first is not None and first.name == "p":
                    nxt["class"] = nxt["class"] + ["figure-caption"]
                    caption = " ".join(first.get_text().split())
            for img in images:
                figures += 1
                if img.get("alt", NBCONVERT_ALT) == NBCONVERT_ALT:
                    img["alt"] = caption or f"Figure {figures} of {page.title_text}"

    def add_live_figures(self, page, soup):
        """Put each explorer's live figure after its still image (which keeps an id, so the
        script can hide it once the live figure works)."""
        for cell_id, key in page.explorers:
            cell = soup.find(id=f"cell-id={cell_id}")
            area = cell.select_one(".jp-OutputArea") if cell else None
            still = area.select_one(".jp-OutputArea-child:has(img)") if area else None
            if still is None:  # e.g. `ex = explore(...)`: the explorer is shown elsewhere
                continue
            still["id"] = f"still-{cell_id}"
            caption = next((img["alt"] for img in still.select("img") if img.get("alt")), "")
            figure = live_figure(self.env, key, self.explorer_data[key], cell_id, still["id"],
                                 relative(page.rel, f"{STATIC}/explorers"), caption)
            area.insert_after(BeautifulSoup(figure, "html.parser"))

    def fix_links(self, page, soup):
        """Point links to course notebooks at their pages; copy other linked files."""
        for tag, attr in (("a", "href"), ("img", "src")):
            for el in soup.find_all(tag):
                url = el.get(attr)
                if not url or url.startswith(("#", "data:", "mailto:")) or REMOTE.match(url):
                    continue
                parts = urlsplit(url)
                if parts.scheme or parts.path.startswith(f"{page.source.stem}_files/"):
                    continue  # another scheme, or the page's own figures
                target = (page.source.parent / unquote(parts.path)).resolve()
                try:
                    rel = target.relative_to(self.root).as_posix()
                except ValueError:
                    self.warn(page, f"link outside the course folder: {url}")
                    continue
                fragment = f"#{parts.fragment}" if parts.fragment else ""
                if rel in self.site_paths:
                    el[attr] = relative(page.rel, self.site_paths[rel]) + fragment
                elif target.is_dir():
                    anchor = {"notebooks": "#lessons", "exercises": "#exercises"}.get(rel, "")
                    el[attr] = relative(page.rel, "index.html") + anchor
                elif target.is_file():
                    self.copy_file(rel)
                    el[attr] = relative(page.rel, rel) + fragment
                else:
                    self.warn(page, f"broken link: {url}")

    def drop_remote(self, page, soup):
        """Drop remote scripts and stylesheets; a remote image is reported."""
        for el in soup.find_all(["script", "link"]):
            url = el.get("src") or el.get("href")
            if url and REMOTE.match(url):
                el.decompose()
        for el in soup.find_all(["img", "video", "audio", "source", "iframe"]):
            if REMOTE.match(el.get("src", "")):
                self.warn(page, f"remote {el.name} will not show offline: {el['src']}")

    def copy_file(self, rel):
        if rel not in self.copied:
            target = self.out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(self.root / rel, target)
            self.copied.add(rel)

    # -- the whole site ----------------------------------------------------------------
    def write_page(self, rel, body, title_text, scripts=(), **context):
        up = "../" * rel.count("/")
        html_text = self.env.get_template("page.html.j2").render(
            course=COURSE, body=body, title_text=title_text, static=up + STATIC,
            scripts=[up + s for s in scripts],
            home=up + "index.html", license_href=up + "license.html", **context)
        target = self.out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html_text, encoding="utf-8")

    def write_license_page(self):
        """license.html: the code's licence and the data's attribution, as the repo has them."""
        parts = ['<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown">',
                 "<h1>Licence and attribution</h1>"]
        if (self.root / "LICENSE").is_file():
            parts += ["<h2>Code and text</h2>",
                      f"<pre>{html.escape((self.root / 'LICENSE').read_text())}</pre>"]
        if (self.root / ATTRIBUTION).is_file():
            text = re.sub(r"^#", "##", (self.root / ATTRIBUTION).read_text(), flags=re.M)
            parts.append(markdown2html_mistune(text))
        parts += ["<h2>MathJax</h2>", "<p>Math on these pages is typeset by MathJax 3, "
                  f'copied into the site; <a href="{STATIC}/mathjax/LICENSE">Apache License '
                  "2.0</a>.</p>", "</div>"]
        self.write_page("license.html", "\n".join(parts), "Licence and attribution",
                        position="", prev=None, next=None, toc=None, run=None)

    def build(self, execute=False):
        lessons, exercises = find_pages(self.root)
        pages = lessons + exercises
        for page in pages:
            self.site_paths[page.path] = page.rel
        executed = execute_copies(lessons) if execute else {}
        notebooks = {page.rel: executed.get(page.source) or nbformat.read(page.source, as_version=4)
                     for page in pages}
        self.compute_explorers(pages, notebooks)
        for page in pages:
            nb = notebooks[page.rel]
            self.render(page, nb)
            if page.source in executed:  # the download matches the page
                (self.out / page.path).parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, str(self.out / page.path))
            else:
                self.copy_file(page.path)
        for i, page in enumerate(pages):
            if page.kind == "lesson":
                prev = lessons[i - 1] if i > 0 else None
                nxt = lessons[i + 1] if i + 1 < len(lessons) else None
                position = f"Lesson {page.number}"
                note = ""
            else:
                prev, nxt = page.lesson, None
                position = f"Exercise for lesson {page.number}"
                note = "Run the cells in order; each check says whether your answer is right."
            scripts = [f"{STATIC}/explorers/{key}.js" for key in
                       dict.fromkeys(key for _, key in page.explorers)]
            scripts += [f"{STATIC}/explorer.js"] if page.explorers else []
            self.write_page(page.rel, page.body, page.title_text, position=position,
                            scripts=scripts,
                            prev=nav_link(page, prev), next=nav_link(page, nxt), toc=page.toc,
                            run={"path": page.path, "note": note,
                                 "download": relative(page.rel, page.path)})
        home = self.env.get_template("home.html.j2").render(
            course=COURSE, lessons=lessons, exercises=exercises,
            short_title=lambda p: LEADING_NUMBER.sub("", p.title_html))
        self.write_page("index.html", home, COURSE, position="", prev=None,
                        next=nav_link(None, lessons[0] if lessons else None), toc=None, run=None)
        self.write_license_page()
        self.write_static()
        return pages

    def compute_explorers(self, pages, notebooks):
        """Find the explorer calls of every page; compute each distinct one's data once
        and write it as _static/explorers/<key>.js (with its background <key>.png)."""
        calls = []
        for page in pages:
            for cell in notebooks[page.rel].cells:
                call = (explorer_data.explorer_call(cell.source) if cell.cell_type == "code"
                        else None)
                if call is not None:
                    calls.append(call)
                    page.explorers.append((cell.get("id"), call))
        folder = self.out / STATIC / "explorers"
        folder.mkdir(parents=True, exist_ok=True)
        keys, self.explorer_data = explorer_data.compute(calls, folder, self.workers)
        for page in pages:
            found, page.explorers = page.explorers, []
            for cell_id, call in found:
                k = keys[calls.index(call)]
                if isinstance(k, Exception):
                    self.warn(page, f"explorer in cell {cell_id} left as a still image: {k}")
                else:
                    page.explorers.append((cell_id, k))
        for key, data in self.explorer_data.items():
            (folder / f"{key}.js").write_text(data_script(key, data), encoding="utf-8")
            if data["readout"] != start_readout(data):
                self.warnings.append(f"explorer {key}: the book's readout at the start "
                                     f"differs from the explorer's: {data['readout']}")

    def write_static(self):
        static = self.out / STATIC
        (static / "mathjax").mkdir(parents=True, exist_ok=True)
        shutil.copy2(SITE_SRC / "explorer.js", static / "explorer.js")
        css = (SITE_SRC / "site.css").read_text(encoding="utf-8")
        css += "\n/* code highlighting (pygments) */\n"
        css += HtmlFormatter(style="default").get_style_defs(".highlight")
        (static / "site.css").write_text(css, encoding="utf-8")
        mathjax = mathjax_dir()
        shutil.copy2(mathjax / "es5" / "tex-svg-full.js", static / "mathjax")
        shutil.copy2(mathjax / "LICENSE", static / "mathjax" / "LICENSE")


def data_script(key, data):
    """The script that hands an explorer's data to explorer.js: base64 of zlib'd JSON."""
    packed = zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 9)
    return ("(window.ADAMEDU_EXPLORERS = window.ADAMEDU_EXPLORERS || {})"
            f'["{key}"] = "{base64.b64encode(packed).decode()}";\n')


def read_data_script(path):
    """The data in a file written by `data_script` (for tests and checks)."""
    b64 = re.search(r'= "([A-Za-z0-9+/=]+)";', Path(path).read_text()).group(1)
    return json.loads(zlib.decompress(base64.b64decode(b64)))


def start_readout(data):
    """The readout lines the live figure shows before any slider moves."""
    if data["kind"] == "surface":
        return [o["runs"][",".join(str(s["start"]) for s in o["sliders"])]["text"]
                for o in data["optimizers"]]
    return data["runs"][",".join(str(s["start"]) for s in data["sliders"])]["text"]


def live_figure(env, key, data, cell_id, still_id, folder, caption):
    """The HTML of a live explorer (tools/site/live.html.j2)."""
    online = data["kind"] == "online"
    if online:
        what = ("the point x_t (left) and the average regret (right) of Adam and AMSGrad "
                "on Reddi et al.'s online problem")
        groups = [("Settings", data["sliders"])]
    else:
        names = ", ".join(o["label"] for o in data["optimizers"])
        what = f"the path of {names} on the {data['title']} surface (left) and the loss (right)"
        groups = [(o["label"], o["sliders"]) for o in data["optimizers"]]
    uid = f"live-{cell_id}"
    width, height = data["size"]
    return env.get_template("live.html.j2").render(
        uid=uid, key=key, still_id=still_id, folder=folder, width=width, height=height,
        online=online, steps=data["steps"], readout=data["readout"],
        one_at_a_time=not online and any(len(o["sliders"]) > 2 for o in data["optimizers"]),
        alt=f"Axes for {what}, before any path is drawn; the lines drawn over them follow "
            f"the sliders below.",
        label=caption or what,
        legend=[{"label": o["label"], "color": o["color"],
                 "dash": " ".join(f"{v * 1.6:g}" for v in o["dash"]),
                 "marker": None if online else MARKERS.get(o["marker"], "marks")}
                for o in data["optimizers"]],
        groups=[{"legend": legend, "index": g, "sliders": [
            {"id": f"{uid}-{g}-{s['key']}", "key": s["key"], "max": len(s["values"]) - 1,
             "start": s["start"], "text": s["labels"][s["start"]],
             "labels": json.dumps(s["labels"], ensure_ascii=False)} for s in sliders]}
            for g, (legend, sliders) in enumerate(groups)])


MARKERS = {"o": "circles", "s": "squares", "^": "triangles", "v": "down triangles",
           "D": "diamonds", "P": "plus signs", "p": "pentagons", "h": "hexagons"}


def mathjax_dir():
    try:
        import mathjax  # the django-static-mathjax package: MathJax 3's files, no Django needed
    except ImportError:
        sys.exit("MathJax is missing: install the course requirements "
                 "(pip install -r requirements.txt), which include django-static-mathjax.")
    return Path(mathjax.__file__).resolve().parent / "static" / "mathjax"


def heading_html(h):
    h = copy.copy(h)
    for a in h.select("a.anchor-link"):
        a.decompose()
    return h.decode_contents().strip()


def heading_text(h):
    return BeautifulSoup(heading_html(h), "html.parser").get_text()


def first_sentences(text, limit=240):
    """The paragraph, or its first sentences up to about `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text.rfind(". ", 0, limit)
    short = text[:cut + 1] if cut > 0 else text
    return short if short.count("$") % 2 == 0 else text


def nav_link(page, to):
    """A previous/next link from `page` (None: the home page) to the page `to`."""
    if to is None:
        return None
    return {"href": relative(page.rel if page else "index.html", to.rel), "title": to.title_html}


def relative(from_page, to_path):
    """Relative URL from one site page to another site path (both posix, from the root)."""
    up = "../" * from_page.count("/")
    return up + to_path


def folder_size(path):
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def build(root, out, execute=False, workers=None):
    """Build the site of the course in `root` into `out`; return (pages, warnings).
    workers: processes for the explorers' runs (see `explorer_data.compute`)."""
    root, out = Path(root).resolve(), Path(out).resolve()
    if not (root / "notebooks").is_dir():
        sys.exit(f"{root} has no notebooks/ folder: give the course folder with --root.")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        sys.exit(f"{out} is not empty and was not built by this tool; "
                 "choose another --out or empty it.")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / MARKER).write_text("built by tools/build_site.py; rebuilt from scratch each time\n")
    site = Site(root, out, workers)
    pages = site.build(execute=execute)
    return pages, site.warnings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site",
                        help="folder to write the site into (default: build/site)")
    parser.add_argument("--execute", action="store_true",
                        help="run the lessons in a fresh kernel first (in a temporary copy)")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the course folder to read (default: this repository)")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes for the explorers' runs (default: one per core, "
                             "at most 4; 1 runs them in this process)")
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error(f"--workers must be at least 1, not {args.workers}")
    start = time.perf_counter()
    pages, warnings = build(args.root, args.out, execute=args.execute, workers=args.workers)
    seconds = time.perf_counter() - start
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    out = args.out.resolve()
    n_files, n_bytes = folder_size(out)
    lessons = sum(p.kind == "lesson" for p in pages)
    print(f"built {len(pages) + 2} pages (home, licence, {lessons} lessons, "
          f"{len(pages) - lessons} exercises): {n_files} files, "
          f"{n_bytes / 1e6:.1f} MB, in {seconds:.1f} s")
    print(f"open {out / 'index.html'}")
    return 1 if warnings else 0


if __name__ == "__main__":
    sys.exit(main())
