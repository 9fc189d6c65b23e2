"""`explore_noise(...)`: a noise-level slider over `adamedu.noise.race`."""
import html
import io

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from adamedu import noise, plots
from adamedu.widgets._sliders import DPI, Sliders, css

SIGMAS = (0.0, 0.1, 0.3, 1.0, 3.0)  # the slider's stops


def explore_noise(sigma: float = 1.0) -> "NoiseExplorer":
    """A slider for the noise level of `noise.race`: loss curves of SGD, momentum and Adam
    and a readout of where each hovers. Show it as the last expression of a cell."""
    return NoiseExplorer(sigma)


def _tail(traj):
    """Mean loss over the last quarter of a run: where it hovers."""
    losses = traj.losses
    return float(np.mean(losses[-max(1, len(losses) // 4):]))


class NoiseExplorer(Sliders):
    """A noise-level slider over `noise.race`. `set(sigma=...)` is what the slider runs;
    `readout` the text lines, `runs` the race's trajectories; displaying it gives the live
    widget, a still PNG of the current figure (for readers without a kernel) and the
    readout as text."""

    def __init__(self, sigma: float = 1.0):
        self._start_sync()
        self._slider = W.SelectionSlider(options=[(f"{s:g}", s) for s in SIGMAS],
                                         value=SIGMAS[0], description="noise σ",
                                         continuous_update=False,
                                         style={"description_width": "60px"},
                                         layout=W.Layout(width="330px"))
        self._slider.observe(self._guarded(lambda new: {"sigma": new}), names="value")
        self._build_view(self._slider)
        self.figure = Figure(figsize=(6.0, 3.2), dpi=DPI, layout="constrained")
        FigureCanvasAgg(self.figure)  # kept: its renderer caches text sizes between redraws
        width, height = self.figure.canvas.get_width_height()  # shown at its own size
        self.image.layout = W.Layout(width=css(width), height=css(height))
        self._ax = self.figure.subplots()
        self.set(sigma=sigma)

    def set(self, **values) -> None:
        """``set(sigma=...)``: run the race at noise level `sigma` (one of SIGMAS) and
        redraw."""
        super().set(**values)

    def _plan(self, values, notes):
        sigma = values["sigma"]
        if isinstance(sigma, bool) or not isinstance(sigma, (int, float, np.number)) \
                or float(sigma) not in SIGMAS:
            raise ValueError(f"sigma={sigma!r}: choose one of the slider's values {SIGMAS}.")
        return [lambda: setattr(self._slider, "value", float(sigma))]

    def _refresh(self):
        sigma = self._slider.value
        self.runs = noise.race(sigma)
        self._ax.clear()
        plots.loss_curves(self.runs, ax=self._ax,
                          title=f"Noisy quadratic (curvatures 1 and 10), noise σ = {sigma:g}")
        self._ax.set_ylim(1e-6, 1e2)
        lines = []
        for (_, hp), run in zip(noise.RACE["optimizers"], self.runs):
            settings = ", ".join(f"{k}={v:g}" for k, v in hp.items())
            lines.append(f"{run.label} ({settings}): mean loss over the last "
                         f"{noise.RACE['steps'] // 4} steps {_tail(run):.3g}")
        if sigma > 0:
            lines.append(f"SGD's predicted floor lr σ²/(2(2 - lr h)), summed: "
                         f"{noise.floor(0.05, noise.RACE['curvatures'], sigma):.3g}")
        self._readout_lines = lines
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=DPI)
        self.image.value = buf.getvalue()
        self._readout.value = "<br>".join(html.escape(line) for line in lines)

    @property
    def png(self) -> bytes:
        """The current figure as PNG bytes."""
        return bytes(self.image.value)

    def still_png(self) -> bytes:
        """The current figure (the live image is the whole figure)."""
        return self.png
