"""The explorers' layout cache: what constrained layout gave, by what decides it. Laying
out costs a full draw, and explorers with the same texts, limits and size lay out alike,
so the panels' positions are kept per kernel (`forget` empties the cache)."""
import threading

import matplotlib as mpl

_LAYOUTS: dict = {}
_KEPT, _LOCK = 64, threading.Lock()


def settings() -> str:
    """matplotlib's current settings, as a key."""
    return str(list(dict.items(mpl.rcParams)))


def forget() -> None:
    """Empty the cache: the next explorer is laid out afresh."""
    with _LOCK:
        _LAYOUTS.clear()


def laid_out(figure, axes, made_with, lay_out, *extra):
    """What `lay_out()` returns for these axes, computed once per kernel for what decides
    a constrained layout: the texts around the axes, their limits and scales, the figure's
    size, matplotlib's settings when the axes were made (`made_with`, tick sizes are
    fixed then) and now, and `extra`. `lay_out` runs with the axes back on their grid
    positions and in the layout (not where the last layout put them)."""
    key = (tuple((a.get_xlim(), a.get_ylim(), a.get_xscale(), a.get_yscale(), a.get_title(),
                  a.get_xlabel(), a.get_ylabel(), a.get_aspect()) for a in axes),
           tuple(figure.get_size_inches()), figure.dpi, made_with, settings(), extra)
    placed = _LAYOUTS.get(key)
    if placed is None:
        for a in axes:
            a.set_position(a.get_subplotspec().get_position(figure))
            a.set_in_layout(True)  # set_position took it out of the layout
        placed = lay_out()
        with _LOCK:
            if len(_LAYOUTS) >= _KEPT:
                _LAYOUTS.pop(next(iter(_LAYOUTS)))
            _LAYOUTS[key] = placed
    return placed
