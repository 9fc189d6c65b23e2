"""The explorer's look-ahead: after a slider moves one stop, the next stop that way is run
in the background, and the next move takes that run instead of computing it again.
Whatever the look-ahead does, the explorer shows what `set()` shows for the same values.
Slider moves are made as the browser makes them: a log slider's value is 10**exponent
computed by the browser, which may differ from Python's in the last digit."""
import math
import threading
import time

import ipywidgets as W
import pytest

import adamedu.widgets._run as run_module
from adamedu.widgets import explore, settle

FIVE = ["gd", "momentum", "adagrad", "rmsprop", "adam"]
LR5 = {"gd": 0.002, "momentum": 0.001, "adagrad": 1.0, "rmsprop": 0.01, "adam": 0.1}


@pytest.fixture
def runs(monkeypatch):
    """Every trajectory the explorers compute: (thread name, settings)."""
    settle()  # earlier tests' look-aheads are done
    seen = []
    real = run_module._run

    def spy(name, hp, *args):
        seen.append((threading.current_thread().name, name, dict(hp)))
        return real(name, hp, *args)
    monkeypatch.setattr(run_module, "_run", spy)
    yield seen
    settle()


def slider(ex, name, p):
    """The control `p` of optimizer `name`, found in the widget tree as a learner sees it
    (in compare mode, on that optimizer's tab)."""
    top = ex.widget.children[0].children[0]
    box = top.children[ex.names.index(name)] if isinstance(top, W.Tab) else top
    return next(w for w in box.children if w.description == p)


def lesson05():
    return explore(FIVE, surface="rosenbrock", steps=300,
                   **{n: {"lr": lr} for n, lr in LR5.items()})


def browser_value(exponent):
    """A log slider's value as the browser sends it: off by a digit in the last place."""
    return 10.0 ** exponent * (1 + 2.2e-16)


def wait_for_look_ahead(runs, count, timeout=10.0):
    """Wait until `count` trajectories were computed off the main thread."""
    end = time.monotonic() + timeout
    while sum(t != "MainThread" for t, _, _ in runs) < count:
        assert time.monotonic() < end, f"no look-ahead run after {timeout} s: {runs}"
        time.sleep(0.005)


def test_a_browser_value_runs_the_exact_value_of_its_stop():
    ex = explore("adam", lr=0.01)
    lr = slider(ex, "adam", "lr")
    k = round((math.log10(0.01) - lr.min) / lr.step) + 3
    lr.value = browser_value(lr.min + k * lr.step)
    assert ex.values["adam"]["lr"] == 10.0 ** (lr.min + k * lr.step)
    # the slider keeps the browser's value: writing ours back would be one more message
    assert lr.value == browser_value(lr.min + k * lr.step)


def test_stepping_a_slider_takes_the_look_ahead_and_shows_what_set_shows(runs):
    ex = lesson05()
    lr = slider(ex, "rmsprop", "lr")
    e, seen = math.log10(lr.value), []
    runs.clear()
    for k in range(1, 5):
        lr.value = browser_value(e + k * lr.step)
        seen.append(ex.values["rmsprop"]["lr"])
        wait_for_look_ahead(runs, k)
    on_the_spot = [hp["lr"] for t, _, hp in runs if t == "MainThread"]
    ahead = [(name, hp["lr"]) for t, name, hp in runs if t != "MainThread"]
    # the first move is computed on the spot; each later one was run ahead, as was the
    # stop after the last
    assert on_the_spot == seen[:1]
    assert [lr for _, lr in ahead[:3]] == seen[1:]
    assert {name for name, _ in ahead} == {"rmsprop"}
    fresh = lesson05()
    fresh.set(rmsprop={"lr": ex.values["rmsprop"]["lr"]})
    assert ex.png == fresh.png
    assert ex.readout == fresh.readout


def test_a_move_back_takes_the_previous_run_and_a_jump_is_computed(runs):
    ex = lesson05()
    lr = slider(ex, "adam", "lr")
    e = math.log10(lr.value)
    lr.value = browser_value(e - lr.step)
    wait_for_look_ahead(runs, 1)  # it ran e - 2 steps
    before = len(runs)
    lr.value = browser_value(e)  # back where it was: the run before, kept
    assert runs[before:] == []
    fresh = lesson05()
    assert ex.png == fresh.png and ex.readout == fresh.readout
    wait_for_look_ahead(runs, 2)  # it ran e + 1 step
    before = len(runs)
    lr.value = browser_value(e + 3 * lr.step)  # neither run ahead nor kept
    assert [t for t, _, _ in runs[before:before + 1]] == ["MainThread"]
    fresh.set(adam={"lr": ex.values["adam"]["lr"]})
    assert ex.png == fresh.png and ex.readout == fresh.readout


def test_a_selection_slider_runs_its_next_option_ahead(runs):
    ex = explore("adam", surface="beale", steps=200)
    beta2 = slider(ex, "adam", "beta2")
    options = [v for _, v in beta2.options]
    i = options.index(beta2.value)
    beta2.value = options[i - 1]
    wait_for_look_ahead(runs, 1)
    assert [hp["beta2"] for t, _, hp in runs if t != "MainThread"] == [options[i - 2]]
    before = len(runs)
    beta2.value = options[i - 2]
    assert all(t != "MainThread" for t, _, _ in runs[before:])  # taken from the look-ahead
    fresh = explore("adam", surface="beale", steps=200)
    fresh.set(beta2=options[i - 2])
    assert ex.png == fresh.png


def test_a_failed_look_ahead_is_computed_again_on_the_spot(monkeypatch):
    settle()  # earlier tests' look-aheads are done
    real = run_module._run
    threads = []

    def flaky(*args):
        threads.append(threading.current_thread().name)
        if threading.current_thread().name != "MainThread":
            raise RuntimeError("look-ahead failed")
        return real(*args)
    ex = explore("adam", steps=200)
    monkeypatch.setattr(run_module, "_run", flaky)
    lr = slider(ex, "adam", "lr")
    e = math.log10(lr.value)
    lr.value = browser_value(e + lr.step)
    end = time.monotonic() + 10
    while threads[-1] == "MainThread":  # until the look-ahead has run (and failed)
        assert time.monotonic() < end, "the look-ahead never ran"
        time.sleep(0.005)
    lr.value = browser_value(e + 2 * lr.step)  # its look-ahead raised
    assert threads.count("MainThread") == 2
    assert "could not update" not in "\n".join(ex.readout)
    fresh = explore("adam", steps=200)
    fresh.set(lr=ex.values["adam"]["lr"])
    assert ex.png == fresh.png


def test_sliders_moved_from_two_threads_with_look_ahead_end_as_set_does():
    ex = lesson05()
    sliders = [slider(ex, n, "lr") for n in ("rmsprop", "adam")]
    starts = [math.log10(s.value) for s in sliders]

    def drag(i):
        for k in range(1, 7):
            sliders[i].value = browser_value(starts[i] + (k if i else -k) * sliders[i].step)
    threads = [threading.Thread(target=drag, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    fresh = lesson05()
    fresh.set(rmsprop={"lr": ex.values["rmsprop"]["lr"]}, adam={"lr": ex.values["adam"]["lr"]})
    assert ex.values == fresh.values
    assert ex.png == fresh.png
