"""adamedu.models: exact gradients (vs finite differences), known values, training."""
import sys
import types
import warnings

import numpy as np
import pytest

from adamedu import data, models, optimizers, trajectory


def _toy(n=20, d=5, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, k, n)


def _finite_difference(f, params, h=1e-6):
    grad = np.zeros_like(params)
    for i in range(params.size):
        e = np.zeros_like(params)
        e[i] = h
        grad[i] = (f(params + e) - f(params - e)) / (2 * h)
    return grad


def _relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b))


MODELS = [lambda l2: models.SoftmaxRegression(5, 3, l2=l2),
          lambda l2: models.MLP(5, 4, 3, l2=l2)]


@pytest.mark.parametrize("build", MODELS, ids=["softmax", "mlp"])
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_gradient_matches_central_finite_differences(build, l2):
    model = build(l2)
    X, y = _toy()
    params = model.init(seed=1) + np.random.default_rng(2).normal(0, 0.5, model.n_params)
    loss, grad = model.loss_and_grad(params, X, y)
    numeric = _finite_difference(lambda p: model.loss(p, X, y), params)
    assert grad.shape == params.shape
    assert _relative_error(grad, numeric) < 1e-6


@pytest.mark.parametrize("build", MODELS, ids=["softmax", "mlp"])
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_loss_is_exactly_the_loss_of_loss_and_grad(build, l2):
    # loss() skips the gradient; it must still return the very same number.
    model = build(l2)
    X, y = _toy(seed=4)
    params = model.init(seed=5) + np.random.default_rng(6).normal(0, 0.5, model.n_params)
    assert model.loss(params, X, y) == model.loss_and_grad(params, X, y)[0]


def test_l2_penalty_and_its_gradient_cover_weights_not_biases():
    model = models.MLP(5, 4, 3, l2=0.5)
    plain = models.MLP(5, 4, 3)
    X, y = _toy()
    params = model.init(seed=3) + 0.1
    W1, b1, W2, b2 = model.unpack(params)
    penalty = 0.25 * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    assert model.loss(params, X, y) == pytest.approx(plain.loss(params, X, y) + penalty, rel=1e-12)
    diff = model.loss_and_grad(params, X, y)[1] - plain.loss_and_grad(params, X, y)[1]
    gW1, gb1, gW2, gb2 = model.unpack(diff)
    assert np.allclose(gW1, 0.5 * W1) and np.allclose(gW2, 0.5 * W2)
    assert np.all(gb1 == 0) and np.all(gb2 == 0)


def test_softmax_known_values():
    model = models.SoftmaxRegression(1, 2, l2=0.5)
    params = np.array([1.0, -1.0, 0.0, 0.0])  # W = [[1, -1]], b = [0, 0]
    loss, grad = model.loss_and_grad(params, np.array([[1.0]]), np.array([0]))
    # logits (1, -1): cross-entropy log(1 + e^-2); penalty 0.5/2 * (1 + 1) = 0.5
    assert loss == pytest.approx(np.log1p(np.exp(-2.0)) + 0.5, rel=1e-14)
    q = 1 / (1 + np.exp(2.0))  # probability of the wrong class
    assert np.allclose(grad, [-q + 0.5, q - 0.5, -q, q], rtol=1e-14)


def test_zero_parameters_give_log_k_and_uniform_predictions():
    X, y = _toy(k=3)
    model = models.SoftmaxRegression(5, 3)
    assert model.loss(np.zeros(model.n_params), X, y) == pytest.approx(np.log(3), rel=1e-14)


def test_mlp_known_value():
    model = models.MLP(1, 1, 2)
    # z = 2x - 1; logits = relu(z)*(3,-3) + (0.5, 0)
    params = np.array([2.0, -1.0, 3.0, -3.0, 0.5, 0.0])
    X, y = np.array([[1.0], [0.0]]), np.array([1, 0])
    # row 1: relu(1) = 1, logits (3.5, -3); row 2: relu(-1) = 0, logits (0.5, 0)
    expected = 0.5 * ((np.logaddexp(3.5, -3.0) + 3.0) + (np.logaddexp(0.5, 0.0) - 0.5))
    assert model.loss(params, X, y) == pytest.approx(expected, rel=1e-14)
    assert model.predict(params, X).tolist() == [0, 0]
    assert model.accuracy(params, X, y) == 0.5


def test_predict_and_stable_for_huge_logits():
    model = models.SoftmaxRegression(1, 2)
    params = np.array([1e4, -1e4, 0.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = model.loss(params, np.array([[1.0]]), np.array([1]))
    assert loss == pytest.approx(2e4)


def test_init_is_seeded():
    model = models.MLP(64, 16, 10)
    assert np.array_equal(model.init(5), model.init(5))
    assert not np.array_equal(model.init(5), model.init(6))
    assert model.n_params == 64 * 16 + 16 + 16 * 10 + 10


@pytest.mark.parametrize("call, match", [
    (lambda m: m.loss(np.zeros(3), np.zeros((2, 5)), np.zeros(2, int)), "flat parameter vector"),
    (lambda m: m.loss(np.zeros(18), np.zeros((2, 4)), np.zeros(2, int)), "5 columns"),
    (lambda m: m.loss(np.zeros(18), np.zeros((2, 5)), np.array([0, 3])), "labels must be"),
    (lambda m: m.loss(np.zeros(18), np.zeros((2, 5)), np.zeros(3, int)), "one label per row"),
])
def test_bad_inputs_say_what_is_wrong(call, match):
    with pytest.raises(ValueError, match=match):
        call(models.SoftmaxRegression(5, 3))


def test_bad_l2_is_rejected():
    with pytest.raises(ValueError, match="l2"):
        models.MLP(5, 4, 3, l2=-1.0)


@pytest.fixture(scope="module")
def digits():
    return data.digits_split()


@pytest.mark.parametrize("name, lr", [("sgd", 0.1), ("adam", 0.01)])
@pytest.mark.parametrize("build", [lambda: models.SoftmaxRegression(64, 10),
                                   lambda: models.MLP(64, 16, 10)], ids=["softmax", "mlp"])
def test_training_reduces_loss_and_learns_digits(digits, build, name, lr):
    X_train, X_test, y_train, y_test = digits
    model = build()
    batches = data.minibatches(len(X_train), 64, seed=0, epochs=5)
    result = models.train(model, optimizers.make(name, lr=lr), X_train, y_train, batches,
                          X_test, y_test, progress=False)
    assert result.diverged_at is None
    assert len(result.step_losses) == len(batches) and len(result.epoch_losses) == 6
    assert result.epoch_losses[-1] < 0.5 * result.epoch_losses[0]
    assert result.test_accuracy > 0.85 and result.train_accuracy > 0.85  # chance: 0.1
    assert result.final_loss == pytest.approx(model.loss(result.params, X_train, y_train))


def test_training_is_deterministic_and_does_not_touch_the_start(digits):
    X_train, _, y_train, _ = digits
    model = models.MLP(64, 8, 10)
    start = model.init(7)
    keep = start.copy()
    batches = data.minibatches(len(X_train), 100, seed=1, epochs=2)
    a = models.train(model, optimizers.Adam(lr=0.01), X_train, y_train, batches, params=start)
    b = models.train(model, optimizers.Adam(lr=0.01), X_train, y_train, batches, params=start)
    assert np.array_equal(a.step_losses, b.step_losses) and np.array_equal(a.params, b.params)
    assert np.array_equal(start, keep)
    assert a.test_accuracy is None


def test_divergence_is_reported_without_warnings(digits):
    X_train, _, y_train, _ = digits
    model = models.MLP(64, 16, 10)
    batches = data.minibatches(len(X_train), 64, seed=0, epochs=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = models.train(model, optimizers.SGD(lr=100.0), X_train, y_train, batches)
    assert result.diverged_at is not None and result.diverged_at <= len(batches)
    assert len(result.step_losses) == result.diverged_at - 1
    assert np.all(np.isfinite(result.step_losses)) and np.all(np.isfinite(result.params))
    assert result.message == (f"GD: diverged at step {result.diverged_at}: the loss passed 1e+06 "
                              f"or stopped being a finite number; try a smaller learning rate")


def test_progress_line_only_after_the_threshold_and_never_in_a_kernel(digits, monkeypatch, capsys):
    X_train, _, y_train, _ = digits
    model = models.SoftmaxRegression(64, 10)
    batches = data.minibatches(len(X_train), 64, seed=0, epochs=1)
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    models.train(model, optimizers.SGD(lr=0.1), X_train, y_train, batches)
    assert capsys.readouterr().err == ""  # a short run stays quiet
    monkeypatch.setattr(models, "PROGRESS_AFTER_SECONDS", 0.0)
    models.train(model, optimizers.SGD(lr=0.1), X_train, y_train, batches)
    assert "GD: step 20/22" in capsys.readouterr().err
    models.train(model, optimizers.SGD(lr=0.1), X_train, y_train, batches, progress=False)
    assert capsys.readouterr().err == ""
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    models.train(model, optimizers.SGD(lr=0.1), X_train, y_train, batches)
    assert capsys.readouterr().err == ""


def test_full_batch_problem_runs_under_trajectory(digits):
    X_train, _, y_train, _ = digits
    model = models.SoftmaxRegression(64, 10)
    problem = model.problem(X_train[:200], y_train[:200], seed=0)
    traj = trajectory.run(optimizers.Adam(lr=0.05), problem, steps=30)
    assert traj.diverged_at is None and traj.losses[-1] < 0.5 * traj.losses[0]
    assert np.array_equal(problem.start, model.init(0))


def test_tune_lr_picks_the_lowest_training_loss_and_skips_diverged_runs(digits):
    X_train, X_test, y_train, y_test = digits
    model = models.MLP(64, 16, 10)
    batches = data.minibatches(len(X_train), 64, seed=0, epochs=2)
    tuned = models.tune_lr(model, "sgd", [1e-3, 0.1, 100.0], X_train, y_train, batches,
                           X_test, y_test, params=model.init(0))
    losses = {lr: run.final_loss for lr, run in tuned.runs.items()}
    assert tuned.lr == 0.1 and losses[1e-3] > losses[0.1]
    assert tuned.runs[100.0].diverged_at is not None and losses[100.0] == np.inf
    assert tuned.result is tuned.runs[0.1] and tuned.result.test_accuracy is not None


def test_result_carries_the_final_optimizer_state(digits):
    X_train, _, y_train, _ = digits
    model = models.SoftmaxRegression(64, 10)
    batches = data.minibatches(len(X_train), 500, seed=0, epochs=1)
    result = models.train(model, optimizers.Adagrad(lr=0.1), X_train, y_train, batches)
    assert result.state.t == 3 and result.state.state_sum.shape == (model.n_params,)


def test_tune_lr_by_mean_rewards_early_progress(digits):
    X_train, _, y_train, _ = digits
    model = models.SoftmaxRegression(64, 10)
    batches = data.minibatches(len(X_train), 128, seed=0, epochs=4)
    tuned = models.tune_lr(model, "sgd", [0.01, 1.0], X_train, y_train, batches, by="mean")
    means = {lr: np.mean(run.epoch_losses[1:]) for lr, run in tuned.runs.items()}
    assert tuned.lr == min(means, key=means.get) == 1.0
    assert tuned.scores == pytest.approx(means)
    with pytest.raises(ValueError, match="by must be"):
        models.tune_lr(model, "sgd", [0.1], X_train, y_train, batches, by="best")


def test_runs_carry_a_label(digits):
    X_train, _, y_train, _ = digits
    model = models.SoftmaxRegression(64, 10)
    batches = data.minibatches(len(X_train), 500, seed=0, epochs=1)
    assert models.train(model, optimizers.Adam(), X_train, y_train, batches).label == "Adam"
    result = models.train(model, optimizers.Adam(), X_train, y_train, batches, label="mine")
    assert result.label == "mine"
    tuned = models.tune_lr(model, "nesterov", [0.1], X_train, y_train, batches)
    assert tuned.result.label == "Nesterov, lr = 0.1"
