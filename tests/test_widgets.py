"""The slider explorer: set() redraws, compare mode, extremes, surface switch, bad values.

Every test runs with warnings turned into errors: a slider must never flood a lesson.
"""
import base64
import io
import threading
import time

import ipywidgets as W
import numpy as np
import pytest
from IPython.core.formatters import format_display_data
from PIL import Image

from adamedu import counterexample, optimizers, surfaces, trajectory
from adamedu.widgets import LR_RANGE, explore, explore_counterexample

pytestmark = pytest.mark.filterwarnings("error")


def decode(png):
    """PNG bytes as an RGB array (fails if they are not a valid PNG)."""
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def controls(ex):
    """Every control of an explorer's widget tree, by description (in compare mode the
    first optimizer's tab comes first)."""
    found, todo = {}, [ex.widget]
    while todo:
        w = todo.pop(0)
        todo += list(getattr(w, "children", ()))
        if getattr(w, "description", ""):
            found.setdefault(w.description, w)
    return found


def shown_readout(ex):
    return ex.widget.children[-1].value  # the readout under the figure, as HTML


def artist(ex, gid):
    """A line of the explorer's figure by its gid: "start", "<name> path", "<name> end",
    "<name> loss", "<name> loss end"."""
    (found,) = [a for a in ex.figure.findobj() if a.get_gid() == gid]
    return found


def displayed(ex):
    """What Jupyter puts in the output for the explorer (IPython's display formatter)."""
    data, _ = format_display_data(ex)
    return data


def kept(name, make, **built_with):
    """Fixture `name`: one explorer `make()` for this module's tests that change it only
    with set() (building one costs a full draw). After each test, set(**built_with) puts
    it back as built, checked to be like a new one (values, readout and image), so that
    a test that fails leaves nothing behind for the next."""
    @pytest.fixture(scope="module", name=f"_{name}_built")
    def built():
        ex = make()
        return ex, ex.values, ex.readout, ex.png

    @pytest.fixture(name=name)
    def explorer(request):
        ex, values, readout, png = request.getfixturevalue(f"_{name}_built")
        yield ex
        if ex.values != values or ex.readout != readout:
            ex.set(**built_with)
        assert (ex.values, ex.readout, ex.png) == (values, readout, png)
    return built, explorer


def test_set_updates_readout_values_and_image():
    ex = explore("adam", surface="quadratic")
    png, readout = ex.png, ex.readout
    ex.set(lr=0.01)
    assert ex.values["adam"]["lr"] == 0.01
    assert ex.png != png and not np.array_equal(decode(ex.png), decode(png))
    assert ex.readout != readout
    assert ex.readout[0].startswith("Adam (lr=0.01, beta1=0.9, beta2=0.999, eps=1e-08")


def test_readout_reports_the_trajectory_it_draws():
    ex = explore("adam", surface="rosenbrock", steps=50, lr=0.05)
    expected = trajectory.run(optimizers.Adam(lr=0.05), surfaces.get("rosenbrock"), steps=50)
    (traj,) = ex.trajectories
    np.testing.assert_array_equal(traj.points, expected.points)
    assert f"final loss {expected.final_loss:.3g}" in ex.readout[0]
    assert f"distance to the nearest minimum {expected.distance_to_min:.3g}" in ex.readout[0]


def test_moving_a_slider_runs_the_same_code_as_set():
    by_slider, by_set = explore("rmsprop", surface="beale"), explore("rmsprop", surface="beale")
    slider = next(w for w in by_slider.widget.children[0].children[0].children
                  if getattr(w, "description", "") == "alpha")
    slider.value = 0.9
    by_set.set(alpha=0.9)
    assert by_slider.values == by_set.values
    assert by_slider.readout == by_set.readout
    assert by_slider.png == by_set.png


def test_defaults_and_initial_values():
    ex = explore("momentum", surface="quadratic", steps=40, start=(1.0, -1.0), momentum=0.5)
    assert ex.values["steps"] == 40 and ex.values["start"] == (1.0, -1.0)
    assert ex.values["momentum"]["momentum"] == 0.5
    assert ex.trajectories[0].steps == 40
    np.testing.assert_array_equal(ex.trajectories[0].points[0], [1.0, -1.0])


@pytest.mark.parametrize("name, controls", [
    ("gd", {"lr", "momentum", "nesterov"}),
    ("adagrad", {"lr", "eps"}),
    ("rmsprop", {"lr", "alpha", "eps", "momentum"}),
    ("adam", {"lr", "beta1", "beta2", "eps", "bias_correction"}),
    ("adamw", {"lr", "beta1", "beta2", "eps", "weight_decay"}),
])
def test_each_optimizer_gets_its_own_controls(name, controls):
    ex = explore(name, surface="quadratic")
    assert set(ex.values[name]) == controls


def test_bias_correction_toggle_changes_the_run():
    ex = explore("adam", surface="quadratic", steps=20)
    with_correction = ex.trajectories[0].points.copy()
    ex.set(bias_correction=False)
    assert not np.allclose(ex.trajectories[0].points, with_correction)
    assert "bias_correction=False" in ex.readout[0]
    expected = trajectory.run(optimizers.Adam(lr=0.1, bias_correction=False),
                              surfaces.get("quadratic"), steps=20)
    np.testing.assert_array_equal(ex.trajectories[0].points, expected.points)


@pytest.mark.parametrize("name, surface, values", [
    ("gd", "rosenbrock", {"lr": 10}),
    ("adam", "rosenbrock", {"lr": 10}),
    ("adam", "rosenbrock", {"beta2": 0.9999}),
    ("adam", "rosenbrock", {"eps": 1e-12}),
    ("adam", "beale", {"lr": 10, "beta1": 0.999, "beta2": 0.5, "eps": 1.0}),
    ("adagrad", "himmelblau", {"lr": 1e-4, "eps": 1e-12}),
    ("rmsprop", "saddle", {"lr": 10, "alpha": 0.9999, "momentum": 0.99}),
    ("nesterov", "beale", {"lr": 10, "momentum": 0.99, "steps": 1000}),
    ("adam", "saddle", {"lr": 10, "steps": 1}),
])
def test_extremes_give_a_plot_and_a_message(name, surface, values):
    ex = explore(name, surface=surface, **values)  # warnings are errors here
    assert decode(ex.png).shape[0] > 100
    assert ex.readout and ("final loss" in ex.readout[0] or "diverged at step" in ex.readout[0])


def test_a_diverging_path_is_drawn_up_to_the_divergence_and_marked():
    ex = explore("gd", surface="rosenbrock", lr=0.008)
    (traj,) = ex.trajectories
    assert traj.diverged_at is not None and traj.diverged_at > 1
    assert f"diverged at step {traj.diverged_at}: {traj.reason}" in ex.readout[0]
    xs, ys = artist(ex, "gd path").get_data()
    assert len(xs) == traj.diverged_at  # the start plus every finite step before it
    end = artist(ex, "gd end")
    assert end.get_marker() == "X"
    x, y = end.get_data()[0][0], end.get_data()[1][0]
    s = ex.surface
    on_window = s.xlim[0] <= x <= s.xlim[1] and s.ylim[0] <= y <= s.ylim[1]
    assert on_window  # the cross sits where the run left the window, so it is visible


def test_compare_mode_overlays_optimizers_with_their_own_settings():
    ex = explore(["gd", "momentum", "adam"], surface="quadratic")
    assert [line.split(" (")[0] for line in ex.readout] == ["GD", "Momentum", "Adam"]
    gd, momentum, adam = ex.trajectories
    ex.set(adam={"lr": 0.02})
    assert ex.values["adam"]["lr"] == 0.02 and ex.values["gd"]["lr"] == 0.1
    assert ex.trajectories[0] is gd and ex.trajectories[1] is momentum  # not recomputed
    assert ex.trajectories[2] is not adam
    ex.set(lr=0.03)  # a plain value goes to every optimizer that has it
    assert all(ex.values[n]["lr"] == 0.03 for n in ex.names)
    ex.set(beta2=0.99)  # only Adam has beta2
    assert ex.values["adam"]["beta2"] == 0.99 and "beta2" not in ex.values["gd"]
    colors = {artist(ex, f"{name} path").get_color() for name in ex.names}
    assert len(colors) == 3


def test_compare_mode_rejects_repeated_names():
    with pytest.raises(ValueError, match="once"):
        explore(["adam", "adam"])


def test_surface_switch_resets_start_and_redraws():
    ex = explore("adam", surface="rosenbrock")
    png = ex.png
    ex.set(surface="himmelblau")
    s = surfaces.get("himmelblau")
    assert ex.surface.name == "himmelblau"
    assert ex.values["start"] == tuple(s.start)
    c = controls(ex)
    assert (c["start θ₁"].min, c["start θ₁"].max, c["start θ₂"].min, c["start θ₂"].max) \
        == (*s.xlim, *s.ylim)
    assert ex.png != png
    c["surface"].value = "saddle"  # the dropdown runs the same code
    assert ex.surface.name == "saddle"
    assert "no minimum" in ex.readout[0]


def test_every_switch_redraws_the_contours_of_the_new_surface():
    ex = explore("adam", surface="rosenbrock")
    first = ex.surface
    for name in ("himmelblau", "beale", "quadratic", "beale", "rosenbrock"):
        ex.set(surface=name)
        path_axes = ex.figure.axes[0]
        (contours,) = path_axes.collections
        np.testing.assert_allclose(contours.levels, surfaces.get(name).levels)
        assert path_axes.get_title() == surfaces.get(name).title
    assert ex.surface is first  # a surface chosen again is reused, not rebuilt


def test_a_surface_object_is_accepted_and_listed():
    narrow = surfaces.quadratic(kappa=50)
    ex = explore("gd", surface=narrow, lr=0.01)
    assert ex.surface is narrow
    ex.set(surface="beale")
    ex.set(surface="quadratic")
    assert ex.surface is narrow


_adam_rosenbrock, adam_rosenbrock = kept(
    "adam_rosenbrock", lambda: explore("adam", surface="rosenbrock"), surface="rosenbrock",
    steps=100, start=None, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, bias_correction=True)


@pytest.mark.parametrize("values, note", [
    ({"lr": 100}, "lr=100 is outside the slider's range [0.0001, 10]; using 10"),
    ({"lr": 0}, "lr=0 is outside the slider's range [0.0001, 10] (the slider is logarithmic: "
                "it only takes values > 0); using 0.0001"),
    ({"eps": 1e-20}, "eps=1e-20 is outside the slider's range [1e-12, 1]; using 1e-12"),
    ({"steps": 5000}, "steps=5000 is outside the slider's range [1, 1000]; using 1000"),
    ({"start": (9.0, 0.5)}, "start x=9 is outside the slider's range [-2, 2] of the plotted "
                            "window; using 2"),
])
def test_out_of_range_values_are_clamped_and_explained(values, note, adam_rosenbrock):
    ex = adam_rosenbrock
    ex.set(**values)
    assert f"note: {note}" in ex.readout
    ex.set(lr=0.1)  # the next change clears the note
    assert not any(line.startswith("note:") for line in ex.readout)


def test_clamped_value_is_what_runs():
    ex = explore("adam", lr=1e3)
    assert ex.values["adam"]["lr"] == LR_RANGE[1]
    assert controls(ex)["lr"].value == LR_RANGE[1]


@pytest.mark.parametrize("values, message", [
    ({"lr": "fast"}, "lr must be a finite real number, got 'fast'"),
    ({"lr": float("nan")}, "lr=nan is not finite"),
    ({"beta2": 1.0}, r"beta2=1.0 is outside the allowed range \[0, 1\): beta2 is the decay"),
    ({"beta1": -0.1}, r"beta1=-0.1 is outside the allowed range \[0, 1\)"),
    ({"momentum": 0.5}, "unknown setting 'momentum'"),
    ({"bias_correction": "yes"}, "give True or False"),
    ({"steps": 2.5}, "steps must be a whole number"),
    ({"start": 3}, r"start must be a point \(x, y\)"),
    ({"surface": "nope"}, "unknown surface 'nope'"),
    ({"adam": {"alpha": 0.9}}, "adam has no hyperparameter 'alpha'"),
])
def test_invalid_values_raise_a_clear_error_and_change_nothing(values, message,
                                                             adam_rosenbrock):
    ex = adam_rosenbrock
    before, png = ex.values, ex.png
    with pytest.raises(ValueError, match=message):
        ex.set(**{"beta1": 0.5, **values})
    assert ex.values == before and ex.png == png


def test_values_between_the_choices_are_added_to_the_slider():
    ex = explore("adam")
    ex.set(beta1=0.3)
    slider = controls(ex)["beta1"]
    assert slider.value == 0.3 and 0.3 in [v for _, v in slider.options]


def test_fixed_hyperparameters_pass_through():
    ex = explore("adam", surface="quadratic", amsgrad=True)
    assert ex.readout[0].startswith("AMSGrad (")
    with pytest.raises(ValueError, match="amsgrad"):
        explore("adagrad", amsgrad=True)


def test_nesterov_without_momentum_is_explained_not_raised():
    ex = explore("gd", surface="quadratic", nesterov=True)
    assert "note: nesterov needs momentum > 0" in ex.readout[1]
    ex.set(momentum=0.9)
    assert ex.readout[0].startswith("Nesterov (")


def test_a_failing_update_from_a_slider_shows_a_message_not_a_traceback(monkeypatch):
    ex = explore("adam", surface="quadratic")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(optimizers.Adam, "step", broken)  # what the redraw runs for a new lr
    controls(ex)["lr"].value = 0.2  # must not raise
    assert "could not update: boom" in shown_readout(ex)


def test_display_bundle_holds_the_widget_and_a_still_image():
    ex = explore(["gd", "adam"], surface="quadratic")
    bundle = displayed(ex)
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.widget.model_id
    still = decode(base64.b64decode(bundle["image/png"]))
    live = decode(ex.png)
    assert still.shape[1] == live.shape[1] and still.shape[0] > live.shape[0]  # summary strip
    np.testing.assert_array_equal(still[:live.shape[0]], live)
    assert bundle["text/plain"].splitlines() == ex.readout
    # drawn at twice the size it is shown at, in CSS pixels (sharp on HiDPI screens)
    _, metadata = format_display_data(ex)
    assert metadata["image/png"] == {"width": still.shape[1] / 2, "height": still.shape[0] / 2}
    assert ex.image.layout.width == f"{live.shape[1] / 2:g}px" == "640px"
    assert ex.image.layout.height == f"{live.shape[0] / 2:g}px"


def test_steps_change_keeps_the_layout_and_contours():
    ex = explore("adam", surface="quadratic")
    path_axes, loss_axes = ex.figure.axes
    box = path_axes.get_position().bounds
    contours = list(path_axes.collections)
    ex.set(steps=300)
    assert loss_axes.get_xlim() == (0, 300)
    assert path_axes.get_position().bounds == box
    assert list(path_axes.collections) == contours
    assert ex.trajectories[0].steps == 300


# ------------------------------------------------------------- the online counterexample

def test_online_explorer_shows_the_runs_of_counterexample_compare():
    ex = explore_counterexample(C=3, steps=300)
    adam, amsgrad = counterexample.compare(C=3.0, steps=300)
    np.testing.assert_array_equal(ex.runs[0].x, adam.x)
    np.testing.assert_array_equal(ex.runs[1].x, amsgrad.x)
    assert ex.values == {"C": 3.0, "beta2": None, "steps": 300, "lr": 0.5}
    assert ex.readout[0] == (f"Adam (C=3, beta1=0, beta2=0.1, lr=0.5/sqrt(t), 300 steps): "
                             f"final x = {adam.final_x:+.3f}, average regret R_T/T = "
                             f"{adam.average_regret[-1]:.3f}")
    assert ex.readout[1].startswith("AMSGrad (C=3, beta1=0, beta2=0.1,")
    assert ex.readout[2].endswith("2(C - 2)/3 = 0.667; the optimum x = -1 has 0")


def test_online_set_changes_readout_and_image_and_paper_beta2_follows_C():
    ex = explore_counterexample()
    png, readout = ex.png, ex.readout
    assert ex.runs[0].final_x > 0.99 and ex.runs[1].final_x < -0.99  # the lesson's claim
    ex.set(C=10)
    assert ex.runs[0].beta2 == pytest.approx(1 / 101)  # beta2=None: the paper's 1/(1+C^2)
    assert ex.readout != readout and not np.array_equal(decode(ex.png), decode(png))
    ex.set(beta2=0.999)
    assert ex.values["beta2"] == 0.999 and ex.runs[0].final_x < -0.99


def test_online_sliders_run_the_same_code_as_set():
    by_slider, by_set = explore_counterexample(steps=100), explore_counterexample(steps=100)
    c = controls(by_slider)
    c["C"].value = 7.5
    c["β₂"].value = 0.5
    by_set.set(C=7.5, beta2=0.5)
    assert by_slider.values == by_set.values
    assert by_slider.readout == by_set.readout and by_slider.png == by_set.png
    c["β₂"].value = "paper"
    assert by_slider.values["beta2"] is None


@pytest.mark.parametrize("values", [
    {"C": 2.5, "beta2": 0.001, "steps": 10000},
    {"C": 20, "beta2": 0.999, "steps": 10000},
    {"C": 2.5, "beta2": 0.0, "steps": 3},
    {"C": 20, "beta2": 0.999999, "steps": 30},
    {"C": 2.0001, "beta2": None, "steps": 3000},
])
def test_online_extremes_give_a_plot_and_a_message(values):
    ex = explore_counterexample(**values)  # warnings are errors here
    assert decode(ex.png).shape[0] > 100
    for line in ex.readout[:2]:  # each run reports a feasible final x and a finite regret
        x = float(line.split("final x = ")[1].split(",")[0])
        regret = float(line.split("R_T/T = ")[1])
        assert -1 <= x <= 1 and np.isfinite(regret)


_online_100, online_100 = kept("online_100", lambda: explore_counterexample(steps=100),
                               C=3.0, beta2=None, steps=100)


@pytest.mark.parametrize("values, note", [
    ({"C": 50}, "C=50 is outside the slider's range [2.5, 20]; using 20"),
    ({"steps": 20000}, "steps=20000 is outside the slider's range [3, 10000]; using 10000"),
])
def test_online_out_of_range_values_are_clamped_and_explained(values, note, online_100):
    ex = online_100
    ex.set(**values)
    assert f"note: {note}" in ex.readout
    ex.set(C=3)
    assert not any(line.startswith("note:") for line in ex.readout)


def test_online_values_between_the_stops_are_added_to_the_sliders():
    ex = explore_counterexample(steps=50, beta2=0.2)
    c = controls(ex)
    assert c["β₂"].value == 0.2 and c["steps"].value == 50
    assert ex.runs[0].beta2 == 0.2 and len(ex.runs[0].x) == 51


@pytest.mark.parametrize("values, message", [
    ({"C": 2}, "C must be > "),
    ({"C": "big"}, "C must be a finite real number, got 'big'"),
    ({"beta2": 1.0}, r"beta2=1.0 is outside the allowed range \[0, 1\): beta2 is the decay"),
    ({"beta2": float("inf")}, "beta2=inf is not finite"),
    ({"steps": 2.5}, "steps must be a whole number"),
    ({"lr": 0.1}, "unknown setting 'lr'"),
])
def test_online_invalid_values_raise_a_clear_error_and_change_nothing(values, message,
                                                                    online_100):
    ex = online_100
    before, png = ex.values, ex.png
    with pytest.raises(ValueError, match=message):
        ex.set(**{"beta2": 0.5, **values})
    assert ex.values == before and ex.png == png


def test_online_failing_update_from_a_slider_shows_a_message_not_a_traceback(monkeypatch):
    ex = explore_counterexample(steps=100)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(counterexample, "compare", broken)  # what the redraw calls for a new C
    controls(ex)["C"].value = 4.0  # must not raise
    assert "could not update: boom" in shown_readout(ex)


def test_online_display_bundle_holds_the_widget_the_still_image_and_the_readout(online_100):
    ex = online_100
    bundle = displayed(ex)
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.widget.model_id
    assert base64.b64decode(bundle["image/png"]) == ex.still_png()
    live, still = decode(ex.png), decode(ex.still_png())
    assert live.shape[1] == still.shape[1] and live.shape[0] < still.shape[0]  # + title
    assert bundle["text/plain"].splitlines() == ex.readout


def test_online_explorer_image_does_not_depend_on_the_path_to_its_settings():
    moved = explore_counterexample(steps=300)
    for values in ({"C": 20}, {"steps": 30}, {"steps": 300}, {"C": 3.5}, {"beta2": 0.5}):
        moved.set(**values)  # the last change keeps the axis limits: no new layout
    assert moved.png == explore_counterexample(C=3.5, beta2=0.5, steps=300).png


# ------------------------------------------------------------------- under a learner's hands

def reference(values):
    """What explore(...).set(**final values) draws."""
    ex = explore("adam", surface="quadratic")
    ex.set(surface=values["surface"], steps=values["steps"], start=values["start"],
           **values["adam"])
    return ex


def test_two_threads_moving_sliders_at_once_end_in_the_latest_values():
    ex = explore("adam", surface="rosenbrock", steps=50)
    c = controls(ex)
    lrs = [0.01 * 1.12 ** k for k in range(30)]
    steps = [40 + k for k in range(30)]
    barrier = threading.Barrier(3)

    def drive(slider, values):
        barrier.wait()
        for v in values:
            slider.value = v  # what a message from the browser does, on this thread

    threads = [threading.Thread(target=drive, args=(c["lr"], lrs)),
               threading.Thread(target=drive, args=(c["steps"], steps)),
               threading.Thread(target=drive, args=(c["surface"], ["beale", "quadratic"] * 5))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "could not update" not in shown_readout(ex)
    assert ex.values["adam"]["lr"] == lrs[-1] and ex.values["steps"] == steps[-1]
    assert ex.values["surface"] == "quadratic"
    expected = reference(ex.values)
    assert ex.readout == expected.readout
    assert ex.png == expected.png


def test_a_burst_of_changes_is_coalesced_and_ends_on_the_last(monkeypatch):
    ex = explore("adam", surface="quadratic", steps=30)
    step, calls = optimizers.Adam.step, []

    def slow_step(self, theta, grad, state):  # a run's first step: once per redraw
        if state.t == 0:
            calls.append(1)
            time.sleep(0.02)  # a redraw long enough for the other threads to pile up changes
        return step(self, theta, grad, state)
    monkeypatch.setattr(optimizers.Adam, "step", slow_step)
    lr = controls(ex)["lr"]
    values = [[0.001 * 1.1 ** (4 * k + i) for k in range(10)] for i in range(4)]
    barrier = threading.Barrier(4)

    def drive(vs):
        barrier.wait()
        for v in vs:
            lr.value = v
    threads = [threading.Thread(target=drive, args=(vs,)) for vs in values]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 0 < len(calls) < 20, len(calls)  # far fewer redraws than changes
    monkeypatch.undo()
    assert ex.png == reference(ex.values).png  # and the figure shows the last value
    assert ex.values["adam"]["lr"] in {vs[-1] for vs in values}  # some thread's last


def _in_thread(fn):
    t = threading.Thread(target=fn)
    t.start()
    return t


def test_a_move_while_the_explorer_is_being_displayed_is_not_lost(monkeypatch):
    ex = explore("adam", surface="quadratic", steps=30)
    still, started = type(ex).still_png, threading.Event()

    def slow_still(self):  # displaying holds the explorer for a while
        started.set()
        time.sleep(0.2)
        return still(self)
    monkeypatch.setattr(type(ex), "still_png", slow_still)
    shown = _in_thread(lambda: format_display_data(ex))
    started.wait()
    controls(ex)["lr"].value = 0.2  # arrives meanwhile, on another thread
    shown.join()
    monkeypatch.undo()
    assert ex.values["adam"]["lr"] == 0.2
    assert ex.png == reference(ex.values).png


def test_set_comes_after_a_move_that_arrived_before_it(monkeypatch):
    """A move posted while another thread holds the explorer, then a set() by that
    thread: the set() is the later change, so its value wins."""
    ex = explore("adam", surface="quadratic", steps=30)
    still, holding, posted = type(ex).still_png, threading.Event(), threading.Event()

    def still_then_set(self):  # the displaying thread holds the explorer here
        holding.set()
        posted.wait()
        self.set(lr=0.5)
        return still(self)
    monkeypatch.setattr(type(ex), "still_png", still_then_set)
    shown = _in_thread(lambda: format_display_data(ex))
    holding.wait()
    controls(ex)["lr"].value = 0.3  # finds the explorer busy: posted, not applied
    posted.set()
    shown.join()
    monkeypatch.undo()
    assert ex.values["adam"]["lr"] == 0.5
    assert ex.png == reference(ex.values).png


def test_python_set_and_a_slider_thread_at_once_stay_consistent():
    ex = explore("adam", surface="quadratic", steps=30)
    lr = controls(ex)["lr"]
    done = threading.Event()

    def drive():
        for k in range(40):
            lr.value = 0.002 * 1.1 ** k
        done.set()
    t = threading.Thread(target=drive)
    t.start()
    while not done.is_set():
        ex.set(steps=31)
        ex.set(steps=30)
    t.join()
    assert "could not update" not in shown_readout(ex)
    assert ex.png == reference(ex.values).png


@pytest.mark.parametrize("name", list(surfaces.SURFACES))
def test_the_dropdown_puts_the_start_on_the_surface_default(name):
    ex = explore("adam", surface="rosenbrock" if name != "rosenbrock" else "beale")
    c = controls(ex)
    c["start θ₁"].value, c["start θ₂"].value = 1.5, -0.5  # the learner moved the start
    c["surface"].value = name
    s = surfaces.get(name)
    assert ex.values["start"] == tuple(s.start)
    assert (c["start θ₁"].min, c["start θ₁"].max) == tuple(s.xlim)
    assert (c["start θ₂"].min, c["start θ₂"].max) == tuple(s.ylim)
    assert (c["start θ₁"].value, c["start θ₂"].value) == tuple(s.start)


def test_browser_rounding_of_a_start_or_lr_is_not_a_move():
    ex = explore("gd", surface="rosenbrock", lr=0.002)
    c = controls(ex)
    png = ex.png
    c["start θ₁"].value = -1.2000000000000002  # -2 + 80 * 0.01, as the browser computes it
    c["lr"].value = 0.0020000000000000005
    assert ex.values["start"] == (-1.2, 1.0) and ex.values["gd"]["lr"] == 0.002
    assert ex.png == png


def test_a_value_given_in_code_is_a_stop_of_the_log_slider():
    ex = explore("gd", surface="rosenbrock", lr=0.002)
    lr = controls(ex)["lr"]
    stops = lr.min + lr.step * np.arange(round((lr.max - lr.min) / lr.step) + 1)
    assert np.min(np.abs(stops - np.log10(0.002))) < 1e-9
    assert LR_RANGE[0] <= 10 ** lr.min and 10 ** lr.max <= LR_RANGE[1] * (1 + 1e-9)
    assert ex.values["gd"]["lr"] == 0.002 and "lr=0.002," in ex.readout[0]
    ex.set(lr=0.1)  # back on the standard grid
    assert (lr.min, lr.max) == (np.log10(LR_RANGE[0]), np.log10(LR_RANGE[1]))


def test_a_path_that_leaves_the_window_is_reported(adam_rosenbrock):
    ex = explore("adam", surface="rosenbrock", lr=10, beta2=0.5)
    (traj,) = ex.trajectories
    assert traj.diverged_at is None
    x, y = traj.points[-1]
    assert f"ends off-screen at ({x:.3g}, {y:.3g})" in ex.readout[1]
    assert "the loss rises above the loss panel's top" in ex.readout[1]
    assert not any("off-screen" in line or "panel's top" in line
                   for line in adam_rosenbrock.readout)


def test_compare_mode_tabs_have_room_for_their_titles():
    ex = explore(["gd", "momentum", "adagrad", "rmsprop", "adam"], surface="rosenbrock")
    tabs = next(w for w in ex.widget.children[0].children if isinstance(w, W.Tab))
    titles = tabs.titles
    assert titles == ("GD", "Momentum", "Adagrad", "RMSprop", "Adam")
    assert int(tabs.layout.min_width.removesuffix("px")) >= 40 * len(titles) + 9 * sum(
        len(t) for t in titles)


def test_a_start_value_sent_before_a_surface_switch_does_not_move_the_new_start():
    ex = explore("adam", surface="rosenbrock")
    c = controls(ex)
    c["start θ₁"].value = -1.18  # the learner's key press on rosenbrock ...
    c["surface"].value = "rotated_quadratic"  # ... then the switch
    c["start θ₁"].value = -1.18  # an earlier press arriving late, and the browser's
    c["start θ₁"].value = -1.2000000000000002  # rounding of it to the new grid
    assert ex.values["start"] == (-4.5, 2.0)
    assert c["start θ₁"].value == -4.5  # the slider shows the start again
    c["start θ₁"].value = -4.4  # a move on the new surface counts
    assert ex.values["start"] == (-4.4, 2.0)
    c["surface"].value = "rosenbrock"
    c["surface"].value = "rotated_quadratic"
    c["start θ₁"].value = -2.0  # the new start under the old range (the browser's order)
    assert ex.values["start"] == (-4.5, 2.0) and c["start θ₁"].value == -4.5


def test_compare_mode_image_does_not_depend_on_the_order_of_moves():
    """Moves on different tabs (drawn from the cached layer of the runs below the moved
    one), step counts and surface switches end in the picture a fresh explorer draws."""
    names = ["gd", "momentum", "adam"]
    ex = explore(names, surface="rosenbrock", steps=1000)
    moves = [{"momentum": {"lr": 0.05}}, {"adam": {"lr": 0.02}}, {"adam": {"lr": 0.03}},
             {"surface": "beale"}, {"gd": {"lr": 0.001}}, {"steps": 300},
             {"momentum": {"lr": 0.1}}, {"surface": "quadratic"}, {"adam": {"lr": 0.2}}]
    for k, move in enumerate(moves):
        ex.set(**move)
        if k in (2, 6, 8):
            v = ex.values
            fresh = explore(names, surface=v["surface"], steps=v["steps"], start=v["start"],
                            **{n: dict(v[n]) for n in names})
            assert ex.png == fresh.png, f"after move {k}: {move}"


def test_a_move_to_a_stop_sends_no_new_range_and_a_value_off_the_grid_moves_it():
    """The browser re-renders a slider whose range changes; a learner's move lands on a
    stop, so only its value goes back, while a value given in code moves the grid."""
    ex = explore("adam", surface="quadratic", steps=30, lr=0.002)
    lr, changed = controls(ex)["lr"], []
    lr.observe(lambda change: changed.append(change["name"]), names=["min", "max"])
    lr.value = 10 ** (lr.min + 7 * lr.step)  # what a key press in the browser sends
    assert ex.values["adam"]["lr"] == lr.value
    assert changed == []
    ex.set(lr=0.0031)
    assert "min" in changed and lr.value == 0.0031
