"""Print how long `trajectory.run` takes: 500 steps on each 2-D surface (the slider explorer
re-runs this on every slider move, so it should take a few milliseconds).

    python benchmarks/trajectory_run.py
"""
import time

import numpy as np

from adamedu import optimizers, surfaces
from adamedu.trajectory import run


def median_ms(fn, repeats=15):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def main(steps=500):
    print(f"median time of one {steps}-step run (ms)")
    print(f"{'surface':<18}" + "".join(f"{n:>10}" for n in ("gd", "momentum", "adam")))
    for name in surfaces.SURFACES:
        s = surfaces.get(name)
        # small rates so that no run stops early
        row = [median_ms(lambda n=n, lr=lr, s=s: run(optimizers.make(n, lr=lr), s, steps=steps,
                                                      bound=np.inf))
               for n, lr in (("gd", 1e-4), ("momentum", 1e-4), ("adam", 1e-3))]
        print(f"{name:<18}" + "".join(f"{ms:>10.2f}" for ms in row))


if __name__ == "__main__":
    main()
