"""Exercise 2: noisy gradients."""
from adamedu.course import cases
from adamedu.course.answers.kinds import FunctionAnswer, ValueAnswer, ladder, mistake

NB = "ex02_noisy_gradients"
SECTION = "(lesson 2, 'A training set and its minibatches')"
INVERTED = mistake("floor_ratio_inverted", "the question asks for the floor at the larger lr "
                   "over the floor at the smaller one")

ANSWERS = (
    FunctionAnswer(
        name="minibatch_grad", notebook=NB, points=4,
        params=("theta", "X", "y", "rows"), returns=("grad",),
        make_cases=cases.minibatch_grad_cases, reference=cases.minibatch_grad_ref,
        mistakes=((mistake("minibatch_grad_slip1", "a minibatch gradient is the mean of its "
                           f"rows' gradients, not their sum {SECTION}",
                           "its size must not grow with the batch size"),
                   lambda **c: cases.lsq_model(**c, total=True)),
                  (mistake("minibatch_grad_slip2", "average over the rows of the minibatch, "
                           f"not over the whole training set {SECTION}",
                           "divide by how many rows the minibatch has"),
                   lambda **c: cases.lsq_model(**c, by_n=True)),
                  (mistake("minibatch_grad_slip3", "use only the rows listed in `rows`: that "
                           f"is what makes it a minibatch {SECTION}",
                           "index X and y with rows before computing anything"),
                   lambda **c: cases.lsq_model(**c, full=True)),
                  (mistake("minibatch_grad_slip4", "the residual is prediction minus target; "
                           f"the other way round the gradient points downhill {SECTION}",
                           "check the sign of your residual"),
                   lambda **c: cases.lsq_model(**c, flip=True))),
        hint=ladder("each row's gradient is its residual (prediction minus target) times its "
                    f"features; the minibatch gradient is their mean over the chosen rows "
                    f"{SECTION}",
                    "pick the rows, compute their residuals, weight each row's features by "
                    "its residual, and average"),
        subject="noise.minibatch_grad"),
    ValueAnswer(name="ema_variance", notebook=NB, points=2, expected=4 * 0.2 / 1.8,
                hint="the variance of a weighted sum of independent terms adds up the squared "
                "weights, over every past gradient",
                wrong=((0.8, mistake("ema_variance_slip1", "square the weights: variances "
                                     "scale with the square of a factor")),
                       (0.16, mistake("ema_variance_slip2", "every past gradient contributes, "
                                      "not only the newest one")),
                       (4.0, mistake("ema_variance_slip3", "averaging removes part of the "
                                     "noise: the weights are below 1")))),
    ValueAnswer(name="batch_for_noise", notebook=NB, points=2, expected=128.0,
                hint="the variance, not the standard deviation, falls in proportion to 1/B",
                wrong=((32.0, mistake("batch_for_noise_slip1", "it is the variance that "
                                      "falls as 1/B; the standard deviation falls only as "
                                      "1/sqrt(B)")),
                       (2.0, mistake("batch_for_noise_slip2", "a larger batch lowers the "
                                     "noise: B must grow")))),
    ValueAnswer(name="noisy_adam_step", notebook=NB, points=1, expected=0.6,
                hint="m_hat estimates the mean; v_hat estimates the second moment, mean squared "
                "plus variance",
                wrong=((0.75, mistake("noisy_adam_step_slip1", "v_hat is the second moment "
                                      "(mean squared plus variance), not the variance: divide "
                                      "by its square root")),
                       (1.0, mistake("noisy_adam_step_slip2", "Adam's step is about lr only "
                                     "when the gradient is free of noise")))),
    ValueAnswer(name="floor_ratio", notebook=NB, points=1, expected=3.0, skill="predict",
                hint="lesson 2's floor for SGD, 'SGD's noise floor', has lr in its numerator "
                "and lr h in its denominator; here lr h is not small",
                wrong=((2.0, mistake("floor_ratio_proportional", "that is what 'proportional "
                                     "to lr' gives; with lr h this large, the lr in the "
                                     "floor's denominator matters too")),
                       (4.0, mistake("floor_ratio_squared", "the floor grows like lr, not like "
                                     "lr squared: each step adds noise of size lr, but the "
                                     "iterate also forgets it faster")),
                       (0.5, INVERTED), (1 / 3, INVERTED))),
)
