"""The data behind the book's live explorers, computed at build time by adamedu itself.

tools/build_site.py finds the cells of a lesson that call `explore(...)` or
`explore_counterexample(...)` (`explorer_call`), and `compute` builds the same explorer
with adamedu.widgets, reads its starting settings through its public API (`values`,
`readout`), and runs adamedu over a grid of the sliders the book offers:

* a surface explorer: every optimizer's lr (quarter decades over LR_RANGE, plus the
  lesson's own value), and beta1, beta2 where the optimizer has them (the kernel
  slider's stops, CHOICES). beta1 and beta2 move one at a time: every lr with any beta1
  at the starting beta2, and with any beta2 at the starting beta1. Other settings
  (eps, steps, start, surface) stay at the lesson's values;
* the counterexample: C (a subset of its slider's stops) times beta2 (the paper's
  1/(1+C^2) and ONLINE_BETA2), steps at the lesson's value.

Trajectories come from `trajectory.run` and `counterexample.compare`, the functions the
explorers call, and each setting's readout is written the way the explorer writes it
(tests/test_site.py checks both against the kernel explorer on sampled grid points).
A setting several explorers share is run once, for the most steps any of them asks: a
run of fewer steps is the first steps of it (`first_steps`); explorers with the same
surface and steps share one background.

The data a page draws (tools/build_site.py writes it as base64 of zlib'd JSON): every
array is stored as differences from the previous entry. Positions are integers in 1/Q of
their axis (0 = left or bottom edge, Q = right or top edge; a point outside the window
falls below 0 or above Q); step numbers are integers. A surface run has "t" (the stored
steps: at most MAX_POINTS + 1, every step when there are fewer), "x", "y" (the path),
"l" (loss - min_loss on the log loss axis), "end" (where the end mark goes), "div" (the
step where it diverged, or null) and "text" (its readout line). A counterexample setting
has its readout lines and, per run, x_t as a band ("t", "lo", "hi": the lowest and
highest x in each bucket of steps, so the period-3 zigzag stays visible) and the average
regret at log-spaced steps ("rt", "r"). The background (contours and empty axes) is a
PNG drawn with adamedu.plots; "boxes" gives each panel's box in its pixels
[left, top, right, bottom], for the script to draw on.
"""
import ast
import dataclasses
import hashlib
import itertools
import json
import math
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from adamedu.widgets._figure import divergence_mark  # the explorer's rule and words
from adamedu.widgets._run import result

CALLS = ("explore", "explore_counterexample")
Q = 10_000
MAX_POINTS = 150
LR_GRID = tuple(10.0 ** (k / 4) for k in range(-16, 5))       # 1e-4 ... 10, quarter decades
ONLINE_C_GRID = (2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0)
LOSS_FLOOR = 1e-10        # the loss panel shows loss - min_loss from here up
REGRET_FLOOR = 1e-3       # and the counterexample's average regret
X_RANGE = (-1.1, 1.1)     # its x_t axis
WORKERS = max(1, min(4, os.cpu_count() or 1))  # worker processes for the runs
DPI = 100


# ----------------------------------------------------------------------------- finding

def explorer_call(source):
    """(function name, args, kwargs) of the explorer a code cell opens, or None.

    The call must have literal arguments (numbers, strings, lists, dicts), as the lessons'
    calls do; anything else is left to the still image.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in CALLS:
                try:
                    args = [ast.literal_eval(a) for a in node.args]
                    kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
                except (ValueError, TypeError, SyntaxError):
                    return None
                if None in kwargs:  # **kwargs
                    return None
                return name, args, kwargs
    return None


def key(kind, values):
    """A short name for an explorer's settings: equal explorers share their data."""
    text = json.dumps([kind, values], sort_keys=True, default=float)
    return f"{kind}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"


# ----------------------------------------------------------------------------- helpers

def fmt(value):
    """A value as the explorer's readout writes it (0.001, 1e-08, 0.9999, True)."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(value)
    return f"{value:.4g}"


def frac(values, low, high):
    """Positions in [low, high] as integers in 1/Q (may fall outside 0..Q)."""
    return np.rint((np.asarray(values, dtype=float) - low) / (high - low) * Q).astype(np.int64)


def deltas(q):
    q = np.asarray(q, dtype=np.int64)
    return np.diff(q, prepend=0).tolist()


def sample(n, limit=MAX_POINTS):
    """Indices 0..n, at most limit + 1 of them, always with 0 and n."""
    if n <= limit:
        return np.arange(n + 1)
    return np.unique(np.rint(np.linspace(0, n, limit + 1)).astype(int))


def axes_box(fig, ax):
    """An axes' box in the figure's PNG pixels: [left, top, right, bottom]."""
    x0, y0, x1, y1 = ax.get_window_extent().extents
    height = fig.bbox.height
    return [round(x0, 2), round(height - y1, 2), round(x1, 2), round(height - y0, 2)]


# ----------------------------------------------------------------------------- surfaces

def readout_line(label, settings, traj):
    """One readout line, as the explorer writes it for these settings."""
    text = ", ".join(f"{k}={fmt(v)}" for k, v in settings.items())
    return f"{label} ({text}): {result(traj)}"


def loss_axis(surface, top=None):
    """(low, high, log?) of the loss panel: loss - min_loss on a log axis when the surface
    has a minimum."""
    top = 3.0 * float(np.max(surface.levels)) if top is None else top
    if surface.min_loss is not None:
        return LOSS_FLOOR, top, True
    return -top, top, False


def loss_fraction(losses, surface):
    low, high, log = loss_axis(surface)
    if log:
        y = np.clip(np.asarray(losses) - surface.min_loss, low, high)
        return frac(np.log10(y), math.log10(low), math.log10(high))
    return frac(np.clip(losses, low, high), low, high)


def first_steps(traj, steps):
    """The run `traj` would have been with `steps` steps. trajectory.run goes step by step
    and each step ignores how many are left, so a shorter run is a prefix of a longer one:
    the same run, or, when it failed after `steps`, its first `steps` steps."""
    if traj.steps < steps:  # it diverged before
        return traj
    return dataclasses.replace(traj, points=traj.points[:steps + 1],
                               losses=traj.losses[:steps + 1], diverged_at=None, reason="")


def surface_runs(job):
    """Run one setting (in a worker process) for its longest number of steps; return its
    data for the page for each number of steps asked (explorers on the same surface with
    more or fewer steps share one run)."""
    from adamedu import optimizers, surfaces, trajectory
    name, hp, surface_name, start, steps = job
    surface = surfaces.get(surface_name)
    opt = optimizers.make(name, **hp)
    traj = trajectory.run(opt, surface, start=start, steps=max(steps))
    runs = [first_steps(traj, n) for n in steps]
    return [path_data(run, surface, readout_line(opt.label, hp, run)) for run in runs]


def path_data(traj, surface, text):
    """One run's data for the page."""
    idx = sample(traj.steps)
    pts = traj.points
    diverged = traj.diverged_at is not None
    end = divergence_mark(pts, surface.xlim, surface.ylim) if diverged else pts[-1]
    return {
        "t": deltas(idx),
        "x": deltas(frac(pts[idx, 0], *surface.xlim)),
        "y": deltas(frac(pts[idx, 1], *surface.ylim)),
        "l": deltas(loss_fraction(traj.losses[idx], surface)),
        "end": [int(frac(end[0], *surface.xlim)), int(frac(end[1], *surface.ylim))],
        "div": traj.diverged_at,
        "text": text,
    }


def slider(key, values, start):
    """A slider of the book: its grid (sorted, with the lesson's value), labels and start."""
    values = sorted({float(v) for v in values} | {float(start)})
    return {"key": key, "values": values, "labels": [fmt(v) for v in values],
            "start": values.index(float(start))}


def surface_grid(sliders):
    """Index tuples of the runs: every lr with each beta at a time (the others at start)."""
    lr, betas = sliders[0], sliders[1:]
    base = [s["start"] for s in betas]
    combos = {tuple(base)}
    for k, s in enumerate(betas):
        for i in range(len(s["values"])):
            combos.add(tuple(base[:k] + [i] + base[k + 1:]))
    return [(i,) + c for i in range(len(lr["values"])) for c in sorted(combos)]


def surface_background(surface, steps, path):
    """Contours beside empty loss axes, as in the kernel explorer; returns the boxes."""
    from matplotlib.figure import Figure

    from adamedu import plots
    fig = Figure(figsize=(8.0, 3.3), dpi=DPI, layout="constrained")
    gs = fig.add_gridspec(1, 2, width_ratios=(1.15, 1.0))
    ax, lx = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
    plots.contour(surface, ax=ax)
    low, high, log = loss_axis(surface)
    if log:
        lx.set_yscale("log")
        lx.set_ylabel("loss − minimum")
    else:
        lx.set_ylabel("loss (no minimum)")
    lx.set(xlim=(0, steps), ylim=(low, high), xlabel="step t", title="Loss")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    FigureCanvasAgg(fig).draw()
    fig.set_layout_engine("none")  # keep the boxes where they were measured
    boxes = {"path": axes_box(fig, ax), "loss": axes_box(fig, lx)}
    fig.savefig(path, dpi=DPI)
    return boxes, [round(fig.bbox.width), round(fig.bbox.height)]


def surface_jobs(ex):
    """The runs a surface explorer's grid needs: (its optimizers' data, still without
    runs, and one job (name, hp, surface, start, steps) per grid point, in grid order)."""
    from adamedu import plots, widgets
    values = ex.values
    steps, start = values["steps"], tuple(float(v) for v in values["start"])
    names = [k for k in values if k not in ("surface", "steps", "start")]
    labels = [t.label for t in ex.trajectories]
    styles = plots.distinct_styles(labels)
    optimizers_data, jobs = [], []
    for name, label, style in zip(names, labels, styles):
        settings = dict(values[name])
        sliders = [slider("lr", [v for v in LR_GRID
                                 if widgets.LR_RANGE[0] <= v <= widgets.LR_RANGE[1]],
                          settings["lr"])]
        sliders += [slider(b, widgets.CHOICES[b], settings[b])
                    for b in ("beta1", "beta2") if b in settings]
        grid = surface_grid(sliders)
        optimizers_data.append({"name": name, "label": label, "sliders": sliders,
                                "color": style["color"], "dash": dash(style["linestyle"]),
                                "marker": style["marker"], "runs": {}, "grid": grid})
        for combo in grid:
            hp = dict(settings)
            for s, i in zip(sliders, combo):
                hp[s["key"]] = s["values"][i]
            jobs.append((name, tuple(hp.items()), values["surface"], start, steps))
    return optimizers_data, jobs


def run_surface_jobs(jobs, pool):
    """{job: its data} for the jobs of every surface explorer, each setting run once."""
    steps = {}  # a setting (a job without its steps) -> the numbers of steps asked
    for *setting, n in jobs:
        steps.setdefault(tuple(setting), {})[n] = None
    settings = [(name, dict(hp), surface, start, list(ns))
                for (name, hp, surface, start), ns in steps.items()]
    done = {}
    for (name, hp, surface, start, ns), results in zip(
            settings, pool.map(surface_runs, settings, chunksize=8)):
        for n, data in zip(ns, results):
            done[name, tuple(hp.items()), surface, start, n] = data
    return done


def compute_surface(ex, optimizers_data, jobs, runs, png_path, backgrounds):
    """A surface explorer's data, from its `surface_jobs` and their `run_surface_jobs`."""
    from adamedu import surfaces
    values = ex.values
    surface = surfaces.get(values["surface"])
    steps, start = values["steps"], tuple(float(v) for v in values["start"])
    results = (runs[job] for job in jobs)
    for opt in optimizers_data:
        for combo in opt.pop("grid"):
            opt["runs"][",".join(map(str, combo))] = next(results)
    boxes, size = background(backgrounds, (surface.name, steps), png_path,
                             surface_background, surface, steps)
    low, high, log = loss_axis(surface)
    return {"kind": "surface", "title": surface.title, "steps": steps,
            "start": [int(frac(start[0], *surface.xlim)), int(frac(start[1], *surface.ylim))],
            "boxes": boxes, "size": size, "q": Q,
            "xlim": list(surface.xlim), "ylim": list(surface.ylim),
            "loss": {"low": low, "high": high, "log": log, "min": surface.min_loss},
            "readout": ex.readout, "optimizers": optimizers_data}


def background(backgrounds, setting, path, draw, *args):
    """Draw a background into `path` (draw(*args, path) returns its boxes and size), or
    copy the one an explorer with the same setting drew (`backgrounds` keeps them)."""
    if setting not in backgrounds:
        backgrounds[setting] = *draw(*args, path), path.read_bytes()
    boxes, size, png = backgrounds[setting]
    path.write_bytes(png)
    return boxes, size


def dash(linestyle):
    """A matplotlib line style as an SVG dash pattern in line widths ([] for solid)."""
    named = {"-": [], "solid": [], "--": [3.7, 1.6], "-.": [6.4, 1.6, 1.0, 1.6],
             ":": [1.0, 1.65]}
    if isinstance(linestyle, str):
        return named.get(linestyle, [])
    return list(linestyle[1])


# ----------------------------------------------------------------------------- online problem

def online_readout(runs, C, steps, lr):
    """The counterexample explorer's readout lines for these runs."""
    lines = [f"{run.label} (C={C:g}, beta1=0, beta2={run.beta2:.4g}, lr={lr:g}/sqrt(t), "
             f"{steps} steps): final x = {run.final_x:+.3f}, average regret R_T/T = "
             f"{run.average_regret[-1]:.3f}" for run in runs]
    lines.append(f"reference: x parked at +1 has average regret 2(C - 2)/3 = "
                 f"{2 * (C - 2) / 3:.3f}; the optimum x = -1 has 0")
    return lines


def online_run(job):
    from adamedu import counterexample
    C, beta2, steps, lr = job
    runs = counterexample.compare(C=C, beta2=beta2, lr=lr, steps=steps)
    return runs, online_readout(runs, C, steps, lr)


def envelope(x, buckets=MAX_POINTS * 2):
    """x_t as (t, low, high) per bucket of steps: the band an oscillating path fills."""
    edges = np.unique(np.rint(np.linspace(0, len(x) - 1, buckets + 1)).astype(int))
    t, low, high = [], [], []
    for a, b in itertools.pairwise(edges):
        t.append(b)
        low.append(x[a:b + 1].min())
        high.append(x[a:b + 1].max())
    return np.array([0] + t), np.r_[x[0], low], np.r_[x[0], high]


def compute_online(ex, png_path, pool, backgrounds):
    from adamedu import widgets
    values = ex.values
    steps, lr = values["steps"], values["lr"]
    Cs = slider("C", [c for c in ONLINE_C_GRID
                      if widgets.ONLINE_C_RANGE[0] <= c <= widgets.ONLINE_C_RANGE[1]],
                values["C"])
    beta2s = sorted(set(widgets.ONLINE_BETA2) | ({values["beta2"]} - {None}))
    beta2 = {"key": "beta2", "values": [None] + beta2s,
             "labels": ["1/(1+C²)"] + [fmt(b) for b in beta2s],
             "start": 0 if values["beta2"] is None else 1 + beta2s.index(values["beta2"])}
    jobs = [(C, b, steps, lr) for C in Cs["values"] for b in beta2["values"]]
    results = list(pool.map(online_run, jobs, chunksize=4))
    top = max(float(np.clip(r.average_regret, REGRET_FLOOR, None).max())
              for runs, _ in results for r in runs)
    top = 10 ** math.ceil(math.log10(max(top, 1.0)))
    data_runs = {}
    for (i, j), (runs, lines) in zip(np.ndindex(len(Cs["values"]), len(beta2["values"])),
                                     results):
        entry = {"text": lines, "paths": []}
        for r in runs:
            t, low, high = envelope(r.x)
            rt = sample_log(len(r.average_regret))
            regret = np.clip(r.average_regret[rt - 1], REGRET_FLOOR, top)
            entry["paths"].append({
                "t": deltas(t), "lo": deltas(frac(low, *X_RANGE)),
                "hi": deltas(frac(high, *X_RANGE)),
                "rt": deltas(rt),
                "r": deltas(frac(np.log10(regret), math.log10(REGRET_FLOOR), math.log10(top))),
                "beta2": r.beta2})
        data_runs[f"{i},{j}"] = entry
    boxes, size = background(backgrounds, ("online", steps, top), png_path,
                             online_background, steps, top)
    styles = [_online_style(label) for label in ("Adam", "AMSGrad")]
    return {"kind": "online", "steps": steps, "lr": lr, "boxes": boxes, "size": size, "q": Q,
            "sliders": [Cs, beta2], "optimizers": styles, "regret": [REGRET_FLOOR, top],
            "readout": ex.readout, "runs": data_runs}


def _online_style(label):
    from adamedu import plots
    s = plots.style(label)
    return {"label": label, "color": s["color"], "dash": dash(s["linestyle"]),
            "marker": s["marker"]}


def sample_log(n, limit=MAX_POINTS):
    """Steps 1..n, about `limit` of them spread evenly on a log axis, with 1 and n."""
    return np.unique(np.rint(np.geomspace(1, n, limit)).astype(int))


def online_background(steps, top, path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(8.0, 3.0), dpi=DPI, layout="constrained")
    ax, rx = fig.subplots(1, 2)
    ax.axhline(-1, color="0.5", linestyle=":", linewidth=1)
    ax.text(0.02 * steps, -0.97, "optimum x = −1", fontsize=8, color="0.35", va="bottom")
    ax.set(xlabel="step t", ylabel="$x_t$", xlim=(0, steps), ylim=X_RANGE,
           title="The point $x_t$")
    rx.set(xlabel="step t", ylabel="$R_t / t$", xscale="log", yscale="log", xlim=(1, steps),
           ylim=(REGRET_FLOOR, top), title="Average regret")
    FigureCanvasAgg(fig).draw()
    fig.set_layout_engine("none")
    boxes = {"path": axes_box(fig, ax), "loss": axes_box(fig, rx)}
    fig.savefig(path, dpi=DPI)
    return boxes, [round(fig.bbox.width), round(fig.bbox.height)]


# ----------------------------------------------------------------------------- entry point

class _InProcess:
    """A pool of one: the runs in this process (no start-up cost of worker processes)."""

    def map(self, fn, jobs, chunksize=1):
        return map(fn, jobs)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def compute(calls, out_dir, workers=None):
    """Data for a list of explorer calls: (the key of each call, {key: data}). Each
    distinct explorer is computed once; its background goes to out_dir/<key>.png. A call
    the explorer itself rejects gets, instead of a key, the ValueError it raised.
    workers: processes for the runs (default WORKERS; 1 runs them in this process, for a
    caller whose cores are busy already, e.g. a test session on several workers)."""
    from adamedu import widgets
    keys, explorers, seen = [], {}, {}
    for name, args, kwargs in calls:
        text = json.dumps([name, args, kwargs], sort_keys=True)
        if text in seen:       # the same call again: the same explorer
            keys.append(seen[text])
            continue
        surface = name == "explore"
        try:
            ex = (widgets.explore if surface else widgets.explore_counterexample)(
                *args, **kwargs)
        except (ValueError, TypeError) as err:
            keys.append(ValueError(f"{name}(...) fails: {err}"))
            continue
        k = key("surface" if surface else "online", ex.values)
        keys.append(k)
        seen[text] = k
        explorers.setdefault(k, (surface, ex))
    plans = {k: surface_jobs(ex) for k, (surface, ex) in explorers.items() if surface}
    out, backgrounds = {}, {}
    workers = WORKERS if workers is None else workers
    # spawn, not fork: the builder may run in a process with threads (a test session
    # driving a browser), and a forked child could inherit a held lock
    context = multiprocessing.get_context("spawn")
    with (ProcessPoolExecutor(max_workers=workers, mp_context=context) if workers > 1
          else _InProcess()) as pool:
        # every surface explorer's runs at once: a setting two explorers share runs once
        runs = run_surface_jobs([job for _, jobs in plans.values() for job in jobs], pool)
        for k, (surface, ex) in explorers.items():
            png = out_dir / f"{k}.png"
            out[k] = (compute_surface(ex, *plans[k], runs, png, backgrounds) if surface
                      else compute_online(ex, png, pool, backgrounds))
    return keys, out
