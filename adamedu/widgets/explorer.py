"""`explore(...)`: sliders for one optimizer, or several in compare mode, on a 2-D surface."""
import math
import time

import ipywidgets as W
import numpy as np

from adamedu import _check, optimizers, plots, surfaces
from adamedu.widgets._figure import _PathFigure, divergence_mark
from adamedu.widgets._run import _Run, readout
from adamedu.widgets._sliders import Sliders
from adamedu.widgets._stops import log_grid, next_stop, on_grid, same
from adamedu.widgets._values import clamp, fmt, rate, whole

__all__ = ["CHOICES", "EPS_RANGE", "LR_RANGE", "STEPS_RANGE", "Explorer", "divergence_mark",
           "explore"]  # divergence_mark: tools/explorer_data.py marks the book's paths with it

LR_RANGE = (1e-4, 10.0)
EPS_RANGE = (1e-12, 1.0)
STEPS_RANGE = (1, 1000)

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


def _stops(run, p):
    """The stops of a chosen-values slider (CHOICES, or the optimizer's own `choices`)."""
    return run.spec.choices.get(p) or CHOICES.get(p, ())


def explore(optimizer: str | list = "adam", surface="rosenbrock", steps: int = 100,
            start: tuple | None = None, **values) -> "Explorer":
    """Open a slider explorer for `optimizer` (a name for `optimizers.make`, or a list of
    names to compare) on `surface` (a name in `surfaces.SURFACES` or a `Surface`).

    `values` set the starting position of the sliders, e.g. ``lr=0.05, beta2=0.99``;
    in compare mode a plain value applies to every optimizer that has it, and
    ``adam={"lr": 0.05}`` to one. Show the explorer by making it the last expression
    of a cell; change it in code with ``.set(...)``.
    """
    return Explorer(optimizer, surface=surface, steps=steps, start=start, **values)


class Explorer(Sliders):
    """Sliders, a figure and a readout for one or several optimizers on a 2-D surface.

    Use `explore(...)` to make one. Attributes for code and tests: `widget` (the ipywidgets
    box), `png` (the current image), `readout` (one line per optimizer, plus notes),
    `trajectories`, `values` (current settings), `set(**values)`, `figure` (the matplotlib
    figure the image is drawn from; its moving lines carry gids such as "adam path").
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
        self._ahead = None  # (run, key, value): what a slider move suggests comes next
        self._choices = {name: None for name in surfaces.SURFACES}
        self._surface = surfaces.get(surface)
        self._choices[self._surface.name] = self._surface
        self._runs = {name: _Run(name, self._surface.name) for name in names}
        self._build_widgets()
        self._build_figure()
        self.set(steps=steps, start=start, **values)

    # ----------------------------------------------------------------- public API

    @property
    def names(self) -> list:
        """The optimizer names, in display order."""
        return list(self._runs)

    @property
    def surface(self):
        """The current `surfaces.Surface`."""
        return self._surface

    @property
    def trajectories(self) -> list:
        """The current `trajectory.Trajectory` of each optimizer."""
        return [run.cache[1] for run in self._runs.values()]

    @property
    def values(self) -> dict:
        """Current settings: {"steps", "start", "surface", and one dict per optimizer}."""
        out = {"surface": self._surface.name, "steps": self._steps.value,
               "start": self._start}
        for name, run in self._runs.items():
            out[name] = {**run.values, **run.extras}
        return out

    def set(self, **values) -> None:
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
                run.widgets[p] = w = self._control(run, p, run.values[p], style, wide)
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
    def _control(run, p, value, style, layout):
        if p in _LOG:
            low, high = log_grid(value, *_LOG[p], _LOG_STEP[p])
            return W.FloatLogSlider(value=value, base=10, min=low, max=high,
                                    step=_LOG_STEP[p], description=p, readout_format=".3g",
                                    style=style, layout=layout)
        if p in _TOGGLES:
            return W.Checkbox(value=bool(value), description=p.replace("_", " "),
                              style=style, layout=layout, indent=True)
        options = sorted(set(_stops(run, p)) | {float(value)})
        return W.SelectionSlider(options=[(fmt(v), v) for v in options], value=float(value),
                                 description=p, style=style, layout=layout)

    def _listener(self, name, key):
        def update(new):
            if name is not None:
                run = self._runs[name]
                if key in _LOG:
                    new = on_grid(run.widgets[key], new)
                    if same(new, run.values[key]):
                        return None  # the browser's rounding of our value, not a move
                self._ahead = (run, key, next_stop(run.widgets[key], run.values[key], new))
                return {name: {key: new}}
            if key in ("x0", "y0"):
                i = key == "y0"
                if same(new, self._start[i]):
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
        if old is None or self._posted_at - when > _LEFTOVER_SECONDS:
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
            steps = whole("steps", values.pop("steps"), *STEPS_RANGE, notes)
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
            px = clamp("start x", x, *s.xlim, notes, " of the plotted window")
            py = clamp("start y", y, *s.ylim, notes, " of the plotted window")
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
        elif p in run.params and _stops(run, p):
            value = rate(p, value)
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
            value = clamp(p, value, low, high, notes, why)
        widget = run.widgets[p]

        def apply():
            if _stops(run, p) and value not in [v for _, v in widget.options]:
                options = sorted({v for _, v in widget.options} | {value})
                widget.options = [(fmt(v), v) for v in options]
            grid = log_grid(value, *_LOG[p], _LOG_STEP[p]) if p in _LOG else None
            if grid and (abs(grid[0] - widget.min) > 1e-9 or abs(grid[1] - widget.max) > 1e-9):
                # move the log slider's grid so that it passes through value
                with widget.hold_sync():  # one message: range and value together
                    widget.min, widget.max = -300, 300
                    widget.value = value
                    widget.min, widget.max = grid
            elif p not in _LOG or not same(widget.value, value):
                widget.value = value  # (a log slider showing it already is left alone)
            run.values[p] = value
        return apply

    # ----------------------------------------------------------------- figure

    def _build_figure(self):
        runs = list(self._runs.values())
        for run, color in zip(runs, plots.distinct_colors([optimizers.make(r.name).label
                                                           for r in runs])):
            run.color = color
        self._figure = _PathFigure(runs, self.image, STEPS_RANGE[1])
        self.figure = self._figure.figure

    def _refresh(self):
        """Recompute what changed, redraw the moving artists, update image and readout."""
        runs, steps = list(self._runs.values()), self._steps.value
        trajs = [run.rerun_if_changed(self._surface, self._start, steps) for run in runs]
        self.image.value = self._figure.draw(self._surface, steps, self._start, trajs,
                                             [run.summary(t) for run, t in zip(runs, trajs)])
        lines, self._readout.value = readout(runs, trajs, self._surface,
                                             self._figure.loss_range[1], self._notes)
        self._readout_lines = lines
        # a slider moved one stop: run the next stop that way while the learner looks
        ahead, self._ahead = self._ahead, None
        if ahead and ahead[2] is not None:
            run, key, value = ahead
            try:
                run.look_ahead(self._surface, self._start, steps, **{key: value})
            except RuntimeError:  # no thread to be had (the kernel is shutting down): the
                pass              # look-ahead only saves time

    def still_png(self) -> bytes:
        """PNG of the current state with a summary line per optimizer under the panels:
        the picture stored in the notebook for readers without a kernel."""
        with self._locked():  # the canvas is shared with the redraws
            return self._figure.still_png()
