"""Exercise 4: RMSprop."""
from adamedu.course import cases
from adamedu.course.answers.kinds import (
    ChoiceAnswer,
    FunctionAnswer,
    ValueAnswer,
    ladder,
    mistake,
)
from adamedu.course.answers.shared import EPS_INSIDE, MISSING_SQRT

NB = "ex04_rmsprop"

ANSWERS = (
    FunctionAnswer(
        name="rmsprop_step", notebook=NB, points=5,
        params=("theta", "grad", "v", "lr", "alpha", "eps"),
        returns=("theta", "v"), make_cases=cases.rmsprop_cases, reference=cases.rmsprop_ref,
        mistakes=((EPS_INSIDE, lambda **c: cases.rmsprop_model(**c, eps_inside=True)),
                  (mistake("alpha_swapped", "alpha weighs the old average, not the new gradient "
                           "(lesson 4, '2. What the moving average remembers')",
                           "with alpha = 0.99, v keeps 99 % of its old value at each step"),
                   lambda **c: cases.rmsprop_model(**c, swapped=True)),
                  (mistake("v_updated_late", "the current gradient counts in its own step "
                           "(lesson 4, '1. The update')",
                           "update v before you divide by it"),
                   lambda **c: cases.rmsprop_model(**c, old_v=True))),
        hint=ladder("RMSprop divides by the root of a moving average of squared gradients "
                    "(lesson 4, '1. The update')",
                    "update v from this gradient first, then step; alpha is the weight of the "
                    "old average, and eps sits where lesson 4's update puts it"),
        subject="optimizers.RMSprop"),
    ValueAnswer(name="weight_two_back", notebook=NB, points=2, expected=0.081,
                hint="unroll v twice: each older term picks up one more factor alpha",
                wrong=((0.1, mistake("newest_weight", "that is the newest gradient's weight; "
                                     "older gradients have been decayed since they entered")),
                       (0.81, mistake("entry_weight_missing", "that is how much of its weight "
                                      "survives; a gradient enters v with a weight of its own "
                                      "first")),
                       (0.09, mistake("decayed_once", "count the steps: every step after a "
                                      "gradient enters v decays it once more")))),
    ValueAnswer(name="first_step_ratio", notebook=NB, points=2, expected=10.0,
                hint="v starts at 0, so after one step it holds only a small share of g**2, and "
                "sqrt(v) underestimates |g|",
                wrong=((1.0, mistake("v_is_g_squared", "v starts at 0: after one step it "
                                     "holds only its (1 - alpha) share of g**2, not g**2")),
                       (100.0, MISSING_SQRT))),
    ChoiceAnswer(
        name="diagnose_rmsprop", notebook=NB, points=1, options=("A", "B", "C"),
        expected={"adagrad": "B", "long_memory": "C", "short_memory": "A"},
        clues={"adagrad": mistake(
                   "diagnose_adagrad",
                   "Adagrad's sum only grows, so its steps keep shrinking (lesson 3, '5. The "
                   "price: the rate keeps shrinking')",
                   "look for step lengths that keep falling, far below lr by the end"),
               "long_memory": mistake(
                   "diagnose_long_memory",
                   "with alpha close to 1, v starts at 0 and fills slowly, so the first steps "
                   "are too long (lesson 4, '5. The first steps are too big')",
                   "look for first steps many times longer than lr, then a slow settling"),
               "short_memory": mistake(
                   "diagnose_short_memory",
                   "with a short memory v follows each new squared gradient, so every step is "
                   "about lr long (lesson 4, '4. RMSprop's effective step')",
                   "look for step lengths that stay nearly level from the first step on")}),
)
