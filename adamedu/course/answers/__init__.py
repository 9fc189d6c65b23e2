"""The exercises' answers: what each must do, its points, and hints for the usual mistakes.

Each answer is a function (compared with a reference from `adamedu.optimizers` and the
other learner modules on several cases), a value (a question answered with a number or
True/False), a choice (a judgement task: which run shows which fault, answered with a dict)
or a set of hyperparameters (run on a surface with the reference optimizer). The same
catalogue, `ANSWERS`, drives the notebook checks (`adamedu.course.check`, on fixed inputs)
and the autograder (`adamedu.course.grade`, on its own random inputs);
`adamedu.course.judge` decides, and `adamedu.course.cases` holds the inputs, references
and slip models. One module per exercise notebook (`ex01` ... `ex09`) declares its answers;
`kinds` the kinds of answer and the mistakes with their hint ladders.

Hints teach: a wrong value gets the idea behind it, never the arithmetic that gives the
number, and a wrong function gets a ladder (the idea and the lesson section first, narrower
on a repeat), never the corrected line. Every recognised mistake has a stable id
(`MISTAKES`), carried by the judge's verdict, so the grader can count mistakes across a
class without reading what students read.
"""
from adamedu.course.answers import ex01, ex02, ex03, ex04, ex05, ex06, ex07, ex08, ex09
from adamedu.course.answers.kinds import (
    JUDGEMENT,
    MISTAKES,
    ChoiceAnswer,
    FunctionAnswer,
    Mistake,
    TuningAnswer,
    ValueAnswer,
)

__all__ = ["ANSWERS", "JUDGEMENT", "MISTAKES", "POINTS_PER_NOTEBOOK", "ChoiceAnswer",
           "FunctionAnswer", "Mistake", "TuningAnswer", "ValueAnswer", "by_name",
           "notebook_answers", "notebook_points"]

POINTS_PER_NOTEBOOK = 10          # every exercise notebook is worth this much

ANSWERS = (ex01.ANSWERS + ex02.ANSWERS + ex03.ANSWERS + ex04.ANSWERS + ex05.ANSWERS
           + ex06.ANSWERS + ex07.ANSWERS + ex08.ANSWERS + ex09.ANSWERS)

_BY_NAME = {a.name: a for a in ANSWERS}
if len(_BY_NAME) != len(ANSWERS):
    raise ValueError("answer names must be unique across notebooks")


def by_name(name):
    """The answer called `name` (e.g. "adam_step")."""
    return _BY_NAME[name]


def notebook_answers(notebook):
    """The answers of one exercise notebook (e.g. "ex05_adam"), in order."""
    return [a for a in ANSWERS if a.notebook == notebook]


def notebook_points(notebook):
    """What one exercise notebook is worth: the sum of its answers' points."""
    return sum(a.points for a in notebook_answers(notebook))


for _nb in {a.notebook for a in ANSWERS}:
    if notebook_points(_nb) != POINTS_PER_NOTEBOOK:
        raise ValueError(f"{_nb} is worth {notebook_points(_nb)} points, not "
                         f"{POINTS_PER_NOTEBOOK}")
