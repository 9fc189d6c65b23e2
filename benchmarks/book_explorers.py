"""The book's live explorers: build time, data sizes, and a slider move in Chromium,
optionally beside another checkout of the course (the build before a change).

    python benchmarks/book_explorers.py [--moves 100] [--against DIR]

Builds the book (tools/build_site.py of the checkout, with its own adamedu, in a
subprocess) into a temporary folder and prints its wall-clock and CPU time (the build
and its worker processes), the size of each explorer's data file and of the whole site;
then opens every page with a live explorer in headless Chromium (Debian's `chromium`
through Playwright, every network request blocked) and times, inside the page, what a
slider move runs (the `input` event: decode the setting's runs if new, write the
readout, redraw the SVG) and one animation frame (a step slider move), and the frame
rate while the slider moves once per frame, painting included; the largest explorer
(the biggest data file) is summed up last. With --against DIR (e.g. a `git worktree add
/tmp/book-base <commit>`), the same for that checkout, in the same run, beside it.
Targets: build <= 60 s on 2 cores, data <= 600 KB per explorer, site <= 25 MB, a slider
move <= 16 ms (one frame at 60 Hz).
"""
import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
MOVES = """([fig, sel, moves]) => {
    const s = document.querySelector('#' + fig + ' ' + sel);
    const times = [];
    for (let i = 0; i < moves; i++) {
        s.value = String(i % (+s.max + 1));
        const t0 = performance.now();
        s.dispatchEvent(new Event('input'));
        times.push(performance.now() - t0);
    }
    return times;
}"""
FRAMES = """([fig, sel, moves]) => new Promise((done) => {
    const s = document.querySelector('#' + fig + ' ' + sel);
    const stamps = [];
    const frame = (now) => {
        stamps.push(now);
        if (stamps.length > moves) {
            done(stamps.slice(1).map((t, i) => t - stamps[i]));
            return;
        }
        s.value = String(stamps.length % (+s.max + 1));
        s.dispatchEvent(new Event('input'));
        requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
})"""
BUILD = """import sys
sys.path.insert(0, {tools!r})
import build_site
_, warnings = build_site.build({root!r}, {out!r})
print(len(warnings))
"""


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def build(root, out):
    """Build the book of the checkout `root` with its own tools and adamedu."""
    wall, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run([sys.executable, "-c", BUILD.format(
        tools=str(root / "tools"), root=str(root), out=str(out))], cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, capture_output=True,
        text=True)
    if done.returncode:
        sys.exit(f"the build of {root} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - wall, children_cpu() - cpu, int(done.stdout.split()[-1])


def measure(browser, out, moves):
    """{explorer key: (page, figure id, data bytes, slider ms, frame ms, painted ms)}."""
    sizes = {p.stem: p.stat().st_size for p in (out / "_static" / "explorers").glob("*.js")}
    found = {}
    for page_path in sorted((out / "notebooks").glob("*.html")):
        if not re.search(r"<figure[^>]*class=\"live\"", page_path.read_text(encoding="utf-8")):
            continue
        context = browser.new_context(reduced_motion="reduce",
                                      viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda r: r.continue_()
                      if r.request.url.startswith("file:") else r.abort())
        page = context.new_page()
        page.goto(page_path.as_uri(), wait_until="load")
        page.wait_for_function("window.adamedu")
        page.evaluate("adamedu.ready")
        for fig in page.locator("figure.live").all():
            fid, key = fig.get_attribute("id"), fig.get_attribute("data-explorer")
            slider = page.evaluate(MOVES, [fid, "input.live-slider", moves])
            frame = page.evaluate(MOVES, [fid, "input.live-step", moves])
            painted = page.evaluate(FRAMES, [fid, "input.live-slider", moves])
            found[key] = (page_path.stem, fid, sizes[key], statistics.median(slider),
                          max(slider), statistics.median(frame), statistics.median(painted))
        context.close()
    return found


def report(name, root, moves, browser):
    with tempfile.TemporaryDirectory(prefix="adamedu-book-") as tmp:
        out = Path(tmp) / "site"
        wall, cpu, warnings = build(root, out)
        files = [p for p in out.rglob("*") if p.is_file()]
        print(f"[{name}] {root}")
        print(f"  build: {wall:.1f} s wall, {cpu:.1f} s CPU (build and workers)"
              + (f"; {warnings} warnings" if warnings else ""))
        print(f"  site: {sum(p.stat().st_size for p in files) / 1e6:.1f} MB in {len(files)} "
              "files")
        found = measure(browser, out, moves) if browser else {}
        for key, (page, fid, size, med, top, frame, painted) in sorted(found.items()):
            print(f"  {page} {fid} ({key}): data {size / 1e3:.0f} KB; slider move median "
                  f"{med:.2f} ms (max {top:.2f}); animation frame {frame:.2f} ms; "
                  f"painted frame {painted:.1f} ms")
        if found:
            key = max(found, key=lambda k: found[k][2])
            page, fid, size, med, top, frame, painted = found[key]
            print(f"  largest explorer: {page} {fid}, {size / 1e3:.0f} KB; slider move "
                  f"{med:.2f} ms median, {top:.2f} ms max; animation frame {frame:.2f} ms; "
                  f"painted {painted:.1f} ms (targets 16 ms, 16.7 ms)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=100, help="slider moves per explorer")
    parser.add_argument("--against", type=Path, default=None,
                        help="another checkout of the course to measure beside this one")
    args = parser.parse_args()
    roots = [("this", ROOT)] + ([("against", args.against.resolve())] if args.against else [])
    if shutil.which("chromium") is None:
        print("no `chromium` on PATH: no browser timings")
        for name, root in roots:
            report(name, root, args.moves, None)
        return
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=CHROMIUM_ARGS)
        for name, root in roots:
            report(name, root, args.moves, browser)
        browser.close()


if __name__ == "__main__":
    main()
