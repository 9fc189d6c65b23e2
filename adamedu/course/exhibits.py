"""What the judgement tasks show: runs with a known fault, an optimizer with a bug, a
learning-rate table with a validation split, measurements that follow a prediction.

The exercise notebooks call these to draw their figures and print their tables (the same
in the solution and in the student's copy); `tests/test_exhibits.py` checks each answer
key in `adamedu.course.answers` against what they show. Which run has which fault is
decided here, not in the notebook, so a figure cell shows only letters.
"""
import inspect
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np

from adamedu import data, memory, models, noise, optimizers, plots, surfaces, trajectory
from adamedu.course import cases

GREY = "0.6"


class Run(NamedTuple):
    """A run as the figures draw it: the points visited and the loss at each."""
    label: str
    points: np.ndarray
    losses: np.ndarray

    @property
    def step_lengths(self):
        return np.linalg.norm(np.diff(self.points, axis=0), axis=1)


def _from(traj, label):
    return Run(label, traj.points, traj.losses)


def _draw(surface, runs, reference=None, log_loss=True, steps_panel=False):
    """One column per run: its path on the contours (with `reference` in grey), its loss
    curve and, with steps_panel, its step lengths."""
    rows = 3 if steps_panel else 2
    fig, axes = plt.subplots(rows, len(runs), figsize=(2.6 * len(runs), 2.3 * rows + 0.4),
                             layout="constrained", squeeze=False)
    for col, (letter, run) in enumerate(runs.items()):
        ax = plots.contour(surface, ax=axes[0, col], title=f"run {letter}")
        if reference is not None:
            ax.plot(*reference.points.T, color=GREY, linewidth=1, label="healthy")
        ax.plot(*run.points.T, color="black", linewidth=1, marker=".", markersize=2)
        ax.set(xlabel="", ylabel="")
        curves = [(axes[1, col], "loss", lambda r: r.losses)]
        if steps_panel:
            curves.append((axes[2, col], "step length", lambda r: r.step_lengths))
        for cax, what, get in curves:
            if reference is not None:
                cax.plot(get(reference), color=GREY, linewidth=1)
            cax.plot(get(run), color="black", linewidth=1)
            if log_loss:
                cax.set_yscale("log")
            cax.set(xlabel="step", ylabel=what if col == 0 else "")
    if reference is not None:
        axes[0, 0].legend(loc="upper right", fontsize=7)
    return fig


# --------------------------------------------------------------------------- ex01: GD runs

GD_RUNS = {"A": ("momentum", dict(lr=0.1, momentum=0.95)),
           "B": ("sgd", dict(lr=0.21)),
           "C": ("momentum", dict(lr=4 / (10**0.5 + 1) ** 2,
                                  momentum=((10**0.5 - 1) / (10**0.5 + 1)) ** 2)),
           "D": ("sgd", dict(lr=0.01))}


def gd_runs(steps=60):
    """Four runs on the kappa = 10 bowl: {letter: Run}."""
    bowl = surfaces.quadratic(kappa=10)
    return {k: _from(trajectory.run(optimizers.make(name, **hp), bowl, steps=steps), k)
            for k, (name, hp) in GD_RUNS.items()}


def show_gd_runs():
    """Exercise 1's figure: four runs of gradient descent or heavy ball, letters only."""
    fig = _draw(surfaces.quadratic(kappa=10), gd_runs())
    fig.suptitle("Four runs on the κ = 10 bowl, 60 steps each")
    plt.show()


# --------------------------------------------------------------------------- ex02: a noise floor

def measured_floor(lr, h=10.0, sigma=1.0, steps=400, copies=4000, seed=0):
    """SGD's loss on `noise.NoisyQuadratic` (one curvature h), averaged over the last
    quarter of the steps and over `copies` independent copies: the floor, measured."""
    problem = noise.NoisyQuadratic(h=(h,), sigma=(sigma,), start=(0.0,), copies=copies,
                                   seed=seed)
    losses = trajectory.run(optimizers.SGD(lr=lr), problem, steps=steps).losses
    return float(np.mean(losses[-steps // 4:]))


def show_floors(lrs=(0.1, 0.05)):
    """Exercise 2's experiment: the measured floor at each lr and their ratio."""
    floors = [measured_floor(lr) for lr in lrs]
    lines = [f"lr = {lr:g}: floor {f:.4f} (measured)" for lr, f in zip(lrs, floors)]
    print("\n".join(lines + [f"ratio {floors[0] / floors[1]:.2f}"]))


# --------------------------------------------------------------------------- ex03: Adagrad's step

def adagrad_step_lengths(lr=0.1, g=2.0, steps=100):
    """Adagrad's step length at each step when the gradient is g at every step."""
    opt = optimizers.Adagrad(lr=lr, eps=1e-10)
    theta = np.zeros(1)
    state = opt.init(theta)
    lengths = []
    for _ in range(steps):
        new, state = opt.step(theta, np.array([g]), state)
        lengths.append(float(abs(new - theta)[0]))
        theta = new
    return lengths


def show_adagrad_steps(lr=0.1, g=2.0, steps=100):
    """Exercise 3's experiment: the first step and the last one."""
    lengths = adagrad_step_lengths(lr, g, steps)
    print(f"step 1: {lengths[0]:.4g}   step {steps}: {lengths[-1]:.4g}")


# --------------------------------------------------------------------------- ex04: which is which

class Slope:
    """A tilted plane, loss(theta) = slope . theta: the same gradient at every step, so
    what changes a step's length is the optimizer's memory alone."""
    start = (0.0, 0.0)

    def __init__(self, slope=(1.0, 0.1)):
        self.slope = np.array(slope, dtype=float)

    def loss(self, theta):
        return float(self.slope @ np.asarray(theta, dtype=float))

    def grad(self, theta):
        return self.slope.copy()


RMSPROP_LR = 0.03
RMSPROP_RUNS = {"A": optimizers.RMSprop(lr=RMSPROP_LR, alpha=0.5),
                "B": optimizers.Adagrad(lr=RMSPROP_LR),
                "C": optimizers.RMSprop(lr=RMSPROP_LR, alpha=0.99)}


def rmsprop_runs(steps=300):
    """Three runs down `Slope`, all with lr = 0.03: {letter: Run}."""
    plane = Slope()
    return {k: _from(trajectory.run(opt, plane, start=plane.start, steps=steps), k)
            for k, opt in RMSPROP_RUNS.items()}


def show_rmsprop_runs():
    """Exercise 4's figure: the loss and the step lengths of three runs."""
    runs = rmsprop_runs()
    fig, axes = plt.subplots(2, len(runs), figsize=(7.8, 4.6), layout="constrained",
                             sharey="row")
    for col, (letter, run) in enumerate(runs.items()):
        axes[0, col].plot(run.losses, color="black", linewidth=1)
        axes[0, col].set(title=f"run {letter}", ylabel="loss" if col == 0 else "")
        axes[1, col].semilogy(np.arange(1, len(run.step_lengths) + 1), run.step_lengths,
                              color="black", linewidth=1)
        axes[1, col].set(xlabel="step", ylabel="step length" if col == 0 else "")
    fig.suptitle("Three runs down a tilted plane (the same gradient at every step), lr = 0.03")
    plt.show()


# --------------------------------------------------------------------------- ex05: Adam's faults

SHALLOW = 1e-6        # the bowl's loss is scaled by this: gradients of about 1e-6
ADAM_HEALTHY = dict(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8)
ADAM_FAULTS = {"A": dict(bias=False), "B": dict(beta2=0.5), "C": dict(lr=4.0),
               "D": dict(eps_inside=True)}


def adam_run(steps=200, **changes):
    """Adam on the shallow kappa = 10 bowl (loss times SHALLOW), written plainly with the
    course's slip switches (`cases.adam_model`): ADAM_HEALTHY with `changes`."""
    bowl = surfaces.quadratic(kappa=10)
    hp = {**ADAM_HEALTHY, **changes}
    theta, m, v, t = np.array(bowl.start, dtype=float), np.zeros(2), np.zeros(2), 0
    points, losses = [theta], [SHALLOW * bowl.loss(theta)]
    for _ in range(steps):
        theta, m, v, t = cases.adam_model(theta, SHALLOW * bowl.grad(theta), m, v, t, **hp)
        points.append(theta)
        losses.append(SHALLOW * bowl.loss(theta))
    return Run("", np.array(points), np.array(losses))


def adam_fault_runs(steps=200):
    """{"healthy": Run, "A": Run, ...}: each lettered run has one fault."""
    runs = {"healthy": adam_run(steps)}
    runs.update({k: adam_run(steps, **change)._replace(label=k)
                 for k, change in ADAM_FAULTS.items()})
    return runs


def show_adam_faults():
    """Exercise 5's figure: four faulty Adam runs, each beside the healthy one (grey)."""
    runs = adam_fault_runs()
    healthy = runs.pop("healthy")
    fig = _draw(surfaces.quadratic(kappa=10), runs, reference=healthy)
    fig.suptitle("Adam on a shallow bowl (the κ = 10 bowl's loss times 10⁻⁶), 200 steps; "
                 "grey: lr = 0.1 and the defaults")
    plt.show()


# --------------------------------------------------------------------------- ex06: choosing lr

LR_GRID = (0.001, 0.003, 0.01, 0.03, 0.1)


def lr_table(lrs=LR_GRID, rows=300, epochs=10):
    """{lr: (training, validation, test loss)}: a one-hidden-layer network trained with
    Adam on `rows` rows of the digits' training split; the validation rows are a quarter
    of that split held out (never trained on), the test rows the digits' test split."""
    X_train, X_test, y_train, y_test = data.digits_split()
    X_fit, X_val, y_fit, y_val = data.train_test_split(X_train, y_train, 0.25, seed=2)
    X_fit, y_fit = X_fit[:rows], y_fit[:rows]
    model = models.MLP(64, 16, 10)
    table = {}
    for lr in lrs:
        run = models.train(model, optimizers.Adam(lr=lr), X_fit, y_fit,
                           data.minibatches(rows, 32, seed=0, epochs=epochs),
                           params=model.init(0), progress=False)
        table[lr] = tuple(float(model.loss_and_grad(run.params, X, y)[0])
                          for X, y in ((X_fit, y_fit), (X_val, y_val), (X_test, y_test)))
    return table


def show_lr_table():
    """Exercise 6's table: training, validation and test loss for each lr."""
    lines = [f"{'lr':>6}  {'training':>8}  {'validation':>10}  {'test':>6}"]
    for lr, (fit, val, test) in lr_table().items():
        lines.append(f"{lr:>6g}  {fit:8.3f}  {val:10.3f}  {test:6.3f}")
    print("\n".join(lines))


# --------------------------------------------------------------------------- ex07: find the bug

def my_adam(problem, theta, steps, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8):
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    for t in range(1, steps + 1):
        grad = problem.grad(theta)
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad ** 2
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta1 ** t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
    return theta


def show_source(fn):
    """Print a function's source with line numbers."""
    lines = inspect.getsource(fn).rstrip().split("\n")
    print("\n".join(f"{i:2d}  {line}" for i, line in enumerate(lines, 1)))


def show_bug_effect(steps=(1, 3, 10, 100)):
    """Exercise 7's evidence: my_adam against optimizers.Adam on Rosenbrock."""
    valley = surfaces.rosenbrock()
    start = np.array(valley.start, dtype=float)
    lines = [f"{'steps':>5}  {'my_adam':>18}  {'optimizers.Adam':>18}"]
    for n in steps:
        mine = my_adam(valley, start, n)
        ref = trajectory.run(optimizers.Adam(lr=0.1), valley, steps=n).points[-1]
        lines.append(f"{n:>5}  ({mine[0]:7.3f}, {mine[1]:7.3f})  ({ref[0]:7.3f}, {ref[1]:7.3f})")
    print("\n".join(lines))


# --------------------------------------------------------------------------- ex09: ZeRO stages

def show_zero_stages(n_params=7e9, n_devices=8):
    """Exercise 9's check of a decision: GB per device at each ZeRO stage."""
    print("\n".join(f"stage {stage}: "
                    f"{memory.zero_per_device(int(n_params), n_devices, stage) / 1e9:.2f} GB "
                    f"per device" for stage in range(4)))
