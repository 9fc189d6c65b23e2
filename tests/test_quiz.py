"""predict() and ask(): argument checks, the Check button's feedback, and the static parts
of the display."""
import html.parser

import pytest

from adamedu.questions import QUESTIONS
from adamedu.quiz import LiveQuestion, ask, predict

pytestmark = pytest.mark.filterwarnings("error")

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ARGS = {"question": "Which reaches the tolerance first?",
          "options": ["GD", "heavy ball", "both together"],
          "answer": "heavy ball", "why": "Its rate goes with sqrt(kappa) & not kappa."}


def press_check(widget, choice):
    """What the browser sends when the learner presses Check with `choice` chosen."""
    widget._on_message(widget, {"event": "check", "choice": choice}, [])


def test_bundle_has_live_widget_and_static_question_and_answer():
    q = predict(**ARGS)
    data = q._repr_mimebundle_()
    assert WIDGET_VIEW in data
    assert data["text/plain"] == (  # plain text cannot fold the answer away: no answer
        "Predict: Which reaches the tolerance first?\n"
        "  (a) GD\n  (b) heavy ball\n  (c) both together")
    page = data["text/html"]
    assert "<details><summary>Answer</summary>" in page and "<details open" not in page
    assert "<li>(a) GD</li><li>(b) heavy ball</li><li>(c) both together</li>" in page
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
    live = q.widget
    assert isinstance(live, LiveQuestion)
    assert live.question == "Which reaches the tolerance first?"
    assert live.options == ["(a) GD", "(b) heavy ball", "(c) both together"]  # as static
    assert live.choice is None and live.feedback == ""  # nothing chosen, nothing revealed
    synced = live.get_state()
    assert "heavy ball. Its rate" not in str(synced)  # the browser gets no answer before Check
    press_check(live, None)
    assert live.feedback == "Choose an option first." and not live.right
    press_check(live, 0)
    assert live.choice == 0 and not live.right
    assert live.feedback.startswith("Not quite: you chose (a) GD; the answer is (b) heavy ball.")
    assert "sqrt(kappa) & not kappa" in live.feedback  # shown as text by the browser
    press_check(live, 1)
    assert live.right and live.feedback.startswith("Right: (b) heavy ball.")
    press_check(live, 7)  # a stale or forged index is ignored, not an error
    assert live.choice == 1


def test_the_widget_keeps_keys_from_jupyterlab_and_groups_the_radios():
    esm = LiveQuestion._esm
    assert "data-lm-suppress-shortcuts" in esm and "adamedu-keys" in esm
    assert "input.name = group" in esm and 'setAttribute("role", "status")' in esm


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


def test_ask_gives_the_course_question_by_id():
    qid = sorted(QUESTIONS)[0]
    q = ask(qid)
    assert q.qid == qid and q.question == QUESTIONS[qid]["question"]
    assert q.answer == QUESTIONS[qid]["answer"]
    with pytest.raises(ValueError, match="no question 'nope'"):
        ask("nope")


@pytest.mark.parametrize("qid", sorted(QUESTIONS))
def test_every_course_question_is_well_formed(qid):
    q = QUESTIONS[qid]
    assert set(q) == {"lesson", "question", "options", "answer", "why"}
    predict(q["question"], q["options"], q["answer"], q["why"])  # raises if not
    assert qid.startswith(q["lesson"] + "-")
    assert "$" not in q["question"] + q["why"] + "".join(q["options"])  # no LaTeX
