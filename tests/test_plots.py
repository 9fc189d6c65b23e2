"""Plots: smoke tests that check what was drawn (Agg backend, no display)."""
import subprocess
import sys
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from adamedu import counterexample, experiments, optimizers, plots, surfaces, sweeps
from adamedu.trajectory import run


@pytest.fixture(autouse=True)
def quiet_and_tidy():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
    plt.close("all")


def legend_labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_importing_applies_the_course_style():
    # in a fresh interpreter, so that no other test's rcParams can interfere
    code = ("import matplotlib; matplotlib.use('Agg'); import adamedu.plots; "
            "r = matplotlib.rcParams; "
            "print(r['figure.dpi'], r['axes.grid'], tuple(r['figure.figsize']))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[0] == "80.0 True (5.0, 3.6)"


def test_each_optimizer_has_its_own_fixed_colour():
    labels = ["GD", "Momentum", "Nesterov", "Adagrad", "RMSprop", "Adam", "AMSGrad", "AdamW"]
    colours = [plots.color(label) for label in labels]
    assert len(set(colours)) == len(labels)
    assert plots.color("Adam, lr = 0.1") == plots.color("Adam")
    assert plots.color("Adam (bias correction off)") == plots.color("Adam")
    other = plots.color("my optimizer")
    assert other == plots.color("my optimizer") and other not in colours
    # every optimizer the package builds has one of these labels
    assert {optimizers.make(name).label for name in optimizers.NAMES} == set(labels)


def test_contour_marks_every_minimum_and_labels_the_axes():
    s = surfaces.get("himmelblau")
    ax = plots.contour(s)
    stars = [line for line in ax.get_lines() if line.get_marker() == "*"]
    assert len(stars) == 1 and np.array_equal(np.c_[stars[0].get_data()], s.minima)
    assert ax.get_xlim() == s.xlim and ax.get_ylim() == s.ylim
    assert ax.get_xlabel() == r"$\theta_1$" and ax.get_ylabel() == r"$\theta_2$"
    assert ax.get_title() == "Himmelblau"
    assert len(ax.collections) >= 1                                   # the contour set


def test_saddle_contour_has_no_star():
    ax = plots.contour("saddle")
    assert not [line for line in ax.get_lines() if line.get_marker() == "*"]


def test_paths_draws_each_run_with_start_end_and_divergence_in_the_legend():
    s = surfaces.get("rosenbrock")
    good = run(optimizers.Adam(lr=0.05), s, steps=60)
    bad = run(optimizers.SGD(lr=1.0), s, steps=60)
    ax = plots.paths(s, [good, bad], title="Two runs")
    labels = legend_labels(ax)
    assert labels == ["minimum", "Adam", "start", f"GD (diverged at step {bad.diverged_at})"]
    adam_line = next(line for line in ax.get_lines() if line.get_label() == "Adam")
    assert np.array_equal(np.c_[adam_line.get_data()], good.points)
    assert adam_line.get_color() == plots.color("Adam")
    crosses = [line for line in ax.get_lines() if line.get_marker() == "X"]
    assert len(crosses) == 1
    assert np.array_equal(np.ravel(crosses[0].get_data()), bad.points[-1])
    assert ax.get_title() == "Two runs"


def test_paths_and_loss_curves_draw_each_optimizer_in_its_style():
    s = surfaces.get("quadratic")
    trajs = [run(optimizers.make(name, lr=0.05), s, steps=20) for name in ("gd", "adam")]
    for ax in (plots.paths(s, trajs), plots.loss_curves(trajs)):
        for traj in trajs:
            line = next(line for line in ax.get_lines() if line.get_label() == traj.label)
            want = plots.style(traj.label)
            assert line.get_color() == want["color"] and line.get_marker() == want["marker"]
            assert line.get_linestyle() == {"-": "-", ":": ":"}[want["linestyle"]]


def test_same_label_runs_get_different_colours():
    s = surfaces.get("quadratic")
    trajs = [run(optimizers.SGD(lr=lr), s, steps=5) for lr in (0.01, 0.05, 0.1)]
    ax = plots.paths(s, trajs)
    colours = [line.get_color() for line in ax.get_lines() if line.get_label() == "GD"]
    assert len(colours) == 3 and len(set(colours)) == 3
    assert colours[0] == plots.color("GD")


def test_paths_accepts_a_single_trajectory_and_rejects_n_d_ones():
    s = surfaces.get("beale")
    ax = plots.paths("beale", run(optimizers.Adam(lr=0.1), s, steps=3), legend=False)
    assert ax.get_legend() is None
    nd = run(optimizers.SGD(lr=0.1), _Bowl(), start=np.ones(3), steps=2)
    with pytest.raises(ValueError, match="2-D"):
        plots.paths(s, nd)


class _Bowl:
    def loss(self, theta):
        return float(theta @ theta)

    def grad(self, theta):
        return 2 * theta


def test_loss_curves_use_a_log_axis_for_positive_losses():
    s = surfaces.get("quadratic")
    trajs = [run(optimizers.make(n, lr=0.05), s, steps=40) for n in ("sgd", "momentum")]
    ax = plots.loss_curves(trajs)
    assert ax.get_yscale() == "log"
    assert legend_labels(ax) == ["GD", "Momentum"]
    assert np.array_equal(ax.get_lines()[0].get_ydata(), trajs[0].losses)
    assert ax.get_xlabel() == "step t" and ax.get_ylabel() == "loss"
    assert plots.loss_curves(trajs, log=False).get_yscale() == "linear"


def test_loss_curves_fall_back_to_linear_when_a_loss_is_not_positive():
    s = surfaces.get("saddle")
    trajs = [run(optimizers.SGD(lr=0.1), s, steps=200), run(optimizers.Adam(lr=0.1), s, steps=20)]
    ax = plots.loss_curves(trajs, title="Saddle")
    assert ax.get_yscale() == "linear"
    assert "linear scale" in ax.get_title() and ax.get_title().startswith("Saddle")
    assert legend_labels(ax)[0] == f"GD (diverged at step {trajs[0].diverged_at})"


def test_small_multiples_has_one_panel_per_value_and_notes_divergence():
    s = surfaces.get("quadratic")
    lrs = [0.01, 0.1, 0.19, 0.5]
    runs = [(lr, run(optimizers.SGD(lr=lr), s, steps=40)) for lr in lrs]
    fig = plots.small_multiples(s, runs, "lr", ncols=3)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 4 and len(fig.axes) == 6
    assert [ax.get_title() for ax in visible] == ["lr = 0.01", "lr = 0.1", "lr = 0.19", "lr = 0.5"]
    assert fig.get_suptitle() == "Quadratic (κ = 10): varying lr"
    notes = [t.get_text() for t in visible[3].texts]
    assert notes == [f"diverged at step {runs[3][1].diverged_at}"]
    assert not visible[0].texts
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["minimum", "GD", "start"]


def test_small_multiples_with_several_runs_per_panel_and_a_title():
    s = surfaces.get("rosenbrock")
    runs = [(b1, [run(optimizers.Adam(lr=0.1, beta1=b1), s, steps=30),
                  run(optimizers.SGD(lr=0.002, momentum=b1), s, steps=30)]) for b1 in (0.5, 0.9)]
    fig = plots.small_multiples(s, runs, "beta1", title="Momentum decay")
    assert fig.get_suptitle() == "Momentum decay"
    assert len(fig.axes) == 2
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["minimum", "Adam", "start",
                                                                  "Momentum"]
    with pytest.raises(ValueError, match="at least one"):
        plots.small_multiples(s, [], "lr")


def test_loss_curves_leave_exact_zeros_out_of_a_log_axis():
    from adamedu.trajectory import Trajectory
    traj = Trajectory(points=np.zeros((3, 2)), losses=np.array([4.0, 1.0, 0.0]), label="GD")
    ax = plots.loss_curves(traj)
    assert ax.get_yscale() == "log" and "exactly 0 not shown" in ax.get_title()
    assert np.array_equal(ax.get_lines()[0].get_ydata(), [4.0, 1.0, np.nan], equal_nan=True)


def test_small_multiples_can_change_the_surface_with_the_value():
    runs = [(k, run(optimizers.SGD(lr=1.0 / k), surfaces.quadratic(kappa=k), steps=10))
            for k in (1, 10)]
    fig = plots.small_multiples(surfaces.quadratic, runs, "kappa")
    assert [ax.get_title() for ax in fig.axes] == ["kappa = 1", "kappa = 10"]
    assert fig.get_suptitle() == "varying kappa"
    # each panel draws its own surface: a round bowl's levels differ from kappa = 10's
    assert [len(ax.collections) for ax in fig.axes] == [1, 1]
    def width_over_height(ax):
        seg = ax.collections[0].allsegs[8][0]         # a closed level curve around the minimum
        return np.ptp(seg[:, 0]) / np.ptp(seg[:, 1])
    assert width_over_height(fig.axes[0]) == pytest.approx(1.0, rel=0.02)
    assert width_over_height(fig.axes[1]) == pytest.approx(np.sqrt(10), rel=0.02)


def test_empty_inputs_draw_without_warnings():
    ax = plots.paths("saddle", [])                     # no minimum, no runs: no legend
    assert ax.get_legend() is None
    assert plots.loss_curves([]).get_legend() is None


def test_on_surfaces_runs_every_case_in_its_own_panel(capsys):
    cases = [("quadratic", 30, {"gd": 0.5, "adam": 0.1}),            # GD diverges at lr = 0.5
             (surfaces.get("saddle"), 20, {"momentum": 0.01, "adagrad": 0.1, "rmsprop": 0.01})]
    fig, runs = experiments.on_surfaces(cases)
    assert len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == ["Quadratic (κ = 10), 30 steps",
                                                   "Saddle (f = θ₁² − θ₂²), 20 steps"]
    gd, adam = runs[0]
    assert legend_labels(fig.axes[0]) == ["minimum", f"GD (diverged at step {gd.diverged_at})",
                                          "start", "Adam"]
    assert fig.axes[1].get_legend() is None
    for (surface, steps, lrs), trajs in zip(cases, runs):
        expected = [run(optimizers.make(name, lr=lr), surfaces.get(surface), steps=steps)
                    for name, lr in lrs.items()]
        assert [t.label for t in trajs] == [e.label for e in expected]
        for t, e in zip(trajs, expected):
            assert np.array_equal(t.points, e.points) and t.diverged_at == e.diverged_at
    drawn = next(line for line in fig.axes[1].get_lines() if line.get_label() == "Adagrad")
    assert np.array_equal(np.c_[drawn.get_data()], runs[1][1].points)
    out = capsys.readouterr().out.splitlines()
    assert gd.diverged_at is not None and adam.diverged_at is None
    assert out == [f"Quadratic (κ = 10)      GD diverged at step {gd.diverged_at}  "
                   f"Adam {adam.final_loss:.2g}",
                   "Saddle (f = θ₁² − θ₂²)  " + "  ".join(f"{t.label} {t.final_loss:.2g}"
                                                         for t in runs[1])]


def test_on_surfaces_can_add_a_row_of_loss_curves(capsys):
    fig, runs = experiments.on_surfaces([("quadratic", 10, {"adam": 0.1}),
                                   ("rosenbrock", 10, {"adam": 0.1})], losses=True)
    assert len(fig.axes) == 4
    top, bottom = fig.axes[:2], fig.axes[2:]                # subplots come row by row
    assert [ax.get_title() for ax in bottom] == ["Loss, Quadratic (κ = 10)",
                                                 "Loss, Rosenbrock (a = 1, b = 100)"]
    assert all(ax.get_legend() is None for ax in bottom)
    assert top[0].get_legend() is not None and top[1].get_legend() is None
    assert np.array_equal(bottom[1].get_lines()[0].get_ydata(), runs[1][0].losses)
    assert len(capsys.readouterr().out.splitlines()) == 2
    with pytest.raises(ValueError, match="at least one"):
        experiments.on_surfaces([])


# f = |theta|**2 / 2: gradient descent with lr gives theta_k = (1 - lr)**k theta_0
BOWL = surfaces.quadratic(kappa=1.0)


def test_heatmap_marks_diverged_cells():
    g = sweeps.grid("sgd", {"momentum": [0.0, 0.9], "lr": [0.1, 1e3]}, BOWL, steps=100)
    ax = plots.heatmap(g, title="bowl")
    assert [t.get_text() for t in ax.texts] == ["×", "×"]
    assert ax.get_xlabel() == "lr" and ax.get_ylabel() == "momentum"
    assert ax.get_title() == "bowl"
    with pytest.raises(ValueError, match="2-D"):
        plots.heatmap(sweeps.grid("sgd", {"lr": [0.1]}, BOWL, steps=2))


def test_heatmap_relative_colours_and_category_labels():
    g = sweeps.compare(["sgd", "adam"], [0.1, 0.5], BOWL, steps=10)
    ax = plots.heatmap(g, relative=True)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["sgd", "adam"]
    np.testing.assert_allclose(ax.images[0].get_array()[0, 0], np.log10(0.9 ** 20))


def test_heatmap_labels_tell_close_values_apart():
    g = sweeps.grid("adam", {"beta2": [0.99, 0.999, 0.9999], "lr": [0.1, 0.316, 10.0]}, BOWL,
                    steps=2)
    ax = plots.heatmap(g)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0.99", "0.999", "0.9999"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.1", "0.3", "10"]


def test_online_counterexample_figures():
    fig = plots.online_runs(counterexample.compare(steps=30))
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) >= 2
    assert fig.get_suptitle() == "C = 3, β₁ = 0, β₂ = 0.1"
    grid = experiments.online_small_multiples([3.0, 10.0], [None, 0.999], steps=30)
    assert len(grid.axes) == 4
    assert "paper's" in grid.axes[0].get_title() and "0.999" in grid.axes[1].get_title()
    with pytest.raises(ValueError, match="at least one"):
        plots.online_runs([])
    with pytest.raises(ValueError, match="at least one"):
        experiments.online_small_multiples([], [None])
