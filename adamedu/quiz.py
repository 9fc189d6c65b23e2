"""Predict, then run: a multiple-choice question the learner answers before an experiment.

    from adamedu.quiz import ask
    ask("03-adagrad-steps")            # a question of the course, by its id

The course's questions live in `adamedu.questions`, so a lesson's cell shows only the id,
never the answer. `predict(question, options, answer, why)` makes a question of your own.

Displayed in a notebook with a kernel, the question is a live choice: one group of radio
buttons (Tab reaches the group once, the arrow keys choose), each option with its letter,
(a), (b), ..., and a "Check" button that says right or wrong and only then shows the
explanation. Keys pressed inside the question stay there: they do not reach JupyterLab's
notebook shortcuts (`adamedu.keys`). The same display also carries a static `text/html`
part (the question, the options with the same letters, and the answer with its
explanation folded inside a closed <details> element, so a reader can still try first)
and a `text/plain` part (the question and options only). Both are built from the question
alone, so they are identical on every run (nbval compares them) and a reader without a
kernel, or the book, sees the whole question.
"""
import html

import anywidget
import traitlets

from adamedu import keys

__all__ = ["Prediction", "ask", "predict"]

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def ask(qid):
    """The course's question `qid` (a key of `adamedu.questions.QUESTIONS`)."""
    from adamedu.questions import QUESTIONS
    if qid not in QUESTIONS:
        raise ValueError(f"no question {qid!r}; the course has {sorted(QUESTIONS)}")
    q = QUESTIONS[qid]
    prediction = Prediction(q["question"], q["options"], q["answer"], q["why"])
    prediction.qid = qid
    return prediction


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


_ESM = keys.GUARD_JS + r"""
let views = 0;

function render({ model, el }) {
  const group = `adamedu-predict-${++views}-${Math.random().toString(36).slice(2)}`;
  el.classList.add("adamedu-predict", "%s");
  const form = document.createElement("fieldset");
  const legend = document.createElement("legend");
  const lead = document.createElement("strong");
  lead.textContent = "Predict:";
  legend.append(lead, " " + model.get("question"));
  form.append(legend);
  model.get("options").forEach((text, index) => {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "radio";
    input.name = group;
    input.value = String(index);
    input.checked = model.get("choice") === index;
    input.addEventListener("change", () => {
      model.set("choice", index);
      model.save_changes();
    });
    label.append(input, " " + text);
    form.append(label);
  });
  const button = document.createElement("button");
  button.type = "button";
  button.className = "jupyter-button widget-button mod-primary adamedu-check";
  button.textContent = "Check";
  button.addEventListener("click", () => {
    model.send({ event: "check", choice: model.get("choice") });
  });
  const feedback = document.createElement("p");
  feedback.className = "adamedu-feedback";
  feedback.setAttribute("role", "status");
  const show = () => {
    feedback.textContent = model.get("feedback");
    feedback.classList.toggle("adamedu-right", model.get("right"));
  };
  model.on("change:feedback", show);
  model.on("change:right", show);
  show();
  el.append(form, button, feedback);
  return () => {
    model.off("change:feedback", show);
    model.off("change:right", show);
  };
}

export default { render };
""" % keys.CLASS

_CSS = """
.adamedu-predict fieldset { border: 1px solid var(--jp-border-color2, #ccc);
  border-radius: 4px; margin: 0 0 0.5em 0; padding: 0.4em 0.8em 0.6em; }
.adamedu-predict legend { padding: 0 0.3em; }
.adamedu-predict label { display: block; margin: 0.25em 0; cursor: pointer; }
.adamedu-predict .adamedu-feedback { margin: 0.5em 0 0; min-height: 1em; }
.adamedu-predict .adamedu-feedback.adamedu-right { font-weight: bold; }
"""


class LiveQuestion(anywidget.AnyWidget):
    """The live question: `options` carry their letters; `choice` is the chosen index
    (None until the learner chooses); Check sends a message that `check()` answers by
    setting `feedback` (and `right`), so the answer never reaches the browser before."""
    _esm = _ESM
    _css = _CSS
    question = traitlets.Unicode().tag(sync=True)
    options = traitlets.List(traitlets.Unicode()).tag(sync=True)
    choice = traitlets.Int(None, allow_none=True).tag(sync=True)
    feedback = traitlets.Unicode("").tag(sync=True)
    right = traitlets.Bool(False).tag(sync=True)

    def __init__(self, prediction, **kwargs):
        letters = [f"({letter}) {option}"
                   for letter, option in zip(_LETTERS, prediction.options)]
        super().__init__(question=prediction.question, options=letters, **kwargs)
        self._prediction = prediction
        self.on_msg(self._on_message)

    def _on_message(self, _widget, content, _buffers):
        if isinstance(content, dict) and content.get("event") == "check":
            choice = content.get("choice")
            if choice is None or (isinstance(choice, int)
                                  and 0 <= choice < len(self._prediction.options)):
                self.choice = choice
            self.check()

    def check(self):
        """What the Check button does: feedback for the current `choice`."""
        self.feedback = self._prediction.check(self.choice)
        self.right = self.choice is not None and \
            self._prediction.options[self.choice] == self._prediction.answer


class Prediction:
    """A question with its options and answer. Attributes: `question`, `options` (tuple),
    `answer` (the right option's text), `why`, `qid` (the course's id, or None).
    `check(choice)` gives the feedback the Check button shows; `widget` (a
    `LiveQuestion`) is built when the question is first displayed."""

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
        self.qid = None
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

    def _lettered(self, option):
        return f"({_LETTERS[self.options.index(option)]}) {option}"

    def check(self, choice):
        """Feedback for `choice` (an option's text or index): right or wrong, then why."""
        if choice is None:
            return "Choose an option first."
        chosen = self.options[self._index(choice, "choice")]
        if chosen == self.answer:
            return f"Right: {self._lettered(self.answer)}. {self.why}"
        return (f"Not quite: you chose {self._lettered(chosen)}; the answer is "
                f"{self._lettered(self.answer)}. {self.why}")

    def text(self):
        """The static question as plain text (the `text/plain` part of the display): the
        question and its options, not the answer (plain text cannot fold it away)."""
        lines = [f"Predict: {self.question}"]
        lines += [f"  {self._lettered(option)}" for option in self.options]
        return "\n".join(lines)

    def html(self):
        """The static question as HTML, the answer folded in a closed <details> element.
        The options carry their letters in the text, as the live question and the answer
        do (JupyterLab's styles number any <ol> 1, 2, 3 whatever its type)."""
        esc = html.escape
        items = "".join(f"<li>{esc(self._lettered(option))}</li>" for option in self.options)
        return ('<div class="adamedu-predict">'
                f"<p><strong>Predict:</strong> {esc(self.question)}</p>"
                f'<ul style="list-style-type: none">{items}</ul>'
                "<details><summary>Answer</summary>"
                f"<p>{esc(self._lettered(self.answer))}. {esc(self.why)}</p>"
                "</details></div>")

    def _build_widget(self):
        self.widget = LiveQuestion(self)
        return self.widget

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """The live widget, plus the static question and answer for readers without a kernel."""
        widget = self.widget or self._build_widget()
        data = widget._repr_mimebundle_()
        if isinstance(data, tuple):  # anywidget answers (data, metadata)
            data = data[0]
        data = dict(data)
        data["text/html"] = self.html()
        data["text/plain"] = self.text()
        return data

    def __repr__(self):
        return self.text()
