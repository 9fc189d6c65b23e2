"""Adding an optimizer is one declaration: an `optimizers.Spec` registered once (here, in
this test) puts it in `make`, in the figures (its style), in an explorer (its sliders and
starting lr) and in the book's explorer data (its marker)."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from adamedu import optimizers, plots, trajectory, widgets

ROOT = Path(__file__).resolve().parents[1]


class SignDescent:
    """theta_t = theta_{t-1} - lr * sign(g_t): a throwaway optimizer, declared below."""

    label = "SignDescent"

    def __init__(self, lr=0.01, eps=0.0):
        self.hyperparams = {"lr": float(lr), "eps": float(eps)}

    def init(self, theta):
        return 0

    def step(self, theta, grad, state):
        return np.asarray(theta) - self.hyperparams["lr"] * np.sign(grad), state + 1


THROWAWAY = optimizers.Spec("signdescent", SignDescent, "SignDescent", "#123456", (0, (2, 2)),
                            "*", controls=("lr",), explore_lr=0.05,
                            explore_lr_on={"quadratic": 0.2})


@pytest.fixture
def declared(monkeypatch):
    monkeypatch.setattr(optimizers, "SPECS", dict(optimizers.SPECS))  # undone after the test
    return optimizers.register(THROWAWAY)


def explorer_data():
    spec = importlib.util.spec_from_file_location("explorer_data_test",
                                                  ROOT / "tools" / "explorer_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_declared_optimizer_is_built_drawn_explored_and_in_the_book(declared, tmp_path):
    opt = optimizers.make("SignDescent", lr=0.1)
    assert opt.label == "SignDescent"
    with pytest.raises(ValueError, match="does not take 'beta1'"):
        optimizers.make("signdescent", beta1=0.9)
    # the figures: its style, also for a label that starts with its label
    assert plots.style("SignDescent, lr = 0.1") == {"color": "#123456",
                                                    "linestyle": (0, (2, 2)), "marker": "*"}
    ax = plots.loss_curves(trajectory.run(opt, _quadratic(), steps=5))
    assert ax.get_lines()[0].get_marker() == "*"
    # an explorer: its controls, its starting lr on this surface, its run
    ex = widgets.explore("signdescent", surface="quadratic", steps=20)
    assert ex.values["signdescent"] == {"lr": 0.2}
    assert ex.trajectories[0].label == "SignDescent"
    ex.set(lr=0.05)
    assert ex.readout[0].startswith("SignDescent (lr=0.05)")
    # the book's data: the optimizer with its marker and colour
    keys, data = explorer_data().compute(
        [("explore", ["signdescent"], {"surface": "quadratic", "steps": 20})], tmp_path,
        workers=1)
    entry = data[keys[0]]["optimizers"][0]
    assert (entry["name"], entry["label"], entry["marker"], entry["color"]) == (
        "signdescent", "SignDescent", "*", "#123456")


def _quadratic():
    from adamedu import surfaces
    return surfaces.get("quadratic")


def test_every_declaration_matches_what_make_builds():
    for name, spec in optimizers.SPECS.items():
        opt = optimizers.make(name)
        assert opt.label == spec.label and name in (spec.name, *spec.aliases)
        assert set(spec.controls) <= set(opt.hyperparams) and spec.controls[0] == "lr"
        assert optimizers.spec_of_label(spec.label).label == spec.label
