"""How the book's explorer data is stored and drawn: positions in 1/Q of an axis, deltas,
paths thinned without losing a turn, dash patterns and marker shapes from matplotlib,
and the background image's axes boxes. Used by tools/explorer_data.py.

Thinning (`keep_turns`): a path of every step is cut to the points that the
Ramer-Douglas-Peucker rule keeps with distances to the chord *segment* (not its line,
so a path that runs back and forth along one line keeps every turn), at TOLERANCE units
of 1/Q of the axis (0.02 % of it, well under a screen pixel). Every drawn point is a
step of the run, every turn bigger than the tolerance is drawn, and the drawn length
stays within a fraction of a percent of the path's (tests/test_site.py checks 1 %).
"""
import numpy as np
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path

Q = 10_000
TOLERANCE = 2.0           # in 1/Q of an axis
CLIP = (-2 * Q, 3 * Q)    # positions beyond this are far outside the window: stored here
DPI = 100


def frac(values, low, high):
    """Positions in [low, high] as integers in 1/Q (outside 0..Q: outside the window)."""
    q = (np.asarray(values, dtype=float) - low) / (high - low) * Q
    return np.rint(np.clip(q, *CLIP)).astype(np.int64)


def deltas(q):
    q = np.asarray(q, dtype=np.int64)
    return np.diff(q, prepend=0).tolist()


def simplify(xy, tolerance=TOLERANCE):
    """Indices of the points of a 2-D polyline to draw: every point where it turns back,
    then, between those, the points Ramer-Douglas-Peucker keeps, with the distance of a
    point to the segment between the kept ends."""
    xy = np.asarray(xy, dtype=float)
    n = len(xy)
    keep = np.zeros(n, dtype=bool)
    keep[[0, -1]] = True
    # a path that turns back (by more than 90 degrees, on steps longer than the tolerance)
    # keeps the point where it turns: a chord would hide a turn back along itself
    d = np.diff(xy, axis=0)
    steps = np.hypot(*d.T)
    keep[1:-1] |= (np.einsum("ij,ij->i", d[:-1], d[1:]) < 0) & (
        np.minimum(steps[:-1], steps[1:]) > tolerance)
    anchors = np.flatnonzero(keep)
    stack = list(zip(anchors[:-1], anchors[1:]))
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        p, d = xy[a + 1:b] - xy[a], xy[b] - xy[a]
        length2 = float(d @ d)
        t = np.clip(p @ d / length2, 0.0, 1.0) if length2 > 0 else np.zeros(len(p))
        dist = np.hypot(*(p - t[:, None] * d).T)
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            k = a + 1 + i
            keep[k] = True
            stack += [(a, k), (k, b)]
    return np.flatnonzero(keep)


def keep_turns(*curves, tolerance=TOLERANCE):
    """The indices every curve (each an n x 2 array in 1/Q units) needs: their union."""
    kept = [simplify(c, tolerance) for c in curves]
    return np.unique(np.concatenate(kept))


def length(xy):
    """The length of a polyline (n x 2)."""
    return float(np.hypot(*np.diff(np.asarray(xy, dtype=float), axis=0).T).sum())


def dash(linestyle):
    """A matplotlib line style as an SVG dash pattern in line widths ([] for solid)."""
    named = {"-": [], "solid": [], "--": [3.7, 1.6], "-.": [6.4, 1.6, 1.0, 1.6],
             ":": [1.0, 1.65]}
    if isinstance(linestyle, str):
        return named.get(linestyle, [])
    return list(linestyle[1])


def marker_shape(marker):
    """A matplotlib marker as an SVG path in a box from -1 to 1 (y down), and whether it
    is filled (else drawn as a line): the same shape the kernel's figure draws."""
    style = MarkerStyle(marker)
    path = style.get_path().transformed(style.get_transform())
    scale = 1.0 / max(float(np.abs(path.vertices).max()), 1e-9)
    commands = {Path.MOVETO: "M", Path.LINETO: "L", Path.CURVE3: "Q", Path.CURVE4: "C"}
    parts = []
    for vertices, code in path.iter_segments(simplify=False, curves=True):
        if code == Path.CLOSEPOLY:
            parts.append("Z")
            continue
        xy = np.asarray(vertices, dtype=float).reshape(-1, 2) * scale
        parts.append(commands[code] + " ".join(f"{x:.3g},{-y:.3g}" for x, y in xy))
    return {"d": "".join(parts), "filled": bool(style.is_filled())}


def axes_box(fig, ax):
    """An axes' box in the figure's PNG pixels: [left, top, right, bottom]."""
    x0, y0, x1, y1 = ax.get_window_extent().extents
    height = fig.bbox.height
    return [round(x0, 2), round(height - y1, 2), round(x1, 2), round(height - y0, 2)]


def save_background(fig, axes, path):
    """Lay the figure out, keep its axes' boxes, save it: (boxes, [width, height])."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig).draw()
    fig.set_layout_engine("none")  # keep the boxes where they were measured
    boxes = {name: axes_box(fig, ax) for name, ax in axes.items()}
    fig.savefig(path, dpi=DPI)
    return boxes, [round(fig.bbox.width), round(fig.bbox.height)]


# Backgrounds are drawn twice: "wide", the panels side by side as in the notebook, and
# "narrow", for phones: stacked, as wide as a phone's column, so that the axis text shows
# at least 10 CSS px (the page picks one by the screen's width).
LAYOUTS = {"wide": "", "narrow": "-narrow"}   # layout -> file name suffix
NARROW_WIDTH = 3.6                            # inches at DPI: 360 px


def background(backgrounds, setting, png, draw, *args):
    """Draw an explorer's backgrounds (png: the wide one's path; draw(*args, layout,
    path) returns the boxes and size), or copy the ones an explorer with the same setting
    drew (`backgrounds` keeps them). Returns {layout: {"boxes", "size", "png"}}."""
    out = {}
    for layout, suffix in LAYOUTS.items():
        path = png.with_name(png.stem + suffix + png.suffix)
        if (setting, layout) not in backgrounds:
            backgrounds[setting, layout] = *draw(*args, layout, path), path.read_bytes()
        boxes, size, data = backgrounds[setting, layout]
        path.write_bytes(data)
        out[layout] = {"boxes": boxes, "size": size, "png": path.name}
    return out


def panels(layout, n=2, wide_size=(8.0, 3.3), width_ratios=(1.15, 1.0)):
    """A figure with n panels for a layout, and its axes."""
    from matplotlib.figure import Figure
    if layout == "wide":
        fig = Figure(figsize=wide_size, dpi=DPI, layout="constrained")
        gs = fig.add_gridspec(1, n, width_ratios=width_ratios[:n])
    else:
        fig = Figure(figsize=(NARROW_WIDTH, 2.9 * n), dpi=DPI, layout="constrained")
        gs = fig.add_gridspec(n, 1)
    return fig, [fig.add_subplot(g) for g in gs]
