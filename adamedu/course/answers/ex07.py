"""Exercise 7: AMSGrad and AdamW."""
from adamedu.course import cases
from adamedu.course.answers.kinds import FunctionAnswer, ValueAnswer, ladder, mistake
from adamedu.course.answers.shared import adam_family_slips

NB = "ex07_when_adam_fails"
L2_SECTION = "(lesson 7, 'L2 regularisation is not weight decay, inside Adam')"
DECAY_WITHOUT_LR = mistake("decay_without_lr", f"torch scales the decay by lr {L2_SECTION}",
                           "the shrink factor depends on lr as well as on weight_decay")

ANSWERS = (
    FunctionAnswer(
        name="amsgrad_step", notebook=NB, points=3,
        params=("theta", "grad", "m", "v", "v_max", "t", "lr", "beta1", "beta2", "eps"),
        returns=("theta", "m", "v", "v_max", "t"),
        make_cases=lambda rng: cases.adam_like_cases(rng, amsgrad=True), reference=cases.adam_ref,
        mistakes=(
            (mistake("v_hat_not_v_max", "this divides by the root of v_hat as plain Adam does; "
                     "AMSGrad divides by its running maximum (lesson 7, 'An online problem "
                     "where Adam goes the wrong way')",
                     "the denominator must use v_max, bias-corrected like v"),
             cases.adam_with(use_v=True)),
            (mistake("max_of_v_hat", "take the maximum over the raw v, then bias-correct it "
                     "with this step's correction, as torch does (lesson 5, '6. Conventions "
                     "that trip people up')",
                     "v_max stores uncorrected values; the correction is applied when you "
                     "divide"),
             cases.adam_with(max_of_hat=True)),
            (mistake("max_before_update", "update v first, then take the maximum (lesson 7, "
                     "'An online problem where Adam goes the wrong way')",
                     "the new v must be able to raise v_max in this very step"),
             cases.adam_with(max_before=True)),
        ) + adam_family_slips(),
        hint=ladder("as adam_step, with one change: the denominator uses the running maximum "
                    "of v (lesson 7, 'An online problem where Adam goes the wrong way')",
                    "keep v_max as the elementwise maximum of itself and the new v; "
                    "bias-correct it as you would v"),
        subject="optimizers.Adam(amsgrad=True)"),
    FunctionAnswer(
        name="adamw_step", notebook=NB, points=4,
        params=("theta", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps", "weight_decay"),
        returns=("theta", "m", "v", "t"),
        make_cases=lambda rng: cases.adam_like_cases(rng, adamw=True), reference=cases.adam_ref,
        mistakes=(
            (mistake("l2_not_decoupled", "this is L2 regularisation: the decay went into the "
                     f"gradient, so Adam rescales it {L2_SECTION}",
                     "AdamW shrinks theta itself, outside m and v; the Adam step uses the raw "
                     "gradient"), cases.adam_with(l2=True)),
            (DECAY_WITHOUT_LR, cases.adam_with(decay_no_lr=True)),
            (mistake("decay_after_step", f"decay theta before the Adam step, as torch does "
                     f"{L2_SECTION}",
                     "the Adam step moves the theta that was already shrunk"),
             cases.adam_with(decay_after=True)),
        ) + adam_family_slips(),
        hint=ladder(f"AdamW is Adam plus a shrink of theta that bypasses m and v {L2_SECTION}",
                    "shrink theta first (by an amount set by lr and weight_decay), then take "
                    "the Adam step with the raw gradient"),
        subject="optimizers.AdamW"),
    ValueAnswer(name="adamw_shrink", notebook=NB, points=1, expected=0.999,
                hint="before each step AdamW multiplies theta by a factor just below 1, set "
                "by lr and weight_decay together",
                wrong=((0.99, DECAY_WITHOUT_LR),
                       (0.001, mistake("removed_not_factor", "that is the share removed; the "
                                       "question asks for the factor theta is multiplied "
                                       "by")))),
    ValueAnswer(name="l2_is_rescaled", notebook=NB, points=1, expected=True,
                hint="with L2, weight_decay * theta is added to the gradient before m and v",
                wrong=((False, mistake("l2_not_rescaled", "L2 adds weight_decay * theta to the "
                                       "gradient, so it passes through m_hat / sqrt(v_hat) "
                                       "like the rest of it")),)),
    ValueAnswer(name="adam_bug_line", notebook=NB, points=1, expected=9, skill="find the bug",
                hint="compare each line with lesson 5, '1. The six steps, one cell each'; the "
                "table shows the very first step already goes wrong",
                wrong=((8, mistake("bug_line_m_hat", "that line corrects m as lesson 5 does; "
                                   "compare the two corrections with each other")),
                       (10, mistake("bug_line_update", "that line is lesson 5's update; look "
                                    "at what it is given")),
                       (4, mistake("bug_line_t", "t starts at 1 here, so the first step uses "
                                   "t = 1, as torch's does")),
                       (7, mistake("bug_line_v", "that line is v's moving average as lesson 5 "
                                   "writes it")))),
)
