"""The slider explorer: drag a hyperparameter, watch the optimizer's path change at once.

    from adamedu.widgets import explore
    explore("adam", surface="rosenbrock")                 # one optimizer
    explore(["gd", "momentum", "adam"], surface="quadratic")   # compare mode
    ex = explore("adam"); ex.set(lr=0.05)                 # the code a slider change runs

An `Explorer` shows sliders for the optimizer's hyperparameters (lr, beta1, beta2, eps,
momentum, nesterov, alpha, weight_decay, bias correction: whichever it has), the number of
steps, the start point and the surface; a figure with the path on the contour plot and
the loss curve; and a readout with the final loss, the distance to the nearest minimum,
or the step where the run diverged.

Speed: the figure is made once. The contours and the layout are drawn once per surface,
the loss axes once per number of steps, and kept as a background image; a slider change
only recomputes the trajectories whose settings changed, restores the background, draws
the few moving lines on it (blitting) and sends the PNG to an `ipywidgets.Image`.

Displaying an explorer shows the live widget and also stores a still PNG of its current
state in the output, so a notebook read without a kernel still shows the figure; saved
notebooks keep the still and drop the widget view (`adamedu_jupyter.saved`), which would
otherwise show "Error displaying widget" once the kernel is gone.

`explore_counterexample(C=3)` is the same kind of explorer for Reddi et al.'s online
problem (`adamedu.counterexample`): sliders for C, beta2 and the number of steps, Adam's
and AMSGrad's x_t and average regret, and a readout with their final x and regret.
`explore_noise(sigma=1.0)` puts a noise-level slider on `noise.race` (lesson 02).
Every explorer shares `_sliders.Sliders`: `set()` validates every value before applying any, the
sliders apply theirs the same way, a failing update shows a message instead of a
traceback, and updates arriving on several kernel threads are serialized and coalesced
(one redraw at a time, ending on the latest values).
"""
from adamedu.widgets import _layouts, _run
from adamedu.widgets.explorer import CHOICES, EPS_RANGE, LR_RANGE, STEPS_RANGE, Explorer, explore
from adamedu.widgets.noise import SIGMAS, NoiseExplorer, explore_noise
from adamedu.widgets.online import (
    ONLINE_BETA2,
    ONLINE_C_RANGE,
    ONLINE_STEPS,
    ONLINE_STEPS_RANGE,
    OnlineExplorer,
    explore_counterexample,
)

__all__ = ["explore", "Explorer", "LR_RANGE", "EPS_RANGE", "STEPS_RANGE", "CHOICES",
           "explore_counterexample", "OnlineExplorer", "ONLINE_C_RANGE", "ONLINE_STEPS_RANGE",
           "ONLINE_STEPS", "ONLINE_BETA2", "explore_noise", "NoiseExplorer", "SIGMAS",
           "forget_layouts", "settle"]


def forget_layouts() -> None:
    """Empty the explorers' layout cache (kept per kernel), so that the next explorer is
    laid out afresh; for tests and for changing matplotlib's settings mid-session."""
    _layouts.forget()


def settle() -> None:
    """Wait until the explorers' background runs (the look-ahead) are done."""
    _run._AHEAD.submit(lambda: None).result()
