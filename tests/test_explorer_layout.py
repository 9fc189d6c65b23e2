"""The explorer's figure is laid out: nothing written around the two panels overlaps the
other panel or the summary lines under them (the still picture a reader sees), on every
surface, for one optimizer and for five."""
import pytest

from adamedu import surfaces
from adamedu.widgets import explore


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
