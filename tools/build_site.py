"""Build the illustrated walkthrough: the whole course as an offline static HTML book.

    python tools/build_site.py [--execute] [--out build/site]

Reads the committed lessons (notebooks/NN_*.ipynb, in file-name order) and exercises
(exercises/exNN_*.ipynb) as they are, without running them, and writes a home page with
the syllabus, one page per lesson and per exercise, and their figures into --out
(default build/site; open build/site/index.html). With --execute the lessons are first
run top to bottom in a fresh kernel, in a temporary copy; the committed files are never
changed. A notebook becomes HTML in tools/site_html.py; every explorer in a lesson
becomes a live figure (tools/live_figure.py) whose data adamedu computes at build time
(tools/explorer_data.py; the page's script is tools/site/explorer.js), beside the
still image that readers without scripts see. The pages need no network: MathJax and the
stylesheet are copied in (tools/site_static.py), and remote scripts or stylesheets found
in outputs (such as the Font Awesome link in matplotlib's animations) are dropped.
"""
import argparse
import html
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import nbformat
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent))
import explorer_data  # tools/explorer_data.py
import live_figure
import site_html
import site_static
from live_figure import data_script, read_data_script, start_readout  # noqa: F401
from site_html import NBCONVERT_ALT, figure_words, heading_html, heading_text, tex_to_text

ROOT = Path(__file__).resolve().parents[1]
SITE_SRC = site_html.SITE_SRC
COURSE = "adamedu: the Adam optimizer from first principles"
STATIC = "_static"
MARKER = ".adamedu-site"  # marks a folder this tool built, so a rebuild may empty it
LEADING_NUMBER = re.compile(r"^\s*\d+\s*[.:]\s+")  # "4. Adam" is listed as "Adam" beside its 04
REMOTE = site_html.REMOTE


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
    skips: list = field(default_factory=list)       # skip links to its live figures
    math: bool = False                              # TeX for MathJax on the page?
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


class Site:
    def __init__(self, root, out, workers=None):
        self.root, self.out, self.workers = root, out, workers
        self.warnings = []
        self.copied = set()       # course files copied into the site (relative paths)
        self.site_paths = {}      # course-relative notebook path -> site page path
        self.exporter = site_html.make_exporter()
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(SITE_SRC),
                                      autoescape=False, keep_trailing_newline=True)

    def warn(self, page, message):
        self.warnings.append(f"{page.path}: {message}")

    # -- one notebook ------------------------------------------------------------------
    def render(self, page, nb):
        nb = site_html.for_readers(nb)
        stem = page.source.stem
        soup, resources = site_html.render(
            self.exporter, nb, {"unique_key": stem, "output_files_dir": f"{stem}_files",
                                "metadata": {"name": stem, "path": str(page.source.parent)}})
        page_dir = (self.out / page.rel).parent
        for name, data in resources.get("outputs", {}).items():
            target = page_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        self.read_title(page, soup)
        self.mark_captions(page, soup, {c.get("id"): c.source for c in nb.cells})
        self.fix_links(page, soup)
        for warning in site_html.drop_remote(soup):
            self.warn(page, warning)
        self.add_live_figures(page, soup)
        # the table of contents in plain words (it must read without MathJax too)
        page.toc = [{"level": int(h.name[1]), "id": h["id"],
                     "html": html.escape(tex_to_text(heading_text(h)))}
                    for h in soup.find_all(["h2", "h3"]) if h.get("id")]
        page.math = site_html.has_math(soup)
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
                page.summary = site_html.first_sentences(words[0])
                break

    def mark_captions(self, page, soup, sources):
        """Style the paragraph that follows a figure as its caption. Alt text adds to it:
        what the figure's code draws (its plots, titles and axes, in plain words)."""
        cells = soup.find_all("div", class_="jp-Cell", recursive=False)
        figures = 0
        for cell, nxt in zip(cells, cells[1:] + [None]):
            images = cell.select(".jp-OutputArea img")
            if not images and not cell.select(".animation"):
                continue
            if nxt is not None and "jp-MarkdownCell" in nxt["class"]:
                first = nxt.select_one(".jp-RenderedMarkdown > *")
                if first is not None and first.name == "p":
                    nxt["class"] = nxt["class"] + ["figure-caption"]
            words = figure_words(sources.get(cell.get("id", "").removeprefix("cell-id="), ""))
            for img in images:
                figures += 1
                if img.get("alt", NBCONVERT_ALT) == NBCONVERT_ALT:
                    img["alt"] = (f"Figure {figures} of the lesson “{tex_to_text(page.title_text)}”"
                                  + (f": {words}." if words else "."))

    def add_live_figures(self, page, soup):
        """Put each explorer's live figure after its still image (which keeps an id, so the
        script can hide it once the live figure works, and gets the readout as text)."""
        page.skips = []
        for cell_id, key in page.explorers:
            cell = soup.find(id=f"cell-id={cell_id}")
            area = cell.select_one(".jp-OutputArea") if cell else None
            still = area.select_one(".jp-OutputArea-child:has(img)") if area else None
            if still is None:  # e.g. `ex = explore(...)`: the explorer is shown elsewhere
                continue
            data = self.explorer_data[key]
            still["id"] = f"still-{cell_id}"
            still.append(BeautifulSoup(live_figure.still_readout(data["readout"]),
                                       "html.parser"))
            nxt = cell.find_next_sibling("div", class_="jp-Cell")
            caption = ""
            if nxt is not None and "figure-caption" in nxt.get("class", []):
                caption = tex_to_text(" ".join(nxt.select_one(".jp-RenderedMarkdown > p")
                                               .get_text().split()))
            figure = live_figure.live_figure(self.env, key, data, cell_id, still["id"],
                                             relative(page.rel, f"{STATIC}/explorers"),
                                             caption)
            area.insert_after(BeautifulSoup(figure, "html.parser"))
            page.skips.append({"href": f"#live-{cell_id}",
                               "text": f"Skip to the live figure: {live_figure.describe(data)}"})

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

    def copy_file(self, rel):
        if rel not in self.copied:
            target = self.out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(self.root / rel, target)
            self.copied.add(rel)

    # -- the whole site ----------------------------------------------------------------
    def write_page(self, rel, body, title_text, scripts=(), math=False, skips=(), **context):
        """A page of the site; MathJax is loaded only when `math` (the page has TeX)."""
        up = "../" * rel.count("/")
        html_text = self.env.get_template("page.html.j2").render(
            course=COURSE, body=body, title_text=tex_to_text(title_text), static=up + STATIC,
            math=math, skips=skips,
            scripts=[up + s for s in scripts],
            home=up + "index.html", license_href=up + "license.html", **context)
        target = self.out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html_text, encoding="utf-8")

    def write_license_page(self):
        self.write_page("license.html", site_static.license_body(self.root, STATIC),
                        "Licence and attribution", position="", prev=None, next=None,
                        toc=None, run=None)

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
                            scripts=scripts, math=page.math, skips=page.skips,
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
        site_static.write_static(self.out / STATIC, SITE_SRC)


def nav_link(page, to):
    """A previous/next link from `page` (None: the home page) to the page `to`."""
    if to is None:
        return None
    return {"href": relative(page.rel if page else "index.html", to.rel),
            "title": html.escape(tex_to_text(to.title_text))}


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
