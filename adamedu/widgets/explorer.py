"""`explore(...)`: sliders for one optimizer, or several in compare mode, on a 2-D surface."""
import html
import math
import time

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from adamedu import _check, optimizers, plots, surfaces, trajectory
from adamedu.widgets._sliders import _clamp, _fmt, _png, _rate, _Sliders, _whole

LR_RANGE = (1e-4, 10.0)
EPS_RANGE = (1e-12, 1.0)
STEPS_RANGE = (1, 1000)
LOSS_FLOOR = 1e-10  # the loss panel shows loss - min_loss down to this value

# Decay rates and friends are chosen from meaningful values; set() may add others.
CHOICES = {
    "beta1": (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999),
    "beta2": (0.5, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999),
    "alpha": (0.5, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999),
    "momentum": (0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
    "weight_decay": (0.0, 0.001, 0.01, 0.1, 0.5, 1.0),
}
_LOG = {"lr": LR_RANGE, "eps": EPS_RANGE}
_LOG_STEP = {"lr": 0.05, "eps": 0.5}  # slider steps, in powers of ten
_LEFTOVER_SECONDS = 1.0  # start values from the old surface arrive within this of a switch
_TOGGLES = ("nesterov", "bias_correction")
# Controls in display order, and the optimizers that get each one.
_ORDER = ("lr", "beta1", "beta2", "alpha", "eps", "momentum", "nesterov", "weight_decay",
          "bias_correction")
_ONLY = {"weight_decay": ("adamw",)}

# Default lr: adaptive methods move about lr per step; plain and momentum GD need a
# step below 2 / curvature, which depends on the surface.
_ADAPTIVE_LR = 0.1
_GD_LR = {"quadratic": (0.1, 0.01), "rotated_quadratic": (0.1, 0.01),  # (GD, momentum)
          "rosenbrock": (0.001, 0.001), "beale": (0.001, 0.001), "saddle": (0.01, 0.001),
          "himmelblau": (0.01, 0.01)}

_SYMBOLS = {"beta1": "β₁", "beta2": "β₂", "eps": "ε", "alpha": "α", "momentum": "μ",
            "weight_decay": "λ"}
_WIDTH, _PANEL_HEIGHT, _LINE_HEIGHT = 8.0, 3.0, 0.2  # inches, at dpi 80


def explore(optimizer="adam", surface="rosenbrock", steps=100, start=None, **values):
    """Open a slider explorer for `optimizer` (a name for `optimizers.make`, or a list of
    names to compare) on `surface` (a name in `surfaces.SURFACES` or a `Surface`).

    `values` set the starting position of the sliders, e.g. ``lr=0.05, beta2=0.99``;
    in compare mode a plain value applies to every optimizer that has it, and
    ``adam={"lr": 0.05}`` to one. Show the explorer by making it the last expression
    of a cell; change it in code with ``.set(...)``.
    """
    return Explorer(optimizer, surface=surface, steps=steps, start=start, **values)


def _log_grid(value, low, high, step):
    """(min, max) exponents of a log slider with this step whose grid passes through
    value, as close to [low, high] as the grid allows: a value given in code (lr=0.002)
    is then a stop, which the browser keeps as it is instead of rounding it to the
    nearest stop of the standard grid (0.001995)."""
    lo, hi, e = math.log10(low), math.log10(high), math.log10(value)
    below = math.floor((e - lo) / step + 1e-9)
    start = e - below * step
    if abs(start - lo) < 1e-9:
        start = lo  # the standard grid
    return start, start + math.floor((hi - start) / step + 1e-9) * step


def _same(a, b):
    """True if two slider values differ only by the browser's rounding."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


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


def _inside(points, s):
    """For each point: is it inside the surface's plotted window?"""
    return ((points[:, 0] >= s.xlim[0]) & (points[:, 0] <= s.xlim[1])
            & (points[:, 1] >= s.ylim[0]) & (points[:, 1] <= s.ylim[1]))


def divergence_mark(points, xlim, ylim):
    """Where to mark a diverged run: its last point, or, if the run ended outside the
    window, the place where it left the window for the last time."""
    inside = ((points[:, 0] >= xlim[0]) & (points[:, 0] <= xlim[1])
              & (points[:, 1] >= ylim[0]) & (points[:, 1] <= ylim[1]))
    if inside[-1] or not inside.any():
        return points[-1]
    k = len(inside) - 1 - int(np.argmax(inside[::-1]))  # last point inside
    return _exit_point(points[k], points[k + 1], xlim, ylim)


class _Run:
    """One optimizer in the explorer: its name, controls, fixed extras and artists."""

    def __init__(self, name, surface_name):
        self.name = name
        self.defaults = optimizers.make(name).hyperparams
        self.params = [p for p in _ORDER if p in self.defaults
                       and name in _ONLY.get(p, (name,))]
        self.values = {p: self.defaults[p] for p in self.params}
        if name in ("sgd", "gd", "momentum", "nesterov"):
            gd_lr, momentum_lr = _GD_LR.get(surface_name, (0.01, 0.01))
            self.values["lr"] = gd_lr if name in ("sgd", "gd") else momentum_lr
        else:
            self.values["lr"] = _ADAPTIVE_LR
        self.extras = {}           # other hyperparameters given in code (amsgrad, centered...)
        self.widgets = {}
        self.cache = (None, None)  # (key, Trajectory): reruns only when settings change
        self.note = ""

    def hyperparams(self):
        hp = {**self.values, **self.extras}
        if hp.get("nesterov") and not hp.get("momentum"):
            hp["nesterov"] = False
            self.note = "nesterov needs momentum > 0, so it is off until momentum is raised"
        else:
            self.note = ""
        return hp

    def label(self):
        """The optimizer's display label for the current settings ("GD", "Momentum"...)."""
        return optimizers.make(self.name, **self.hyperparams()).label

    def settings(self):
        """The settings as 'lr=0.1, beta1=0.9, ...'."""
        hp = {**self.values, **self.extras}
        return ", ".join(f"{k}={_fmt(v)}" for k, v in hp.items())

    def short_settings(self):
        """The settings in paper symbols for the figure: 'lr=0.1 β₁=0.9 β₂=0.999 ε=1e-08'."""
        hp = {**self.values, **self.extras}
        parts = []
        for k, v in hp.items():
            if isinstance(v, bool):
                if v != self.defaults.get(k, False):
                    parts.append(f"{k.replace('_', ' ')} {'on' if v else 'off'}")
            else:
                parts.append(f"{_SYMBOLS.get(k, k)}={_fmt(v)}")
        return " ".join(parts)


class Explorer(_Sliders):
    """Sliders, a figure and a readout for one or several optimizers on a 2-D surface.

    Use `explore(...)` to make one. Attributes for code and tests: `widget` (the ipywidgets
    box), `png` (the current image), `readout` (one line per optimizer, plus notes),
    `trajectories`, `values` (current settings), `set(**values)`.
    """

    def __init__(self, optimizer="adam", surface="rosenbrock", steps=100, start=None, **values):
        names = [optimizer] if isinstance(optimizer, str) else list(optimizer)
        if not names or not all(isinstance(n, str) for n in names):
            raise ValueError(f"optimizer must be a name such as 'adam' or a list of names, "
                             f"got {optimizer!r}")
        names = [n.lower() for n in names]
        if len(set(names)) != len(names):
            raise ValueError(f"each optimizer can appear once in compare mode, got {names}")
        self._start_sync()
        self._choices = {name: None for name in surfaces.SURFACES}
        self._surface = surfaces.get(surface)
        self._choices[self._surface.name] = self._surface
        self._runs = {name: _Run(name, self._surface.name) for name in names}
        self._bg_key = None
        self._build_widgets()
        self._build_figure()
        self.set(steps=steps, start=start, **values)

    # ----------------------------------------------------------------- public API

    @property
    def names(self):
        """The optimizer names, in display order."""
        return list(self._runs)

    @property
    def surface(self):
        """The current `surfaces.Surface`."""
        return self._surface

    @property
    def trajectories(self):
        """The current `trajectory.Trajectory` of each optimizer."""
        return [run.cache[1] for run in self._runs.values()]

    @property
    def values(self):
        """Current settings: {"steps", "start", "surface", and one dict per optimizer}."""
        out = {"surface": self._surface.name, "steps": self._steps.value,
               "start": self._start}
        for name, run in self._runs.items():
            out[name] = {**run.values, **run.extras}
        return out

    def set(self, **values):
        """Change controls and redraw: the code a slider change runs.

        Keys: any hyperparameter of the optimizers (lr, beta1, beta2, eps, momentum,
        nesterov, alpha, weight_decay, bias_correction, or a fixed one such as amsgrad),
        steps, start=(x, y) (None: the surface's default start) and surface. In compare
        mode a plain key applies to every optimizer that has it; ``adam={"lr": 0.1}``
        to one. Values outside a slider's range are clamped and the readout says so;
        values that are not numbers raise ValueError. Returns None, so a cell ending in
        ``ex.set(...)`` does not display the explorer a second time.
        """
        super().set(**values)

    def __repr__(self):
        return f"<Explorer {', '.join(self.names)} on {self._surface.name}>"

    # ----------------------------------------------------------------- widgets

    def _build_widgets(self):
        style = {"description_width": "110px"}
        wide = W.Layout(width="320px")
        for name, run in self._runs.items():
            for p in run.params:
                run.widgets[p] = w = self._control(p, run.values[p], style, wide)
                w.add_class(f"adamedu-{p.replace('_', '-')}")
                w.observe(self._listener(name, p), names="value")
        surface = W.Dropdown(options=list(self._choices), value=self._surface.name,
                             description="surface", style=style, layout=wide)
        self._steps = W.IntSlider(value=100, min=STEPS_RANGE[0], max=STEPS_RANGE[1],
                                  description="steps", style=style, layout=wide)
        self._x0 = W.FloatSlider(description="start θ₁", style=style, layout=wide,
                                 readout_format=".2f")
        self._y0 = W.FloatSlider(description="start θ₂", style=style, layout=wide,
                                 readout_format=".2f")
        self._surface_box = surface
        for key, w in (("surface", surface), ("steps", self._steps), ("x0", self._x0),
                       ("y0", self._y0)):
            w.add_class(f"adamedu-{key}")
            w.observe(self._listener(None, key), names="value")
        self._set_start_range()

        shared = W.VBox([surface, self._steps, self._x0, self._y0])
        boxes = [W.VBox([run.widgets[p] for p in run.params]) for run in self._runs.values()]
        if len(boxes) == 1:
            controls = W.HBox([boxes[0], shared])
        else:
            titles = [optimizers.make(n).label for n in self._runs]
            # room for every title: squeezed below their natural width, tabs cut labels
            width = max(340, sum(40 + 9 * len(t) for t in titles))
            tabs = W.Tab(children=boxes, titles=titles, layout=W.Layout(min_width=f"{width}px"))
            controls = W.HBox([tabs, shared])
        self._build_view(controls)

    @staticmethod
    def _control(p, value, style, layout):
        if p in _LOG:
            low, high = _log_grid(value, *_LOG[p], _LOG_STEP[p])
            return W.FloatLogSlider(value=value, base=10, min=low, max=high,
                                    step=_LOG_STEP[p], description=p, readout_format=".3g",
                                    style=style, layout=layout)
        if p in _TOGGLES:
            return W.Checkbox(value=bool(value), description=p.replace("_", " "),
                              style=style, layout=layout, indent=True)
        options = sorted(set(CHOICES[p]) | {float(value)})
        return W.SelectionSlider(options=[(_fmt(v), v) for v in options], value=float(value),
                                 description=p, style=style, layout=layout)

    def _listener(self, name, key):
        def update(new):
            if name is not None:
                if key in _LOG and _same(new, self._runs[name].values[key]):
                    return None  # the browser's rounding of our value, not a move
                return {name: {key: new}}
            if key in ("x0", "y0"):
                i = key == "y0"
                if _same(new, self._start[i]):
                    return None  # the browser's rounding of our value, not a move
                if self._from_old_surface(i, new):
                    self._show_start()
                    return None
                return {"start": (new, self._start[1]) if i == 0 else (self._start[0], new)}
            return {key: new}
        return self._guarded(update)

    def _set_start_range(self):
        """Fit the start sliders to the surface's window and put them on its start."""
        s = self._surface
        old_ranges = [(w.min, w.max, w.step) for w in (self._x0, self._y0)]
        with self._quiet():
            for w, (lo, hi), v in ((self._x0, s.xlim, s.start[0]), (self._y0, s.ylim, s.start[1])):
                # One message to the browser with range, step and value together: sent
                # one by one, the browser would clamp the old value to the new range and
                # send that back as the learner's choice.
                with w.hold_sync():
                    w.min, w.max = -1e300, 1e300  # widen first so min/max never cross
                    step = 10.0 ** math.floor(math.log10((hi - lo) / 100))  # 0.01 or 0.1:
                    w.min, w.max, w.step = float(lo), float(hi), step  # starts sit on it
                    w.value = float(v)
            # the start before the switch, for _from_old_surface
            self._old_start = (getattr(self, "_start", None), old_ranges, time.monotonic())
            self._start = (float(s.start[0]), float(s.start[1]))

    def _from_old_surface(self, i, value):
        """Is this start value from the browser a leftover of the surface before the
        last switch, within a second of it? Two kinds: a key press on a start slider
        sent just before the switch arrives just after it (the old start, clamped to
        the new window and put on its grid); and the browser may apply the new value
        before the new range and send back the new start clamped to the old window.
        Neither is the learner's choice on the new surface."""
        old, ranges, when = getattr(self, "_old_start", (None, None, 0.0))
        if old is None or time.monotonic() - when > _LEFTOVER_SECONDS:
            return False
        w, (old_lo, old_hi, old_step) = (self._x0, self._y0)[i], ranges[i]
        near = 1.01 * max(w.step, old_step)
        return (abs(value - min(max(old[i], w.min), w.max)) <= near
                or abs(value - min(max(self._start[i], old_lo), old_hi)) <= near)

    def _show_start(self):
        """Put the start sliders back on the explorer's start."""
        with self._quiet():
            for w, v in zip((self._x0, self._y0), self._start):
                with w.hold_sync():
                    w.value = v

    # ----------------------------------------------------------------- set() planning

    def _plan(self, values, notes):
        """Validate every value first (so a bad one changes nothing); return the writes."""
        plan = []
        values = dict(values)
        if "surface" in values:
            plan.append(self._plan_surface(values.pop("surface")))
        if "steps" in values:
            steps = _whole("steps", values.pop("steps"), *STEPS_RANGE, notes)
            plan.append(lambda: setattr(self._steps, "value", steps))
        if "start" in values:
            plan.append(self._plan_start(values.pop("start"), notes))
        for key, value in values.items():
            if key in self._runs and isinstance(value, dict):
                for p, v in value.items():
                    plan.append(self._plan_param(self._runs[key], p, v, notes))
                continue
            targets = [run for run in self._runs.values() if key in run.defaults]
            if not targets:
                known = sorted({p for run in self._runs.values() for p in run.defaults}
                               | {"steps", "start", "surface"})
                raise ValueError(f"unknown setting {key!r}: {', '.join(self._runs)} "
                                 f"take {', '.join(known)}")
            for run in targets:
                plan.append(self._plan_param(run, key, value, notes))
        return plan

    def _plan_surface(self, surface):
        if isinstance(surface, str) and self._choices.get(surface) is not None:
            new = self._choices[surface]
        else:
            new = surfaces.get(surface)  # passes a Surface through; a bad name raises

        def apply():
            changed = new is not self._surface
            self._surface = new
            known = new.name in self._choices
            self._choices[new.name] = new  # reused when chosen again
            if not known:
                self._surface_box.options = list(self._choices)
            self._surface_box.value = new.name
            if changed:
                self._set_start_range()
        return apply

    def _plan_start(self, start, notes):
        if start is None:
            return self._set_start_range
        try:
            x, y = start
        except (TypeError, ValueError):
            raise ValueError(f"start must be a point (x, y), got {start!r}") from None
        x, y = _check.number("start x", x), _check.number("start y", y)

        def apply():
            s = self._surface
            px = _clamp("start x", x, *s.xlim, notes, " of the plotted window")
            py = _clamp("start y", y, *s.ylim, notes, " of the plotted window")
            with self._x0.hold_sync(), self._y0.hold_sync():
                self._x0.value, self._y0.value = px, py
            self._start = (px, py)
        return apply

    def _plan_param(self, run, p, value, notes):
        if p not in run.defaults:
            raise ValueError(f"{run.name} has no hyperparameter {p!r}; "
                             f"it takes {', '.join(run.defaults)}")
        if p in _TOGGLES or isinstance(run.defaults[p], bool):
            if not isinstance(value, (bool, np.bool_, int)) or value not in (0, 1):
                raise ValueError(f"{p} is on or off: give True or False, got {value!r}")
            value = bool(value)
        elif p in CHOICES and p in run.params:
            value = _rate(p, value)
        else:
            value = _check.number(p, value)
        if p not in run.params:  # a fixed extra such as amsgrad or centered: check it now
            optimizers.make(run.name, **{**run.values, **run.extras, p: value})

            def apply_extra():
                run.extras[p] = value
            return apply_extra
        if p in _LOG:
            low, high = _LOG[p]
            why = " (the slider is logarithmic: it only takes values > 0)" if value <= 0 else ""
            value = _clamp(p, value, low, high, notes, why)
        widget = run.widgets[p]

        def apply():
            if p in CHOICES and value not in [v for _, v in widget.options]:
                options = sorted({v for _, v in widget.options} | {value})
                widget.options = [(_fmt(v), v) for v in options]
            if p in _LOG:  # move the slider's grid so that it passes through value
                low, high = _log_grid(value, *_LOG[p], _LOG_STEP[p])
                with widget.hold_sync():  # one message: range and value together
                    widget.min, widget.max = -300, 300
                    widget.value = value
                    widget.min, widget.max = low, high
            else:
                widget.value = value
            run.values[p] = value
        return apply

    # ----------------------------------------------------------------- figure

    def _build_figure(self):
        n = len(self._runs)
        height = _PANEL_HEIGHT + _LINE_HEIGHT * (n + 0.5)
        strip = _LINE_HEIGHT * (n + 0.5) / height  # a strip under the panels for the summary
        self.figure = fig = Figure(figsize=(_WIDTH, height), dpi=80)
        self._layout_rect = (0, strip, 1, 1 - strip)
        self._canvas = FigureCanvasAgg(fig)
        w_px, h_px = self._canvas.get_width_height()
        self._panel_px = h_px - int(round(_LINE_HEIGHT * (n + 0.5) * 80))
        self.image.layout = W.Layout(width=f"{w_px}px", height=f"{self._panel_px}px")
        gs = fig.add_gridspec(1, 2, width_ratios=(1.15, 1.0))
        self._ax_path = fig.add_subplot(gs[0])
        self._ax_loss = fig.add_subplot(gs[1])
        colors = plots.distinct_colors([optimizers.make(n).label for n in self._runs])
        self._start_marker, = self._ax_path.plot(
            [], [], linestyle="none", marker="o", markersize=7, color="white",
            markeredgecolor="black", markeredgewidth=1.2, zorder=6, animated=True)
        self._artists = [self._start_marker]  # drawn in this order, so start goes under
        for i, (run, c) in enumerate(zip(self._runs.values(), colors)):
            run.color = c
            kw = dict(color=c, animated=True)
            run.path, = self._ax_path.plot([], [], marker="o", markersize=2.5,
                                           linewidth=1.3, zorder=3, **kw)
            run.end, = self._ax_path.plot([], [], linestyle="none", marker="o", markersize=8,
                                          markeredgecolor="black", markeredgewidth=0.6,
                                          zorder=5, **kw)
            run.curve, = self._ax_loss.plot([], [], **kw)
            run.curve_end, = self._ax_loss.plot([], [], linestyle="none", marker="X",
                                                markersize=8, markeredgecolor="black",
                                                markeredgewidth=0.6, zorder=5, **kw)
            run.text = fig.text(0.02, (_LINE_HEIGHT * (n - i - 0.25)) / height, "",
                                va="bottom", ha="left", fontsize=9, **kw)
            self._artists += [run.path, run.end, run.curve, run.curve_end]

    def _draw_background(self):
        """Contours, axes, ticks and labels, kept as an image. The contour panel, the
        layout and the loss axes' y side are redrawn only for a new surface; a steps
        change redraws only the loss axes' x axis (its ticks, grid and label), drawn last
        in every image so that the picture does not depend on the order of changes."""
        s, steps = self._surface, self._steps.value
        ax, lx = self._ax_path, self._ax_loss
        lx.set_xlim(0, steps)
        if self._bg_key is None or self._bg_key[0] is not s:
            for a in list(ax.collections) + [line for line in ax.lines if not line.get_animated()]:
                a.remove()
            plots.contour(s, ax=ax)
            self._style_loss_axes(s)
            # lay the panels out (with the widest step labels, so that the layout, and
            # so the image, does not depend on the number of steps at the time) and
            # keep those positions from now on
            lx.set_xlim(0, STEPS_RANGE[1])
            self.figure.set_layout_engine("constrained", rect=self._layout_rect)
            self._canvas.draw()
            self.figure.set_layout_engine("none")
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

    def _refresh(self):
        """Recompute what changed, redraw the moving artists, update image and readout."""
        if self._bg_key != (self._surface, self._steps.value):
            self._draw_background()
        for run in self._runs.values():
            self._rerun_if_changed(run)
        self._draw_runs()
        self._write_readout()

    def _rerun_if_changed(self, run):
        hp = run.hyperparams()
        start = self._start
        key = (tuple(sorted(hp.items())), self._surface, start, self._steps.value)
        if run.cache[0] != key:
            opt = optimizers.make(run.name, **hp)
            run.cache = (key, trajectory.run(opt, self._surface, start=start,
                                             steps=self._steps.value))

    def _draw_runs(self):
        s = self._surface
        low, high = self._loss_range
        for run, traj in zip(self._runs.values(), self.trajectories):
            pts = traj.points
            run.path.set_data(pts[:, 0], pts[:, 1])
            diverged = traj.diverged_at is not None
            off_screen = not diverged and not _inside(pts[-1:], s)[0]
            if diverged or off_screen:  # where the path last leaves the window
                end = divergence_mark(pts, s.xlim, s.ylim)
            else:
                end = pts[-1]
            run.end.set_data([end[0]], [end[1]])
            run.end.set_marker("X" if diverged else "D" if off_screen else "o")
            run.end.set_clip_on(not (diverged or off_screen))
            loss = traj.losses - (s.min_loss or 0.0)
            # a loss above the panel's top leaves through it (cut by the axes), never
            # pinned to the top as if it were flat there
            curve = np.clip(loss, low, None)
            run.curve.set_data(np.arange(len(loss)), curve)
            run.curve_end.set_data([len(loss) - 1] if diverged else [],
                                   np.clip(loss, low, high)[-1:] if diverged else [])
            run.text.set_text(f"{run.label()}  {run.short_settings()}:  {self._result(traj)}")
        self._start_marker.set_data([self._start[0]], [self._start[1]])
        self.image.value = self._render(summary=False)

    def _render(self, summary):
        """Blit the moving artists onto the background and encode a PNG. The live image
        leaves out the summary strip (the readout shows it; text is slow to draw)."""
        self._canvas.restore_region(self._background)
        renderer = self._canvas.get_renderer()
        for a in self._artists:
            a.draw(renderer)
        rgba = np.asarray(self._canvas.buffer_rgba())
        if summary:
            for run in self._runs.values():
                run.text.draw(renderer)
        else:
            rgba = rgba[:self._panel_px]
        return _png(rgba)

    def still_png(self):
        """PNG of the current state with a summary line per optimizer under the panels:
        the picture stored in the notebook for readers without a kernel."""
        return self._render(summary=True)

    @staticmethod
    def _result(traj):
        if traj.diverged_at is not None:
            return trajectory.diverged_text(traj.diverged_at, traj.reason)
        d = traj.distance_to_min
        return (f"final loss {traj.final_loss:.3g}, distance to the nearest minimum "
                + ("n/a (no minimum)" if d is None else f"{d:.3g}"))

    def _off_window(self, traj):
        """What the figure cannot show of a run that did not diverge: '' or a sentence."""
        if traj.diverged_at is not None:
            return ""
        s, notes = self._surface, []
        inside = _inside(traj.points, s)
        if not inside.all():
            first = int(np.argmin(inside))
            x, y = traj.points[-1]
            notes.append(f"the path leaves the plotted window at step {first}"
                         + (f" and ends off-screen at ({x:.3g}, {y:.3g}), marked ◆ where it "
                            f"last leaves" if not inside[-1] else " and comes back"))
        top = self._loss_range[1]
        if np.max(traj.losses - (s.min_loss or 0.0)) > top:
            notes.append(f"the loss rises above the loss panel's top ({top:.3g}) and is "
                         f"cut there")
        return "; ".join(notes)

    def _write_readout(self):
        lines, rows = [], []
        for run, traj in zip(self._runs.values(), self.trajectories):
            label, result = run.label(), self._result(traj)
            lines.append(f"{label} ({run.settings()}): {result}")
            off = self._off_window(traj)
            if off:
                lines.append(f"note: {off}")
            if traj.diverged_at is not None:
                result = (f"<b style='color:#b00000'>{result}</b>; the path is drawn up to "
                          f"there and marked ✕")
            rows.append(f"<span style='color:{run.color}'>&#9632;</span> <b>{label}</b> "
                        f"<span style='color:#555'>({run.settings()})</span>: {result}")
            if off:
                rows.append(f"<i>note: {html.escape(off)}</i>")
            if run.note:
                lines.append(f"note: {run.note}")
                rows.append(f"<i>note: {run.note}</i>")
        for note in self._notes:
            lines.append(f"note: {note}")
            rows.append(f"<i>note: {note}</i>")
        self._readout_lines = lines
        self._readout.value = "<br>".join(rows)


