"""Exercise 3: Adagrad."""
from adamedu.course import cases
from adamedu.course.answers.kinds import FunctionAnswer, ValueAnswer, ladder, mistake
from adamedu.course.answers.shared import EPS_INSIDE

NB = "ex03_adagrad"

ANSWERS = (
    FunctionAnswer(
        name="adagrad_step", notebook=NB, points=6,
        params=("theta", "grad", "state_sum", "lr", "eps"),
        returns=("theta", "state_sum"), make_cases=cases.adagrad_cases, reference=cases.adagrad_ref,
        mistakes=((EPS_INSIDE, lambda **c: cases.adagrad_model(**c, eps_inside=True)),
                  (mistake("sum_updated_late", "the current gradient counts in its own step "
                           "(lesson 3, '1. The update')",
                           "grow the accumulator before you divide by it"),
                   lambda **c: cases.adagrad_model(**c, old_sum=True))),
        hint=ladder("Adagrad divides each coordinate's step by the root of its accumulated "
                    "squared gradients (lesson 3, '1. The update')",
                    "two lines: grow the accumulator with this gradient, then step; eps keeps "
                    "the division safe and sits where lesson 3's update puts it"),
        subject="optimizers.Adagrad"),
    ValueAnswer(name="accumulator", notebook=NB, points=1, expected=25.0,
                hint="the accumulator is a running sum over every step so far, of squared "
                     "gradients",
                wrong=((7.0, mistake("summed_gradients", "Adagrad accumulates squared "
                                     "gradients, not the gradients themselves")),
                       (5.0, mistake("sqrt_of_accumulator", "that is the square root; the "
                                     "accumulator holds the sum itself")))),
    ValueAnswer(name="second_step", notebook=NB, points=1, expected=0.8,
                hint="lr * g / sqrt(accumulator), with the accumulator including this gradient",
                wrong=((4 / 3, mistake("gradient_not_accumulated", "include the second "
                                       "gradient in the accumulator before dividing")),
                       (1.0, mistake("only_current_gradient", "the accumulator also remembers "
                                     "the first gradient: past steps keep shrinking later "
                                     "ones")))),
    ValueAnswer(name="rate_can_grow", notebook=NB, points=1, expected=False,
                hint="the accumulator only ever grows, so lr / (sqrt(sum) + eps) can only shrink",
                wrong=((True, mistake("rate_grows", "the accumulator never decreases, so no "
                                      "coordinate's rate can rise; coordinates with small past "
                                      "gradients shrink less")),)),
    ValueAnswer(name="adagrad_step_100", notebook=NB, points=1, expected=0.01, skill="predict",
                hint="after t steps of the same gradient the accumulator holds t copies of its "
                "square, and the step divides lr times the gradient by the root of that "
                "(lesson 3, '5. The price: the rate keeps shrinking')",
                wrong=((0.1, mistake("step_stays_lr", "that is the first step; the accumulator "
                                     "keeps growing, so later steps are shorter")),
                       (0.001, mistake("step_shrinks_like_t", "the accumulator grows like t, "
                                       "but the step divides by its square root")),
                       (0.02, mistake("gradient_not_squared", "the accumulator adds squared "
                                      "gradients, so the size of g cancels between the "
                                      "numerator and the root")))),
)
