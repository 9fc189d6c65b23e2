"""Print how long `trajectory.run` takes: 500 steps on each 2-D surface, and beside it the
explorers' own copy of it made for speed (`widgets._fast.run`, the same numbers), which
they re-run on every slider move, so it should take a few milliseconds.

    python benchmarks/trajectory_run.py
"""
import time

import numpy as np

from adamedu import optimizers, surfaces
from adamedu.trajectory import run
from adamedu.widgets import _fast


def median_ms(fn, repeats=15):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def main(steps=500):
    print(f"median time of one {steps}-step run (ms)")
    names = ("gd", "momentum", "adam")
    print(f"{'surface':<18}" + "".join(f"{n:>10}" for n in names)
          + "".join(f"{n + ' fast':>14}" for n in names))
    for name in surfaces.SURFACES:
        s = surfaces.get(name)
        # small rates so that no run stops early
        rates = (("gd", 1e-4), ("momentum", 1e-4), ("adam", 1e-3))
        row = [median_ms(lambda n=n, lr=lr, s=s: run(optimizers.make(n, lr=lr), s, steps=steps,
                                                      bound=np.inf))
               for n, lr in rates]
        fast = [median_ms(lambda n=n, lr=lr, s=s: _fast.run(optimizers.make(n, lr=lr), s,
                                                            s.start, steps))
                for n, lr in rates]
        print(f"{name:<18}" + "".join(f"{ms:>10.2f}" for ms in row)
              + "".join(f"{ms:>14.2f}" for ms in fast))


if __name__ == "__main__":
    main()
