"""Median time of one optimizer step at 10^6 float64 parameters, adamedu vs torch.optim.

Run from the repository root::

    python benchmarks/optimizer_step.py [--size 1000000] [--repeats 31] [--clock cpu]

For each optimizer it prints the median wall time of one ``opt.step(theta, grad, state)``.
When torch is importable (it is not a course dependency) it also times torch.optim's
single-tensor CPU path (``foreach=False``) on the same data in the same run, once with
torch's default intra-op threads and once with one thread (numpy's elementwise ufuncs use
one thread), and prints the ratio adamedu / torch. Target: Adam within 1.5x of torch.
The contestants are called in turn, so all of them see the same machine load; on a busy
shared machine ``--clock cpu`` (process CPU time, which sums all of torch's threads) is
steadier than wall time.
"""

import argparse
import statistics
import time

import numpy as np

from adamedu.optimizers import make

try:
    import torch
except ImportError:
    torch = None

# (display name, adamedu name and hyperparameters, torch class and keyword arguments)
CASES = [
    ("GD", ("sgd", dict(lr=1e-3)), ("SGD", dict(lr=1e-3))),
    ("Momentum", ("momentum", dict(lr=1e-3)), ("SGD", dict(lr=1e-3, momentum=0.9))),
    ("Nesterov", ("nesterov", dict(lr=1e-3)), ("SGD", dict(lr=1e-3, momentum=0.9, nesterov=True))),
    ("Adagrad", ("adagrad", dict(lr=1e-2)), ("Adagrad", dict(lr=1e-2))),
    ("RMSprop", ("rmsprop", dict(lr=1e-2)), ("RMSprop", dict(lr=1e-2))),
    ("RMSprop centered", ("rmsprop", dict(lr=1e-2, centered=True, momentum=0.9)),
     ("RMSprop", dict(lr=1e-2, centered=True, momentum=0.9))),
    ("Adam", ("adam", dict(lr=1e-3)), ("Adam", dict(lr=1e-3))),
    ("AMSGrad", ("amsgrad", dict(lr=1e-3)), ("Adam", dict(lr=1e-3, amsgrad=True))),
    ("AdamW", ("adamw", dict(lr=1e-3)), ("AdamW", dict(lr=1e-3))),
]


def adamedu_step(name, hp, theta, grad):
    opt = make(name, **hp)
    _, state = opt.step(theta, grad, opt.init(theta))  # past t = 1, buffers filled
    return None, lambda: opt.step(theta, grad, state)


def torch_step(cls, kwargs, theta, grad, threads):
    param = torch.tensor(theta, requires_grad=True)
    param.grad = torch.tensor(grad)
    opt = getattr(torch.optim, cls)([param], foreach=False, **kwargs)
    opt.step()
    return (lambda: torch.set_num_threads(threads)), opt.step


def median_times(steps, repeats, clock):
    """Median seconds per call of each (prepare, fn) pair's fn, calling them in turn so that
    all of them see the same machine load; prepare (untimed) runs before each call."""
    times = [[] for _ in steps]
    for _ in range(repeats + 1):  # the first round warms up
        for (prepare, fn), spent in zip(steps, times):
            if prepare is not None:
                prepare()
            start = clock()
            fn()
            spent.append(clock() - start)
    return [statistics.median(spent[1:]) for spent in times]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10**6)
    parser.add_argument("--repeats", type=int, default=31)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    args = parser.parse_args()
    clock = time.perf_counter if args.clock == "wall" else time.process_time
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(args.size)
    grad = rng.standard_normal(args.size)
    print(f"one step at {args.size:,} float64 parameters, median {args.clock} time "
          f"of {args.repeats} (ms)")
    if torch is None:
        print("torch is not installed: adamedu figures only")
        print(f"{'optimizer':<18}{'adamedu':>9}")
    else:
        threads = torch.get_num_threads()
        print(f"torch {torch.__version__}, foreach=False, "
              f"{threads} threads (default) and 1 thread")
        print(f"{'optimizer':<18}{'adamedu':>9}{'torch':>9}{'ratio':>7}"
              f"{'torch 1t':>10}{'ratio':>7}")
    for label, (name, hp), (cls, kwargs) in CASES:
        steps = [adamedu_step(name, hp, theta, grad)]
        if torch is not None:
            steps += [torch_step(cls, kwargs, theta, grad, threads),
                      torch_step(cls, kwargs, theta, grad, 1)]
        ours, *theirs = median_times(steps, args.repeats, clock)
        line = f"{label:<18}{ours * 1e3:9.2f}"
        if theirs:
            default, single = theirs
            line += (f"{default * 1e3:9.2f}{ours / default:7.2f}"
                     f"{single * 1e3:10.2f}{ours / single:7.2f}")
        print(line)
    if torch is not None:
        torch.set_num_threads(threads)


if __name__ == "__main__":
    main()
