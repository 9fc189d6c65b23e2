"""The page side of a live explorer: its data as a script (`data_script`), its HTML
(`live_figure`, tools/site/live.html.j2) and the text readout shown with the still
image when scripts are off (`still_readout`). Used by tools/build_site.py; the data
comes from tools/explorer_data.py, the drawing is tools/site/explorer.js.
"""
import base64
import html
import json
import re
import zlib
from pathlib import Path

MARKERS = {"o": "circles", "s": "squares", "^": "triangles", "v": "down triangles",
           "D": "diamonds", "P": "plus signs", "p": "pentagons", "h": "hexagons",
           "X": "crosses", "<": "left triangles", ">": "right triangles", "d": "thin diamonds",
           "H": "hexagons", "8": "octagons"}
# Controls the kernel explorers have that no book explorer offers, and why.
KERNEL_ONLY = ("the surface, the start point and the number of steps stay as in the "
               "lesson (runs for every one of them would make the page many times larger)")


def data_script(key, data):
    """The script that hands an explorer's data to explorer.js: base64 of zlib'd JSON."""
    packed = zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 9)
    return ("(window.ADAMEDU_EXPLORERS = window.ADAMEDU_EXPLORERS || {})"
            f'["{key}"] = "{base64.b64encode(packed).decode()}";\n')


def read_data_script(path):
    """The data in a file written by `data_script` (for tests and checks)."""
    b64 = re.search(r'= "([A-Za-z0-9+/=]+)";', Path(path).read_text()).group(1)
    return json.loads(zlib.decompress(base64.b64decode(b64)))


def groups_of(data):
    """(legend, sliders) of each group of controls."""
    if data["kind"] == "surface":
        return [(o["label"], o["sliders"]) for o in data["optimizers"]]
    return [("Settings", data["sliders"])]


def start_key(sliders):
    return ",".join(str(s["start"]) for s in sliders)


def start_readout(data):
    """The readout lines the live figure shows before any control moves."""
    if data["kind"] == "surface":
        return [line for o in data["optimizers"]
                for line in o["runs"][start_key(o["sliders"])]["lines"]]
    return data["runs"][start_key(data["sliders"])]["lines"]


def describe(data):
    """What the live figure shows, in words."""
    if data["kind"] == "online":
        return ("the point x_t and the average regret of Adam and AMSGrad on Reddi et al.'s "
                "online problem")
    names = ", ".join(o["label"] for o in data["optimizers"])
    if data["kind"] == "noise":
        return f"the loss of {names} on a noisy quadratic, by noise level"
    return f"the path of {names} on the {data['title']} surface, and the loss"


def lacks(data):
    """The sentence that says which kernel controls the book leaves out, and why."""
    if data["kind"] == "online":
        return ("The notebook's explorer also moves the number of steps; here they stay "
                "as in the lesson. Open the notebook for every control.")
    if data["kind"] == "noise":
        return "This is every control of the notebook's explorer."
    left = sorted({k for o in data["optimizers"] for k in o.get("lacks", [])})
    out = f"The notebook's explorer has more: {KERNEL_ONLY}"
    if left:
        out += (f"; {', '.join(left)} stay{'s' if len(left) == 1 else ''} as in the lesson "
                "(this comparison offers lr and the betas: every other control would "
                "multiply its data several times)" if any(
                    k not in ("nesterov", "weight_decay") for k in left)
                else f"; {', '.join(left)} stay{'s' if len(left) == 1 else ''} as in the "
                "lesson (no lesson moves them)")
    return out + ". Open the notebook for every control."


def live_figure(env, key, data, cell_id, still_id, folder, caption):
    """The HTML of a live explorer (tools/site/live.html.j2)."""
    uid = f"live-{cell_id}"
    width, height = data["size"]
    what = describe(data)
    shapes = data.get("shapes", {})
    marked = data["kind"] != "online"
    legend = [{"label": o["label"], "color": o["color"],
               "dash": " ".join(f"{v * 1.6:g}" for v in o["dash"]),
               "marker": MARKERS.get(o["marker"], o["marker"]) if marked else None,
               "shape": shapes.get(o["marker"]) if marked else None}
              for o in data["optimizers"]]
    groups = [{"legend": legend_text, "index": g, "sliders": [
        {"id": f"{uid}-{g}-{s['key']}", "key": s["key"], "max": len(s["values"]) - 1,
         "label": s.get("label", s["key"].replace("_", " ")), "toggle": s.get("toggle"),
         "start": s["start"], "text": s["labels"][s["start"]],
         "labels": json.dumps(s["labels"], ensure_ascii=False)} for s in sliders]}
        for g, (legend_text, sliders) in enumerate(groups_of(data))]
    return env.get_template("live.html.j2").render(
        uid=uid, key=key, still_id=still_id, folder=folder, width=width, height=height,
        steps=data["steps"], readout=data["readout"], what=what, lacks=lacks(data),
        one_at_a_time=any(len(g["sliders"]) > 2 for g in groups),
        alt=f"Axes for {what}, before any path is drawn; the lines drawn over them follow "
            f"the controls below.",
        label=f"{what}. {caption}" if caption else what, legend=legend, groups=groups)


def still_readout(lines):
    """The readout as text beside the still image, for readers without scripts."""
    rows = "".join(f"<div>{html.escape(line)}</div>" for line in lines)
    return f'<div class="still-readout" aria-label="readout">{rows}</div>'
