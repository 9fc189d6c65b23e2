"""predict(): argument checks, the Check button's feedback, and the static parts of the display."""
import html.parser

import ipywidgets as W
import pytest

from adamedu.quiz import predict

pytestmark = pytest.mark.filterwarnings("error")

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ARGS = {"question": "Which reaches the tolerance first?",
          "options": ["GD", "heavy ball", "both together"],
          "answer": "heavy ball", "why": "Its rate goes with sqrt(kappa) & not kappa."}


def parts(widget):
    """The prompt, the radio buttons, the Check button and the feedback of a live question."""
    prompt, choices, button, feedback = widget.children
    assert isinstance(choices, W.RadioButtons) and isinstance(button, W.Button)
    return prompt, choices, button, feedback


def test_bundle_has_live_widget_and_static_question_and_answer():
    q = predict(**ARGS)
    data = q._repr_mimebundle_()
    assert WIDGET_VIEW in data
    assert data["text/plain"] == (
        "Predict: Which reaches the tolerance first?\n"
        "  (a) GD\n  (b) heavy ball\n  (c) both together\n"
        "Answer: (b) heavy ball. Its rate goes with sqrt(kappa) & not kappa.")
    page = data["text/html"]
    assert "<details><summary>Answer</summary>" in page
    assert "<li>GD</li><li>heavy ball</li><li>both together</li>" in page
    assert "sqrt(kappa) &amp; not kappa" in page  # escaped, not raw HTML


def test_static_html_is_well_formed_and_answer_is_inside_details():
    class Collect(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.answer_inside_details = [], False

        def handle_starttag(self, tag, attrs):
            self.stack.append(tag)

        def handle_endtag(self, tag):
            assert self.stack.pop() == tag

        def handle_data(self, data):
            if "(b) heavy ball" in data:
                self.answer_inside_details = "details" in self.stack

    parser = Collect()
    parser.feed(predict(**ARGS)._repr_mimebundle_()["text/html"])
    assert parser.stack == [] and parser.answer_inside_details


def test_static_parts_are_the_same_on_every_display_and_for_every_copy():
    a, b = predict(**ARGS), predict(**ARGS)
    first, second, other = a._repr_mimebundle_(), a._repr_mimebundle_(), b._repr_mimebundle_()
    for key in ("text/html", "text/plain"):
        assert first[key] == second[key] == other[key]
    assert first[WIDGET_VIEW] == second[WIDGET_VIEW]  # one live widget per question


def test_check_button_reveals_right_wrong_and_why():
    q = predict(**ARGS)
    q._repr_mimebundle_()
    prompt, choices, button, feedback = parts(q.widget)
    assert "Which reaches the tolerance first?" in prompt.value
    assert choices.value is None and choices.description  # nothing pre-chosen; labelled
    assert feedback.value == ""  # the answer is hidden until the learner checks
    button.click()
    assert feedback.value == "Choose an option first."
    choices.value = "GD"
    button.click()
    assert feedback.value.startswith("Not quite: you chose GD; the answer is heavy ball.")
    assert "sqrt(kappa) &amp; not kappa" in feedback.value
    choices.value = "heavy ball"
    button.click()
    assert "Right: heavy ball." in feedback.value


def test_answer_by_index_and_check_by_text_or_index():
    q = predict(ARGS["question"], ARGS["options"], 1, ARGS["why"])
    assert q.answer == "heavy ball"
    assert q.check(1) == q.check("heavy ball") != q.check(0)
    assert q.check(None) == "Choose an option first."


@pytest.mark.parametrize("change, message", [
    ({"question": ""}, "question must be a non-empty string"),
    ({"why": None}, "why must be a non-empty string"),
    ({"options": "GD, heavy ball"}, "options must be a list of strings"),
    ({"options": ["GD"], "answer": "GD"}, "2 to 26 choices, got 1"),
    ({"options": ["GD", "GD"], "answer": "GD"}, "options must be distinct"),
    ({"options": ["GD", 3]}, "each option must be a non-empty string"),
    ({"answer": "Adam"}, "answer must be one of the options"),
    ({"answer": 3}, "answer index 3 is out of range: there are 3 options"),
    ({"answer": True}, "answer must be one of the options"),
])
def test_bad_arguments_say_what_and_why(change, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        predict(**{**ARGS, **change})


def test_bad_choice_is_a_value_error():
    with pytest.raises(ValueError, match="choice must be one of the options"):
        predict(**ARGS).check("Adam")
