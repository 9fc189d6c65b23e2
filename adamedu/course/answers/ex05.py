"""Exercise 5: Adam."""
import math

from adamedu.course import cases
from adamedu.course.answers.kinds import (
    ChoiceAnswer,
    FunctionAnswer,
    ValueAnswer,
    ladder,
    mistake,
)
from adamedu.course.answers.shared import (
    EPS_INSIDE,
    FIXED_BETAS,
    MISSING_SQRT,
    NO_BIAS,
    T_FIRST,
)

NB = "ex05_adam"

ANSWERS = (
    FunctionAnswer(
        name="adam_step", notebook=NB, points=6,
        params=("theta", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps"),
        returns=("theta", "m", "v", "t"),
        make_cases=cases.adam_like_cases, reference=cases.adam_ref,
        mistakes=(
            (NO_BIAS, cases.adam_with(bias=False)),
            FIXED_BETAS,
            (T_FIRST, lambda **c: cases.adam_model(**c, t_used=c["t"])),
            (T_FIRST, lambda **c: cases.adam_model(**c, t_used=c["t"], eps_before=True)),
            (EPS_INSIDE, cases.adam_with(eps_inside=True)),
            (mistake("eps_before_correction", "eps is added before the bias correction (the "
                     "paper's 'efficient' form); torch adds it to the root of v_hat (lesson 5, "
                     "'6. Conventions that trip people up')",
                     "bias-correct v first, then take the root, then add eps"),
             cases.adam_with(eps_before=True)),
        ),
        hint=ladder("follow the six steps of lesson 5, '1. The six steps, one cell each', in "
                    "order",
                    "count the step, update m, update v, correct both for their zero start, "
                    "then move theta; eps comes last, outside the root"),
        subject="optimizers.Adam"),
    ValueAnswer(name="m_hat_first", notebook=NB, points=1, expected=2.0,
                hint="m starts at 0, so after one step it holds only a small share of g; m_hat "
                "undoes exactly that shrinkage",
                wrong=((0.2, mistake("m_not_m_hat", "that is m, still biased toward its "
                                     "starting value 0; m_hat removes that bias")),)),
    ValueAnswer(name="constant_g_step", notebook=NB, points=1, expected=0.01,
                hint="with a constant g the bias-corrected averages are exact: m_hat is g and "
                "v_hat is g**2; what is left of m_hat / sqrt(v_hat)?",
                wrong=((0.05, mistake("step_scales_with_g", "Adam's step does not grow with "
                                      "|g|: scaling g scales m_hat and sqrt(v_hat) alike")),)),
    ValueAnswer(name="no_bias_first_step", notebook=NB, points=1,
                expected=0.1 / math.sqrt(0.001),
                hint="without the correction, m keeps only its (1 - beta1) share of g and v its "
                "(1 - beta2) share of g**2 after the first step, and the two shares do not "
                "cancel in m / sqrt(v)",
                wrong=((1.0, mistake("bias_corrected_anyway", "that is the step with bias "
                                     "correction; without it m and v keep their shares of "
                                     "g and g**2")),
                       (100.0, MISSING_SQRT))),
    ChoiceAnswer(
        name="diagnose_adam", notebook=NB, points=1, options=("A", "B", "C", "D"),
        expected={"lr_too_high": "C", "eps_inside_root": "D", "no_bias_correction": "A",
                  "beta2_too_small": "B"},
        clues={"lr_too_high": mistake(
                   "diagnose_lr_too_high",
                   "Adam's steps are about lr long whatever the gradient's size (lesson 5, "
                   "'5. How big is a step? The paper's bound'): a large lr makes every early "
                   "step long",
                   "look for the path whose steps are far longer than the grey one's from the "
                   "start, jumping across the bowl"),
               "eps_inside_root": mistake(
                   "diagnose_eps_inside",
                   "on a shallow bowl the gradients are tiny, and eps under the root then "
                   "outweighs v_hat in the denominator (lesson 5, '2. The whole algorithm')",
                   "look for the run whose steps are much shorter than the grey one's from "
                   "the start, so it never gets near the minimum"),
               "no_bias_correction": mistake(
                   "diagnose_no_bias",
                   "without bias correction the first steps are several times too long "
                   "(lesson 5, '4. The bias correction')",
                   "look for a run that overshoots in its first steps, then behaves like the "
                   "grey one"),
               "beta2_too_small": mistake(
                   "diagnose_beta2_small",
                   "with a small beta2, v forgets fast and follows each new squared gradient, "
                   "so the step stays about lr long even near the minimum (lesson 5, '3. Adam "
                   "= momentum + RMSprop + bias correction')",
                   "look for the run that reaches the minimum's neighbourhood but keeps "
                   "rattling there, its loss rising and falling")}),
)
