"""Exercise 1: gradient descent and momentum."""
from adamedu.course import cases
from adamedu.course.answers.kinds import (
    ChoiceAnswer,
    FunctionAnswer,
    ValueAnswer,
    ladder,
    mistake,
)
from adamedu.course.answers.shared import MOMENTUM_MISTAKES

NB = "ex01_gradient_descent"
WRONG_CURVATURE = mistake("wrong_curvature", "L is the second derivative of f; differentiate "
                          "f twice")

ANSWERS = (
    FunctionAnswer(
        name="gd_step", notebook=NB, points=2,
        params=("theta", "grad", "lr"), returns=("theta",),
        make_cases=cases.gd_cases,
        reference=lambda theta, grad, lr: (cases.sgd_ref(theta, grad, None, lr, 0, False)[0],),
        mistakes=((mistake("uphill", "you stepped uphill: the gradient points where the loss "
                           "grows fastest (lesson 1, 'The update')",
                           "flip the direction of your step"),
                   lambda theta, grad, lr: (theta + lr * grad,)),),
        hint=ladder("gradient descent moves theta a step of size lr against the gradient "
                    "(lesson 1, 'The update')",
                    "return only the new theta, a new array; the gradient is given, so one "
                    "line does it"),
        subject="optimizers.SGD"),
    FunctionAnswer(
        name="momentum_step", notebook=NB, points=3,
        params=("theta", "grad", "buf", "lr", "momentum"), returns=("theta", "buf"),
        make_cases=cases.momentum_cases,
        reference=lambda **c: cases.sgd_ref(**c, nesterov=False),
        mistakes=MOMENTUM_MISTAKES,
        hint=ladder("the heavy-ball step keeps a buffer of past gradients and moves theta "
                    "along it (lesson 1, 'Momentum: remember the previous steps')",
                    "two updates, in order: the buffer from the new gradient, then theta from "
                    "the buffer; on the first step (buf is None) the buffer is the gradient "
                    "alone"),
        subject="optimizers.SGD(momentum=...)"),
    FunctionAnswer(
        name="nesterov_step", notebook=NB, points=2,
        params=("theta", "grad", "buf", "lr", "momentum"), returns=("theta", "buf"),
        make_cases=cases.momentum_cases,
        reference=lambda **c: cases.sgd_ref(**c, nesterov=True),
        mistakes=((mistake("heavy_ball_not_nesterov",
                           "this is the heavy-ball step; Nesterov's step adds a look-ahead "
                           "(lesson 1, 'Momentum: remember the previous steps')",
                           "theta moves along the gradient plus momentum times the new "
                           "buffer, not along the buffer alone"),
                   lambda **c: cases.heavy_ball(**c)),) + MOMENTUM_MISTAKES,
        hint=ladder("Nesterov updates the buffer as heavy ball does, then looks ahead "
                    "(lesson 1, 'Momentum: remember the previous steps')",
                    "the buffer is updated exactly as in momentum_step; only the direction "
                    "theta moves along changes"),
        subject="optimizers.SGD(nesterov=True)"),
    ValueAnswer(name="momentum_gain", notebook=NB, points=1, expected=10.0,
                hint="sum the geometric series 1 + momentum + momentum**2 + ...",
                wrong=((0.9, mistake("gain_is_momentum", "that is momentum itself; the steps "
                                     "add up to a geometric series")),
                       (1.9, mistake("series_cut_short", "add all the terms of the series, "
                                     "not just two")))),
    ValueAnswer(name="largest_stable_lr", notebook=NB, points=1, expected=0.5,
                hint="on f(x) = (L/2) x**2 one step multiplies x by (1 - lr * L): the iterates "
                "shrink while that factor stays between -1 and 1",
                wrong=((0.25, mistake("one_step_lr", "that lr reaches the minimum in one step; "
                                      "a larger lr overshoots, yet still converges while "
                                      "|1 - lr * L| < 1")),
                       (2.0, WRONG_CURVATURE),
                       (1.0, WRONG_CURVATURE))),
    ChoiceAnswer(
        name="diagnose_gd", notebook=NB, points=1, options=("A", "B", "C", "D"),
        expected={"lr_too_high": "B", "lr_too_small": "D", "momentum_too_high": "A",
                  "well_tuned": "C"},
        clues={"lr_too_high": mistake(
                   "diagnose_gd_lr_too_high",
                   "above the stability limit each step overshoots further than the last "
                   "(lesson 1, 'The stability limit: lr < 2 / L')",
                   "look for a loss that grows and a path that leaves the bowl"),
               "lr_too_small": mistake(
                   "diagnose_gd_lr_too_small",
                   "far below the limit every step is short (lesson 1, 'How big a step?')",
                   "look for a loss that falls steadily but slowly, never rising, and a path "
                   "still far from the minimum"),
               "momentum_too_high": mistake(
                   "diagnose_gd_momentum_too_high",
                   "momentum close to 1 remembers old gradients for a long time, so the path "
                   "overshoots and circles (lesson 1, 'Momentum: remember the previous steps')",
                   "look for a loss that rises and falls again and again on its way down"),
               "well_tuned": mistake(
                   "diagnose_gd_well_tuned",
                   "tuned heavy ball is the fastest on a bowl (lesson 1, 'Tuned momentum: a "
                   "speed-up by the square root of κ')",
                   "look for the loss that falls furthest within the 60 steps")}),
)
