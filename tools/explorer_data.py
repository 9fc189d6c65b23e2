"""The data behind the book's live explorers, computed at build time by adamedu itself.

tools/build_site.py finds the cells of a lesson that call `explore(...)`,
`explore_counterexample(...)` or `explore_noise(...)` (`explorer_call`), and `compute`
builds the same explorer, reads its starting settings and readout through its public API
(`values`, `readout`, `trajectories`, `runs`), and runs adamedu over a grid of the
controls the book offers:

* a surface explorer: every control the kernel explorer gives each optimizer except
  nesterov and weight_decay (BOOK_LACKS; no lesson's explorer uses them): lr on quarter
  decades over LR_RANGE, eps on every second decade over EPS_RANGE, the decay rates and
  momentum on the kernel slider's stops (CHOICES), bias correction on and off, each with
  the lesson's own value. The controls after lr move one at a time: every lr with any
  value of one of them, the others at the lesson's value. Steps, start and surface stay
  at the lesson's values (the page says so);
* the counterexample (tools/explorer_online.py): C (a subset of its slider's stops) times
  beta2 (the paper's 1/(1+C^2) and ONLINE_BETA2), steps at the lesson's value;
* the noise explorer (tools/explorer_online.py): every stop of its noise slider.

Trajectories come from `trajectory.run` (and `counterexample.compare`, `noise.race`, the
functions the explorers call), and each setting's readout is written with the functions
the kernel explorer writes it with (`adamedu.widgets.readout`); tests/test_site.py
checks both against the kernel explorer. A setting several explorers share is run once,
for the most steps any of them asks (a run of fewer steps is its first steps).

The data a page draws (tools/live_figure.py writes it as base64 of zlib'd JSON): arrays
are differences from the previous entry; positions are integers in 1/Q of their axis
(tools/explorer_encode.py). A surface run has "t" (the drawn steps: every step a turn
of the path or of the loss curve needs, `keep_turns`), "x", "y", "l" (loss - min_loss
on the log loss axis), "end" and "mark" (where the end mark goes and which: "o" for the
optimizer's own marker, "D" off-screen, "X" diverged), "div" and "lines" (its readout
lines, notes included). "shapes" holds the SVG path of every marker used.
"""
import ast
import dataclasses
import hashlib
import json
import math
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its sibling modules in tools/
from explorer_encode import (
    Q,
    background,
    dash,
    deltas,
    frac,
    keep_turns,
    marker_shape,
    panels,
    save_background,
)

from adamedu.widgets import readout

CALLS = ("explore", "explore_counterexample", "explore_noise")
LR_GRID = tuple(10.0 ** (k / 4) for k in range(-16, 5))       # 1e-4 ... 10, quarter decades
EPS_GRID = tuple(10.0 ** k for k in range(-12, 1, 2))         # 1e-12 ... 1, every 2nd decade
BOOK_LACKS = ("nesterov", "weight_decay")
# A comparison of many optimizers over many steps offers lr and the betas only (every
# other control would multiply its data several times over: the page says so).
LARGE = 1500              # steps x optimizers from which an explorer is large
LARGE_KEEPS = ("lr", "beta1", "beta2")
WORKERS = max(1, min(4, os.cpu_count() or 1))  # worker processes for the runs


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


def slider(key, values, start):
    """A control of the book: its grid (sorted, with the lesson's value), labels, start;
    a True/False setting is a toggle."""
    if isinstance(start, bool):
        return {"key": key, "values": [False, True], "labels": ["False", "True"],
                "start": int(start), "toggle": True}
    values = sorted({float(v) for v in values} | {float(start)})
    return {"key": key, "values": values, "labels": [readout.fmt(v) for v in values],
            "start": values.index(float(start))}


def shapes(markers):
    """The SVG shape of each marker used, keyed by matplotlib's marker code."""
    return {m: marker_shape(m) for m in dict.fromkeys(markers)}


# ----------------------------------------------------------------------------- surfaces

def loss_axis(surface):
    """(low, high, log?) of the loss panel: loss - min_loss on a log axis when the surface
    has a minimum."""
    top = readout.loss_top(surface)
    if surface.min_loss is not None:
        return readout.LOSS_FLOOR, top, True
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
    data for the page for each number of steps asked."""
    from adamedu import optimizers, surfaces, trajectory
    name, hp, surface_name, start, steps = job
    surface = surfaces.get(surface_name)
    opt = optimizers.make(name, **hp)
    traj = trajectory.run(opt, surface, start=start, steps=max(steps))
    out = []
    for n in steps:
        run = first_steps(traj, n)
        off = readout.off_window(run, surface, readout.loss_top(surface))
        lines = readout.run_lines(opt.label, readout.settings_text(hp), run, off)
        out.append(path_data(run, surface, n, lines))
    return out


def path_data(traj, surface, steps, lines):
    """One run's data for the page: every step a turn needs (`keep_turns`)."""
    pts = traj.points
    x, y = frac(pts[:, 0], *surface.xlim), frac(pts[:, 1], *surface.ylim)
    loss = loss_fraction(traj.losses, surface)
    t = np.arange(len(pts))
    idx = keep_turns(np.c_[x, y], np.c_[np.rint(t * Q / max(steps, 1)), loss])
    end, mark = readout.end_mark(traj, surface)
    return {"t": deltas(idx), "x": deltas(x[idx]), "y": deltas(y[idx]),
            "l": deltas(loss[idx]),
            "end": [int(frac(end[0], *surface.xlim)), int(frac(end[1], *surface.ylim))],
            "mark": mark, "div": traj.diverged_at, "lines": lines}


def surface_grid(sliders):
    """Index tuples of the runs: every lr with each other control at a time (the others
    at their start)."""
    lr, others = sliders[0], sliders[1:]
    base = [s["start"] for s in others]
    combos = {tuple(base)}
    for k, s in enumerate(others):
        for i in range(len(s["values"])):
            combos.add(tuple(base[:k] + [i] + base[k + 1:]))
    return [(i,) + c for i in range(len(lr["values"])) for c in sorted(combos)]


def optimizer_sliders(settings, large=False):
    """The book's controls for one optimizer's settings (the kernel explorer's values);
    a large explorer's: only LARGE_KEEPS."""
    from adamedu import widgets
    grids = {"lr": [v for v in LR_GRID if widgets.LR_RANGE[0] <= v <= widgets.LR_RANGE[1]],
             "eps": [v for v in EPS_GRID if widgets.EPS_RANGE[0] <= v <= widgets.EPS_RANGE[1]]}
    return [slider(k, grids.get(k) or widgets.CHOICES.get(k, ()), v)
            for k, v in settings.items() if k not in BOOK_LACKS
            and (k in grids or k in widgets.CHOICES or isinstance(v, bool))
            and (not large or k in LARGE_KEEPS)]


def surface_background(surface, steps, layout, path):
    """Contours beside (or above) empty loss axes, as in the kernel explorer; returns
    the boxes."""
    from adamedu import plots
    fig, (ax, lx) = panels(layout)
    plots.contour(surface, ax=ax)
    low, high, log = loss_axis(surface)
    if log:
        lx.set_yscale("log")
        lx.set_ylabel("loss − minimum")
    else:
        lx.set_ylabel("loss (no minimum)")
    lx.set(xlim=(0, steps), ylim=(low, high), xlabel="step t", title="Loss")
    return save_background(fig, {"path": ax, "loss": lx}, path)


def surface_jobs(ex):
    """The runs a surface explorer's grid needs: (its optimizers' data, still without
    runs, and one job (name, hp, surface, start, steps) per grid point, in grid order)."""
    from adamedu import plots
    values = ex.values
    steps, start = values["steps"], tuple(float(v) for v in values["start"])
    names = [k for k in values if k not in ("surface", "steps", "start")]
    labels = [t.label for t in ex.trajectories]
    styles = plots.distinct_styles(labels)
    optimizers_data, jobs = [], []
    large = steps * len(names) >= LARGE
    for name, label, style in zip(names, labels, styles):
        settings = dict(values[name])
        sliders = optimizer_sliders(settings, large)
        grid = surface_grid(sliders)
        optimizers_data.append({
            "name": name, "label": label, "sliders": sliders, "color": style["color"],
            "dash": dash(style["linestyle"]), "marker": style["marker"], "runs": {},
            "grid": grid, "lacks": [k for k in settings
                                    if k not in [s["key"] for s in sliders]]})
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
    layouts = background(backgrounds, (surface.name, steps), png_path,
                         surface_background, surface, steps)
    low, high, log = loss_axis(surface)
    return {"kind": "surface", "title": surface.title, "steps": steps,
            "start": [int(frac(start[0], *surface.xlim)), int(frac(start[1], *surface.ylim))],
            "layouts": layouts, "size": layouts["wide"]["size"], "q": Q,
            "xlim": list(surface.xlim), "ylim": list(surface.ylim),
            "loss": {"low": low, "high": high, "log": log, "min": surface.min_loss},
            "shapes": shapes([o["marker"] for o in optimizers_data] + ["D", "X"]),
            "readout": ex.readout, "optimizers": optimizers_data}


# ----------------------------------------------------------------------------- entry point

class _InProcess:
    """A pool of one: the runs in this process (no start-up cost of worker processes)."""

    def map(self, fn, jobs, chunksize=1):
        return map(fn, jobs)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def open_explorer(name, args, kwargs):
    """The kernel explorer a call opens (its kind: "surface", "online" or "noise")."""
    from adamedu import widgets
    if name == "explore":
        return "surface", widgets.explore(*args, **kwargs)
    if name == "explore_counterexample":
        return "online", widgets.explore_counterexample(*args, **kwargs)
    return "noise", widgets.explore_noise(*args, **kwargs)


def call_arguments(name, args, kwargs):
    """A call's arguments by name, defaults included."""
    import inspect

    from adamedu import widgets
    bound = inspect.signature(getattr(widgets, name)).bind(*args, **kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


def compute(calls, out_dir, workers=None):
    """Data for a list of explorer calls: (the key of each call, {key: data}). Each
    distinct explorer is computed once; its background goes to out_dir/<key>.png. A call
    the explorer itself rejects gets, instead of a key, the ValueError it raised.
    workers: processes for the runs (default WORKERS; 1 runs them in this process, for a
    caller whose cores are busy already, e.g. a test session on several workers)."""
    import explorer_online
    keys, explorers, seen = [], {}, {}
    for name, args, kwargs in calls:
        text = json.dumps([name, args, kwargs], sort_keys=True)
        if text in seen:       # the same call again: the same explorer
            keys.append(seen[text])
            continue
        try:
            kind, ex = open_explorer(name, args, kwargs)
        except (ValueError, TypeError) as err:
            keys.append(ValueError(f"{name}(...) fails: {err}"))
            continue
        k = key(kind, ex.values if kind != "noise" else call_arguments(name, args, kwargs))
        keys.append(k)
        seen[text] = k
        explorers.setdefault(k, (kind, ex, call_arguments(name, args, kwargs)
                                 if kind == "noise" else None))
    plans = {k: surface_jobs(ex) for k, (kind, ex, _) in explorers.items()
             if kind == "surface"}
    out, backgrounds = {}, {}
    workers = WORKERS if workers is None else workers
    # spawn, not fork: the builder may run in a process with threads (a test session
    # driving a browser), and a forked child could inherit a held lock
    context = multiprocessing.get_context("spawn")
    with (ProcessPoolExecutor(max_workers=workers, mp_context=context) if workers > 1
          else _InProcess()) as pool:
        # every surface explorer's runs at once: a setting two explorers share runs once
        runs = run_surface_jobs([job for _, jobs in plans.values() for job in jobs], pool)
        for k, (kind, ex, arguments) in explorers.items():
            png = out_dir / f"{k}.png"
            if kind == "surface":
                out[k] = compute_surface(ex, *plans[k], runs, png, backgrounds)
            elif kind == "online":
                out[k] = explorer_online.compute_online(ex, png, pool, backgrounds)
            else:
                out[k] = explorer_online.compute_noise(ex, arguments["sigma"], png,
                                                       backgrounds)
    return keys, out
