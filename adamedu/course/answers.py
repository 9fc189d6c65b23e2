"""The exercises' answers: what each must do, its points, and hints for the usual mistakes.

Each answer is a function (compared with a reference from `adamedu.optimizers` and the
other learner modules on several cases), a value (a conceptual question answered with a
number or True/False), or a set of hyperparameters (run on a surface with the reference
optimizer). The same catalogue, `ANSWERS`, drives the notebook checks
(`adamedu.course.check`, on fixed inputs) and the autograder (`adamedu.course.grade`, on
its own random inputs); `adamedu.course.judge` decides, and `adamedu.course.cases` holds
the inputs, references and slip models.

Hints teach: a wrong value gets the idea behind it, never the arithmetic that gives the
number (the working is in the solution). Every recognised mistake has a stable id
(`HINTS`: id -> hint; `mistake_id(hint)` reads it back), so the grader can count mistakes
across a class without changing what students read.
"""
import math
import re
from dataclasses import dataclass
from typing import Callable, ClassVar

from adamedu.course import cases

HINTS = {}                        # mistake id -> the hint students see for it
_ID_OF_HINT = {}                  # hint text -> mistake id (several texts may share an id)


def _mistake(mistake_id, hint):
    """Register a known mistake: its stable id (for the class report) and its hint."""
    HINTS.setdefault(mistake_id, hint)
    assert _ID_OF_HINT.setdefault(hint, mistake_id) == mistake_id, hint
    return hint


def mistake_id(hint):
    """The id of the mistake whose hint is `hint`, or None."""
    return _ID_OF_HINT.get(hint)


# --------------------------------------------------------------------------- answer kinds

class _Answer:
    """What every kind of answer offers the checks and the grader."""
    params: ClassVar[tuple] = ()    # argument names of a function answer

    def cases(self, rng):
        """The inputs the answer is checked on: a list of dicts (none for a value)."""
        return []

    @property
    def lookup(self):
        """The name the answer has in the student's notebook."""
        return self.variable

    @property
    def definition(self):
        """A regular expression (multiline) for a line that defines the answer."""
        return rf"^{re.escape(self.lookup)}\s*="


@dataclass(frozen=True, kw_only=True)
class FunctionAnswer(_Answer):
    """A function the student writes, compared case by case with a reference."""
    kind: ClassVar[str] = "function"
    name: str
    notebook: str
    points: int
    params: tuple           # argument names, in the order the function takes them
    returns: tuple          # names of the returned values (a tuple when more than one)
    make_cases: Callable    # rng -> list of dicts {param: value}
    reference: Callable     # (**case) -> tuple of expected values, from adamedu.optimizers
    mistakes: tuple = ()    # (hint, model): model(**case) gives what a typical slip returns
    hint: str = ""          # said when the result is wrong in no recognised way
    subject: str = ""       # what the answer is compared with, for the pass line

    def cases(self, rng):
        return self.make_cases(rng)

    @property
    def lookup(self):
        return self.name

    @property
    def definition(self):
        return rf"^def {re.escape(self.name)}\("


@dataclass(frozen=True, kw_only=True)
class ValueAnswer(_Answer):
    """A conceptual question answered by setting a variable to a number or a bool."""
    kind: ClassVar[str] = "value"
    name: str
    notebook: str
    points: int
    expected: object
    hint: str
    wrong: tuple = ()       # (value, hint) for answers that reveal a specific mix-up

    @property
    def variable(self):
        return self.name.upper()


@dataclass(frozen=True, kw_only=True)
class TuningAnswer(_Answer):
    """Hyperparameters that must bring `surface` below `target` within `steps` steps."""
    kind: ClassVar[str] = "tuning"
    name: str
    notebook: str
    points: int
    variable: str
    optimizer: str          # a name for optimizers.make
    allowed: tuple          # the hyperparameters the student may set
    surface: str
    steps: int
    target: float
    hint: str = "compare a few settings with the sweep in lesson 08"  # said when it misses


# --------------------------------------------------------------------------- shared mistakes

_FIXED_BETAS = (_mistake("fixed_betas", "use the arguments beta1 and beta2, not the numbers "
                         "0.9 and 0.999: the cases pass other values"),
                lambda **case: cases.adam_model(**{**case, "beta1": 0.9, "beta2": 0.999}))

FIRST_BUF = _mistake("first_buf_none", "on the first step buf is None: the buffer starts as "
                     "a copy of the gradient (torch's convention), then buf = momentum * buf "
                     "+ grad")

_MOMENTUM_MISTAKES = (
    (_mistake("damped_momentum", "this is the damped average buf = momentum*buf + (1 - "
              "momentum)*grad; torch's heavy ball adds the whole gradient: buf = "
              "momentum*buf + grad"),
     lambda **c: cases.heavy_ball(**c, dampened=True)),
    (_mistake("velocity_form", "this is the velocity form (v = momentum*v - lr*grad; "
              "theta + v); the course uses torch's convention: buf = momentum*buf + grad, "
              "theta - lr*buf"),
     lambda **c: cases.heavy_ball(**c, velocity=True)),
)

_T_FIRST = _mistake("t_not_incremented", "t must be incremented before the bias correction, "
                    "so the first step uses t = 1")
_EPS_INSIDE = _mistake("eps_inside_root", "eps belongs outside the square root: divide by "
                       "sqrt(...) + eps, not sqrt(... + eps)")


def _adam_family_slips(v="v"):
    """The slips AMSGrad and AdamW share, tried after their own; `v` is what the bias
    correction divides. (adam_step tries them in its own order, which settles near-ties.)"""
    return ((_EPS_INSIDE, cases.adam_with(eps_inside=True)),
            (_mistake("no_bias_correction", f"no bias correction: divide m by (1 - beta1**t) "
                      f"and {v} by (1 - beta2**t)"), cases.adam_with(bias=False)),
            _FIXED_BETAS)


# --------------------------------------------------------------------------- the answers

ANSWERS = (
    # ex01: gradient descent and momentum
    FunctionAnswer(
        name="gd_step", notebook="ex01_gradient_descent", points=2,
        params=("theta", "grad", "lr"), returns=("theta",),
        make_cases=cases.gd_cases,
        reference=lambda theta, grad, lr: (cases.sgd_ref(theta, grad, None, lr, 0, False)[0],),
        mistakes=((_mistake("uphill", "you stepped uphill: gradient descent subtracts lr * grad"),
                   lambda theta, grad, lr: (theta + lr * grad,)),),
        hint="theta_new = theta - lr * grad", subject="optimizers.SGD"),
    FunctionAnswer(
        name="momentum_step", notebook="ex01_gradient_descent", points=3,
        params=("theta", "grad", "buf", "lr", "momentum"), returns=("theta", "buf"),
        make_cases=cases.momentum_cases,
        reference=lambda **c: cases.sgd_ref(**c, nesterov=False),
        mistakes=_MOMENTUM_MISTAKES,
        hint="buf = grad (first step) or momentum * buf + grad; theta_new = theta - lr * buf",
        subject="optimizers.SGD(momentum=...)"),
    FunctionAnswer(
        name="nesterov_step", notebook="ex01_gradient_descent", points=3,
        params=("theta", "grad", "buf", "lr", "momentum"), returns=("theta", "buf"),
        make_cases=cases.momentum_cases,
        reference=lambda **c: cases.sgd_ref(**c, nesterov=True),
        mistakes=((_mistake("heavy_ball_not_nesterov", "this is the heavy-ball step; Nesterov "
                            "steps along grad + momentum * buf (with the new buf)"),
                   lambda **c: cases.heavy_ball(**c)),) + _MOMENTUM_MISTAKES,
        hint="update buf as for momentum, then theta_new = theta - lr * (grad + momentum * buf)",
        subject="optimizers.SGD(nesterov=True)"),
    ValueAnswer(name="momentum_gain", notebook="ex01_gradient_descent", points=1, expected=10.0,
                hint="sum the geometric series 1 + momentum + momentum**2 + ...",
                wrong=((0.9, _mistake("gain_is_momentum", "that is momentum itself; the steps "
                                      "add up to a geometric series")),
                       (1.9, _mistake("series_cut_short", "add all the terms of the series, "
                                      "not just two")))),
    ValueAnswer(name="largest_stable_lr", notebook="ex01_gradient_descent", points=1, expected=0.5,
                hint="on f(x) = (L/2) x**2 one step multiplies x by (1 - lr * L): the iterates "
                "shrink while that factor stays between -1 and 1",
                wrong=((0.25, _mistake("one_step_lr", "that lr reaches the minimum in one step; "
                                       "a larger lr overshoots, yet still converges while "
                                       "|1 - lr * L| < 1")),
                       (2.0, _mistake("wrong_curvature", "L is the second derivative of f; "
                                      "differentiate f twice")),
                       (1.0, "L is the second derivative of f; differentiate f twice"))),
    # ex03: Adagrad
    FunctionAnswer(
        name="adagrad_step", notebook="ex03_adagrad", points=7,
        params=("theta", "grad", "state_sum", "lr", "eps"),
        returns=("theta", "state_sum"), make_cases=cases.adagrad_cases, reference=cases.adagrad_ref,
        mistakes=((_EPS_INSIDE, lambda **c: cases.adagrad_model(**c, eps_inside=True)),
                  (_mistake("sum_updated_late", "add grad**2 to state_sum before dividing: the "
                            "current gradient counts in its own step"),
                   lambda **c: cases.adagrad_model(**c, old_sum=True))),
        hint="state_sum + grad**2, then theta - lr * grad / (sqrt(state_sum) + eps)",
        subject="optimizers.Adagrad"),
    ValueAnswer(name="accumulator", notebook="ex03_adagrad", points=1, expected=25.0,
                hint="the accumulator is a running sum over every step so far, of squared "
                     "gradients",
                wrong=((7.0, _mistake("summed_gradients", "Adagrad accumulates squared "
                                      "gradients, not the gradients themselves")),
                       (5.0, _mistake("sqrt_of_accumulator", "that is the square root; the "
                                      "accumulator holds the sum itself")))),
    ValueAnswer(name="second_step", notebook="ex03_adagrad", points=1, expected=0.8,
                hint="lr * g / sqrt(accumulator), with the accumulator including this gradient",
                wrong=((4 / 3, _mistake("gradient_not_accumulated", "include the second "
                                        "gradient in the accumulator before dividing")),
                       (1.0, _mistake("only_current_gradient", "the accumulator also remembers "
                                      "the first gradient: past steps keep shrinking later "
                                      "ones")))),
    ValueAnswer(name="rate_can_grow", notebook="ex03_adagrad", points=1, expected=False,
                hint="the accumulator only ever grows, so lr / (sqrt(sum) + eps) can only shrink",
                wrong=((True, _mistake("rate_grows", "the accumulator never decreases, so no "
                                       "coordinate's rate can rise; coordinates with small past "
                                       "gradients shrink less")),)),
    # ex04: RMSprop
    FunctionAnswer(
        name="rmsprop_step", notebook="ex04_rmsprop", points=6,
        params=("theta", "grad", "v", "lr", "alpha", "eps"),
        returns=("theta", "v"), make_cases=cases.rmsprop_cases, reference=cases.rmsprop_ref,
        mistakes=((_EPS_INSIDE, lambda **c: cases.rmsprop_model(**c, eps_inside=True)),
                  (_mistake("alpha_swapped", "alpha weighs the old average: v = alpha * v + "
                            "(1 - alpha) * grad**2"),
                   lambda **c: cases.rmsprop_model(**c, swapped=True)),
                  (_mistake("v_updated_late", "update v before dividing: the current gradient "
                            "counts in its own step"),
                   lambda **c: cases.rmsprop_model(**c, old_v=True))),
        hint="v = alpha * v + (1 - alpha) * grad**2; theta - lr * grad / (sqrt(v) + eps)",
        subject="optimizers.RMSprop"),
    ValueAnswer(name="weight_two_back", notebook="ex04_rmsprop", points=2, expected=0.081,
                hint="unroll v twice: each older term picks up one more factor alpha",
                wrong=((0.1, _mistake("newest_weight", "that is the newest gradient's weight; "
                                      "older gradients have been decayed since they entered")),
                       (0.81, _mistake("entry_weight_missing", "that is how much of its weight "
                                       "survives; a gradient enters v with a weight of its own "
                                       "first")),
                       (0.09, _mistake("decayed_once", "count the steps: every step after a "
                                       "gradient enters v decays it once more")))),
    ValueAnswer(name="first_step_ratio", notebook="ex04_rmsprop", points=2, expected=10.0,
                hint="v starts at 0, so after one step it holds only a small share of g**2, and "
                "sqrt(v) underestimates |g|",
                wrong=((1.0, _mistake("v_is_g_squared", "v starts at 0: after one step it "
                                      "holds only its (1 - alpha) share of g**2, not g**2")),
                       (100.0, _mistake("missing_sqrt", "take the square root of v")))),
    # ex05: Adam
    FunctionAnswer(
        name="adam_step", notebook="ex05_adam", points=6,
        params=("theta", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps"),
        returns=("theta", "m", "v", "t"),
        make_cases=cases.adam_like_cases, reference=cases.adam_ref,
        mistakes=(
            (_mistake("no_bias_correction", "no bias correction: divide m by (1 - beta1**t) "
                      "and v by (1 - beta2**t)"), cases.adam_with(bias=False)),
            _FIXED_BETAS,
            (_T_FIRST, lambda **c: cases.adam_model(**c, t_used=c["t"])),
            (_T_FIRST, lambda **c: cases.adam_model(**c, t_used=c["t"], eps_before=True)),
            (_EPS_INSIDE, cases.adam_with(eps_inside=True)),
            (_mistake("eps_before_correction", "eps is added before the bias correction (the "
                      "paper's 'efficient' form); torch adds eps to sqrt(v_hat)"),
             cases.adam_with(eps_before=True)),
        ),
        hint="t + 1; m and v moving averages; m_hat, v_hat; "
             "theta - lr * m_hat / (sqrt(v_hat) + eps)",
        subject="optimizers.Adam"),
    ValueAnswer(name="m_hat_first", notebook="ex05_adam", points=1, expected=2.0,
                hint="m starts at 0, so after one step it holds only a small share of g; m_hat "
                "undoes exactly that shrinkage",
                wrong=((0.2, _mistake("m_not_m_hat", "that is m, still biased toward its "
                                      "starting value 0; m_hat removes that bias")),)),
    ValueAnswer(name="constant_g_step", notebook="ex05_adam", points=1, expected=0.01,
                hint="with a constant g the bias-corrected averages are exact: m_hat is g and "
                "v_hat is g**2; what is left of m_hat / sqrt(v_hat)?",
                wrong=((0.05, _mistake("step_scales_with_g", "Adam's step does not grow with "
                                       "|g|: scaling g scales m_hat and sqrt(v_hat) alike")),)),
    ValueAnswer(name="no_bias_first_step", notebook="ex05_adam", points=2,
                expected=0.1 / math.sqrt(0.001),
                hint="without the correction, m keeps only its (1 - beta1) share of g and v its "
                "(1 - beta2) share of g**2 after the first step, and the two shares do not "
                "cancel in m / sqrt(v)",
                wrong=((1.0, _mistake("bias_corrected_anyway", "that is the step with bias "
                                      "correction; without it m and v keep their shares of "
                                      "g and g**2")),
                       (100.0, "take the square root of v"))),
    # ex07: AMSGrad and AdamW
    FunctionAnswer(
        name="amsgrad_step", notebook="ex07_when_adam_fails", points=4,
        params=("theta", "grad", "m", "v", "v_max", "t", "lr", "beta1", "beta2", "eps"),
        returns=("theta", "m", "v", "v_max", "t"),
        make_cases=lambda rng: cases.adam_like_cases(rng, amsgrad=True), reference=cases.adam_ref,
        mistakes=(
            (_mistake("v_hat_not_v_max", "this divides by sqrt(v_hat) as plain Adam does; "
                      "AMSGrad divides by the bias-corrected running max v_max"),
             cases.adam_with(use_v=True)),
            (_mistake("max_of_v_hat", "take the max over the raw v, then bias-correct it with "
                      "the current (1 - beta2**t), as torch does"),
             cases.adam_with(max_of_hat=True)),
            (_mistake("max_before_update", "update v first, then take max(v_max, new v)"),
             cases.adam_with(max_before=True)),
        ) + _adam_family_slips("v_max"),
        hint="as adam_step, but v_max = max(v_max, v) and v_hat = v_max / (1 - beta2**t)",
        subject="optimizers.Adam(amsgrad=True)"),
    FunctionAnswer(
        name="adamw_step", notebook="ex07_when_adam_fails", points=4,
        params=("theta", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps", "weight_decay"),
        returns=("theta", "m", "v", "t"),
        make_cases=lambda rng: cases.adam_like_cases(rng, adamw=True), reference=cases.adam_ref,
        mistakes=(
            (_mistake("l2_not_decoupled", "this is L2 regularisation (grad + weight_decay * "
                      "theta inside Adam); AdamW decays theta directly: theta * (1 - lr * "
                      "weight_decay)"), cases.adam_with(l2=True)),
            (_mistake("decay_without_lr", "the decay is scaled by lr: theta * (1 - lr * "
                      "weight_decay)"), cases.adam_with(decay_no_lr=True)),
            (_mistake("decay_after_step", "decay theta before the Adam step, as torch does"),
             cases.adam_with(decay_after=True)),
        ) + _adam_family_slips(),
        hint="theta * (1 - lr * weight_decay), then the Adam step from the raw gradient",
        subject="optimizers.AdamW"),
    ValueAnswer(name="adamw_shrink", notebook="ex07_when_adam_fails", points=1, expected=0.999,
                hint="AdamW multiplies theta by (1 - lr * weight_decay) before each step",
                wrong=((0.99, _mistake("decay_without_lr", "torch scales the decay by lr: the "
                                       "factor is not 1 - weight_decay")),
                       (0.001, _mistake("removed_not_factor", "that is the share removed; the "
                                        "question asks for the factor theta is multiplied "
                                        "by")))),
    ValueAnswer(name="l2_is_rescaled", notebook="ex07_when_adam_fails", points=1, expected=True,
                hint="with L2, weight_decay * theta is added to the gradient before m and v",
                wrong=((False, _mistake("l2_not_rescaled", "L2 adds weight_decay * theta to the "
                                        "gradient, so it passes through m_hat / sqrt(v_hat) "
                                        "like the rest of it")),)),
    # ex08: tuning
    TuningAnswer(name="tune_momentum", notebook="ex08_hyperparameters", points=5,
                 variable="MOMENTUM_HP", optimizer="momentum",
                 allowed=("lr", "momentum"), surface="quadratic", steps=30, target=1e-6,
                 hint="lesson 1 tunes heavy ball's lr and momentum together from a "
                      "quadratic's smallest and largest curvature"),
    TuningAnswer(name="tune_adam", notebook="ex08_hyperparameters", points=5,
                 variable="ADAM_HP", optimizer="adam",
                 allowed=("lr", "beta1", "beta2"), surface="rosenbrock", steps=500, target=1e-4),
    # ex02: noisy gradients
    FunctionAnswer(
        name="minibatch_grad", notebook="ex02_noisy_gradients", points=4,
        params=("theta", "X", "y", "rows"), returns=("grad",),
        make_cases=cases.minibatch_grad_cases, reference=cases.minibatch_grad_ref,
        mistakes=((_mistake("minibatch_grad_slip1", "a minibatch gradient is the mean of its "
                            "rows' gradients, not their sum, so its size does not grow with the "
                            "batch size"),
                   lambda **c: cases.lsq_model(**c, total=True)),
                  (_mistake("minibatch_grad_slip2", "average over the rows of the minibatch, not "
                            "over the whole training set"),
                   lambda **c: cases.lsq_model(**c, by_n=True)),
                  (_mistake("minibatch_grad_slip3", "use only the rows listed in `rows`: that is "
                            "what makes it a minibatch"),
                   lambda **c: cases.lsq_model(**c, full=True)),
                  (_mistake("minibatch_grad_slip4", "the residual is prediction minus target; "
                            "the other way round the gradient points downhill"),
                   lambda **c: cases.lsq_model(**c, flip=True))),
        hint="each row's gradient is its residual (prediction minus target) times its "
             "features; the minibatch gradient is their mean over the chosen rows",
        subject="noise.minibatch_grad"),
    ValueAnswer(name="ema_variance", notebook="ex02_noisy_gradients", points=2,
                expected=4 * 0.2 / 1.8,
                hint="the variance of a weighted sum of independent terms adds up the squared "
                "weights, over every past gradient",
                wrong=((0.8, _mistake("ema_variance_slip1", "square the weights: variances "
                                      "scale with the square of a factor")),
                       (0.16, _mistake("ema_variance_slip2", "every past gradient contributes, "
                                       "not only the newest one")),
                       (4.0, _mistake("ema_variance_slip3", "averaging removes part of the "
                                      "noise: the weights are below 1")))),
    ValueAnswer(name="batch_for_noise", notebook="ex02_noisy_gradients", points=2, expected=128.0,
                hint="the variance, not the standard deviation, falls in proportion to 1/B",
                wrong=((32.0, _mistake("batch_for_noise_slip1", "it is the variance that "
                                       "falls as 1/B; the standard deviation falls only as "
                                       "1/sqrt(B)")),
                       (2.0, _mistake("batch_for_noise_slip2", "a larger batch lowers the "
                                      "noise: B must grow")))),
    ValueAnswer(name="noisy_adam_step", notebook="ex02_noisy_gradients", points=2, expected=0.6,
                hint="m_hat estimates the mean; v_hat estimates the second moment, mean squared "
                "plus variance",
                wrong=((0.75, _mistake("noisy_adam_step_slip1", "v_hat is the second moment "
                                       "(mean squared plus variance), not the variance: divide "
                                       "by its square root")),
                       (1.0, _mistake("noisy_adam_step_slip2", "Adam's step is about lr only "
                                      "when the gradient is free of noise")))),
    # ex06: a minibatch training loop with Adam written from scratch
    FunctionAnswer(
        name="adam_epoch", notebook="ex06_adam_in_practice", points=6,
        params=("theta", "m", "v", "t", "X", "y", "order", "batch_size", "lr"),
        returns=("theta", "m", "v", "steps"),
        make_cases=cases.epoch_cases, reference=cases.epoch_ref,
        mistakes=((_mistake("adam_epoch_slip1", "t counts optimizer steps: one per "
                            "minibatch, not one per epoch"),
                   lambda **c: cases.epoch_model(**c, t_once=True)),
                  (_mistake("adam_epoch_slip2", "correct m and v for their zero start at every "
                            "step, as in lesson 5"),
                   lambda **c: cases.epoch_model(**c, bias=False)),
                  (_mistake("adam_epoch_slip3", "when batch_size does not divide the number of "
                            "rows, the last minibatch is smaller, and it still gets its step"),
                   lambda **c: cases.epoch_model(**c, drop_last=True)),
                  (_mistake("adam_epoch_slip4", "take the minibatches in the order given by "
                            "`order` (the epoch's shuffle)"),
                   lambda **c: cases.epoch_model(**c, in_row_order=True)),
                  (_mistake("adam_epoch_slip5", "each step uses its own minibatch's gradient, "
                            "not the gradient of all rows"),
                   lambda **c: cases.epoch_model(**c, full=True))),
        hint="cut `order` into consecutive minibatches; for each, the model's gradient on "
             "those rows, then one Adam step with torch's defaults for beta1, beta2 and eps",
        subject="models + optimizers.Adam"),
    ValueAnswer(name="steps_per_epoch", notebook="ex06_adam_in_practice", points=1, expected=11.0,
                hint="one step per minibatch, and the rows left over form one more, smaller "
                     "minibatch",
                wrong=((10.0, _mistake("steps_per_epoch_slip1", "the rows left over still "
                                       "form a minibatch, and it gets a step")),
                       (1348 / 128, _mistake("steps_per_epoch_slip2", "a step uses a whole "
                                             "minibatch: count minibatches")))),
    ValueAnswer(name="softmax_params", notebook="ex06_adam_in_practice", points=1, expected=650.0,
                hint="a weight for every pixel and class, plus a bias for every class",
                wrong=((640.0, _mistake("softmax_params_slip1", "each class also has a bias")),
                       (74.0, _mistake("softmax_params_slip2", "the weights form a matrix: "
                                       "one per pixel per class")))),
    ValueAnswer(name="adam_state_numbers", notebook="ex06_adam_in_practice", points=1,
                expected=1300.0,
                hint="Adam keeps two running averages, each the size of the parameter vector",
                wrong=((650.0, _mistake("adam_state_numbers_slip1", "Adam keeps two "
                                        "averages, m and v")),
                       (1950.0, _mistake("adam_state_numbers_slip2", "count only the "
                                         "optimizer's state, not the parameters")))),
    ValueAnswer(name="same_lr_is_fair", notebook="ex06_adam_in_practice", points=1, expected=False,
                hint="lesson 6's rules for a fair race: same start, same batches, and each "
                "optimizer at its own best learning rate",
                wrong=((True, _mistake("same_lr_is_fair_slip1", "the best learning rates "
                                       "differ by up to 100 times between optimizers, so one "
                                       "shared rate measures the rate, not the optimizer")),)),
    # ex09: memory and scale
    FunctionAnswer(
        name="zero_bytes", notebook="ex09_memory_and_scale", points=4,
        params=("n_params", "n_devices", "stage"),
        returns=("bytes",), make_cases=cases.zero_cases, reference=cases.zero_ref,
        mistakes=((_mistake("zero_bytes_slip1", "stage 1 shards the optimizer state only; "
                            "each later stage adds one more kind of tensor"),
                   lambda **c: cases.zero_model(**c, shift=1)),
                  (_mistake("zero_bytes_slip2", "stage 0 shards nothing; stage 1 already "
                            "shards the optimizer state"),
                   lambda **c: cases.zero_model(**c, shift=-1)),
                  (_mistake("zero_bytes_slip3", "the fp32 master copy of the weights belongs to "
                            "the optimizer state too"),
                   lambda **c: cases.zero_model(**c, no_master=True)),
                  (_mistake("zero_bytes_slip4", "in mixed precision the weights and gradients "
                            "used in the forward and backward passes are 16-bit"),
                   lambda **c: cases.zero_model(**c, fp32=True))),
        hint="bytes per parameter that every device keeps whole, plus the sharded ones "
             "divided among the devices, times the number of parameters",
        subject="memory.zero_per_device"),
    ValueAnswer(name="adam_state_fp32", notebook="ex09_memory_and_scale", points=1, expected=8.0,
                hint="count the optimizer's own buffers and the bytes of one fp32 number",
                wrong=((4.0, _mistake("adam_state_fp32_slip1", "Adam keeps two buffers, m and v")),
                       (16.0, _mistake("adam_state_fp32_slip2", "weights and gradients are "
                                       "not optimizer state")))),
    ValueAnswer(name="mixed_optimizer_bytes", notebook="ex09_memory_and_scale", points=1,
                expected=12.0,
                hint="in mixed precision the optimizer keeps its own fp32 tensors",
                wrong=((8.0, _mistake("mixed_optimizer_bytes_slip1", "the fp32 master copy "
                                      "of the weights is optimizer state too")),
                       (16.0, _mistake("mixed_optimizer_bytes_slip2", "the 16-bit weights and "
                                       "gradients belong to the forward and backward passes, "
                                       "not the optimizer")))),
    ValueAnswer(name="model_gb_fp32", notebook="ex09_memory_and_scale", points=2, expected=48.0,
                hint="bytes per parameter for everything training keeps, times the parameters",
                wrong=((12.0, _mistake("model_gb_fp32_slip1", "count the gradients, m and v "
                                       "as well as the weights")),
                       (24.0, _mistake("model_gb_fp32_slip2", "count Adam's m and v as well")),
                       (3e9 * 16 / 2**30, _mistake("model_gb_fp32_slip3", "GB here means 10**9 "
                                                   "bytes, not 2**30")))),
    ValueAnswer(name="zero2_gb", notebook="ex09_memory_and_scale", points=2,
                expected=13e9 * (2 + 14 / 16) / 1e9,
                hint="the unsharded bytes stay whole on every device; the sharded ones are "
                     "divided",
                wrong=((13e9 * (4 + 12 / 16) / 1e9, _mistake("zero2_gb_slip1", "that is stage "
                                                             "1; stage 2 also shards the "
                                                             "gradients")),
                       (13.0, _mistake("zero2_gb_slip2", "that is stage 3; stage 2 keeps the "
                                       "weights whole")),
                       (208.0, _mistake("zero2_gb_slip3", "stage 2 shards part of the memory "
                                        "across the 16 devices")))),
)

_BY_NAME = {a.name: a for a in ANSWERS}
assert len(_BY_NAME) == len(ANSWERS), "answer names must be unique across notebooks"


def by_name(name):
    """The answer called `name` (e.g. "adam_step")."""
    return _BY_NAME[name]


def notebook_answers(notebook):
    """The answers of one exercise notebook (e.g. "ex05_adam"), in order."""
    return [a for a in ANSWERS if a.notebook == notebook]
