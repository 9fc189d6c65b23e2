"""One optimizer in the explorer (its settings, labels and cached run) and the readout
that reports every run: final loss and distance to a minimum, or where it diverged, and
what the figure cannot show.

Look-ahead: after a slider moves one stop, the run for the next stop in the same direction
is computed on a background thread while the learner looks at the figure, so a learner
stepping through a slider (arrow keys, a slow drag) mostly waits for drawing only.
"""
import concurrent.futures
import html
import threading

import numpy as np

from adamedu import optimizers, trajectory
from adamedu.widgets import _fast
from adamedu.widgets._figure import inside
from adamedu.widgets._values import fmt as _fmt

_AHEAD = concurrent.futures.ThreadPoolExecutor(max_workers=1,
                                               thread_name_prefix="adamedu-look-ahead")
_AHEAD_DELAY = 0.03  # s: the browser shows the new image first (both want the CPU)

_SYMBOLS = {"beta1": "β₁", "beta2": "β₂", "eps": "ε", "alpha": "α", "momentum": "μ",
            "weight_decay": "λ"}


class _Run:
    """One optimizer in the explorer: its name, slider values, fixed extras, controls,
    colour and its last trajectory."""

    def __init__(self, name, surface_name):
        self.name = name
        self.spec = optimizers.spec(name)  # its controls and starting lr
        self.defaults = optimizers.make(name).hyperparams
        self.params = list(self.spec.controls)
        self.values = {p: self.defaults[p] for p in self.params}
        self.values["lr"] = self.spec.explore_lr_on.get(surface_name, self.spec.explore_lr)
        self.extras = {}           # other hyperparameters given in code (amsgrad, centered...)
        self.widgets = {}
        self.color = None          # set by the explorer, distinct within one figure
        self.cache = (None, None)  # (key, Trajectory): reruns only when settings change
        self.previous = (None, None)  # the one before: a slider moved back costs nothing
        self.ahead = None          # a _LookAhead: the run for the stop that may come next
        self.note = ""

    def hyperparams(self, **change):
        """The optimizer's settings (with `change` applied), and why any is overridden."""
        hp = {**self.values, **self.extras, **change}
        if hp.get("nesterov") and not hp.get("momentum"):
            hp["nesterov"] = False
            return hp, "nesterov needs momentum > 0, so it is off until momentum is raised"
        return hp, ""

    def rerun_if_changed(self, surface, start, steps):
        """The trajectory for the current settings, run again only if they changed (or
        taken from the look-ahead, when it ran these settings)."""
        hp, self.note = self.hyperparams()
        key = (tuple(sorted(hp.items())), surface, start, steps)
        if self.cache[0] != key:
            ahead, self.ahead = self.ahead, None
            traj = ahead.result() if ahead and ahead.key == key else None
            if ahead and traj is None:
                ahead.drop()
            if traj is None and self.previous[0] == key:
                traj = self.previous[1]
            if traj is None:
                traj = _run(self.name, hp, surface, start, steps)
            self.previous, self.cache = self.cache, (key, traj)
        return self.cache[1]

    def look_ahead(self, surface, start, steps, **change):
        """Start computing the trajectory for the settings with `change` applied, in the
        background; `rerun_if_changed` picks it up when those settings come."""
        if self.ahead:
            self.ahead.drop()
        hp, _ = self.hyperparams(**change)
        key = (tuple(sorted(hp.items())), surface, start, steps)
        self.ahead = _LookAhead(key, self.name, hp, surface, start, steps)

    def label(self):
        """The optimizer's display label for the current settings ("GD", "Momentum"...)."""
        return optimizers.make(self.name, **self.hyperparams()[0]).label

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

    def summary(self, traj):
        """The run's line under the still figure."""
        return f"{self.label()}  {self.short_settings()}:  {result(traj)}"


def _run(name, hp, surface, start, steps):
    return _fast.run(optimizers.make(name, **hp), surface, start, steps)


class _LookAhead:
    """One trajectory computed in the background, _AHEAD_DELAY after it is asked for
    (at once if `result` wants it sooner); `drop` lets it end without computing."""

    def __init__(self, key, *args):
        self.key = key
        self._go, self._dropped = threading.Event(), False
        self._future = _AHEAD.submit(self._compute, *args)

    def _compute(self, *args):
        self._go.wait(_AHEAD_DELAY)
        return None if self._dropped else _run(*args)

    def result(self):
        """The trajectory, or None if it has not started (it waits behind another one) or
        failed: then the caller runs it itself (and sees why it fails)."""
        self._go.set()
        if self._future.cancel():
            return None
        return self._future.result() if self._future.exception() is None else None

    def drop(self):
        self._dropped = True
        self._go.set()


def result(traj):
    """How a run ended: where it diverged, or its final loss and distance to a minimum."""
    if traj.diverged_at is not None:
        return trajectory.diverged_text(traj.diverged_at, traj.reason)
    d = traj.distance_to_min
    return (f"final loss {traj.final_loss:.3g}, distance to the nearest minimum "
            + ("n/a (no minimum)" if d is None else f"{d:.3g}"))


def off_window(traj, surface, loss_top):
    """What the figure cannot show of a run that did not diverge: '' or a sentence."""
    if traj.diverged_at is not None:
        return ""
    notes = []
    within = inside(traj.points, surface)
    if not within.all():
        first = int(np.argmin(within))
        x, y = traj.points[-1]
        notes.append(f"the path leaves the plotted window at step {first}"
                     + (f" and ends off-screen at ({x:.3g}, {y:.3g}), marked ◆ where it "
                        f"last leaves" if not within[-1] else " and comes back"))
    if np.max(traj.losses - (surface.min_loss or 0.0)) > loss_top:
        notes.append(f"the loss rises above the loss panel's top ({loss_top:.3g}) and is "
                     f"cut there")
    return "; ".join(notes)


def readout(runs, trajs, surface, loss_top, notes):
    """The readout as (plain text lines, HTML): a line per run, then notes."""
    lines, rows = [], []
    for run, traj in zip(runs, trajs):
        label, said = run.label(), result(traj)
        lines.append(f"{label} ({run.settings()}): {said}")
        off = off_window(traj, surface, loss_top)
        if off:
            lines.append(f"note: {off}")
        if traj.diverged_at is not None:
            said = (f"<b style='color:#b00000'>{said}</b>; the path is drawn up to "
                    f"there and marked ✕")
        rows.append(f"<span style='color:{run.color}'>&#9632;</span> <b>{label}</b> "
                    f"<span style='color:#555'>({run.settings()})</span>: {said}")
        if off:
            rows.append(f"<i>note: {html.escape(off)}</i>")
        if run.note:
            lines.append(f"note: {run.note}")
            rows.append(f"<i>note: {run.note}</i>")
    for note in notes:
        lines.append(f"note: {note}")
        rows.append(f"<i>note: {note}</i>")
    return lines, "<br>".join(rows)
