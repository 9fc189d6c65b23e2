"""What an optimizer costs in memory and memory traffic, measured and counted.

- `state_ratio(name, n)`: optimizer state bytes / parameter bytes, measured from the state
  object after one step (`optimizers.state_nbytes`).
- `traffic_per_param(n_buffers)`: bytes a fused step must read and write per parameter.
- `copy_bandwidth()` and `step_seconds(...)`: best-of-N timings for this machine.
- `model_memory(n_params, recipe)`: training memory of weights, grads and Adam's m, v.
- `factored_second_moment(...)` and `reconstruct(...)`: Adafactor's row/column EMAs of g**2.
- `quantize_8bit(x, block)`: linear 8-bit storage with one scale per block (what it loses).
- `zero_per_device(n_params, n_devices, stage)`: mixed-precision Adam memory per device
  when ZeRO shards the state across data-parallel devices.
"""
import time
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _check, optimizers

# Bytes per parameter for each tensor in a training recipe, following Rajbhandari et al.
# (ZeRO, 2020): mixed precision keeps 16-bit weights and grads for the forward/backward
# pass plus an fp32 master copy and fp32 m and v for the update.
RECIPES = {
    "fp32": {"weights": 4, "grads": 4, "master": 0, "m": 4, "v": 4},
    "mixed (bf16 + fp32 master)": {"weights": 2, "grads": 2, "master": 4, "m": 4, "v": 4},
    "mixed + 8-bit m, v": {"weights": 2, "grads": 2, "master": 4, "m": 1, "v": 1},
}


_PARAMS = "it is the number of parameters"
_POSITIVE = "a model needs a positive number of parameters"
_REPEATS = "the best of them is the time reported"


def state_ratio(name: str, n: int = 1000, **hyperparams: Any) -> float:
    """Bytes of optimizer state per byte of parameters (float64 theta of size n), after one step."""
    opt = optimizers.make(name, **hyperparams)
    n = _check.whole("n", n, 1, _PARAMS)
    theta = np.ones(n)
    state = opt.init(theta)
    _, state = opt.step(theta, np.full(n, 0.5), state)
    return optimizers.state_nbytes(state) / theta.nbytes


def traffic_per_param(n_buffers: int, bytes_per_value: int = 4) -> tuple[int, int]:
    """(read, written) bytes per parameter for one fused step with `n_buffers` state buffers.

    A step reads theta, the gradient and every buffer, and writes theta and every buffer:
    reads = (2 + n_buffers) values, writes = (1 + n_buffers) values.
    """
    _check.whole("n_buffers", n_buffers, 0, "it counts state arrays")
    _check.whole("bytes_per_value", bytes_per_value, 1, "a stored number takes whole bytes")
    return (2 + n_buffers) * bytes_per_value, (1 + n_buffers) * bytes_per_value


def _best_seconds(fn: Callable[[], Any], repeats: int) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def copy_bandwidth(n: int = 4_000_000, repeats: int = 7) -> float:
    """Measured copy bandwidth in bytes/second: one copy reads and writes n float32 values.

    Best of `repeats`, so a busy machine is measured at its least disturbed moment.
    """
    n = _check.whole("n", n, 1, "it is the number of values to copy")
    repeats = _check.whole("repeats", repeats, 1, _REPEATS)
    src = np.ones(n, dtype=np.float32)
    dst = np.empty_like(src)
    return 2 * src.nbytes / _best_seconds(lambda: np.copyto(dst, src), repeats)


def step_seconds(name: str, n: int = 4_000_000, repeats: int = 7, **hyperparams: Any) -> float:
    """Best-of-`repeats` seconds for one `step` of optimizer `name` on n float32 parameters."""
    opt = optimizers.make(name, **hyperparams)
    n = _check.whole("n", n, 1, _PARAMS)
    repeats = _check.whole("repeats", repeats, 1, _REPEATS)
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(n).astype(np.float32)
    grad = rng.standard_normal(n).astype(np.float32)
    state = opt.init(theta)
    theta, state = opt.step(theta, grad, state)   # allocate lazily created buffers first
    return _best_seconds(lambda: opt.step(theta, grad, state), repeats)


def model_memory(n_params: float, recipe: str = "fp32") -> dict[str, float]:
    """Bytes per tensor (weights, grads, master, m, v, total) to train n_params with Adam.

    Counts only these tensors: activations, temporary buffers and framework overhead come on top.
    """
    if recipe not in RECIPES:
        raise ValueError(f"recipe={recipe!r}: choose one of {sorted(RECIPES)}")
    _check.number("n_params", n_params, 0, why=_POSITIVE, open_low=True)
    parts = {k: b * n_params for k, b in RECIPES[recipe].items()}
    parts["total"] = sum(parts.values())
    return parts


def factored_second_moment(grads: Iterable[ArrayLike],
                           beta2: float = 0.999) -> tuple[np.ndarray, np.ndarray]:
    """Adafactor's factored EMA of g**2 for a sequence of matrix gradients.

    Keeps r (one value per row) and c (one per column) instead of the full matrix v:
    r = beta2 * r + (1 - beta2) * (g**2).sum(axis=1), and c likewise over axis 0.
    Returns (r, c); `reconstruct(r, c)` gives the rank-1 estimate of v.
    """
    beta2 = _check.number("beta2", beta2, 0.0, 1.0, "it is the decay rate of the moving "
                          "average", open_high=True)
    r = c = None
    for g in grads:
        g = np.asarray(g, dtype=float)
        if g.ndim != 2:
            raise ValueError(f"gradient of shape {g.shape}: "
                             "factoring needs a matrix (2-D) parameter")
        if r is None or c is None:
            r, c = np.zeros(g.shape[0]), np.zeros(g.shape[1])
        if g.shape != (len(r), len(c)):
            raise ValueError(f"gradient of shape {g.shape} after gradients of shape "
                             f"{(len(r), len(c))}: every step's gradient has the parameter's "
                             f"shape")
        r = beta2 * r + (1 - beta2) * (g ** 2).sum(axis=1)
        c = beta2 * c + (1 - beta2) * (g ** 2).sum(axis=0)
    if r is None or c is None:
        raise ValueError("grads is empty: give at least one gradient matrix")
    return r, c


def reconstruct(r: ArrayLike, c: ArrayLike) -> np.ndarray:
    """Rank-1 estimate of v from row and column statistics: outer(r, c) / sum(r).

    Exact when v itself is rank 1 (v[i, j] = a[i] * b[j]); otherwise its row and column sums
    still match v's exactly.
    """
    r = _check.numbers("r", r, 0.0, why="it sums squared gradients")
    c = _check.numbers("c", c, 0.0, why="it sums squared gradients")
    if r.ndim != 1 or c.ndim != 1 or not r.sum() > 0:
        raise ValueError(f"r and c must be the row and column sums of factored_second_moment "
                         f"(1-D, r not all zero); got shapes {r.shape} and {c.shape}")
    return np.outer(r, c) / r.sum()


def quantize_8bit(x: ArrayLike, block: int = 2048) -> tuple[np.ndarray, int]:
    """x stored as int8 codes with one fp32 scale (the block's largest |value|) per block of
    `block` values, then decoded again: returns (decoded values, bytes used).

    Linear ("absmax") quantization: a value smaller than scale / 254 decodes to 0.
    8-bit optimizers (Dettmers et al., 2022) use a non-linear code to avoid exactly that.
    """
    x = _check.numbers("x", x)
    block = _check.whole("block", block, 1, "it is the number of values per scale")
    flat = x.ravel()
    pad = -len(flat) % block
    blocks = np.concatenate([flat, np.zeros(pad)]).reshape(-1, block)
    scale = np.abs(blocks).max(axis=1, keepdims=True)
    safe = np.where(scale > 0, scale, 1.0)
    codes = np.round(blocks / safe * 127).astype(np.int8)
    decoded = (codes.astype(float) / 127 * safe).ravel()[:len(flat)].reshape(x.shape)
    return decoded, codes.size - pad + 4 * len(scale)


ZERO_STAGES = ("none", "optimizer state", "+ gradients", "+ parameters")


def zero_per_device(n_params: float, n_devices: int, stage: int) -> float:
    """Bytes per device for mixed-precision Adam (2 + 2 + 12 bytes/param) with ZeRO stage
    0-3 (Rajbhandari et al., 2020): stage 1 shards the 12 bytes of fp32 master, m and v
    across the devices, stage 2 also the 2-byte gradients, stage 3 also the 2-byte weights.
    """
    if isinstance(stage, bool) or stage not in (0, 1, 2, 3):
        raise ValueError(f"stage={stage!r}: ZeRO has stages 0 (no sharding), 1, 2 and 3")
    _check.number("n_params", n_params, 0, why=_POSITIVE, open_low=True)
    _check.whole("n_devices", n_devices, 1, "it counts devices")
    mixed = RECIPES["mixed (bf16 + fp32 master)"]
    weights, grads = mixed["weights"], mixed["grads"]
    optimizer_state = mixed["master"] + mixed["m"] + mixed["v"]
    sharded = {0: 0.0, 1: optimizer_state, 2: optimizer_state + grads,
               3: optimizer_state + grads + weights}[stage]
    return n_params * ((weights + grads + optimizer_state - sharded) + sharded / n_devices)
