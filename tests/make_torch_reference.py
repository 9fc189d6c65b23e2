"""Write tests/fixtures/torch_reference.npz: optimizer trajectories computed by torch.optim.

Developer-only. Needs ``pip install torch==2.13.0`` (CPU build); torch is never a
dependency of the course, its tests or its notebooks: the tests only read the committed
fixture. Regenerate with::

    python tests/make_torch_reference.py

Each case runs one torch.optim optimizer (single-tensor path, ``foreach=False``) in float64
for 200 steps (1 step for the ``first_step`` cases) on

* ``quadratic``: f(x) = 0.5 (x - x*)^T A (x - x*) in 4-D, A rotated, condition number 100,
  gradient A (x - x*) computed analytically in torch;
* ``rosenbrock``: f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, gradient by torch autograd;
* ``quadratic16``: the same kind of quadratic in 16-D, used for sparse gradients,

where each step's gradient is taken at the current point, then optionally transformed:
``sparse`` keeps a random ~20 % of the entries (the rest are exactly 0) and ``tiny``
multiplies it by 1e-10 so that eps dominates the denominator.

Stored per case ``<name>``: ``<name>/theta0`` (d,), ``<name>/grads`` (steps x d, the
gradients fed to the optimizer) and ``<name>/thetas`` (steps x d, torch's theta after
each step). ``configs`` is a JSON string: for each case the adamedu optimizer name, its
hyperparameters (adamedu names), the problem, the gradient transform and the step count.
"""

import json
from pathlib import Path

import numpy as np
import torch

TORCH_VERSION = "2.13.0"
OUT = Path(__file__).resolve().parent / "fixtures" / "torch_reference.npz"
STEPS = 200


def quadratic(dim, seed):
    """Rotated quadratic with eigenvalues log-spaced from 0.1 to 10 and minimum x_star."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    a = torch.tensor(q @ np.diag(np.logspace(-1, 1, dim)) @ q.T)
    x_star = torch.tensor(rng.uniform(-1, 1, dim))
    start = rng.uniform(-2, 2, dim)
    return (lambda x: a @ (x - x_star)), start


def rosenbrock_grad(x):
    x = x.detach().clone().requires_grad_(True)
    loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    loss.backward()
    return x.grad


PROBLEMS = {
    "quadratic": quadratic(4, seed=0),
    "quadratic16": quadratic(16, seed=1),
    "rosenbrock": (rosenbrock_grad, np.array([-1.2, 1.0])),
}

# (name, optimizer, hyperparameters in adamedu names, problem, gradient transform, steps)
CASES = [
    # SGD
    ("sgd_quadratic", "SGD", dict(lr=0.05), "quadratic", None, STEPS),
    ("sgd_rosenbrock", "SGD", dict(lr=1e-3), "rosenbrock", None, STEPS),
    ("sgd_weight_decay", "SGD", dict(lr=0.05, weight_decay=0.1), "quadratic", None, STEPS),
    ("sgd_large_lr", "SGD", dict(lr=0.21), "quadratic", None, STEPS),
    ("momentum_quadratic", "SGD", dict(lr=0.02, momentum=0.9), "quadratic", None, STEPS),
    ("momentum_rosenbrock", "SGD", dict(lr=2e-4, momentum=0.9), "rosenbrock", None, STEPS),
    ("momentum_dampening", "SGD", dict(lr=0.02, momentum=0.9, dampening=0.5), "quadratic",
     None, STEPS),
    ("momentum_weight_decay", "SGD", dict(lr=0.02, momentum=0.5, weight_decay=0.1),
     "quadratic", None, STEPS),
    ("momentum_sparse", "SGD", dict(lr=0.02, momentum=0.9), "quadratic16", "sparse", STEPS),
    ("nesterov_quadratic", "SGD", dict(lr=0.02, momentum=0.9, nesterov=True), "quadratic",
     None, STEPS),
    ("nesterov_rosenbrock", "SGD", dict(lr=2e-4, momentum=0.9, nesterov=True, weight_decay=0.01),
     "rosenbrock", None, STEPS),
    ("momentum_first_step", "SGD", dict(lr=0.1, momentum=0.9), "quadratic", None, 1),
    # Adagrad
    ("adagrad_quadratic", "Adagrad", dict(lr=0.5), "quadratic", None, STEPS),
    ("adagrad_rosenbrock", "Adagrad", dict(lr=0.1), "rosenbrock", None, STEPS),
    ("adagrad_lr_decay", "Adagrad", dict(lr=0.5, lr_decay=0.01), "quadratic", None, STEPS),
    ("adagrad_initial_accumulator", "Adagrad", dict(lr=0.5, initial_accumulator_value=0.1),
     "quadratic", None, STEPS),
    ("adagrad_weight_decay", "Adagrad", dict(lr=0.5, weight_decay=0.1, eps=1e-3), "quadratic",
     None, STEPS),
    ("adagrad_sparse", "Adagrad", dict(lr=0.5), "quadratic16", "sparse", STEPS),
    ("adagrad_tiny", "Adagrad", dict(lr=0.1, eps=1e-10), "quadratic", "tiny", STEPS),
    ("adagrad_first_step", "Adagrad", dict(lr=0.1), "rosenbrock", None, 1),
    # RMSprop
    ("rmsprop_quadratic", "RMSprop", dict(lr=0.01), "quadratic", None, STEPS),
    ("rmsprop_rosenbrock", "RMSprop", dict(lr=1e-3), "rosenbrock", None, STEPS),
    ("rmsprop_centered", "RMSprop", dict(lr=0.01, centered=True), "quadratic", None, STEPS),
    ("rmsprop_centered_small_alpha", "RMSprop", dict(lr=0.01, alpha=0.3, centered=True),
     "rosenbrock", None, STEPS),
    ("rmsprop_momentum", "RMSprop", dict(lr=0.005, momentum=0.9), "quadratic", None, STEPS),
    ("rmsprop_centered_momentum_wd", "RMSprop",
     dict(lr=0.005, alpha=0.9, eps=1e-6, momentum=0.5, centered=True, weight_decay=0.1),
     "quadratic", None, STEPS),
    ("rmsprop_sparse", "RMSprop", dict(lr=0.01), "quadratic16", "sparse", STEPS),
    ("rmsprop_tiny", "RMSprop", dict(lr=0.01), "quadratic", "tiny", STEPS),
    ("rmsprop_first_step", "RMSprop", dict(lr=0.1, centered=True), "quadratic", None, 1),
    # Adam
    ("adam_quadratic", "Adam", dict(lr=0.05), "quadratic", None, STEPS),
    ("adam_rosenbrock", "Adam", dict(lr=0.01), "rosenbrock", None, STEPS),
    ("adam_small_beta1", "Adam", dict(lr=0.05, beta1=0.3, beta2=0.9), "rosenbrock", None, STEPS),
    ("adam_large_eps", "Adam", dict(lr=0.05, eps=0.1), "quadratic", None, STEPS),
    ("adam_weight_decay", "Adam", dict(lr=0.05, weight_decay=0.1), "quadratic", None, STEPS),
    ("adam_large_lr", "Adam", dict(lr=1.0), "rosenbrock", None, STEPS),
    ("adam_sparse", "Adam", dict(lr=0.05), "quadratic16", "sparse", STEPS),
    ("adam_tiny", "Adam", dict(lr=0.05), "quadratic", "tiny", STEPS),
    ("adam_first_step", "Adam", dict(lr=0.1), "quadratic", None, 1),
    ("amsgrad_quadratic", "Adam", dict(lr=0.05, amsgrad=True), "quadratic", None, STEPS),
    ("amsgrad_rosenbrock", "Adam", dict(lr=0.01, amsgrad=True), "rosenbrock", None, STEPS),
    ("amsgrad_weight_decay_sparse", "Adam", dict(lr=0.05, amsgrad=True, weight_decay=0.1),
     "quadratic16", "sparse", STEPS),
    # AdamW
    ("adamw_quadratic", "AdamW", dict(lr=0.05), "quadratic", None, STEPS),
    ("adamw_rosenbrock", "AdamW", dict(lr=0.01, weight_decay=0.1), "rosenbrock", None, STEPS),
    ("adamw_amsgrad", "AdamW", dict(lr=0.05, amsgrad=True, weight_decay=0.5), "quadratic", None,
     STEPS),
    ("adamw_betas_eps", "AdamW", dict(lr=0.02, beta1=0.8, beta2=0.99, eps=1e-6), "rosenbrock",
     None, STEPS),
    ("adamw_sparse", "AdamW", dict(lr=0.05, weight_decay=0.1), "quadratic16", "sparse", STEPS),
    ("adamw_first_step", "AdamW", dict(lr=0.1, weight_decay=0.5), "quadratic", None, 1),
]


def torch_optimizer(name, hp, param):
    kwargs = dict(hp)
    if "beta1" in kwargs or "beta2" in kwargs or name in ("Adam", "AdamW"):
        kwargs["betas"] = (kwargs.pop("beta1", 0.9), kwargs.pop("beta2", 0.999))
    return getattr(torch.optim, name)([param], foreach=False, **kwargs)


def run(case, seed):
    name, opt_name, hp, problem, transform, steps = case
    grad_fn, start = PROBLEMS[problem]
    rng = np.random.default_rng(seed)
    param = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch_optimizer(opt_name, hp, param)
    grads, thetas = [], []
    for _ in range(steps):
        g = grad_fn(param.detach()).detach().clone()
        if transform == "sparse":
            g = g * torch.tensor(rng.random(g.shape) < 0.2, dtype=torch.float64)
        elif transform == "tiny":
            g = g * 1e-10
        param.grad = g.clone()
        opt.step()
        grads.append(g.numpy().copy())
        thetas.append(param.detach().numpy().copy())
    config = dict(optimizer=opt_name, hyperparams=hp, problem=problem, transform=transform,
                  steps=steps)
    return config, np.asarray(start, dtype=np.float64), np.array(grads), np.array(thetas)


def main():
    if not torch.__version__.startswith(TORCH_VERSION):
        raise SystemExit(f"needs torch=={TORCH_VERSION}, found {torch.__version__}")
    torch.set_default_dtype(torch.float64)
    arrays, configs = {}, {}
    for seed, case in enumerate(CASES):
        config, theta0, grads, thetas = run(case, seed)
        if not np.all(np.isfinite(thetas)):
            raise SystemExit(f"{case[0]}: torch trajectory is not finite")
        name = case[0]
        configs[name] = config
        arrays[f"{name}/theta0"] = theta0
        arrays[f"{name}/grads"] = grads
        arrays[f"{name}/thetas"] = thetas
    arrays["configs"] = np.array(json.dumps(configs, sort_keys=True))
    arrays["torch_version"] = np.array(torch.__version__)
    OUT.parent.mkdir(exist_ok=True)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {len(configs)} cases to {OUT.name} ({OUT.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
