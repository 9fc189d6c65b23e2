"""Tests for adamedu.toys: the rare-feature stream used by lessons 03-05."""
import numpy as np
import pytest

from adamedu import optimizers, toys


def test_rare_feature_is_present_in_about_p_rare_of_samples_and_exactly_zero_elsewhere():
    toy = toys.RareFeature(n=4000, p_rare=0.05, seed=1)
    assert 0.04 < toy.present.mean() < 0.06
    assert np.all(toy.X[~toy.present, 1] == 0.0)
    assert np.all(toy.X[toy.present, 1] != 0.0)
    assert np.all(toy.X[:, 0] != 0.0)


def test_rare_scale_sets_the_size_of_the_rare_feature():
    small = toys.RareFeature(n=4000, rare_scale=0.3, seed=2)
    big = toys.RareFeature(n=4000, rare_scale=1.0, seed=2)
    np.testing.assert_allclose(small.X[:, 1], 0.3 * big.X[:, 1])


def test_loss_is_zero_at_w_true_and_positive_elsewhere():
    toy = toys.RareFeature()
    assert toy.loss(toy.w_true) == 0.0
    assert toy.loss(toy.w_true + [0.0, 0.1]) > 0.0
    np.testing.assert_array_equal(toy.minima, [toy.w_true])


def test_full_gradient_is_the_mean_of_sample_gradients_and_matches_finite_differences():
    toy = toys.RareFeature(n=200, p_rare=0.2, seed=3)
    theta = np.array([0.4, -0.7])
    mean = np.mean([toy.sample_grad(theta, i) for i in range(200)], axis=0)
    np.testing.assert_allclose(toy.grad(theta), mean, rtol=1e-12, atol=1e-15)
    h = 1e-6
    fd = [(toy.loss(theta + h * e) - toy.loss(theta - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(toy.grad(theta), fd, rtol=1e-6)


def test_sample_gradient_is_sparse_where_the_rare_feature_is_absent():
    toy = toys.RareFeature(seed=4)
    theta = np.array([0.5, 0.5])
    absent = np.flatnonzero(~toy.present)[:20]
    assert all(toy.sample_grad(theta, i)[1] == 0.0 for i in absent)
    assert toy.sample_grad(theta, len(toy.y) + absent[0])[1] == 0.0  # index wraps mod n


def test_run_follows_one_sample_gradient_per_step():
    toy = toys.RareFeature(n=50, seed=5)
    opt = optimizers.Adagrad(lr=0.3)
    traj = toy.run(opt, steps=120)
    theta, state = np.zeros(2), opt.init(np.zeros(2))
    for k in range(120):
        theta, state = opt.step(theta, toy.sample_grad(theta, k), state)
    np.testing.assert_array_equal(traj.points[-1], theta)
    assert traj.points.shape == (121, 2) and len(traj.losses) == 121 and len(traj.states) == 121
    assert traj.states[-1].t == 120 and traj.label == "Adagrad"


def test_run_is_deterministic_for_a_seed_and_differs_between_seeds():
    a = toys.RareFeature(seed=7).run(optimizers.SGD(lr=0.1), steps=50)
    b = toys.RareFeature(seed=7).run(optimizers.SGD(lr=0.1), steps=50)
    c = toys.RareFeature(seed=8).run(optimizers.SGD(lr=0.1), steps=50)
    np.testing.assert_array_equal(a.points, b.points)
    assert not np.array_equal(a.points, c.points)


def test_adagrad_reaches_w_true_and_a_diverging_run_stops_cleanly():
    toy = toys.RareFeature()
    assert np.abs(toy.run(optimizers.Adagrad(lr=2.0), steps=500).final_point
                  - toy.w_true).max() < 1e-3
    bad = toy.run(optimizers.SGD(lr=50.0), steps=500)
    assert bad.diverged_at is not None and np.isfinite(bad.points).all()
    assert len(bad.points) == bad.diverged_at


@pytest.mark.parametrize("kw, word", [(dict(n=0), "n="), (dict(p_rare=0.0), "p_rare"),
                                      (dict(p_rare=1.5), "p_rare"),
                                      (dict(rare_scale=-1.0), "rare_scale"),
                                      (dict(w_true=(1.0, 2.0, 3.0)), "w_true"),
                                      (dict(w_true=(1.0, np.nan)), "w_true")])
def test_bad_arguments_raise_value_errors_that_name_them(kw, word):
    with pytest.raises(ValueError, match=word):
        toys.RareFeature(**kw)


def test_bad_steps_raise():
    with pytest.raises(ValueError, match="steps"):
        toys.RareFeature().run(optimizers.SGD(lr=0.1), steps=-1)
