"""Exercise 8: tuning hyperparameters."""
from adamedu.course.answers.kinds import TuningAnswer, ladder

NB = "ex08_hyperparameters"

ANSWERS = (
    TuningAnswer(name="tune_momentum", notebook=NB, points=5,
                 variable="MOMENTUM_HP", optimizer="momentum",
                 allowed=("lr", "momentum"), surface="quadratic", steps=30, target=1e-6,
                 hint=ladder("lesson 1 tunes heavy ball's lr and momentum together from a "
                             "quadratic's smallest and largest curvature ('Tuned momentum: a "
                             "speed-up by the square root of κ')",
                             "read the two curvatures off f: they are the factors in front of "
                             "the squared coordinates")),
    TuningAnswer(name="tune_adam", notebook=NB, points=5,
                 variable="ADAM_HP", optimizer="adam",
                 allowed=("lr", "beta1", "beta2"), surface="rosenbrock", steps=500, target=1e-4,
                 hint=ladder("Adam moves each coordinate by at most about lr per step (lesson "
                             "8, '7. The band, seen as paths'): the steps must be long enough "
                             "to cover the valley in the budget, and short enough not to "
                             "bounce across it",
                             "compare learning rates a factor of about 3 apart in the try cell "
                             "with this task's 500 steps, not the lesson's 300, and keep the "
                             "one with the smallest final loss; change the betas only after "
                             "that")),
)
