"""The book's live explorers: build time, data sizes, and a slider move in Chromium.

    python benchmarks/book_explorers.py [--moves 100]

Builds the book into a temporary folder (tools/build_site.py, as the README's command
does) and prints its wall-clock time and the CPU time of the build and its worker
processes, the size of each explorer's data file and of the whole site; then opens every
page with a live explorer in headless Chromium (Debian's `chromium` through Playwright,
every network request blocked) and times, inside the page, what a slider move runs (the
`input` event: decode the setting's runs if new, write the readout, redraw the SVG), one
animation frame (a step slider move), and the frame rate while the slider moves once
per frame, painting included. Targets: build <= 60 s on 2 cores, data
<= 400 KB per explorer, site <= 25 MB, a slider move <= 16 ms (one frame at 60 Hz).
"""
import argparse
import importlib.util
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
MOVES = """([sel, moves]) => {
    const out = [];
    for (const fig of document.querySelectorAll('figure.live')) {
        const s = fig.querySelector(sel);
        const times = [];
        for (let i = 0; i < moves; i++) {
            s.value = String(i % (+s.max + 1));
            const t0 = performance.now();
            s.dispatchEvent(new Event('input'));
            times.push(performance.now() - t0);
        }
        out.push([fig.dataset.explorer, times]);
    }
    return out;
}"""


FRAMES = """([sel, moves]) => new Promise((done) => {
    const s = document.querySelector('figure.live ' + sel);
    const stamps = [];
    const frame = (now) => {
        stamps.push(now);
        if (stamps.length > moves) {
            const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
            done(gaps);
            return;
        }
        s.value = String(stamps.length % (+s.max + 1));
        s.dispatchEvent(new Event('input'));
        requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
})"""


def cpu_seconds():
    own, children = (resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                     resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=100, help="slider moves per explorer")
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
    build_site = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = build_site
    spec.loader.exec_module(build_site)

    with tempfile.TemporaryDirectory(prefix="adamedu-book-") as tmp:
        out = Path(tmp) / "site"
        wall, cpu = time.perf_counter(), cpu_seconds()
        _, warnings = build_site.build(ROOT, out)
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        print(f"build: {wall:.1f} s wall, {cpu:.1f} s CPU (this process and its workers)"
              + (f"; {len(warnings)} warnings" if warnings else ""))
        for data in sorted((out / "_static" / "explorers").glob("*.js")):
            print(f"  data {data.stem}: {data.stat().st_size / 1e3:.0f} KB")
        n_files, n_bytes = build_site.folder_size(out)
        print(f"site: {n_bytes / 1e6:.1f} MB in {n_files} files")

        if shutil.which("chromium") is None:
            sys.exit("no `chromium` on PATH: cannot time the slider in a browser")
        from playwright.sync_api import sync_playwright
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                        args=CHROMIUM_ARGS)
            for page_path in sorted((out / "notebooks").glob("*.html")):
                if "figure class=\"live\"" not in page_path.read_text(encoding="utf-8"):
                    continue
                context = browser.new_context(reduced_motion="reduce")
                context.route("**/*", lambda r: r.continue_()
                              if r.request.url.startswith("file:") else r.abort())
                page = context.new_page()
                page.goto(page_path.as_uri(), wait_until="load")
                page.wait_for_function("window.adamedu")
                page.evaluate("adamedu.ready")
                for sel, what in (("input.live-slider", "slider move"),
                                  ("input.live-step", "animation frame")):
                    for key, times in page.evaluate(MOVES, [sel, args.moves]):
                        print(f"{page_path.stem} {key} {what}: median "
                              f"{statistics.median(times):.2f} ms, max {max(times):.2f} ms "
                              f"(target 16 ms)")
                gaps = page.evaluate(FRAMES, ["input.live-slider", args.moves])
                print(f"{page_path.stem} one slider move per frame, painted: median frame "
                      f"{statistics.median(gaps):.1f} ms, max {max(gaps):.1f} ms "
                      f"(16.7 ms = no frame dropped at 60 Hz)")
                context.close()
            browser.close()


if __name__ == "__main__":
    main()
