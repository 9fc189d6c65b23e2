"""`explore_counterexample(...)`: sliders for Reddi et al.'s online problem."""
import html
import math

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from adamedu import _check, counterexample, plots
from adamedu.widgets import _layouts, _mathtext, _png
from adamedu.widgets._sliders import DPI, WIDTH, Sliders, css
from adamedu.widgets._values import clamp, fmt, rate, whole

ONLINE_C_RANGE = (2.5, 20.0)
ONLINE_STEPS_RANGE = (3, 10000)
ONLINE_STEPS = (30, 100, 300, 1000, 3000, 10000)  # slider stops; set() may add others
ONLINE_BETA2 = (0.001, 0.01, 0.05, 0.1, 0.3, 0.5, 0.9, 0.99, 0.999)
_PAPER = "paper"  # the beta2 slider's first stop: Reddi et al.'s 1 / (1 + C**2)
_REGRET_FLOOR = 1e-3


def explore_counterexample(C: float = 3.0, beta2: float | None = None, steps: int = 3000,
                           lr: float = 0.5) -> "OnlineExplorer":
    """Sliders for Reddi et al.'s online problem (`adamedu.counterexample`): Adam against
    AMSGrad with beta1 = 0, learning rate ``lr / sqrt(t)``, from x = 0.

    ``beta2=None`` is the paper's 1 / (1 + C**2), which follows C. Show the explorer by
    making it the last expression of a cell; change it in code with ``.set(C=10)``.
    """
    return OnlineExplorer(C=C, beta2=beta2, steps=steps, lr=lr)


class OnlineExplorer(Sliders):
    """Sliders for C, beta2 and the number of steps; the two panels of
    `plots.online_runs` (x_t and the average regret) in one reused figure; a readout
    with each run's final x and average regret. Attributes: `widget`, `png`, `readout`,
    `runs` (Adam's and AMSGrad's `counterexample.OnlineRun`), `values`, `set(**values)`,
    `figure`.
    """

    def __init__(self, C=3.0, beta2=None, steps=3000, lr=0.5):
        self._start_sync()
        self._lr = _check.number("lr", lr, 0.0, why="it is the step size at t = 1",
                                 open_low=True)
        self._runs, self._key = (), None
        style, wide = {"description_width": "60px"}, W.Layout(width="330px")
        self._C = W.FloatSlider(value=3.0, min=ONLINE_C_RANGE[0], max=ONLINE_C_RANGE[1],
                                step=0.5, description="C", continuous_update=False,
                                style=style, layout=wide)
        self._beta2 = W.SelectionSlider(options=[("1/(1+C²)", _PAPER)]
                                        + [(fmt(b), b) for b in ONLINE_BETA2],
                                        value=_PAPER, description="β₂",
                                        continuous_update=False, style=style, layout=wide)
        self._steps = W.SelectionSlider(options=[(str(n), n) for n in ONLINE_STEPS],
                                        value=3000, description="steps",
                                        continuous_update=False, style=style, layout=wide)
        for key, w in (("C", self._C), ("beta2", self._beta2), ("steps", self._steps)):
            w.add_class(f"adamedu-{key.lower()}")
            w.observe(self._listener(key), names="value")
        self._build_view(W.HBox([self._C, self._beta2, self._steps]))
        self._build_figure()
        self.set(C=C, beta2=beta2, steps=steps)

    @property
    def runs(self) -> tuple:
        """(Adam's run, AMSGrad's run) for the current settings."""
        return self._runs

    @property
    def values(self) -> dict:
        """Current settings: {"C", "beta2" (None: the paper's), "steps", "lr"}."""
        beta2 = self._beta2.value
        return {"C": self._C.value, "beta2": None if beta2 == _PAPER else beta2,
                "steps": self._steps.value, "lr": self._lr}

    def set(self, **values) -> None:
        """Change controls and redraw: the code a slider change runs.

        Keys: ``C`` (> 2; clamped to the slider's range with a note), ``beta2`` (in
        [0, 1), or None for the paper's 1 / (1 + C**2)) and ``steps``. Values that are not
        numbers, or outside what the problem allows, raise ValueError and change nothing.
        """
        super().set(**values)

    def __repr__(self):
        v = self.values
        return f"<OnlineExplorer C={v['C']:g} beta2={v['beta2']} steps={v['steps']}>"

    @staticmethod
    def _select(slider, value, label):
        """Move a selection slider to value, adding it as a stop if it is not one."""
        stops = {v for _, v in slider.options if v != _PAPER}
        if value != _PAPER and value not in stops:
            paper = [o for o in slider.options if o[1] == _PAPER]
            slider.options = paper + [(label(v), v) for v in sorted(stops | {value})]
        slider.value = value

    def _listener(self, key):
        return self._guarded(lambda new: {key: None if new == _PAPER else new})

    def _plan(self, values, notes):
        plan = []
        for key, value in values.items():
            if key == "C":
                C = _check.number("C", value)
                counterexample.check_problem(C)  # C > 2, or a ValueError that says why
                C = clamp("C", C, *ONLINE_C_RANGE, notes)
                plan.append(lambda C=C: setattr(self._C, "value", C))
            elif key == "beta2":
                plan.append(self._plan_beta2(value))
            elif key == "steps":
                steps = whole("steps", value, *ONLINE_STEPS_RANGE, notes)
                plan.append(lambda steps=steps: self._select(self._steps, steps, str))
            else:
                raise ValueError(f"unknown setting {key!r}: the explorer takes C, beta2, steps")
        return plan

    def _plan_beta2(self, value):
        if value is not None:
            value = rate("beta2", value)
        return lambda: self._select(self._beta2, _PAPER if value is None else value, fmt)

    def _refresh(self):
        v = self.values
        key = (v["C"], v["beta2"], v["steps"])
        if key != self._key:
            self._runs = counterexample.compare(C=v["C"], beta2=v["beta2"], lr=self._lr,
                                                steps=v["steps"])
            self._key = key
        self._draw()
        self._write_readout()

    def _build_figure(self):
        """The figure, drawn in full only when the axis limits change (steps, or the
        regret panel's top): the lines and the title are animated, blitted onto that
        background. The live legends name the runs; the still picture's legends also
        carry each run's final x and average regret."""
        self.figure = Figure(figsize=(WIDTH, 3.0), dpi=DPI, layout="constrained")
        self._canvas = FigureCanvasAgg(self.figure)
        _mathtext.share(self._canvas)
        self._rc = _layouts.settings()  # the settings the axes are made with
        self._layout = self.figure.get_layout_engine()
        self.figure.set_layout_engine("none")  # laid out again only when limits change
        self._bg_key = None
        self._title = self.figure.suptitle(" ", fontsize=10, animated=True)
        self._ax_x, self._ax_regret = self.figure.subplots(1, 2)
        self._ax_x.axhline(-1, color="0.5", linestyle=":", linewidth=1, label="optimum x = −1")
        self._lines = {label: (self._ax_x.plot([], [], color=plots.color(label), label=label,
                                               animated=True)[0],
                               self._ax_regret.plot([], [], color=plots.color(label),
                                                    label=label, animated=True)[0])
                       for label in ("Adam", "AMSGrad")}
        self._ax_x.set(xlabel="step t", ylabel="$x_t$", ylim=(-1.1, 1.1), title="The point $x_t$")
        self._ax_regret.set(xlabel="step t", ylabel="$R_t / t$", xscale="log", yscale="log",
                            title="Average regret")
        self._legends = (self._ax_x.legend(loc="center right", fontsize=8),
                         self._ax_regret.legend(loc="lower left", fontsize=8,
                                                title="$R_T/T$ at the end", title_fontsize=8))
        self._animated = [line for pair in self._lines.values() for line in pair]
        self._top_px = 0

    def _draw(self):
        top = 1.0
        for run in self._runs:
            x_line, regret_line = self._lines[run.label]
            t = np.arange(len(run.x))
            x_line.set_data(t, run.x)
            regret = np.clip(run.average_regret, _REGRET_FLOOR, None)
            regret_line.set_data(t[1:], regret)
            top = max(top, float(regret.max()))
        steps, top = self._steps.value, 10 ** math.ceil(math.log10(top))
        adam = self._runs[0]
        paper = " (the paper's 1/(1+C²))" if self.values["beta2"] is None else ""
        self._title.set_text(f"C = {adam.C:g}, β₁ = 0, β₂ = {adam.beta2:.3g}{paper}")
        if self._bg_key != (steps, top):
            self._ax_x.set_xlim(0, steps)
            self._ax_regret.set_xlim(1, steps)
            self._ax_regret.set_ylim(_REGRET_FLOOR, top)
            self._lay_out()
            self._canvas.draw()
            self._background = self._canvas.copy_from_bbox(self.figure.bbox)
            self._bg_key = (steps, top)
            self._crop_title()
        self.image.value = self._render()

    def _lay_out(self):
        """Place the panels and the title by constrained layout (kept per kernel:
        `_layouts`; the title's text varies with C, its height seldom)."""
        axes = (self._ax_x, self._ax_regret)
        title_height = self._canvas.get_renderer().get_text_width_height_descent(
            self._title.get_text(), self._title.get_fontproperties(), False)[1:]

        def lay_out():
            self._layout.execute(self.figure)
            return (tuple(a.get_position(original=True).frozen() for a in axes),
                    self._title.get_position(), self._title.get_verticalalignment())
        positions, title_xy, title_va = _layouts.laid_out(self.figure, axes, self._rc, lay_out,
                                                  title_height)
        for a, position in zip(axes, positions):
            a.set_position(position)
            a.set_in_layout(True)  # set_position takes it out of the layout
        self._title.set_position(title_xy)
        self._title.set_verticalalignment(title_va)

    def _crop_title(self):
        """The live image leaves out the title band (the readout says C and beta2; text
        is slow to draw): it starts just above the panels' titles."""
        renderer = self._canvas.get_renderer()
        width, height = self._canvas.get_width_height()
        top = max(ax.title.get_window_extent(renderer).y1
                  for ax in (self._ax_x, self._ax_regret))
        self._top_px = max(0, int(height - top) - 3)
        self.image.layout = W.Layout(width=css(width), height=css(height - self._top_px))

    def _render(self):
        """Blit the lines onto the background; the PNG without the title band."""
        self._canvas.restore_region(self._background)
        renderer = self._canvas.get_renderer()
        for a in self._animated:
            a.draw(renderer)
        return _png.encode(np.asarray(self._canvas.buffer_rgba())[self._top_px:])

    def still_png(self) -> bytes:
        """The current figure with each run's final x and average regret in the legends."""
        with self._locked():
            texts = [legend.get_texts() for legend in self._legends]
            names = [[t.get_text() for t in ts] for ts in texts]
            for run in self._runs:  # legend entries: (optimum,) Adam, AMSGrad
                i = list(self._lines).index(run.label)
                texts[0][1 + i].set_text(f"{run.label}: final x = {run.final_x:+.3f}")
                texts[1][i].set_text(f"{run.label}: {run.average_regret[-1]:.3g}")
            for a in self._animated + [self._title]:
                a.set_animated(False)
            try:
                self._canvas.draw()
                return _png.encode(np.asarray(self._canvas.buffer_rgba()))
            finally:
                for a in self._animated + [self._title]:
                    a.set_animated(True)
                for ts, ns in zip(texts, names):
                    for t, n in zip(ts, ns):
                        t.set_text(n)

    def _write_readout(self):
        C, steps = self._C.value, self._steps.value
        lines = [f"{run.label} (C={C:g}, beta1=0, beta2={run.beta2:.4g}, lr={self._lr:g}/sqrt(t), "
                 f"{steps} steps): final x = {run.final_x:+.3f}, average regret R_T/T = "
                 f"{run.average_regret[-1]:.3f}" for run in self._runs]
        lines.append(f"reference: x parked at +1 has average regret 2(C - 2)/3 = "
                     f"{2 * (C - 2) / 3:.3f}; the optimum x = -1 has 0")
        lines += [f"note: {note}" for note in self._notes]
        self._readout_lines = lines
        rows = [html.escape(line) for line in lines]
        for i, run in enumerate(self._runs):
            rows[i] = f"<span style='color:{plots.color(run.label)}'>&#9632;</span> " + rows[i]
        self._readout.value = "<br>".join(rows)
