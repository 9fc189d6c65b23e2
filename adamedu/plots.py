"""The course's figures: contours with optimizer paths, loss curves, small multiples,
heatmaps of hyperparameter grids (`sweeps`) and the online counterexample's runs. Nothing
here runs an optimizer (`experiments` runs them and draws with these functions).

Importing this module applies the course style (small figures at dpi 80, readable fonts,
a light grid). `style(label)` gives each optimizer its colour, line style and marker (and
`color(label)` its colour) in every figure, as its `optimizers.Spec` declares them: Okabe
and Ito's colour-blind-safe palette (AdamW in a wine red), readable in greyscale too.
Functions draw on an optional `ax` (else make a figure) and return the axes; those that
make several panels (`small_multiples`, `surface_panels`, `online_*`) return the figure."""
import zlib
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from adamedu import optimizers as _optimizers
from adamedu import surfaces as _surfaces
from adamedu import trajectory as _trajectory

__all__ = ["STYLE", "apply_style", "color", "contour", "distinct_colors", "distinct_styles",
           "heatmap", "loss_curves", "online_panels", "online_runs", "paths",
           "small_multiples", "style", "surface_panels"]

STYLE: dict[Any, Any] = {
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "figure.figsize": (5.0, 3.6),
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 8,
    "legend.framealpha": 0.85,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.6,
}

# Labels that are not an optimizer's (`optimizers.Spec` declares each one's style).
_FALLBACK = ["#e377c2", "#bcbd22", "#0b3d91", "#7f7f7f", "#aa3377", "#228833", "#ee7733",
             "#66ccee"]
_FALLBACK_MARKERS = ["<", ">", "d", "H", "8", "1", "2", "3"]
THETA_LABELS = (r"$\theta_1$", r"$\theta_2$")


def apply_style() -> None:
    """Apply the course's matplotlib style (done once on import)."""
    mpl.rcParams.update(STYLE)


apply_style()


def color(label: str) -> str:
    """The colour of an optimizer label, the same across the whole course.

    Known labels ("GD", "Momentum", ..., "AdamW") and labels that start with one
    ("Adam, lr = 0.1") get the optimizer's colour (`optimizers.Spec.color`); other labels
    get a fixed colour from a fallback palette (chosen from the label's text, so it never
    changes).
    """
    return style(label)["color"]


def style(label: str) -> dict:
    """matplotlib keyword arguments for an optimizer label: color, linestyle and marker.

    ``ax.plot(x, y, **plots.style("Adam"))``. A label that is or starts with a declared
    optimizer's (`optimizers.spec_of_label`: "Adam, lr = 0.1") gets that optimizer's
    style; other labels get a solid line and a colour and marker chosen from the label's
    text.
    """
    known = _optimizers.spec_of_label(label)
    if known:
        return {"color": known.color, "linestyle": known.linestyle, "marker": known.marker}
    k = zlib.crc32(str(label).encode())
    return {"color": _FALLBACK[k % len(_FALLBACK)], "linestyle": "-",
            "marker": _FALLBACK_MARKERS[k % len(_FALLBACK_MARKERS)]}


def distinct_colors(labels: list) -> list:
    """One colour per label; repeated colours in one figure are replaced by unused ones."""
    return [kw["color"] for kw in distinct_styles(labels)]


def distinct_styles(labels: list) -> list:
    """`style(label)` for each label; a colour repeated in one figure is replaced by an
    unused one and its line gets dashes, so the two lines differ in greyscale too."""
    used, out = set(), []
    for label in labels:
        kw = style(label)
        if kw["color"] in used:
            kw["color"] = next((f for f in _FALLBACK if f not in used), kw["color"])
            kw["linestyle"] = (0, (2, 1)) if kw["linestyle"] != (0, (2, 1)) else "-"
        used.add(kw["color"])
        out.append(kw)
    return out


def _listed(trajectories):
    return list(trajectories) if isinstance(trajectories, (list, tuple)) else [trajectories]


def _window_size(surface, width, legend_width=0.0):
    """A figure size whose axes fit the surface's window at equal aspect."""
    aspect = np.ptp(surface.ylim) / np.ptp(surface.xlim)
    return (width + legend_width, (width - 0.6) * aspect + 0.8)


def _new_ax(ax, figsize=None):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def contour(surface: str | _surfaces.Surface, ax: Axes | None = None, title: str | None = None,
            resolution: int = 200) -> Axes:
    """Contour lines of a surface in its window, with its minima marked by stars.

    surface is a `surfaces.Surface` or a name for `surfaces.get`. Darker lines are lower.
    """
    surface = _surfaces.get(surface)
    ax = _new_ax(ax, _window_size(surface, 4.0))
    x = np.linspace(surface.xlim[0], surface.xlim[1], resolution)
    y = np.linspace(surface.ylim[0], surface.ylim[1], resolution)
    X, Y = np.meshgrid(x, y)
    with np.errstate(all="ignore"):
        Z = surface.f(X, Y)
    levels = np.asarray(surface.levels)
    shades = [str(g) for g in np.linspace(0.2, 0.8, len(levels))]
    ax.contour(X, Y, Z, levels=levels, colors=shades, linewidths=0.7)
    if len(surface.minima):
        ax.plot(surface.minima[:, 0], surface.minima[:, 1], linestyle="none", marker="*",
                markersize=12, color="gold", markeredgecolor="black", markeredgewidth=0.7,
                label="minimum" if len(surface.minima) == 1 else "minima", zorder=6)
    ax.set_xlim(surface.xlim)
    ax.set_ylim(surface.ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.grid(False)
    ax.set_xlabel(THETA_LABELS[0])
    ax.set_ylabel(THETA_LABELS[1])
    ax.set_title(surface.title if title is None else title)
    return ax


def _legend_label(traj):
    if traj.diverged_at is None:
        return traj.label
    return f"{traj.label} ({_trajectory.diverged_text(traj.diverged_at)})"


def paths(surface, trajectories, ax: Axes | None = None, title: str | None = None,
          legend: bool = True) -> Axes:
    """Contours plus the paths of one or several trajectories.

    Each path is drawn in its optimizer's colour with a dot per step; the start is a
    white circle, the end a filled circle, minima are stars, and a diverged run ends in
    a cross at its last finite point, with the step noted in the legend. The legend sits
    beside the axes when this function makes the figure, inside them when `ax` is given.
    """
    surface = _surfaces.get(surface)
    outside = ax is None                 # a figure of our own has room for the legend beside
    if ax is None:
        ax = _new_ax(ax, _window_size(surface, 4.0, legend_width=2.2 if legend else 0.0))
    ax = contour(surface, ax=ax, title=title)
    trajs = _listed(trajectories)
    starts: set = set()
    for traj, kw in zip(trajs, distinct_styles([t.label for t in trajs])):
        c = kw["color"]
        p = traj.points
        if p.ndim != 2 or p.shape[1] != 2:
            raise ValueError(f"paths() draws 2-D trajectories; {traj.label!r} has points of "
                             f"shape {p.shape}.")
        ax.plot(p[:, 0], p[:, 1], **kw, markersize=3, linewidth=1.3,
                label=_legend_label(traj), zorder=3)
        end_marker = "X" if traj.diverged_at is not None else "o"
        ax.plot(p[-1, 0], p[-1, 1], linestyle="none", marker=end_marker, markersize=7,
                color=c, markeredgecolor="black", markeredgewidth=0.6, zorder=5)
        start = tuple(p[0])
        if start not in starts:
            ax.plot(*start, linestyle="none", marker="o", markersize=7, color="white",
                    markeredgecolor="black", markeredgewidth=1.2, zorder=5,
                    label=None if starts else "start")
            starts.add(start)
    if legend and ax.get_legend_handles_labels()[0]:
        if outside:
            ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
        else:
            ax.legend(loc="best")
    return ax


def loss_curves(trajectories, ax: Axes | None = None, log: bool = True,
                title: str | None = None) -> Axes:
    """Loss against step for one or several trajectories.

    With log=True the y axis is logarithmic unless some loss is negative (the saddle):
    then it stays linear and the title says so. Losses of exactly 0 cannot appear on a
    log axis; they are left out and the title says so.
    A diverged run ends in a cross, with the step noted in the legend.
    """
    trajs = _listed(trajectories)
    ax = _new_ax(ax)
    title = "Loss" if title is None else title
    negative = any(np.any(t.losses < 0) for t in trajs)
    zeros = any(np.any(t.losses == 0) for t in trajs)
    log_axis = log and not negative
    for traj, kw in zip(trajs, distinct_styles([t.label for t in trajs])):
        c = kw["color"]
        steps = np.arange(len(traj.losses))
        y = np.where(traj.losses > 0, traj.losses, np.nan) if log_axis else traj.losses
        ax.plot(steps, y, **kw, markevery=max(1, len(steps) // 8), markersize=5,
                label=_legend_label(traj))
        if traj.diverged_at is not None:
            ax.plot(steps[-1], y[-1], linestyle="none", marker="X", markersize=8,
                    color=c, markeredgecolor="black", markeredgewidth=0.6)
    if log_axis:
        ax.set_yscale("log")
        if zeros:
            title += " (losses of exactly 0 not shown)"
    elif log:
        title += " (linear scale: some losses are < 0)"
    ax.set_xlabel("step t")
    ax.set_ylabel("loss")
    ax.set_title(title)
    if trajs:
        ax.legend(loc="best")
    return ax


def small_multiples(surface, runs: list, param: str, ncols: int = 3, title: str | None = None,
                    panel_width: float = 2.9) -> Figure:
    """One contour panel per hyperparameter value, with a shared legend and title.

    runs is a list of (value, trajectory or list of trajectories), e.g.
    [(0.01, run(SGD(lr=0.01), s)), (0.1, run(SGD(lr=0.1), s))]; param names the
    hyperparameter ("lr"). Each panel is titled "param = value" and notes divergence.
    When the value changes the surface itself, pass a function value -> Surface as
    `surface`, e.g. `small_multiples(surfaces.quadratic, runs, "kappa")`.
    Returns the figure.
    """
    runs = list(runs)
    if not runs:
        raise ValueError("small_multiples needs at least one (value, trajectory) pair in runs.")
    surface_of = surface if callable(surface) else (lambda value: surface)
    panels = [(_surfaces.get(surface_of(value)), value, _listed(trajs)) for value, trajs in runs]
    ncols = max(1, min(int(ncols), len(runs)))
    nrows = -(-len(runs) // ncols)
    panel_height = _window_size(panels[0][0], panel_width)[1]
    fig, axes = plt.subplots(nrows, ncols, squeeze=False, layout="constrained",
                             figsize=(panel_width * ncols, panel_height * nrows + 0.7))
    handles: dict = {}
    for ax, (surf, value, trajs) in zip(axes.flat, panels):
        shown = f"{value:g}" if isinstance(value, (int, float, np.number)) else f"{value}"
        paths(surf, trajs, ax=ax, title=f"{param} = {shown}", legend=False)
        notes = [(f"{t.label}: " if len(trajs) > 1 else "")
                 + _trajectory.diverged_text(t.diverged_at)
                 for t in trajs if t.diverged_at is not None]
        if notes:
            ax.text(0.03, 0.97, "\n".join(notes), transform=ax.transAxes, va="top", ha="left",
                    fontsize=8, color="#b00000",
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.85,
                              "edgecolor": "none"})
        plain = {_legend_label(t): t.label for t in trajs}  # one legend entry per optimizer
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(plain.get(lab, lab), h)
    for ax in axes.flat[len(runs):]:
        ax.set_visible(False)
    if handles:
        fig.legend(list(handles.values()), list(handles), loc="outside lower center",
                   ncols=min(len(handles), 6))
    if title is None:
        title = (f"varying {param}" if callable(surface)
                 else f"{panels[0][0].title}: varying {param}")
    fig.suptitle(title)
    return fig


def surface_panels(panels: list, losses: bool = False, panel_width: float = 4.3,
                   panel_height: float = 3.8) -> Figure:
    """One panel of paths per surface, for runs already made (`experiments.on_surfaces`).

    panels is a list of (surface, steps, trajectories). Panels are titled "<surface
    title>, <steps> steps" and only the first carries the legend (colours are the same in
    every panel). With losses=True a second row shows each surface's loss curves."""
    nrows = 2 if losses else 1
    fig, axes = plt.subplots(nrows, len(panels), squeeze=False, layout="constrained",
                             figsize=(panel_width * len(panels), panel_height * nrows))
    for k, (surface, steps, trajs) in enumerate(panels):
        paths(surface, trajs, ax=axes[0, k], title=f"{surface.title}, {steps} steps",
              legend=(k == 0))
        if losses:
            legend = loss_curves(trajs, ax=axes[1, k], title=f"Loss, {surface.title}").get_legend()
            if legend:
                legend.remove()            # the first panel's legend names the colours
    return fig


def _labels(values):
    """Shortest labels (1 to 6 significant digits) that put each value closer to itself
    than to its neighbours: 0.3 for 0.316, but 0.9999 rather than 1."""
    if any(isinstance(v, str) for v in values):
        return [str(v) for v in values]
    values = np.asarray(values, dtype=float)
    gaps = np.abs(values[:, None] - values[None, :]) + np.diag(np.full(len(values), np.inf))
    nearest = gaps.min(axis=1) if len(values) > 1 else np.abs(values) + 1.0
    for digits in range(1, 7):
        rounded = np.array([float(f"{v:.{digits}g}") for v in values])
        if np.all(np.abs(rounded - values) <= 0.1 * nearest):
            break
    return [f"{x:g}".replace("e-0", "e-").replace("e+0", "e") for x in rounded]


def heatmap(g, step: int = -1, ax: Axes | None = None, relative: bool = False,
            floor: float = 1e-12, vmin: float | None = None, vmax: float | None = None,
            title: str | None = None) -> Axes:
    """Colour each point of a 2-D `sweeps.Grid` by log10 of its loss; diverged runs are
    grey with a cross.

    Rows are the first axis of a 2-D grid, columns the last. relative=True divides each
    run's loss by its loss at the start, so problems of different scale share a colour bar.
    Losses below `floor` are drawn as `floor`.
    """
    if len(g.names) != 2:
        raise ValueError(f"heatmap needs a 2-D grid; this one has axes {g.names}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 2.8))
    loss = g.at(step) / g.at(0) if relative else g.at(step)
    shown = np.log10(np.maximum(np.where(np.isfinite(loss), loss, np.nan), floor))
    cmap = plt.get_cmap("viridis").with_extremes(bad="0.8")
    image = ax.imshow(shown, cmap=cmap, aspect="auto", origin="lower", vmin=vmin, vmax=vmax)
    for i, j in zip(*np.nonzero(~np.isfinite(loss))):
        ax.text(j, i, "×", ha="center", va="center", color="0.3")
    rows, cols = g.values
    ax.set_xticks(range(len(cols)), _labels(cols), rotation=90)
    ax.set_yticks(range(len(rows)), _labels(rows))
    ax.set_xlabel(g.names[1])
    ax.set_ylabel(g.names[0])
    label = "log10 (loss / start loss)" if relative else "log10 loss"
    ax.figure.colorbar(image, ax=ax, label=label)
    if title:
        ax.set_title(title)
    return ax


def online_runs(runs: list, title: str | None = None) -> Figure:
    """Two panels for a list of `counterexample.OnlineRun`: x_t against t, and the average
    regret R_t / t. Returns the figure."""
    runs = list(runs)
    if not runs:
        raise ValueError("online_runs needs at least one OnlineRun")
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.0), layout="constrained")
    for r in runs:
        t = np.arange(len(r.x))
        left.plot(t, r.x, color=color(r.label), label=r.label, linewidth=1.2)
        right.plot(t[1:], r.average_regret, color=color(r.label), label=r.label)
    left.axhline(-1, color="0.5", linestyle=":", linewidth=1, label="optimum x = -1")
    left.set(xlabel="step t", ylabel="$x_t$", ylim=(-1.1, 1.1), title="The point $x_t$")
    positive = all(np.all(r.average_regret > 0) for r in runs)
    right.set(xlabel="step t", ylabel="$R_t / t$", xscale="log",
              yscale="log" if positive else "linear",
              title="Average regret" + ("" if positive else " (linear: some values <= 0)"))
    left.legend(loc="center right")
    r = runs[0]
    fig.suptitle(title if title is not None else
                 f"C = {r.C:g}, β₁ = {r.beta1:g}, β₂ = {r.beta2:.3g}")
    return fig


def online_panels(panels: list) -> Figure:
    """A grid of panels of Adam's and AMSGrad's x_t, for runs already made
    (`experiments.online_small_multiples`): panels[i][j] is (C, beta2 as asked, None for
    the paper's, and the `counterexample.compare` runs). Returns the figure."""
    rows, cols = len(panels), len(panels[0])
    fig, axes = plt.subplots(rows, cols, squeeze=False, sharex=True, sharey=True,
                             figsize=(2.7 * cols, 1.9 * rows + 0.7), layout="constrained")
    for row, row_panels in zip(axes, panels):
        for ax, (C, beta2, runs) in zip(row, row_panels):
            for r in runs:
                ax.plot(r.x, color=color(r.label), label=r.label, linewidth=1.1)
            ax.axhline(-1, color="0.5", linestyle=":", linewidth=1)
            name = "paper's " if beta2 is None else ""
            ax.set_title(f"C = {C:g}, {name}β₂ = {runs[0].beta2:.3g}", fontsize=9)
            ax.set_ylim(-1.15, 1.15)
    for ax in axes[-1]:
        ax.set_xlabel("step t")
    for ax in axes[:, 0]:
        ax.set_ylabel("$x_t$")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
    return fig
