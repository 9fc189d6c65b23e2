"""The explorer's figure: the runs' paths on the contour plot and their loss curves.

Contours, axes and layout are drawn per surface, the loss panel's x axis per step count,
and kept as a background image; an update restores it and draws only the moving lines
(blitting). A path that diverged ends in ✕ and one that ends outside the window in ◆,
both where the path last leaves the window (`divergence_mark`).
"""
import operator

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from adamedu import plots, trajectory
from adamedu.widgets import _layouts, _mathtext, _png
from adamedu.widgets._sliders import DPI, WIDTH, css

LOSS_FLOOR = 1e-10  # the loss panel shows loss - min_loss down to this value
_PANEL_HEIGHT, _LINE_HEIGHT = 3.0, 0.2  # inches, at dpi 80
# the still picture's caption (a summary line per run, wrapped to the width): 14 CSS
# pixels, JupyterLab's body text, on lines of 20
_CAPTION_SIZE, _CAPTION_LINE = 14 * 72 / 80, 0.25  # points, inches at dpi 80


def _exit_point(p, q, xlim, ylim):
    """Where the segment from p (inside the window) to q (outside) crosses its edge."""
    t = 1.0
    for k, (lo, hi) in enumerate((xlim, ylim)):
        d = q[k] - p[k]
        if q[k] > hi and d > 0:
            t = min(t, (hi - p[k]) / d)
        elif q[k] < lo and d < 0:
            t = min(t, (lo - p[k]) / d)
    return p + t * (q - p)


def inside(points, s):
    """For each point: is it inside the surface's plotted window?"""
    return _in_window(points, s.xlim, s.ylim)


def _in_window(points, xlim, ylim):
    return ((points[:, 0] >= xlim[0]) & (points[:, 0] <= xlim[1])
            & (points[:, 1] >= ylim[0]) & (points[:, 1] <= ylim[1]))


def divergence_mark(points, xlim, ylim):
    """Where to mark a diverged run: its last point, or, if the run ended outside the
    window, the place where it left the window for the last time."""
    inside = _in_window(points, xlim, ylim)
    if inside[-1] or not inside.any():
        return points[-1]
    k = len(inside) - 1 - int(np.argmax(inside[::-1]))  # last point inside
    return _exit_point(points[k], points[k + 1], xlim, ylim)


def _caption(lines):
    """RGBA pixels of `lines` ((text, colour) pairs) under each other in the caption's
    size, each wrapped at spaces to the explorers' width (its continuation indented)."""
    probe = Figure(figsize=(WIDTH, 1.0), dpi=DPI)
    renderer = FigureCanvasAgg(probe).get_renderer()
    measure = probe.text(0, 0, "", fontsize=_CAPTION_SIZE)
    room = 0.96 * WIDTH * DPI
    rows = []
    for text, color in lines:
        row = ""
        for word in text.split(" "):
            wider = f"{row} {word}" if row else word
            measure.set_text(wider)
            if row.strip() and measure.get_window_extent(renderer).width > room:
                rows.append((row, color))
                row = "    " + word
            else:
                row = wider
        rows.append((row, color))
    height = _CAPTION_LINE * (len(rows) + 0.5)
    fig = Figure(figsize=(WIDTH, height), dpi=DPI)
    canvas = FigureCanvasAgg(fig)
    for i, (row, color) in enumerate(rows):
        fig.text(0.02, 1 - _CAPTION_LINE * (i + 1) / height, row, va="bottom", ha="left",
                 fontsize=_CAPTION_SIZE, color=color)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())


class _PathFigure:
    """One Agg figure for the explorer: `draw(...)` returns the live PNG, `still_png()`
    the same picture with a summary line per run under the panels. Its artists carry
    gids ("start", "<name> path", "<name> end", "<name> loss", "<name> loss end")."""

    def __init__(self, runs, image, max_steps):
        """runs: the explorer's `_Run`s (name, color); image: the `ipywidgets.Image` to
        size; max_steps: the widest step count, laid out once for all."""
        n = len(runs)
        height = _PANEL_HEIGHT + _LINE_HEIGHT * (n + 0.5)
        strip = _LINE_HEIGHT * (n + 0.5) / height  # a strip under the panels for the summary
        self.figure = fig = Figure(figsize=(WIDTH, height), dpi=DPI)
        self._layout_rect = (0, strip, 1, 1 - strip)
        self._max_steps = max_steps
        self._canvas = FigureCanvasAgg(fig)
        _mathtext.share(self._canvas)
        w_px, h_px = self._canvas.get_width_height()
        self._panel_px = h_px - int(round(_LINE_HEIGHT * (n + 0.5) * DPI))
        image.layout = W.Layout(width=css(w_px), height=css(self._panel_px))
        gs = fig.add_gridspec(1, 2, width_ratios=(1.15, 1.0))
        self._ax_path = fig.add_subplot(gs[0])
        self._ax_loss = fig.add_subplot(gs[1])
        self._bg_key = None
        # the background with the start and the runs below the one that last changed,
        # so that moving one optimizer's sliders redraws only it and the runs above it
        self._layer = None  # (background, start, trajectories below, pixels)
        self._drawn_trajs = ()
        self._start_marker, = self._ax_path.plot(
            [], [], linestyle="none", marker="o", markersize=7, color="white",
            markeredgecolor="black", markeredgewidth=1.2, zorder=6, animated=True, gid="start")
        self._artists = [self._start_marker]  # drawn in this order, so start goes under
        self._lines, self._texts = [], []
        for i, run in enumerate(runs):
            kw = dict(color=run.color, animated=True)
            path, = self._ax_path.plot([], [], marker="o", markersize=2.5, linewidth=1.3,
                                       zorder=3, gid=f"{run.name} path", **kw)
            end, = self._ax_path.plot([], [], linestyle="none", marker="o", markersize=8,
                                      markeredgecolor="black", markeredgewidth=0.6, zorder=5,
                                      gid=f"{run.name} end", **kw)
            curve, = self._ax_loss.plot([], [], gid=f"{run.name} loss", **kw)
            curve_end, = self._ax_loss.plot([], [], linestyle="none", marker="X", markersize=8,
                                            markeredgecolor="black", markeredgewidth=0.6,
                                            zorder=5, gid=f"{run.name} loss end", **kw)
            text = fig.text(0.02, (_LINE_HEIGHT * (n - i - 0.25)) / height, "",
                            va="bottom", ha="left", fontsize=9, **kw)
            self._lines.append((path, end, curve, curve_end))
            self._texts.append(text)
            self._artists += [path, end, curve, curve_end]
        for a in self._artists:  # an unclipped end mark of the last surface's runs must
            a.set_in_layout(False)  # not squeeze the next surface's layout
        self._rc = _layouts.settings()  # the settings the axes were made with

    @property
    def loss_range(self):
        """(bottom, top) of the loss panel for the current surface."""
        return self._loss_range

    def draw(self, surface, steps, start, trajs, summaries):
        """Draw the runs' trajectories (and their summary lines, for the still picture)
        from start; return the live PNG."""
        if self._bg_key != (surface, steps):
            self._draw_background(surface, steps)
        low, high = self._loss_range
        for (path, end, curve, curve_end), text, traj, summary in zip(
                self._lines, self._texts, trajs, summaries):
            pts = traj.points
            path.set_data(pts[:, 0], pts[:, 1])
            diverged = traj.diverged_at is not None
            off_screen = not diverged and not inside(pts[-1:], surface)[0]
            if diverged or off_screen:  # where the path last leaves the window
                mark = divergence_mark(pts, surface.xlim, surface.ylim)
            else:
                mark = pts[-1]
            end.set_data([mark[0]], [mark[1]])
            end.set_marker("X" if diverged else "D" if off_screen else "o")
            end.set_clip_on(not (diverged or off_screen))
            loss = traj.losses - (surface.min_loss or 0.0)
            # a loss above the panel's top leaves through it (cut by the axes), never
            # pinned to the top as if it were flat there
            curve.set_data(np.arange(len(loss)), np.clip(loss, low, None))
            curve_end.set_data([len(loss) - 1] if diverged else [],
                               np.clip(loss, low, high)[-1:] if diverged else [])
            text.set_text(summary)
        self._start_marker.set_data([start[0]], [start[1]])
        return self._render_live(tuple(start), trajs)

    def still_png(self):
        """PNG of the current state with a summary line per run under the panels (in the
        caption's size, wrapped to the figure's width)."""
        self._canvas.restore_region(self._background)
        renderer = self._canvas.get_renderer()
        for a in self._artists:
            a.draw(renderer)
        panels = np.asarray(self._canvas.buffer_rgba())[:self._panel_px]
        return _png.encode(np.vstack([panels, _caption([(t.get_text(), t.get_color())
                                                        for t in self._texts])]))

    def _draw_background(self, s, steps):
        """Contours, axes, ticks and labels, kept as an image. The contour panel, the
        layout and the loss axes' y side are redrawn only for a new surface; a steps
        change redraws only the loss axes' x axis (its ticks, grid and label), drawn last
        in every image so that the picture does not depend on the order of changes."""
        ax, lx = self._ax_path, self._ax_loss
        lx.set_xlim(0, steps)
        if self._bg_key is None or self._bg_key[0] is not s:
            for a in list(ax.collections) + [line for line in ax.lines
                                             if not line.get_animated()]:
                a.remove()
            plots.contour(s, ax=ax)
            self._style_loss_axes(s)
            # lay the panels out (with the widest step labels, so that the layout, and
            # so the image, does not depend on the number of steps at the time) and
            # keep those positions from now on
            lx.set_xlim(0, self._max_steps)
            for a, position in zip((ax, lx), self._layout()):
                a.set_position(position)
            lx.set_xlim(0, steps)
            lx.set_visible(False)
            self._canvas.draw()
            lx.set_visible(True)
            lx.xaxis.set_visible(False)
            lx.draw(self._canvas.get_renderer())
            lx.xaxis.set_visible(True)
            self._without_steps = self._canvas.copy_from_bbox(self.figure.bbox)
        self._canvas.restore_region(self._without_steps)
        lx.xaxis.draw(self._canvas.get_renderer())
        self._background = self._canvas.copy_from_bbox(self.figure.bbox)
        self._bg_key = (s, steps)  # the surface itself, not its id: ids can be reused

    def _layout(self):
        """The panels' positions from constrained layout (kept per kernel: `_layouts`)."""
        axes = (self._ax_path, self._ax_loss)

        def lay_out():
            self.figure.set_layout_engine("constrained", rect=self._layout_rect)
            self._canvas.draw()
            self.figure.set_layout_engine("none")
            return tuple(a.get_position(original=True).frozen() for a in axes)
        return _layouts.laid_out(self.figure, axes, self._rc, lay_out, self._layout_rect)

    def _style_loss_axes(self, s):
        lx = self._ax_loss
        top = 3.0 * float(np.max(s.levels))
        if s.min_loss is not None:
            lx.set_yscale("log")
            self._loss_range = (LOSS_FLOOR, top)
            lx.set_ylabel("loss − minimum")
        else:  # the saddle: the loss falls without bound
            lx.set_yscale("symlog", linthresh=1.0)
            self._loss_range = (-trajectory.default_bound(s) ** 2, top)
            lx.set_ylabel("loss (no minimum)")
        lx.set_ylim(*self._loss_range)
        lx.set_xlabel("step t")
        lx.set_title("Loss")

    def _render_live(self, start, trajs):
        """The live PNG. Runs are drawn in order, so the runs below the first one whose
        trajectory changed since the last picture come from a cached layer: moving one
        optimizer's sliders redraws only it and the runs above it (pixel for pixel what
        drawing every run gives)."""
        last = self._drawn_trajs
        k = next((i for i, (a, b) in enumerate(zip(last, trajs)) if a is not b),
                 min(len(last), len(trajs)))
        renderer = self._canvas.get_renderer()
        layer = self._layer
        if not (layer and layer[0] is self._background and layer[1] == start
                and len(layer[2]) == k and all(map(operator.is_, layer[2], trajs))):
            self._canvas.restore_region(self._background)
            for a in self._artists[:1 + 4 * k]:  # the start, then 4 artists per run
                a.draw(renderer)
            layer = self._layer = (self._background, start, tuple(trajs[:k]),
                                   self._canvas.copy_from_bbox(self.figure.bbox))
        self._canvas.restore_region(layer[3])
        for a in self._artists[1 + 4 * k:]:
            a.draw(renderer)
        self._drawn_trajs = tuple(trajs)
        return _png.encode(np.asarray(self._canvas.buffer_rgba())[:self._panel_px])

