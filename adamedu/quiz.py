"""Predict, then run: a multiple-choice question the learner answers before an experiment.

    from adamedu.quiz import predict
    predict("Which optimizer reaches the minimum first?",
            ["GD", "heavy ball", "both at the same step"],
            answer="heavy ball",
            why="Its rate depends on the square root of the condition number.")

Displayed in a notebook with a kernel, the question is a live choice: radio buttons
(keyboard-operable: Tab to the group, arrow keys to choose) and a "Check" button that says
right or wrong and shows the explanation. The same display also carries a static
`text/html` part (the question, the options, and the answer with its explanation folded
inside a <details> element, so a reader can still try first) and a `text/plain` part.
Both are built from the arguments only, so they are identical on every run (nbval
compares them) and a reader without a kernel, or the book, sees the whole question.
"""
import html

import ipywidgets as W

__all__ = ["Prediction", "predict"]

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def predict(question, options, answer, why):
    """A `Prediction` for `question` with choices `options` (2 to 26 distinct strings).

    `answer` is the right option, given as its text or its index in `options`; `why` is
    the explanation shown once the learner has checked (or opened the static answer).
    """
    return Prediction(question, options, answer, why)


def _text(value, name):
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value.strip()


class Prediction:
    """A question with its options and answer. Attributes: `question`, `options` (tuple),
    `answer` (the right option's text), `why`. `check(choice)` gives the feedback the
    Check button shows; `widget` is built when the question is first displayed."""

    def __init__(self, question, options, answer, why):
        self.question = _text(question, "question")
        self.why = _text(why, "why")
        if isinstance(options, str) or not hasattr(options, "__iter__"):
            raise ValueError(f"options must be a list of strings, got {options!r}")
        self.options = tuple(_text(o, "each option") for o in options)
        if not 2 <= len(self.options) <= len(_LETTERS):
            raise ValueError(f"options must hold 2 to {len(_LETTERS)} choices, "
                             f"got {len(self.options)}")
        if len(set(self.options)) != len(self.options):
            raise ValueError(f"options must be distinct, got {list(self.options)}")
        self.answer = self.options[self._index(answer, "answer")]
        self.widget = None

    def _index(self, choice, name):
        """The position of `choice` (an option's text or index) in `options`."""
        if isinstance(choice, int) and not isinstance(choice, bool):
            if not 0 <= choice < len(self.options):
                raise ValueError(f"{name} index {choice} is out of range: there are "
                                 f"{len(self.options)} options (0 to {len(self.options) - 1})")
            return choice
        if isinstance(choice, str) and choice.strip() in self.options:
            return self.options.index(choice.strip())
        raise ValueError(f"{name} must be one of the options {list(self.options)} "
                         f"or an index into them, got {choice!r}")

    def check(self, choice):
        """Feedback for `choice` (an option's text or index): right or wrong, then why."""
        if choice is None:
            return "Choose an option first."
        chosen = self.options[self._index(choice, "choice")]
        if chosen == self.answer:
            return f"Right: {self.answer}. {self.why}"
        return f"Not quite: you chose {chosen}; the answer is {self.answer}. {self.why}"

    def text(self):
        """The static question as plain text (the `text/plain` part of the display)."""
        lines = [f"Predict: {self.question}"]
        lines += [f"  ({letter}) {option}" for letter, option in zip(_LETTERS, self.options)]
        letter = _LETTERS[self.options.index(self.answer)]
        lines.append(f"Answer: ({letter}) {self.answer}. {self.why}")
        return "\n".join(lines)

    def html(self):
        """The static question as HTML, the answer folded in a <details> element."""
        esc = html.escape
        items = "".join(f"<li>{esc(option)}</li>" for option in self.options)
        letter = _LETTERS[self.options.index(self.answer)]
        return ('<div class="adamedu-predict">'
                f"<p><strong>Predict:</strong> {esc(self.question)}</p>"
                f'<ol type="a">{items}</ol>'
                "<details><summary>Answer</summary>"
                f"<p>({letter}) {esc(self.answer)}. {esc(self.why)}</p>"
                "</details></div>")

    def _build_widget(self):
        """Question, radio buttons with no choice made yet, Check button and feedback."""
        prompt = W.HTML(f"<strong>Predict:</strong> {html.escape(self.question)}")
        choices = W.RadioButtons(options=list(self.options), value=None,
                                 description="Your answer:",
                                 style={"description_width": "initial"},
                                 layout=W.Layout(width="auto"))
        button = W.Button(description="Check", tooltip="Check your answer",
                          button_style="primary")
        feedback = W.HTML()

        def on_check(_):
            message = html.escape(self.check(choices.value))
            right = choices.value == self.answer
            feedback.value = f"<strong>{message}</strong>" if right else message

        button.on_click(on_check)
        self.widget = W.VBox([prompt, choices, button, feedback])
        self.widget.add_class("adamedu-predict")
        return self.widget

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """The live widget, plus the static question and answer for readers without a kernel."""
        widget = self.widget or self._build_widget()
        data = widget._repr_mimebundle_()
        data["text/html"] = self.html()
        data["text/plain"] = self.text()
        return data

    def __repr__(self):
        return self.text()
