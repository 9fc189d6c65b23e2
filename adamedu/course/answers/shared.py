"""Mistakes several answers share: momentum's buffer and Adam's family."""
from adamedu.course import cases
from adamedu.course.answers.kinds import mistake

FIRST_BUF = mistake(
    "first_buf_none",
    "on the first step buf is None: there is no buffer to decay yet (lesson 1, 'Momentum: "
    "remember the previous steps'; torch's convention)",
    "when buf is None, the buffer starts as a copy of this gradient; from the second step on "
    "it is decayed and the gradient added")

MOMENTUM_MISTAKES = (
    (mistake("damped_momentum",
             "this is the damped (exponential) average; torch's heavy ball adds the whole "
             "gradient to the decayed buffer (lesson 1, 'Momentum: remember the previous steps')",
             "the gradient enters the buffer without a factor in front of it"),
     lambda **c: cases.heavy_ball(**c, dampened=True)),
    (mistake("velocity_form",
             "this is the velocity form, with lr inside the buffer; the course follows torch, "
             "whose buffer holds gradients only (lesson 1, 'Momentum: remember the previous "
             "steps')",
             "keep lr out of the buffer and apply it when theta moves"),
     lambda **c: cases.heavy_ball(**c, velocity=True)),
)

T_FIRST = mistake(
    "t_not_incremented",
    "t counts the steps taken, and this step counts: the first step uses t = 1 (lesson 5, "
    "'6. Conventions that trip people up')",
    "increment t before the bias correction uses it")
EPS_INSIDE = mistake(
    "eps_inside_root",
    "compare where eps enters your denominator with the update in the lesson (lesson 3, "
    "'1. The update'; lesson 5, '2. The whole algorithm')",
    "eps is added to the square root after it is taken, not to the number under it")
NO_BIAS = mistake(
    "no_bias_correction",
    "no bias correction: m and v start at zero and underestimate their averages in the first "
    "steps (lesson 5, '4. The bias correction')",
    "divide each moment by the share of weight it has gathered after t steps (for AMSGrad, "
    "the running maximum takes v's place)")
FIXED_BETAS = (
    mistake("fixed_betas", "use the arguments beta1 and beta2, not the numbers 0.9 and 0.999: "
            "the cases pass other values",
            "search your function for 0.9 and 0.999"),
    lambda **case: cases.adam_model(**{**case, "beta1": 0.9, "beta2": 0.999}))


def adam_family_slips():
    """The slips AMSGrad and AdamW share, tried after their own. (adam_step tries them in
    its own order, which settles near-ties.)"""
    return ((EPS_INSIDE, cases.adam_with(eps_inside=True)),
            (NO_BIAS, cases.adam_with(bias=False)),
            FIXED_BETAS)

MISSING_SQRT = mistake("missing_sqrt", "take the square root of v")
