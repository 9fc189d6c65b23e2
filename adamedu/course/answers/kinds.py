"""The kinds of answer, and the known mistakes with their hint ladders.

A `Mistake` has a stable id (the class report counts it) and a hint *ladder*: the first
rung names the idea and the lesson section where it is taught; each later rung narrows it,
for a learner who makes the same mistake again. No rung states the corrected line of code
(`tests/test_hints.py` compares them with the solutions' lines).
"""
import re
from dataclasses import dataclass
from typing import Callable, ClassVar

MISTAKES = {}                     # mistake id -> its Mistake (every id the report can count)

JUDGEMENT = ("diagnose", "decide", "predict", "find the bug")   # the skills of judgement tasks


@dataclass(frozen=True)
class Mistake:
    """A known mistake: its id and its hint ladder (first rung first)."""
    id: str
    hints: tuple

    @property
    def hint(self):
        """The first rung (what the grader reports)."""
        return self.hints[0]


def mistake(mistake_id, *hints):
    """Register a known mistake and return it; an id is registered once, with one ladder."""
    m = Mistake(mistake_id, tuple(hints))
    assert MISTAKES.setdefault(mistake_id, m) == m, f"{mistake_id} registered twice"
    return m


def ladder(*hints):
    """The ladder of a failure no mistake model recognises (no id)."""
    return Mistake("", tuple(hints))


# mistakes the judge names itself, whatever the answer
IN_PLACE = mistake("in_place_update", "assign new arrays (m = ...) instead of changing an input "
                   "in place (m += ..., m[:] = ... or out=m): the caller still holds the old "
                   "array")
ROUNDED = mistake("value_rounded", "compute the value (e.g. write the expression in Python) "
                  "rather than rounding it")
WRONG_ORDER = mistake(
    "wrong_order",
    "the values are right but come back in another order: the task says in which order to "
    "return them",
    "compare your return line, name by name, with the tuple the task asks for")
WRONG_RETURN = mistake(
    "wrong_return",
    "return every value the task lists, as one tuple",
    "the task's last sentence names the values to return and their order")
NOT_DEFINED = mistake(
    "not_defined",
    "run the answer cell above first; if you renamed the function or the variable, give it "
    "back the name the task uses: the check and the grader look it up by that name")


# --------------------------------------------------------------------------- answer kinds

class _Answer:
    """What every kind of answer offers the checks and the grader."""
    params: ClassVar[tuple] = ()    # argument names of a function answer
    skill: str = ""                 # one of JUDGEMENT for a judgement task, else ""

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
    mistakes: tuple = ()    # (Mistake, model): model(**case) gives what a typical slip returns
    hint: Mistake           # the ladder when the result is wrong in no recognised way
    subject: str = ""       # what the answer is compared with, for the pass line
    skill: str = ""

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
    """A question answered by setting a variable to a number or a bool."""
    kind: ClassVar[str] = "value"
    name: str
    notebook: str
    points: int
    expected: object
    hint: str
    wrong: tuple = ()       # (value, Mistake) for answers that reveal a specific mix-up
    skill: str = ""

    @property
    def variable(self):
        return self.name.upper()


@dataclass(frozen=True, kw_only=True)
class ChoiceAnswer(_Answer):
    """A judgement task answered with a dict {item: option}: e.g. which run (a letter) shows
    which fault. Each item has its own mistake, said when that item is answered wrong."""
    kind: ClassVar[str] = "choice"
    name: str
    notebook: str
    points: int
    options: tuple          # the allowed options, e.g. ("A", "B", "C", "D")
    expected: dict          # item -> the right option
    clues: dict             # item -> Mistake (its ladder teaches what to look for)
    skill: str = "diagnose"

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
    hint: Mistake           # the ladder when the loss misses the target
    skill: str = "decide"
