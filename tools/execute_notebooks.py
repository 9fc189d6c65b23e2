"""Execute notebooks top to bottom in a fresh kernel and save them with their outputs.

    python tools/execute_notebooks.py notebooks/01_gradient_descent.ipynb [more.ipynb ...]

Each notebook runs in its own folder (as nbval and JupyterLab run it), with a fresh
kernel, so execution counts are 1, 2, 3, ... and outputs are what a learner sees.
Widget outputs keep their still picture (or HTML) and lose the widget view, whose
model dies with the kernel (`adamedu_jupyter/saved.py`, DESIGN.md "Widgets").
Exits non-zero, naming the notebook and cell, if any cell raises.
"""
import json
import sys
import time
from pathlib import Path

import nbformat
from nbclient.exceptions import CellExecutionError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from adamedu.course.execute import execute_file
from adamedu_jupyter.saved import keep_stills


def execute(path, timeout=600):
    path = Path(path)
    start = time.perf_counter()
    nb = execute_file(path, path.parent.resolve(), timeout)
    keep_stills(nb)  # a widget's still picture, not a view whose model dies with the kernel
    nbformat.write(nbformat.from_dict(nb), path)  # keep_stills may add plain dicts
    _join_stream_text(path)
    return time.perf_counter() - start


def _join_stream_text(path):
    """Store each stream output's text as one string rather than a list of lines, and
    join consecutive outputs of the same stream (how a cell's prints arrive in pieces
    depends on the machine's load; JupyterLab shows them joined anyway).

    Both forms are valid nbformat; the single string keeps simple line-oriented tools
    that expect a string working on our notebooks, and the join keeps the file the same
    from one run to the next.
    """
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        joined = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                text = out.get("text", "")
                out["text"] = "".join(text) if isinstance(text, list) else text
                last = joined[-1] if joined else None
                if last and last.get("output_type") == "stream" and last["name"] == out["name"]:
                    last["text"] += out["text"]
                    continue
            joined.append(out)
        if "outputs" in cell:
            cell["outputs"] = joined
    path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")


def main(paths):
    failed = 0
    for p in paths:
        try:
            seconds = execute(p)
            print(f"{p}: executed in {seconds:.1f} s")
        except CellExecutionError as e:
            failed += 1
            print(f"{p}: FAILED\n{e}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
