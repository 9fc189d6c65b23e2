"""What the explorers print under their figures, and the rules behind it, in one place.

The kernel explorers (`explore`, `explore_counterexample`, `noise.explore_noise`) and the
offline book's live figures (tools/explorer_data.py) both write their readouts with these
functions, so the book prints the kernel's readout to the last digit:

- `fmt(value)`: a setting as the readout writes it (0.001, 1e-08, 0.9999, True);
- `settings_text(hp)`: "lr=0.1, beta1=0.9, ...";
- `result(traj)`: how a run ended (diverged at step k: ..., or its final loss and distance
  to the nearest minimum);
- `run_lines(label, settings, traj, off, note)`: a surface run's line and its notes;
- `off_window(traj, surface, loss_top)`: what the figure cannot show of a run;
- `end_mark(points, surface)`: where a path's end mark goes and which mark ("o" the
  last point, "D" where a path that ends off-screen last leaves the window, "X" where a
  diverged one does): `divergence_mark` finds the place;
- `online_lines(runs, C, steps, lr)`: the counterexample explorer's lines;
- `noise_lines(rows, steps, floor)`: the noise explorer's lines.

Constants: `LOSS_FLOOR` (the loss panel shows loss - min_loss from here up),
`LOSS_TOP_LEVELS` (its top: this many times the highest contour level, `loss_top`),
`REGRET_FLOOR` and `X_RANGE` (the counterexample's regret floor and x_t axis).
"""
import numbers

import numpy as np

from adamedu import trajectory

LOSS_FLOOR = 1e-10        # the loss panel shows loss - min_loss down to this value
LOSS_TOP_LEVELS = 3.0     # and up to this many times the surface's highest contour level
REGRET_FLOOR = 1e-3       # the counterexample's average regret axis starts here
X_RANGE = (-1.1, 1.1)     # and its x_t axis spans this


def fmt(value):
    """A setting as the readout writes it (0.001, 1e-08, 0.9999, True)."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(value)
    return f"{value:.4g}"


def settings_text(hp):
    """Settings as the readout writes them: 'lr=0.1, beta1=0.9, ...' (in hp's order)."""
    return ", ".join(f"{k}={fmt(v)}" for k, v in hp.items())


def result(traj):
    """How a run ended: where it diverged, or its final loss and distance to a minimum."""
    if traj.diverged_at is not None:
        return trajectory.diverged_text(traj.diverged_at, traj.reason)
    d = traj.distance_to_min
    return (f"final loss {traj.final_loss:.3g}, distance to the nearest minimum "
            + ("n/a (no minimum)" if d is None else f"{d:.3g}"))


def loss_top(surface):
    """The top of the loss panel (loss - min_loss) for a surface."""
    return LOSS_TOP_LEVELS * float(np.max(surface.levels))


def in_window(points, xlim, ylim):
    """For each point: is it inside the window xlim x ylim?"""
    return ((points[:, 0] >= xlim[0]) & (points[:, 0] <= xlim[1])
            & (points[:, 1] >= ylim[0]) & (points[:, 1] <= ylim[1]))


def inside(points, s):
    """For each point: is it inside the surface's plotted window?"""
    return in_window(points, s.xlim, s.ylim)


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


def divergence_mark(points, xlim, ylim):
    """Where to mark a diverged run: its last point, or, if the run ended outside the
    window, the place where it left the window for the last time."""
    within = in_window(points, xlim, ylim)
    if within[-1] or not within.any():
        return points[-1]
    k = len(within) - 1 - int(np.argmax(within[::-1]))  # last point inside
    return _exit_point(points[k], points[k + 1], xlim, ylim)


def end_mark(traj, surface):
    """(point, marker) of a run's end mark, as the explorer draws it: "X" for a diverged
    run and "D" (◆) for one that ends off-screen, where the path last leaves the window;
    "o" at the last point otherwise."""
    pts = traj.points
    diverged = traj.diverged_at is not None
    off_screen = not diverged and not inside(pts[-1:], surface)[0]
    if diverged or off_screen:
        return divergence_mark(pts, surface.xlim, surface.ylim), "X" if diverged else "D"
    return pts[-1], "o"


def off_window(traj, surface, top):
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
    if np.max(traj.losses - (surface.min_loss or 0.0)) > top:
        notes.append(f"the loss rises above the loss panel's top ({top:.3g}) and is "
                     f"cut there")
    return "; ".join(notes)


def run_lines(label, settings, traj, off="", note=""):
    """A surface run's readout lines: 'Label (settings): result', then its notes."""
    lines = [f"{label} ({settings}): {result(traj)}"]
    lines += [f"note: {text}" for text in (off, note) if text]
    return lines


def online_lines(runs, C, steps, lr):
    """The counterexample explorer's readout lines for Adam's and AMSGrad's runs."""
    lines = [f"{run.label} (C={C:g}, beta1=0, beta2={run.beta2:.4g}, lr={lr:g}/sqrt(t), "
             f"{steps} steps): final x = {run.final_x:+.3f}, average regret R_T/T = "
             f"{run.average_regret[-1]:.3f}" for run in runs]
    lines.append(f"reference: x parked at +1 has average regret 2(C - 2)/3 = "
                 f"{2 * (C - 2) / 3:.3f}; the optimum x = -1 has 0")
    return lines


def noise_lines(rows, steps, floor=None):
    """The noise explorer's readout lines. rows: (label, hp, mean loss over the last
    steps // 4 steps) per optimizer; floor: SGD's predicted floor (None without noise)."""
    lines = [f"{label} ({', '.join(f'{k}={v:g}' for k, v in hp.items())}): mean loss over "
             f"the last {steps // 4} steps {tail:.3g}" for label, hp, tail in rows]
    if floor is not None:
        lines.append(f"SGD's predicted floor lr σ²/(2(2 - lr h)), summed: {floor:.3g}")
    return lines
