"""Every public function and constructor of the learner library refuses a bad value with a
ValueError that says what was given, what is allowed and why (adamedu._check's one
wording; DESIGN.md, "Bad values"), never a raw TypeError, IndexError or a NaN result.

CASES holds, for each public name, calls with bad values and the start of the message
each must raise. `test_every_public_callable_has_a_bad_input_case` lists the public
functions and classes of the modules below, so a new one without a case here fails.
"""
import inspect
import math

import numpy as np
import pytest

from adamedu import counterexample, data, memory, models, noise, optimizers, surfaces, sweeps, toys

MODULES = (counterexample, data, memory, models, noise, surfaces, sweeps, toys)
NAN = math.nan

# Callables a learner gives no value to.
NO_VALUES = {"data.load_digits", "surfaces.beale", "surfaces.saddle", "surfaces.himmelblau"}
# Results the library builds and returns: a learner reads them, never builds them.
RECORDS = {"counterexample.OnlineRun", "data.SparseTask", "models.TrainResult", "models.Tuned",
           "sweeps.Grid"}


class Bowl:
    """f = |x|^2 / 2, a problem for the sweeps."""
    start = np.array([1.0, -2.0])

    def loss(self, x):
        return 0.5 * float(np.sum(np.square(x)))

    def grad(self, x):
        return np.array(x, dtype=float)


X, Y = np.arange(12.0).reshape(4, 3), np.array([0, 1, 0, 1])


def model():
    return models.SoftmaxRegression(3, 2)


def train(**kw):
    args = dict(model=model(), optimizer=optimizers.SGD(lr=0.1), X=X, y=Y,
                batches=data.minibatches(4, 2))
    return models.train(**{**args, **kw})


def surface(**kw):
    args = dict(name="s", title="t", f=lambda x, y: x * x + y * y,
                df=lambda x, y: (2 * x, 2 * y), xlim=(-1.0, 1.0), ylim=(-1.0, 1.0),
                minima=np.zeros((1, 2)), min_loss=0.0, start=np.ones(2), levels=np.ones(3))
    return surfaces.Surface(**{**args, **kw})


WHOLE = "must be a whole number in the allowed range"
SEED = ("seed=-1 is outside the allowed range [0, inf): it picks the random numbers; the "
        "same seed gives the same numbers")

CASES = {
    # ------------------------------------------------------------------ models
    "models.SoftmaxRegression": [
        (lambda: models.SoftmaxRegression("64", 10), f"n_features {WHOLE} [1, inf), got '64'"),
        (lambda: models.SoftmaxRegression(64, 1),
         "n_classes=1 is outside the allowed range [2, inf): a classifier chooses between at "
         "least two classes"),
        (lambda: models.SoftmaxRegression(64, 10, l2=-1),
         "l2=-1.0 is outside the allowed range [0, inf): it is a penalty strength")],
    "models.SoftmaxRegression.init": [(lambda: model().init(seed=-1), SEED)],
    "models.MLP": [
        (lambda: models.MLP(64, 2.5, 10), f"n_hidden {WHOLE} [1, inf), got 2.5"),
        (lambda: models.MLP(64, 0, 10),
         "n_hidden=0 is outside the allowed range [1, inf): it counts the hidden units"),
        (lambda: models.MLP(64, 32, 10, l2=NAN), "l2=nan is not finite")],
    "models.FullBatchProblem": [
        (lambda: models.FullBatchProblem("logreg", X, Y), "model='logreg' is not a model"),
        (lambda: models.FullBatchProblem(model(), X, Y, seed=-1), SEED),
        (lambda: models.FullBatchProblem(model(), X[:, :2], Y),
         "X must be a 2-D array with 3 columns")],
    "models.train": [
        (lambda: train(optimizer="adam"), "optimizer='adam' is not an optimizer"),
        (lambda: train(batches=32), "batches=32 must be an iterable of row-index arrays"),
        (lambda: train(X_test=X), "give X_test and y_test together"),
        (lambda: train(model="mlp"), "model='mlp' is not a model"),
        (lambda: train(y=[0, 1, 0, 2]), "labels must be integers 0..1")],
    "models.tune_lr": [
        (lambda: models.tune_lr(model(), "sgd", 0.1, X, Y, data.minibatches(4, 2)),
         "lrs=0.1 must be a list of learning rates to try"),
        (lambda: models.tune_lr(model(), "sgd", [0.1, NAN], X, Y, data.minibatches(4, 2)),
         "lrs[1]=nan is not finite"),
        (lambda: models.tune_lr(model(), "sgd", [-0.1], X, Y, data.minibatches(4, 2)),
         "lrs[0]=-0.1 is outside the allowed range [0, inf): it is a learning rate"),
        (lambda: models.tune_lr(model(), "sgd", [0.1], X, Y, data.minibatches(4, 2), by="best"),
         'by must be "final" or "mean"')],
    # ------------------------------------------------------------------ sweeps
    "sweeps.grid": [
        (lambda: sweeps.grid("sgd", {"lr": [0.1]}, Bowl(), steps=2.5),
         f"steps {WHOLE} [0, inf), got 2.5"),
        (lambda: sweeps.grid("sgd", {}, Bowl(), 3), "axes={} must be a non-empty dict"),
        (lambda: sweeps.grid("sgd", {"lr": ["fast"]}, Bowl(), 3),
         "lr must be finite real numbers, got ['fast']"),
        (lambda: sweeps.grid("sgd", {"lr": [0.1]}, "rosenbrock", 3),
         "problem='rosenbrock' is not a problem"),
        (lambda: sweeps.grid(3, {"lr": [0.1]}, Bowl(), 3), "optimizer=3: give a name")],
    "sweeps.Grid.at": [
        (lambda: sweeps.grid("sgd", {"lr": [0.1]}, Bowl(), 3).at(99),
         "step=99 is outside the allowed range [-4, 3]: the runs made 3 steps (a negative "
         "step counts from the end)")],
    "sweeps.compare": [
        (lambda: sweeps.compare("adam", [0.1], Bowl(), 3),
         "names='adam' must be a list of optimizer names"),
        (lambda: sweeps.compare(["adam"], [], Bowl(), 3), "lrs=[] must be a non-empty list"),
        (lambda: sweeps.compare(["adam"], [0.1], Bowl(), -1), "steps=-1 is outside")],
    "sweeps.decades": [
        (lambda: sweeps.decades([0.1, 0.0], [1, 1], 1.0),
         "lrs[1]=0.0 is outside the allowed range (0, inf): a decade is a factor 10"),
        (lambda: sweeps.decades([0.1], [1, 2], 1.0),
         "lrs and losses must be lists of the same length"),
        (lambda: sweeps.decades([0.1], [1], NAN), "threshold=nan is not finite")],
    "sweeps.warmup_cosine": [
        (lambda: sweeps.warmup_cosine(NAN, 10),
         "lr=nan is not finite; the allowed range is [0, inf)"),
        (lambda: sweeps.warmup_cosine(0.1, 2.5), f"steps {WHOLE} [1, inf), got 2.5"),
        (lambda: sweeps.warmup_cosine(0.1, 10, warmup=10),
         "warmup=10 is outside the allowed range [0, 9]: warmup is part of the 10 steps"),
        (lambda: sweeps.warmup_cosine(0.1, 10, final=2),
         "final=2.0 is outside the allowed range [0, 1]: it is the fraction of lr left")],
    "sweeps.run_schedule": [
        (lambda: sweeps.run_schedule("sgd", Bowl(), [0.1, -1]),
         "lrs[1]=-1.0 is outside the allowed range [0, inf): it is a learning rate"),
        (lambda: sweeps.run_schedule("sgd", Bowl(), []), "lrs=[] must be a non-empty list"),
        (lambda: sweeps.run_schedule("sgd", None, [0.1]), "problem=None is not a problem")],
    "sweeps.Rescaled": [
        (lambda: sweeps.Rescaled(Bowl(), loss_scale=0),
         "loss_scale=0.0 is outside the allowed range (0, inf): a change of units"),
        (lambda: sweeps.Rescaled(Bowl(), theta_scale="2"), "theta_scale must be a finite"),
        (lambda: sweeps.Rescaled(None), "problem=None is not a problem")],
    "sweeps.MinibatchProblem": [
        (lambda: sweeps.MinibatchProblem(model(), X, Y, batch_size=0),
         "batch_size=0 is outside the allowed range [1, inf)")],
    # ------------------------------------------------------------------ noise
    "noise.LeastSquares": [
        (lambda: noise.LeastSquares(n=1.5), f"n {WHOLE} [2, inf), got 1.5"),
        (lambda: noise.LeastSquares(n=5, batch_size=6), "batch_size=6 is larger than"),
        (lambda: noise.LeastSquares(label_noise=-1), "label_noise=-1.0 is outside"),
        (lambda: noise.LeastSquares(w_true=[1.0, NAN]), "w_true[1]=nan is not finite"),
        (lambda: noise.LeastSquares(seed=-1), SEED)],
    "noise.LeastSquares.sample_grads": [
        (lambda: noise.LeastSquares().sample_grads(np.zeros(2), 10, draws=0),
         "draws=0 is outside the allowed range [1, inf)")],
    "noise.NoisyQuadratic": [
        (lambda: noise.NoisyQuadratic(h=(1.0, 0.0)),
         "h[1]=0.0 is outside the allowed range (0, inf): it is a curvature"),
        (lambda: noise.NoisyQuadratic(sigma=-1),
         "sigma=-1.0 is outside the allowed range [0, inf): it is a standard deviation"),
        (lambda: noise.NoisyQuadratic(sigma=(1, 2, 3)),
         "sigma must be one number or one per coordinate (2)"),
        (lambda: noise.NoisyQuadratic(copies=0), "copies=0 is outside"),
        (lambda: noise.NoisyQuadratic(seed=-1), SEED)],
    "noise.minibatch_grad": [
        (lambda: noise.minibatch_grad(np.ones(2), np.ones((3, 2)), np.ones(3), []),
         "rows must be a non-empty list of row indices 0..2"),
        (lambda: noise.minibatch_grad(np.ones(2), np.ones((3, 2)), np.ones(3), [3]),
         "rows must be a non-empty list of row indices 0..2; got [3]"),
        (lambda: noise.minibatch_grad(np.ones(3), np.ones((3, 2)), np.ones(3), [0]),
         "X (n x d), y (n) and theta (d) do not fit together")],
    "noise.minibatch_variance": [
        (lambda: noise.minibatch_variance(np.ones((3, 2)), 0), "batch_size=0 is outside"),
        (lambda: noise.minibatch_variance(np.ones((3, 2)), 4), "batch_size=4 is larger than"),
        (lambda: noise.minibatch_variance(np.ones(3), 1),
         "example_grads must hold one gradient per row")],
    "noise.ema_variance_ratio": [
        (lambda: noise.ema_variance_ratio(1.0),
         "beta=1.0 is outside the allowed range [0, 1): it is the decay rate"),
        (lambda: noise.ema_variance_ratio(0.9, t=0), "t=0 is outside the allowed range [1, inf)")],
    "noise.floor": [
        (lambda: noise.floor("0.1", 1.0, 1.0),
         "lr must be a finite real number in the allowed range (0, inf), got '0.1'"),
        (lambda: noise.floor(0.25, [1.0, 10.0], 1.0),
         "lr=0.25 has no floor: the run is stable only for 0 < lr < 2 (1 + momentum) / max(h)"),
        (lambda: noise.floor(0.1, 0.0, 1.0), "h=0.0 is outside the allowed range (0, inf)"),
        (lambda: noise.floor(0.1, 1.0, -1.0), "sigma=-1.0 is outside the allowed range [0, inf)"),
        (lambda: noise.floor(0.1, 1.0, 1.0, momentum=1.0), "momentum=1.0 is outside")],
    "noise.adam_ratio": [
        (lambda: noise.adam_ratio(1.0, -1.0),
         "std=-1.0 is outside the allowed range [0, inf): it is a standard deviation"),
        (lambda: noise.adam_ratio([1.0, NAN], 1.0), "mean[1]=nan is not finite")],
    "noise.race": [
        (lambda: noise.race(-1.0), "sigma=-1.0 is outside the allowed range [0, inf)"),
        (lambda: noise.race(1.0, steps=2.5), f"steps {WHOLE} [0, inf), got 2.5")],
    # ------------------------------------------------------------------ data
    "data.train_test_split": [
        (lambda: data.train_test_split(X, Y, test_fraction=1.0),
         "test_fraction=1.0 is outside the allowed range (0, 1): it is a share of the rows"),
        (lambda: data.train_test_split(X, Y, seed=0.5), f"seed {WHOLE} [0, inf), got 0.5"),
        (lambda: data.train_test_split(X, Y[:3]), "X and y must have the same number of rows")],
    "data.standardize": [
        (lambda: data.standardize(np.ones(3), np.ones(3)),
         "X_train and X_test must be tables (one row per example) with the same columns"),
        (lambda: data.standardize(np.ones((3, 2)), [[1.0, NAN]]),
         "X_test[0, 1]=nan is not finite")],
    "data.digits_split": [
        (lambda: data.digits_split(test_fraction=0), "test_fraction=0.0 is outside"),
        (lambda: data.digits_split(seed=-1), SEED)],
    "data.Minibatches": [
        (lambda: data.Minibatches(10, 0), "batch_size=0 is outside the allowed range [1, inf)"),
        (lambda: data.Minibatches(10, 2, seed=-1), SEED),
        (lambda: data.Minibatches(10, 2, epochs=1.5), f"epochs {WHOLE} [1, inf), got 1.5")],
    "data.BatchStream": [
        (lambda: data.BatchStream(np.sum, lambda theta, rows: theta, 32),
         "BatchStream needs loss(theta), batch_grad(theta, batch) and an iterable of batches"),
        (lambda: data.BatchStream(None, lambda theta, rows: theta, data.minibatches(4, 2)),
         "BatchStream needs loss(theta)")],
    "data.minibatches": [
        (lambda: data.minibatches(10.0, 2), f"n {WHOLE} [1, inf), got 10.0")],
    "data.sparse_bag_of_words": [
        (lambda: data.sparse_bag_of_words(rare_rate=0),
         "rare_rate=0.0 is outside the allowed range (0, 1]: it is the probability"),
        (lambda: data.sparse_bag_of_words(rare_weight=NAN), "rare_weight=nan is not finite"),
        (lambda: data.sparse_bag_of_words(n_samples=2.5), f"n_samples {WHOLE} [1, inf)"),
        (lambda: data.sparse_bag_of_words(seed=-1), SEED)],
    # ------------------------------------------------------------------ toys
    "toys.RareFeature": [
        (lambda: toys.RareFeature(n=0), "n=0 is outside the allowed range [1, inf)"),
        (lambda: toys.RareFeature(p_rare=1.5), "p_rare=1.5 is outside the allowed range (0, 1]"),
        (lambda: toys.RareFeature(w_true=(1.0, NAN)), "w_true[1]=nan is not finite"),
        (lambda: toys.RareFeature(w_true=(1.0, 2.0, 3.0)), "w_true=array([1., 2., 3.]) must be "
         "two finite numbers"),
        (lambda: toys.RareFeature(seed=-1), SEED)],
    "toys.RareFeature.run": [
        (lambda: toys.RareFeature(n=10).run(optimizers.SGD(lr=0.1), steps=-1),
         "steps=-1 is outside the allowed range [0, inf)")],
    # ------------------------------------------------------------------ memory
    "memory.state_ratio": [
        (lambda: memory.state_ratio("adam", n=2.5), f"n {WHOLE} [1, inf), got 2.5"),
        (lambda: memory.state_ratio("adam", lr=-1), "Adam: lr=-1.0 is outside")],
    "memory.traffic_per_param": [
        (lambda: memory.traffic_per_param(-1), "n_buffers=-1 is outside"),
        (lambda: memory.traffic_per_param(2, bytes_per_value=0.5),
         f"bytes_per_value {WHOLE} [1, inf), got 0.5")],
    "memory.copy_bandwidth": [
        (lambda: memory.copy_bandwidth(n=0), "n=0 is outside the allowed range [1, inf)"),
        (lambda: memory.copy_bandwidth(repeats=0),
         "repeats=0 is outside the allowed range [1, inf): the best of them")],
    "memory.step_seconds": [
        (lambda: memory.step_seconds("adam", n=-5), "n=-5 is outside"),
        (lambda: memory.step_seconds("adam", repeats=1.5), f"repeats {WHOLE} [1, inf)")],
    "memory.model_memory": [
        (lambda: memory.model_memory(-1), "n_params=-1.0 is outside the allowed range (0, inf)"),
        (lambda: memory.model_memory(10, "fp8"), "recipe='fp8': choose one of")],
    "memory.factored_second_moment": [
        (lambda: memory.factored_second_moment([np.ones((2, 2))], beta2=1.0),
         "beta2=1.0 is outside the allowed range [0, 1)"),
        (lambda: memory.factored_second_moment([]), "grads is empty"),
        (lambda: memory.factored_second_moment([np.ones(4)]), "gradient of shape (4,)"),
        (lambda: memory.factored_second_moment([np.ones((2, 2)), np.ones((3, 2))]),
         "gradient of shape (3, 2) after gradients of shape (2, 2)")],
    "memory.reconstruct": [
        (lambda: memory.reconstruct([0.0, 0.0], [1.0, 1.0]), "r and c must be the row and"),
        (lambda: memory.reconstruct([-1.0, 1.0], [1.0]), "r[0]=-1.0 is outside")],
    "memory.quantize_8bit": [
        (lambda: memory.quantize_8bit([1.0, NAN]), "x[1]=nan is not finite"),
        (lambda: memory.quantize_8bit([1.0], block=0), "block=0 is outside")],
    "memory.zero_per_device": [
        (lambda: memory.zero_per_device(1e9, 4, 4), "stage=4: ZeRO has stages"),
        (lambda: memory.zero_per_device(1e9, 4, True), "stage=True: ZeRO has stages"),
        (lambda: memory.zero_per_device(1e9, 0, 1), "n_devices=0 is outside"),
        (lambda: memory.zero_per_device(-1, 4, 1), "n_params=-1.0 is outside")],
    # ------------------------------------------------------------------ counterexample
    "counterexample.check_problem": [
        (lambda: counterexample.check_problem(2.0), "C must be > (period - 1) * small = 2"),
        (lambda: counterexample.check_problem(3.0, period=1.5),
         f"period {WHOLE} [2, inf), got 1.5")],
    "counterexample.paper_beta2": [
        (lambda: counterexample.paper_beta2(NAN), "C=nan is not finite")],
    "counterexample.gradient": [
        (lambda: counterexample.gradient(0, 3.0),
         "t=0 is outside the allowed range [1, inf): steps count from 1"),
        (lambda: counterexample.gradient(1, 1.0), "C must be > (period - 1) * small")],
    "counterexample.run": [
        (lambda: counterexample.run(steps=0), "steps=0 is outside"),
        (lambda: counterexample.run(start=2.0),
         "start=2.0 is outside the allowed range [-1, 1]: x lives in the feasible set"),
        (lambda: counterexample.run(lr=-1), "Adam: lr=-1.0 is outside")],
    "counterexample.compare": [
        (lambda: counterexample.compare(beta2=1.0), "Adam: beta2=1.0 is outside")],
    # ------------------------------------------------------------------ surfaces
    "surfaces.Surface": [
        (lambda: surface(f=1), "s: f and df must be functions of (x, y)"),
        (lambda: surface(xlim=(1.0, -1.0)), "s: xlim=(1.0, -1.0) must be a window"),
        (lambda: surface(ylim=(0.0, NAN)), "ylim[1]=nan is not finite")],
    "surfaces.quadratic": [
        (lambda: surfaces.quadratic(kappa=0.5),
         "kappa=0.5 is outside the allowed range [1, inf): it is the ratio"),
        (lambda: surfaces.quadratic(angle="45"), "angle must be a finite real number, got '45'")],
    "surfaces.rotated_quadratic": [
        (lambda: surfaces.rotated_quadratic(kappa=NAN), "kappa=nan is not finite")],
    "surfaces.rosenbrock": [
        (lambda: surfaces.rosenbrock(b=0), "b=0.0 is outside the allowed range (0, inf)")],
    "surfaces.get": [
        (lambda: surfaces.get("bowl"), "unknown surface 'bowl'"),
        (lambda: surfaces.get("quadratic", kappa=-1), "kappa=-1.0 is outside")],
}


def public_callables(module):
    """'module.name' of each public function and class defined in `module` (its `__all__`
    if it has one)."""
    short = module.__name__.rsplit(".", 1)[-1]
    names = getattr(module, "__all__", [n for n in vars(module) if not n.startswith("_")])
    return {f"{short}.{name}" for name in names
            if (inspect.isfunction(obj := getattr(module, name)) or inspect.isclass(obj))
            and obj.__module__ == module.__name__}


def resolve(key):
    module, *path = key.split(".")
    obj = next(m for m in MODULES if m.__name__.endswith("." + module))
    for name in path:
        obj = getattr(obj, name)
    return obj


@pytest.mark.parametrize("call, message", [
    pytest.param(call, message, id=f"{key}-{i}")
    for key, cases in CASES.items() for i, (call, message) in enumerate(cases)])
def test_a_bad_value_says_what_and_why(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value).startswith(message), str(info.value)


def test_every_public_callable_has_a_bad_input_case():
    public = set().union(*map(public_callables, MODULES))
    missing = public - set(CASES) - NO_VALUES - RECORDS
    assert not missing, f"no bad-input case in tests/test_bad_values.py for {sorted(missing)}"
    for key in [*CASES, *NO_VALUES, *RECORDS]:
        resolve(key)  # a renamed or removed name fails here
    for key in NO_VALUES:
        assert not inspect.signature(resolve(key)).parameters, f"{key} takes values"
    for key in RECORDS:
        cls = resolve(key)
        assert hasattr(cls, "_fields") or hasattr(cls, "__dataclass_fields__"), \
            f"{key} is not a record"


def test_the_enumeration_finds_public_names_and_only_those():
    assert {"models.MLP", "sweeps.warmup_cosine", "noise.floor", "data.minibatches",
            "surfaces.Surface"} <= public_callables(models) | public_callables(sweeps) \
        | public_callables(noise) | public_callables(data) | public_callables(surfaces)
    assert "models._Model" not in public_callables(models)
    assert "sweeps.dataclass" not in public_callables(sweeps)  # imported, not defined there
