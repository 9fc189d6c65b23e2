"""The judgement tasks: every exercise notebook has one, and every answer key is what the
task's figure, table or experiment shows (measured here from the same package code the
notebooks call, `adamedu.course.exhibits`), not what we believe it shows.
"""
import inspect
import math

import numpy as np
import pytest

from adamedu import memory, noise, optimizers, surfaces, trajectory
from adamedu.course import answers, check, exhibits, judge
from adamedu.course.answers import JUDGEMENT


def _key(name):
    return answers.by_name(name).expected


def _only(runs, prop):
    """The one letter whose run has the property (fails unless exactly one has it)."""
    found = [k for k, run in runs.items() if prop(run)]
    assert len(found) == 1, found
    return found[0]


def test_every_exercise_notebook_has_a_judgement_task():
    for notebook in sorted({a.notebook for a in answers.ANSWERS}):
        skills = {a.skill for a in answers.notebook_answers(notebook)} - {""}
        assert skills and skills <= set(JUDGEMENT), notebook
    assert {a.skill for a in answers.ANSWERS} - {""} == set(JUDGEMENT)


def test_diagnose_gd_key_is_what_the_runs_show():
    runs = exhibits.gd_runs()
    key = _key("diagnose_gd")
    ups = {k: int(np.sum(np.diff(r.losses) > 0)) for k, r in runs.items()}
    assert key["lr_too_high"] == _only(runs, lambda r: r.losses[-1] > 100 * r.losses[0])
    assert key["lr_too_small"] == _only(
        runs, lambda r: ups[r.label] == 0 and r.losses[-1] > 0.1 * r.losses[0])
    assert key["momentum_too_high"] == _only(
        runs, lambda r: ups[r.label] >= 10 and r.losses[-1] < r.losses[0])
    assert key["well_tuned"] == min(runs, key=lambda k: runs[k].losses[-1])


def test_diagnose_rmsprop_key_is_what_the_runs_show():
    runs = exhibits.rmsprop_runs()
    key = _key("diagnose_rmsprop")
    lr = exhibits.RMSPROP_LR
    late = lambda r: r.step_lengths[-50:].mean()  # noqa: E731
    assert key["short_memory"] == _only(runs, lambda r: r.step_lengths.max() < 2 * late(r))
    assert key["adagrad"] == _only(
        runs, lambda r: late(r) < 0.2 * lr and r.step_lengths[-1] < r.step_lengths[-100])
    assert key["long_memory"] == _only(runs, lambda r: r.step_lengths[0] > 5 * lr)
    assert key["adagrad"] == max(runs, key=lambda k: runs[k].losses[-1])  # it lags


def test_diagnose_adam_key_is_what_the_runs_show():
    runs = exhibits.adam_fault_runs()
    healthy = runs.pop("healthy").step_lengths
    key = _key("diagnose_adam")
    first = lambda r: r.step_lengths[:10].mean()  # noqa: E731
    assert key["lr_too_high"] == _only(runs, lambda r: first(r) > 10 * healthy[:10].mean())
    assert key["eps_inside_root"] == _only(runs, lambda r: r.step_lengths.max() < healthy.min()
                                           or r.step_lengths.max() < 0.5 * healthy.max())
    assert key["no_bias_correction"] == _only(
        runs, lambda r: 3 * healthy[:10].mean() < first(r) < 10 * healthy[:10].mean())
    assert key["beta2_too_small"] == _only(
        runs, lambda r: r.step_lengths[-50:].mean() > 100 * healthy[-50:].mean()
        and r.step_lengths[-50:].mean() > 0.1 * r.step_lengths[:10].mean())
    # and the fault behind each letter is the one the key names
    assert exhibits.ADAM_FAULTS[key["eps_inside_root"]] == {"eps_inside": True}
    assert exhibits.ADAM_FAULTS[key["no_bias_correction"]] == {"bias": False}


def test_floor_ratio_is_the_equations_and_the_experiment():
    predicted = noise.floor(0.1, 10.0, 1.0) / noise.floor(0.05, 10.0, 1.0)
    assert math.isclose(_key("floor_ratio"), predicted)
    measured = exhibits.measured_floor(0.1) / exhibits.measured_floor(0.05)
    assert abs(measured / predicted - 1) < 0.05, measured


def test_adagrad_step_100_is_what_adagrad_takes():
    assert math.isclose(_key("adagrad_step_100"), exhibits.adagrad_step_lengths()[-1],
                        rel_tol=1e-6)


def test_chosen_lr_is_the_validation_choice_and_the_test_choice_is_a_mistake():
    table = exhibits.lr_table()
    by_validation = min(table, key=lambda lr: table[lr][1])
    by_test = min(table, key=lambda lr: table[lr][2])
    assert _key("chosen_lr") == by_validation != by_test
    wrong = dict(answers.by_name("chosen_lr").wrong)
    assert wrong[by_test].id == "tuned_on_test"


def test_adam_bug_line_is_the_one_line_whose_fix_makes_my_adam_torchs():
    lines = inspect.getsource(exhibits.my_adam).split("\n")
    bug = _key("adam_bug_line")
    fixed = lines.copy()
    fixed[bug - 1] = fixed[bug - 1].replace("beta1 ** t", "beta2 ** t")
    assert fixed != lines
    namespace = {"np": np}
    exec("\n".join(fixed), namespace)
    valley = surfaces.rosenbrock()
    start = np.array(valley.start, dtype=float)
    ref = trajectory.run(optimizers.Adam(lr=0.1), valley, steps=100).points[-1]
    assert np.allclose(namespace["my_adam"](valley, start, 100), ref, rtol=1e-9)
    assert not np.allclose(exhibits.my_adam(valley, start, 1), ref)
    # the lines the wrong answers name are untouched by the fix
    for line, _ in answers.by_name("adam_bug_line").wrong:
        assert fixed[line - 1] == lines[line - 1]


def test_smallest_stage_is_the_smallest_that_fits():
    fits = [s for s in range(4) if memory.zero_per_device(7 * 10**9, 8, s) <= 30e9]
    assert _key("smallest_stage") == min(fits)
    wrong = dict(answers.by_name("smallest_stage").wrong)
    assert all(s in fits for s, m in wrong.items() if m.id == "stage_fits_not_smallest")
    assert all(s not in fits for s, m in wrong.items() if m.id == "stage_too_small")


@pytest.fixture(autouse=True)
def _first_rung():
    check.reset_hints()


def test_a_choice_names_the_first_wrong_item_by_its_mistake(capsys):
    answer = answers.by_name("diagnose_adam")
    swapped = {**answer.expected, "lr_too_high": answer.expected["no_bias_correction"],
               "no_bias_correction": answer.expected["lr_too_high"]}
    v = judge.judge(answer, {}, judge.outcome_of(swapped))
    assert (v.status, v.mistake) == (judge.FAIL, "diagnose_lr_too_high")
    assert v.text.startswith("2 of 4 right; lr_too_high is not")
    assert judge.judge(answer, {}, judge.outcome_of(dict(answer.expected))).passed
    for bad, said in [({"lr_too_high": "C"}, "missing eps_inside_root"),
                      ({**answer.expected, "lr": "A"}, "remove lr"),
                      ({**answer.expected, "lr_too_high": "E"}, "one of 'A', 'B', 'C', 'D'"),
                      ("C", "should be a dict")]:
        v = judge.judge(answer, {}, judge.outcome_of(bad))
        assert not v.passed and v.mistake == "" and said in v.text, v
    check.diagnose_adam(swapped)
    assert capsys.readouterr().out.startswith("✗ diagnose_adam: 2 of 4 right")
