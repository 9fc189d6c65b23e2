"""Experiments the lessons run in one call: several optimizers on several surfaces, and
Adam against AMSGrad over a grid of Reddi et al.'s problems. Each runs the library's own
functions (`trajectory.run`, `counterexample.compare`) and draws with `plots`.

    fig, runs = on_surfaces([("quadratic", 100, {"gd": 0.18, "adam": 0.1}),
                             ("saddle", 40, {"gd": 0.05, "adam": 0.1})])
"""
from matplotlib.figure import Figure

from adamedu import counterexample, optimizers, plots, surfaces, trajectory

__all__ = ["on_surfaces", "online_small_multiples"]


def on_surfaces(cases: list, losses: bool = False, panel_width: float = 4.3,
                panel_height: float = 3.8) -> tuple[Figure, list]:
    """Run several optimizers on several surfaces; draw one panel of paths per surface.

    cases is a list of (surface, steps, {optimizer name: lr}), e.g.
    [("quadratic", 100, {"gd": 0.18, "adam": 0.1}), ("saddle", 40, {"gd": 0.05, "adam": 0.1})].
    Each run is `trajectory.run(optimizers.make(name, lr=lr), surface, steps=steps)` from the
    surface's start. The panels are `plots.surface_panels` (losses=True adds a row of loss
    curves). Prints one line per surface: each optimizer's final loss (2 significant
    digits) or the step at which it diverged.
    Returns (figure, runs), runs[i] being the list of trajectories of panel i.
    """
    cases = [(surfaces.get(surface), steps, dict(lrs)) for surface, steps, lrs in cases]
    if not cases:
        raise ValueError("on_surfaces needs at least one (surface, steps, {name: lr}) case.")
    width = max(len(surface.title) for surface, _, _ in cases)
    runs = []
    for surface, steps, lrs in cases:
        trajs = [trajectory.run(optimizers.make(name, lr=lr), surface, steps=steps)
                 for name, lr in lrs.items()]
        print(f"{surface.title:{width}s} ", "  ".join(
            f"{t.label} {t.final_loss:.2g}" if t.diverged_at is None
            else f"{t.label} {trajectory.diverged_text(t.diverged_at)}" for t in trajs))
        runs.append(trajs)
    fig = plots.surface_panels([(surface, steps, trajs) for (surface, steps, _), trajs
                                in zip(cases, runs)], losses, panel_width, panel_height)
    return fig, runs


def online_small_multiples(Cs: list, beta2s: list, **settings) -> Figure:
    """A grid of panels, one per (C, beta2), each with Adam's and AMSGrad's x_t on
    `counterexample`'s problem (`plots.online_panels`).

    ``beta2s`` may contain ``None`` for the paper's 1 / (1 + C**2). Extra keyword
    arguments go to `counterexample.compare`. Returns the figure."""
    Cs, beta2s = list(Cs), list(beta2s)
    if not Cs or not beta2s:
        raise ValueError("online_small_multiples needs at least one C and one beta2")
    return plots.online_panels([[(C, beta2, counterexample.compare(C=C, beta2=beta2, **settings))
                                 for beta2 in beta2s] for C in Cs])
