"""The online run is computed on Python floats for speed; its numbers must equal, bit for
bit, those of the straightforward loop that makes an `optimizers.Adam` for every step
(the implementation it replaced, kept here as the reference)."""
import numpy as np
import pytest

from adamedu import counterexample, optimizers


def reference_run(amsgrad, C, beta2, lr, steps, start, lr_decay, beta1, period, small):
    beta2 = counterexample.paper_beta2(C) if beta2 is None else beta2
    x = np.array([float(start)])
    state = optimizers.Adam(lr=lr, beta1=beta1, beta2=beta2, amsgrad=amsgrad).init(x)
    xs, v, update = np.empty(steps + 1), np.empty(steps), np.empty(steps)
    v_max = np.empty(steps) if amsgrad else None
    xs[0] = start
    g = np.array([counterexample.gradient(t, C, period, small) for t in range(1, steps + 1)])
    for t in range(1, steps + 1):
        lr_t = lr / np.sqrt(t) if lr_decay else lr
        opt = optimizers.Adam(lr=lr_t, beta1=beta1, beta2=beta2, amsgrad=amsgrad)
        proposed, state = opt.step(x, g[t - 1:t], state)
        update[t - 1] = proposed[0] - x[0]
        x = np.clip(proposed, -1.0, 1.0)
        xs[t], v[t - 1] = x[0], state.v[0]
        if amsgrad:
            v_max[t - 1] = state.v_max[0]
    paid = np.cumsum(g * xs[:-1])
    best = -np.abs(np.cumsum(g))
    return xs, (paid - best) / np.arange(1, steps + 1), g, v, update, v_max


@pytest.mark.parametrize("amsgrad", [False, True])
@pytest.mark.parametrize("settings", [
    dict(C=3.0, beta2=None, lr=0.5, steps=3000, start=0.0, lr_decay=True, beta1=0.0,
         period=3, small=1.0),
    dict(C=10.0, beta2=0.99, lr=0.5, steps=1000, start=0.3, lr_decay=True, beta1=0.0,
         period=3, small=1.0),
    dict(C=1010.0, beta2=0.99, lr=0.1, steps=2000, start=-0.5, lr_decay=False, beta1=0.9,
         period=101, small=10.0),
    dict(C=2.5, beta2=0.3, lr=2.0, steps=300, start=1.0, lr_decay=True, beta1=0.5,
         period=3, small=1.0),
])
def test_fast_run_equals_the_optimizer_loop_bit_for_bit(amsgrad, settings):
    got = counterexample.run(amsgrad=amsgrad, **settings)
    expected = reference_run(amsgrad, **settings)
    for name, a, b in zip(("x", "average_regret", "g", "v", "update", "v_max"),
                          (got.x, got.average_regret, got.g, got.v, got.update, got.v_max),
                          expected):
        if b is None:
            assert a is None, name
        else:
            np.testing.assert_array_equal(a, b, err_msg=name)


def test_bad_settings_still_raise_the_optimizers_message():
    with pytest.raises(ValueError, match="beta1"):
        counterexample.run(beta1=1.0)
