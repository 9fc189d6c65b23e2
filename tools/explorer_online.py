"""The book's data for the explorers that are not paths on a surface (see explorer_data):

* the counterexample (`explore_counterexample`): C on ONLINE_C_GRID times beta2 (the
  paper's 1/(1+C^2) and ONLINE_BETA2), from `counterexample.compare`. x_t is stored as
  a band: the lowest and highest x in each bucket of steps, one bucket per pixel column
  of its panel or narrower, so every turn of the period-3 zigzag stays inside the drawn
  band; the average regret at log-spaced steps.
* the noise explorer (`widgets.explore_noise`): the kernel explorer itself at every stop
  of its noise slider (`widgets.SIGMAS`): its runs and its readout. Loss curves are thinned with
  `keep_turns`, like the surface explorers' paths.
"""
import itertools
import math

import numpy as np
from explorer_encode import (
    Q,
    background,
    dash,
    deltas,
    frac,
    keep_turns,
    panels,
    save_background,
)

from adamedu.widgets import readout

ONLINE_C_GRID = (2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0)
NOISE_LOSS = (1e-6, 1e2)   # the noise explorer's loss axis (its kernel figure's)
REGRET_POINTS = 150        # regret samples per run (log-spaced; the curve is smooth)


def style_of(label):
    from adamedu import plots
    s = plots.style(label)
    return {"label": label, "color": s["color"], "dash": dash(s["linestyle"]),
            "marker": s["marker"]}


def online_run(job):
    from adamedu import counterexample
    C, beta2, steps, lr = job
    runs = counterexample.compare(C=C, beta2=beta2, lr=lr, steps=steps)
    return runs, readout.online_lines(runs, C, steps, lr)


def envelope(x, buckets):
    """x_t as (t, low, high) per bucket of steps: the band an oscillating path fills."""
    edges = np.unique(np.rint(np.linspace(0, len(x) - 1, buckets + 1)).astype(int))
    t, low, high = [], [], []
    for a, b in itertools.pairwise(edges):
        t.append(b)
        low.append(x[a:b + 1].min())
        high.append(x[a:b + 1].max())
    return np.array([0] + t), np.r_[x[0], low], np.r_[x[0], high]


def sample_log(n, limit=REGRET_POINTS):
    """Steps 1..n, about `limit` of them spread evenly on a log axis, with 1 and n."""
    return np.unique(np.rint(np.geomspace(1, n, limit)).astype(int))


def compute_online(ex, png_path, pool, backgrounds):
    from explorer_data import slider

    from adamedu import widgets
    values = ex.values
    steps, lr = values["steps"], values["lr"]
    Cs = slider("C", [c for c in ONLINE_C_GRID
                      if widgets.ONLINE_C_RANGE[0] <= c <= widgets.ONLINE_C_RANGE[1]],
                values["C"])
    beta2s = sorted(set(widgets.ONLINE_BETA2) | ({values["beta2"]} - {None}))
    beta2 = {"key": "beta2", "values": [None] + beta2s,
             "labels": ["1/(1+C²)"] + [readout.fmt(b) for b in beta2s],
             "start": 0 if values["beta2"] is None else 1 + beta2s.index(values["beta2"])}
    jobs = [(C, b, steps, lr) for C in Cs["values"] for b in beta2["values"]]
    results = list(pool.map(online_run, jobs, chunksize=4))
    top = max(float(np.clip(r.average_regret, readout.REGRET_FLOOR, None).max())
              for runs, _ in results for r in runs)
    top = 10 ** math.ceil(math.log10(max(top, 1.0)))
    layouts = background(backgrounds, ("online", steps, top), png_path,
                         online_background, steps, top)
    columns = max(math.ceil(b["boxes"]["path"][2] - b["boxes"]["path"][0])
                  for b in layouts.values())  # pixel columns of x_t's panel
    floor = readout.REGRET_FLOOR
    data_runs = {}
    for (i, j), (runs, lines) in zip(np.ndindex(len(Cs["values"]), len(beta2["values"])),
                                     results):
        entry = {"lines": lines, "paths": []}
        for r in runs:
            t, low, high = envelope(r.x, min(columns, len(r.x) - 1))
            rt = sample_log(len(r.average_regret))
            regret = np.clip(r.average_regret[rt - 1], floor, top)
            entry["paths"].append({
                "t": deltas(t), "lo": deltas(frac(low, *readout.X_RANGE)),
                "hi": deltas(frac(high, *readout.X_RANGE)),
                "rt": deltas(rt),
                "r": deltas(frac(np.log10(regret), math.log10(floor), math.log10(top))),
                "beta2": r.beta2})
        data_runs[f"{i},{j}"] = entry
    styles = [style_of(label) for label in ("Adam", "AMSGrad")]
    return {"kind": "online", "steps": steps, "lr": lr, "layouts": layouts,
            "size": layouts["wide"]["size"], "q": Q,
            "sliders": [Cs, beta2], "optimizers": styles, "regret": [floor, top],
            "readout": ex.readout, "runs": data_runs}


def online_background(steps, top, layout, path):
    fig, (ax, rx) = panels(layout, wide_size=(8.0, 3.0), width_ratios=(1.0, 1.0))
    ax.axhline(-1, color="0.5", linestyle=":", linewidth=1)
    ax.text(0.02 * steps, -0.97, "optimum x = −1", fontsize=8, color="0.35", va="bottom")
    ax.set(xlabel="step t", ylabel="$x_t$", xlim=(0, steps), ylim=readout.X_RANGE,
           title="The point $x_t$")
    rx.set(xlabel="step t", ylabel="$R_t / t$", xscale="log", yscale="log", xlim=(1, steps),
           ylim=(readout.REGRET_FLOOR, top), title="Average regret")
    return save_background(fig, {"path": ax, "loss": rx}, path)


# ----------------------------------------------------------------------------- noise

def noise_background(steps, layout, path):
    fig, (ax,) = panels(layout, n=1, wide_size=(8.0, 3.2), width_ratios=(1.0,))
    ax.set(xlabel="step t", ylabel="loss", yscale="log", xlim=(0, steps), ylim=NOISE_LOSS,
           title="Noisy quadratic (curvatures 1 and 10)")
    return save_background(fig, {"loss": ax}, path)


def compute_noise(ex, start_sigma, png_path, backgrounds):
    """The noise explorer's data: its runs and readout at every noise level, as the
    kernel explorer computes them (`set(sigma=...)`, then `runs` and `readout`)."""
    from explorer_data import shapes, slider

    from adamedu import widgets
    start_readout = list(ex.readout)
    runs, labels = {}, None
    sigma = slider("sigma", widgets.SIGMAS, start_sigma)
    sigma["label"] = "noise σ"
    for i, s in enumerate(sigma["values"]):
        ex.set(sigma=s)
        steps = len(ex.runs[0].losses) - 1
        labels = [r.label for r in ex.runs]
        low, high = (math.log10(v) for v in NOISE_LOSS)
        paths = []
        for r in ex.runs:
            loss = frac(np.log10(np.clip(r.losses, *NOISE_LOSS)), low, high)
            t = np.arange(len(loss))
            idx = keep_turns(np.c_[np.rint(t * Q / steps), loss])
            paths.append({"t": deltas(idx), "l": deltas(loss[idx])})
        runs[str(i)] = {"lines": list(ex.readout), "paths": paths}
    ex.set(sigma=sigma["values"][sigma["start"]])
    from adamedu import plots
    styles = [{**style_of(label), "color": kw["color"], "dash": dash(kw["linestyle"])}
              for label, kw in zip(labels, plots.distinct_styles(labels))]
    layouts = background(backgrounds, ("noise", steps), png_path, noise_background, steps)
    return {"kind": "noise", "steps": steps, "layouts": layouts,
            "size": layouts["wide"]["size"], "q": Q,
            "sliders": [sigma], "optimizers": styles,
            "shapes": shapes([s["marker"] for s in styles]),
            "readout": start_readout, "runs": runs}
