"""adamedu.counterexample: Reddi et al.'s online problem, Adam vs AMSGrad."""
import numpy as np
import pytest

from adamedu import counterexample as ce


def test_gradients_follow_the_period_three_pattern():
    assert [ce.gradient(t, 3.0) for t in range(1, 8)] == [3, -1, -1, 3, -1, -1, 3]
    assert ce.paper_beta2(3.0) == pytest.approx(0.1)


@pytest.mark.parametrize("C", [3.0, 5.0, 10.0])
def test_adam_drifts_to_plus_one_and_amsgrad_reaches_minus_one(C):
    # The paper's Theorem 1 setting: beta1 = 0, beta2 = 1/(1 + C^2), lr_t = lr/sqrt(t),
    # lr = 0.5 < sqrt(1 - beta2); start in the middle of [-1, 1].
    adam, amsgrad = ce.compare(C=C, lr=0.5, steps=3000, start=0.0)
    assert adam.label == "Adam" and amsgrad.label == "AMSGrad"
    assert adam.beta2 == pytest.approx(1 / (1 + C ** 2))
    assert np.all(adam.x[-30:] > 0.98)                  # parked at the worst point
    assert np.all(amsgrad.x[-30:] < -0.98)              # at the optimum
    # Adam at x = +1 pays (C - 2) * 2 per three steps more than x = -1.
    assert adam.average_regret[-1] == pytest.approx(2 * (C - 2) / 3, rel=0.02)
    assert amsgrad.average_regret[-1] < 0.03
    assert amsgrad.average_regret[-1] < amsgrad.average_regret[299]  # still shrinking


def test_a_large_beta2_remembers_the_rare_gradient_and_adam_recovers():
    adam = ce.run(amsgrad=False, C=3.0, beta2=0.999)
    assert adam.final_x < -0.98


def test_regret_is_measured_against_the_best_fixed_point():
    run = ce.run(C=3.0, steps=3, start=1.0, lr=1e-12)  # x stays at 1 (up to 1e-12)
    # paid: 3*1 - 1 - 1 = 1; best fixed point x = -1 pays -1; regret 2 over 3 steps
    assert run.average_regret[-1] == pytest.approx(2 / 3)
    assert run.average_regret[0] == pytest.approx(6.0)  # after t = 1 the best x is -1: 3 - (-3)


def test_points_stay_in_the_feasible_set():
    run = ce.run(C=10.0, lr=5.0, steps=300, lr_decay=False)
    assert np.all(np.abs(run.x) <= 1) and len(run.x) == 301


@pytest.mark.parametrize("kwargs, match", [({"C": 2.0}, "C must be"), ({"start": 2.0}, "start"),
                                           ({"steps": 0}, "steps"), ({"beta2": 1.5}, "beta2"),
                                           ({"period": 1}, "period"), ({"small": -1.0}, "small"),
                                           ({"C": 900.0, "period": 101, "small": 10.0},
                                            "C must be")])
def test_bad_settings_are_explained(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ce.run(**kwargs)


def test_one_period_by_hand_shows_why_adam_drifts_up():
    # C = 3, beta2 = 0.1, constant lr 0.01, eps negligible. Step 1: v_hat = g^2 exactly, so
    # the step is -lr. Steps 2, 3 see g = -1 with v still carrying the large gradient.
    adam, amsgrad = ce.compare(C=3.0, lr=0.01, steps=6, lr_decay=False)
    v1 = 0.9 * 9
    v2 = 0.1 * v1 + 0.9
    v3 = 0.1 * v2 + 0.9
    assert adam.v[:3] == pytest.approx([v1, v2, v3], rel=1e-12)
    bc = [1 - 0.1 ** t for t in (1, 2, 3)]
    expected = [-0.01 * 3 / np.sqrt(v1 / bc[0]), 0.01 / np.sqrt(v2 / bc[1]),
                0.01 / np.sqrt(v3 / bc[2])]
    assert adam.update[:3] == pytest.approx(expected, rel=1e-6)
    assert sum(adam.update[:3]) > 0                      # net drift towards +1
    assert amsgrad.v_max[:3] == pytest.approx([v1, v1, v1], rel=1e-12)  # the max remembers C^2
    assert sum(amsgrad.update[:3]) < 0                   # net drift towards -1
    assert adam.v_max is None and list(adam.g[:6]) == [3, -1, -1, 3, -1, -1]


def test_the_papers_longer_period_breaks_adam_even_with_default_like_betas():
    # Section 5: f_t = 1010 x once every 101 steps, else -10 x; beta1 = 0.9, beta2 = 0.99.
    adam, amsgrad = ce.compare(C=1010.0, small=10.0, period=101, beta1=0.9, beta2=0.99,
                               lr=0.5, steps=20000)
    assert adam.final_x > 0.9 and amsgrad.final_x < -0.9
    assert adam.average_regret[-1] > amsgrad.average_regret[-1]
