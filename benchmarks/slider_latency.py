"""How long a slider change takes: the explorer's update against a naive rebuild.

    python benchmarks/slider_latency.py [--repeats 20]

Both sides sweep the learning rate of Adam on Rosenbrock (100 steps) through the same
values and include the same trajectory computation:
- explorer update: `Explorer.set(lr=...)`, the code a slider change runs (recompute the
  trajectory, blit the moving lines onto the cached contour background, encode a PNG);
- naive rebuild: what `interact` with inline plots does on every change: a new figure of
  the same size, contours, path and loss curve drawn from scratch, saved to PNG.
A second line does the same for compare mode (GD, momentum, Adam on the quadratic: the
Adam lr slider moves, the naive rebuild redraws all three), a third for the
counterexample explorer (C moves; the naive rebuild runs `counterexample.compare` and
draws `plots.online_runs`), a fourth for lesson 05's five-optimizer compare explorer
(1000 steps; its cost is the changed optimizer's trajectory), a fifth for the same
explorer stepped one stop at a time through its slider, as arrow keys do (key presses
80 ms apart: the look-ahead has run the next stop by then), and a last one for a steps
change, which redraws the loss axes of the cached background.
Each figure is a median wall-clock time and, in brackets, the median CPU time of this
process, which is what a busy machine (other processes on the same cores) inflates least.
Targets, for every line: median update <= 25 ms and <= 1/3 of the naive rebuild.
"""
import argparse
import io
import math
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from adamedu import counterexample, optimizers, plots, surfaces, trajectory
from adamedu.widgets import explore, explore_counterexample


def _median_ms(fn, values, between=None):
    """Median wall-clock and CPU milliseconds of fn(v) over the values (between(v), if
    given, runs after each and is not counted)."""
    wall, cpu = [], []
    for v in values:
        w0, c0 = time.perf_counter(), time.process_time()
        fn(v)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
        if between:
            between(v)
    return 1e3 * statistics.median(wall), 1e3 * statistics.median(cpu)


def _line(what, fast, slow):
    print(f"{what}: explorer update {fast[0]:.1f} ms ({fast[1]:.1f} ms CPU), naive rebuild "
          f"{slow[0]:.1f} ms ({slow[1]:.1f} ms CPU), ratio {fast[0] / slow[0]:.2f} "
          f"({fast[1] / slow[1]:.2f} CPU)")


def naive(names, surface, lrs_of, steps, size):
    """A function that rebuilds the whole figure for one setting and returns its PNG."""
    s = surfaces.get(surface)

    def rebuild(v):
        trajs = [trajectory.run(optimizers.make(n, lr=lr), s, steps=steps)
                 for n, lr in zip(names, lrs_of(v))]
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=size, layout="constrained")
        plots.paths(s, trajs, ax=ax1)
        plots.loss_curves(trajs, ax=ax2)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")  # as the inline backend does
        plt.close(fig)
        return buf.getvalue()
    return rebuild


def naive_online(steps):
    """A function that reruns the online problem and redraws its figure for one C."""
    def rebuild(C):
        fig = plots.online_runs(counterexample.compare(C=C, steps=steps))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        plt.close(fig)
        return buf.getvalue()
    return rebuild


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    lrs = [10 ** (-2.5 + 2.0 * k / args.repeats) for k in range(args.repeats)]

    ex = explore("adam", surface="rosenbrock", steps=100)
    size = (ex.figure.get_figwidth(), ex.figure.get_figheight())
    fast = _median_ms(lambda lr: ex.set(lr=lr), lrs)
    slow = _median_ms(naive(["adam"], "rosenbrock", lambda lr: [lr], 100, size), lrs)
    _line("single (Adam, Rosenbrock, 100 steps)", fast, slow)

    names = ["gd", "momentum", "adam"]
    cx = explore(names, surface="quadratic", steps=100)
    gd_lr, momentum_lr = cx.values["gd"]["lr"], cx.values["momentum"]["lr"]
    size = (cx.figure.get_figwidth(), cx.figure.get_figheight())
    fast_c = _median_ms(lambda lr: cx.set(adam={"lr": lr}), lrs)
    slow_c = _median_ms(naive(names, "quadratic", lambda lr: [gd_lr, momentum_lr, lr], 100,
                              size), lrs)
    _line("compare (GD, momentum, Adam on the quadratic; Adam's lr moves)", fast_c, slow_c)

    Cs = [3.0 + 0.5 * k for k in range(1, args.repeats + 1)]
    ox = explore_counterexample(C=3.0)
    fast_o = _median_ms(lambda C: ox.set(C=C), Cs)
    slow_o = _median_ms(naive_online(3000), Cs)
    _line("counterexample (Adam and AMSGrad, 3000 steps; C moves)", fast_o, slow_o)

    five = ["gd", "momentum", "adagrad", "rmsprop", "adam"]
    lr5 = {"gd": 0.002, "momentum": 0.001, "adagrad": 1.0, "rmsprop": 0.01, "adam": 0.1}
    fx = explore(five, surface="rosenbrock", steps=1000, **{n: {"lr": lr} for n, lr in lr5.items()})
    size = (fx.figure.get_figwidth(), fx.figure.get_figheight())
    fast_5 = _median_ms(lambda lr: fx.set(rmsprop={"lr": lr}), lrs)
    slow_5 = _median_ms(naive(five, "rosenbrock",
                              lambda lr: [lr5[n] if n != "rmsprop" else lr for n in five],
                              1000, size), lrs[:max(3, args.repeats // 4)])
    _line("lesson 05 compare (5 optimizers, 1000 steps; RMSprop's lr moves)", fast_5, slow_5)

    tab = fx.widget.children[0].children[0].children[five.index("rmsprop")]
    lr = next(w for w in tab.children if w.description == "lr")
    e = math.log10(lr.value)

    def press(k):
        lr.value = 10.0 ** (e + k * lr.step)  # what the browser sends for the k-th stop

    def pause(_):
        time.sleep(0.08)  # the learner looks; the look-ahead runs the next stop
    press(0)
    stepped = _median_ms(press, range(1, args.repeats + 1), between=pause)
    _line("lesson 05, RMSprop's lr stepped stop by stop (look-ahead)", stepped, slow_5)

    steps = [100 + 5 * (k % 20) for k in range(1, args.repeats // 2 + 1)]
    redraw = _median_ms(lambda n: ex.set(steps=n), steps)
    print(f"steps change (redraws the loss axes' x axis): explorer update {redraw[0]:.1f} ms "
          f"({redraw[1]:.1f} ms CPU)")
    for kind, k in (("wall-clock", 0), ("CPU", 1)):
        met = redraw[k] <= 25 and all(
            f[k] <= 25 and f[k] <= s[k] / 3
            for f, s in ((fast, slow), (fast_c, slow_c), (fast_o, slow_o), (fast_5, slow_5),
                         (stepped, slow_5)))
        print(f"targets for every line (update <= 25 ms, and <= 1/3 of the naive rebuild "
              f"where there is one), {kind}: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
