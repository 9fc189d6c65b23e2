"""The explorer's figure is laid out: nothing written around the two panels overlaps the
other panel or the summary lines under them (the still picture a reader sees), on every
surface, for one optimizer and for five."""
import pytest

from adamedu import surfaces
from adamedu.widgets import explore, forget_layouts


def overlap(a, b):
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


@pytest.mark.parametrize("names", [["adam"], ["gd", "momentum", "adagrad", "rmsprop", "adam"]],
                         ids=["single", "five"])
def test_panels_and_summary_lines_do_not_overlap(names):
    ex = explore(names, steps=1000)
    for name in surfaces.SURFACES:
        ex.set(surface=name)
        ex.still_png()  # draws the still picture, summary lines included
        renderer = ex.figure.canvas.get_renderer()
        path, loss = (ax.get_tightbbox(renderer) for ax in ex.figure.axes)
        lines = [t.get_window_extent(renderer) for t in ex.figure.texts if t.get_text()]
        assert len(lines) == len(names)
        assert not overlap(path, loss), f"{name}: the panels overlap"
        for box in lines:
            assert not (overlap(box, path) or overlap(box, loss)), \
                f"{name}: a summary line overlaps a panel"
        width, height = ex.figure.canvas.get_width_height()
        for box in (path, loss):
            assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= width and box.y1 <= height, \
                f"{name}: a panel is cut at the figure's edge"


def test_the_layout_does_not_depend_on_the_last_surfaces_runs(monkeypatch):
    """A diverged run's end mark is not clipped; on a switch it still sits where the old
    surface put it, and must not squeeze the new layout (which every later explorer on
    that surface would then get from the layout cache)."""
    forget_layouts()
    ex = explore("gd", surface="himmelblau", lr=0.5)
    assert ex.trajectories[0].diverged_at is not None
    ex.set(surface="rosenbrock")
    after_switch = [a.get_position().bounds for a in ex.figure.axes]
    forget_layouts()
    fresh = explore("gd", surface="rosenbrock")
    assert after_switch == [a.get_position().bounds for a in fresh.figure.axes]


def test_the_layout_follows_the_settings_the_figure_was_made_with(monkeypatch):
    """Tick label sizes are fixed when the axes are made: a layout computed for a figure
    made with other settings is not the one for a figure made with the defaults."""
    import matplotlib as mpl
    forget_layouts()
    with mpl.rc_context({"xtick.labelsize": 16, "ytick.labelsize": 16}):
        big = explore("adam", surface="beale")
    big.set(surface="rosenbrock")  # laid out after the settings went back
    fresh = explore("adam", surface="rosenbrock")
    forget_layouts()
    clean = explore("adam", surface="rosenbrock")
    assert [a.get_position().bounds for a in fresh.figure.axes] == \
        [a.get_position().bounds for a in clean.figure.axes]
