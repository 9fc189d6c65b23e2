"""Every predict question's answer key against the experiment it is about.

Each question of `adamedu.questions` has a verifier here that reads what its experiment
printed in the committed lesson (strict nbval keeps those outputs current), or, where the
experiment only draws a figure, reruns the same library calls at the same settings, and
names the option that the result shows; the test asserts it is the keyed answer. Also:
every question is asked, once, by id, in its own lesson, before the cell the verifier
reads, and no lesson cell's source holds an answer or an explanation.
"""
import json
import math
import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from adamedu import noise, optimizers, surfaces, sweeps
from adamedu.questions import QUESTIONS
from adamedu.quiz import ask
from adamedu.trajectory import run

ROOT = Path(__file__).resolve().parents[1]
LESSONS = {p.name[:2]: p for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
ASK = re.compile(r'\bask\("([^"]+)"\)')


@cache
def cells(lesson):
    return json.loads(LESSONS[lesson].read_text(encoding="utf-8"))["cells"]


def printed(lesson, cell_id):
    """What cell `cell_id` of the lesson printed (its stream outputs, joined)."""
    cell = next(c for c in cells(lesson) if c.get("id") == cell_id)
    return "".join("".join(o["text"]) for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream")


def number(pattern, text):
    """The number captured by `pattern` in `text` (the test fails if it is missing)."""
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not found in:\n{text}"
    return float(match.group(1))


def nearest(value, choices):
    """The key of `choices` ({key: number}) nearest `value` on a log scale."""
    return min(choices, key=lambda k: abs(math.log(value) - math.log(choices[k])))


def option(qid, start):
    """The option of question `qid` that starts with `start`."""
    matches = [o for o in QUESTIONS[qid]["options"] if o.startswith(start)]
    assert len(matches) == 1, (qid, start)
    return matches[0]


# ---------------------------------------------------------------- the verifiers
# Each returns the option its experiment shows; VERIFY maps a question to
# (the cell whose output is read, or the experiment cell it reruns, and the verifier).

def first_step():
    text = printed("00", "c03")
    moved = np.abs(np.array([1.0, -2.0]) - np.array(
        [float(x) for x in re.search(r"theta after one step: \[\s*(\S+)\s+(\S+)\]", text)
         .groups()]))
    if np.allclose(moved, 0.1, rtol=0.01):
        return option("00-first-step", "both by about 0.1")
    if np.allclose(moved, 0):
        return option("00-first-step", "neither")
    return option("00-first-step", "the second 80 times")


def large_lr():
    line = next(ln for ln in printed("01", "c05").splitlines() if "lr = 0.25" in ln)
    if "diverged" in line:
        return option("01-large-lr", "overshoots")
    loss = number(r"reached loss (\S+)", line)
    return option("01-large-lr", "converges" if loss < 1e-2 else "creeps")


def momentum_200():
    text = printed("01", "c14")
    gd = number(r"GD: reached loss (\S+)", text)
    heavy = number(r"Momentum: reached loss (\S+)", text)
    if heavy > gd:
        return option("01-momentum-200", "gradient descent's is lower")
    if gd / heavy > 1e6:
        return option("01-momentum-200", "heavy ball's is more than a million")
    return option("01-momentum-200", nearest(gd / heavy, {"about the same": 1,
                                                          "heavy ball's is about 10": 10}))


def tuned_steps():
    rows = {int(r.split("|")[0]): r.split("|") for r in printed("01", "c16c").splitlines()[1:]}
    gd = int(rows[1024][1].split()[-1]) / int(rows[256][1].split()[-1])
    heavy = int(rows[1024][2].split()[-1]) / int(rows[256][2].split()[-1])
    pairs = {"GD 4 times, heavy ball 4": (4, 4), "GD 4 times, heavy ball 2": (4, 2),
             "GD 2 times, heavy ball 2": (2, 2), "GD 16 times, heavy ball 4": (16, 4)}
    key = min(pairs, key=lambda k: abs(math.log(gd / pairs[k][0]))
              + abs(math.log(heavy / pairs[k][1])))
    return option("01-tuned-steps", key)


def batch_spread():
    # the cell n06 measures the variance at B = 1, 3, 10, 30, 100, 300; the question's
    # 10 and 40 are measured here the same way (problem and point of the lesson)
    problem = noise.LeastSquares(n=500, label_noise=1.0, seed=0)
    std = [np.sqrt(problem.sample_grads(problem.start, B, draws=2000, seed=B).var(axis=0)
                   .sum()) for B in (10, 40)]
    key = nearest(std[0] / std[1], {"it shrinks 4": 4, "it shrinks 2": 2,
                                    "it shrinks 16": 16, "it stays the same": 1})
    return option("02-batch-spread", key)


def noise_floor():
    text = printed("02", "n09")
    floor = {lr: number(rf"lr = {lr}\s*: .*measured \(mean of steps 300-600\) (\S+)", text)
             for lr in ("0.1", "0.05")}
    if floor["0.05"] < 1e-6:
        return option("02-noise-floor", "at zero")
    key = nearest(floor["0.05"] / floor["0.1"], {"at the same level": 1,
                                                 "about half": 0.5, "about a quarter": 0.25})
    return option("02-noise-floor", key)


def noisy_step():
    row = next(ln for ln in printed("02", "n17").splitlines()
               if re.match(r"\s*0\.1\s+1\.0\s", ln))
    step = float(row.split()[-2])  # the measured mean of m_hat / sqrt(v_hat)
    key = nearest(step, {"about lr": 1, "about 0.1": 0.1, "about 10": 10, "about 0.01": 0.01})
    return option("02-noisy-step", key)


def adagrad_kappa():
    gap = number(r"kappa = 50: (\S+)", printed("03", "cell-13"))
    assert gap < 1e-6, "the paths differ: which other option holds needs a new verifier"
    return option("03-adagrad-kappa", "they are the same path")


def adagrad_steps():
    steps = number(r"first step with loss below 1e-2: (\d+)", printed("03", "cell-24"))
    key = "about 50" if steps < 150 else "about 500" if steps < 1000 else "well over 1000"
    return option("03-adagrad-steps", key)


def rms_rate():
    # cell-11 draws the rates; the same run: RMSprop, lr = 0.1, the quadratic, 200 steps
    rms = run(optimizers.RMSprop(lr=0.1), surfaces.get("quadratic"), steps=200,
              record_states=True)
    rate = 0.1 / (np.sqrt([s.v for s in rms.states[1:]]) + 1e-8)
    if np.allclose(rate, 0.1, rtol=0.1):
        return option("04-rms-rate", "it stays at lr")
    low = rate.argmin(axis=0)
    rises = all(0 < low[i] < len(rate) - 1 and rate[-1, i] > 1.5 * rate[low[i], i]
                for i in range(2))
    return option("04-rms-rate", "it dips at first" if rises else "it only falls")


def rms_climb():
    text = printed("04", "cell-15")
    peak = number(r"highest loss after step 400: (\S+)", text)
    if not math.isfinite(peak):
        return option("04-rms-climb", "to infinity")
    key = nearest(peak, {"it does not climb": 1e-292, "to about 1e-10": 1e-10,
                         "to about 2": 2})
    return option("04-rms-climb", key)


def uncorrected_steps():
    first = number(r"t =\s+1: step / lr = (\S+)", printed("05", "cell-33"))
    key = "several times lr" if first > 1.5 else "about lr" if first > 0.8 else "shorter"
    return option("05-uncorrected-steps", key)


def largest_step():
    sizes = {line[:36].strip(): float(line.rsplit("=", 1)[1])
             for line in printed("05", "cell-43").splitlines() if "largest |step|" in line}
    names = {"constant gradient": "a constant gradient",
             "pure noise, mean 0": "pure noise with mean 0",
             "noise around mean 1": "noise around mean 1",
             "zero for 3000 steps, one spike": "zero for 3000 steps, then one spike",
             "zero for 3000 steps, then constant": "zero for 3000 steps, then constant"}
    assert set(sizes) == set(names), sizes
    return option("05-largest-step", names[max(sizes, key=sizes.get)])


def digits_lr():
    best = {}
    for line in printed("06", "bc6fc299").splitlines()[1:]:
        parts = line.split()
        if parts and parts[0] in ("GD", "Nesterov", "Adagrad", "RMSprop", "Adam"):
            best[parts[0]] = float(parts[1])
    assert len(best) == 5, best
    if max(best.values()) / min(best.values()) < 3:
        return option("06-digits-lr", "all about the same")
    for group, start in [({"GD", "Nesterov"}, "GD and Nesterov"), ({"Adagrad"}, "Adagrad"),
                         ({"RMSprop", "Adam"}, "RMSprop and Adam")]:
        if max(best[n] for n in group) < min(best[n] for n in best if n not in group):
            return option("06-digits-lr", start)
    raise AssertionError(f"no option names the smallest learning rates: {best}")


def rare_words():
    learned = {}
    for line in printed("06", "96f5424b").splitlines()[1:]:
        parts = line.split()
        if parts and parts[0] in ("GD", "Nesterov", "Adagrad", "Adam"):
            learned[parts[0]] = float(parts[-1])  # "rare learned": 1 = learned, 0 = untouched
    assert len(learned) == 4, learned
    if max(learned.values()) < 0.5:
        return option("06-rare-words", "none of them")
    best = frozenset(n for n, share in learned.items() if share > max(learned.values()) - 0.1)
    choices = {frozenset({"GD"}): "GD", frozenset({"Nesterov"}): "Nesterov",
               frozenset({"Adagrad", "Adam"}): "Adagrad and Adam"}
    assert best in choices, learned
    return option("06-rare-words", choices[best])


def online():
    text = printed("07", "153a40bb")
    end = {name: number(rf"{name}\s+beta2 = 0\.100: final x = (\S+),", text)
           for name in ("Adam", "AMSGrad")}
    where = {name: "+1" if x > 0.9 else "-1" if x < -0.9 else "0" if abs(x) < 0.5
             else "between" for name, x in end.items()}
    choices = {("-1", "-1"): "both near -1", ("0", "-1"): "Adam near 0",
               ("+1", "-1"): "Adam at +1", ("+1", "+1"): "both at +1"}
    assert (where["Adam"], where["AMSGrad"]) in choices, end
    return option("07-online", choices[where["Adam"], where["AMSGrad"]])


def adamw():
    line = next(ln for ln in printed("07", "eee54299").splitlines() if ln.startswith("AdamW"))
    weights = [float(w) for w in line.split(":")[1].split(",")]
    if np.ptp(weights) < 1e-3 and abs(weights[0] - 0.13) < 0.01:
        return option("07-adamw", "all three equal")
    if np.allclose(weights, 1, atol=0.01):
        return option("07-adamw", "all three still 1")
    assert weights[0] == max(weights), weights
    return option("07-adamw", "the weight with gradients of size 10")


def band_shift(optimizer, loss_scale):
    """How many decades the good band of `optimizer` moves when the loss is multiplied by
    `loss_scale` (cell c09: quadratic bowl, κ = 10, 200 steps, lr from 1e-5 to 100; the
    band here: a final loss 1e-3 of the starting one or less)."""
    bowl, lrs = surfaces.quadratic(kappa=10), np.logspace(-5, 2, 15)
    centres = []
    for scale in (1.0, loss_scale):
        losses = sweeps.grid(optimizer, {"lr": lrs}, sweeps.Rescaled(bowl, loss_scale=scale),
                             steps=200).losses
        good = np.log10(lrs[losses[:, -1] <= 1e-3 * losses[:, 0]])
        assert good.size, (optimizer, scale)
        centres.append((good.min() + good.max()) / 2)
    return centres[1] - centres[0]


def loss_scale():
    assert band_shift("sgd", 100.0) == pytest.approx(-2, abs=0.5)  # as the why says
    shift = band_shift("adam", 100.0)
    key = "nowhere" if abs(shift) < 0.5 else "two decades to the left" if shift < 0 \
        else "two decades to the right"
    return option("08-loss-scale", key)


def rosenbrock_lr():
    text = printed("08", "c32")
    distance = {lr: number(rf"lr = {lr}\s*: ends (\S+) from \(1, 1\)", text)
                for lr in ("0.01", "0.1", "0.3", "1.0")}
    closest = min(distance, key=distance.get)
    return option("08-rosenbrock-lr", f"lr = {closest.removesuffix('.0')}:")


VERIFY = {
    "00-first-step": ("c03", first_step),
    "01-large-lr": ("c05", large_lr),
    "01-momentum-200": ("c14", momentum_200),
    "01-tuned-steps": ("c16c", tuned_steps),
    "02-batch-spread": ("n06", batch_spread),
    "02-noise-floor": ("n09", noise_floor),
    "02-noisy-step": ("n17", noisy_step),
    "03-adagrad-kappa": ("cell-13", adagrad_kappa),
    "03-adagrad-steps": ("cell-24", adagrad_steps),
    "04-rms-rate": ("cell-11", rms_rate),
    "04-rms-climb": ("cell-15", rms_climb),
    "05-uncorrected-steps": ("cell-33", uncorrected_steps),
    "05-largest-step": ("cell-43", largest_step),
    "06-digits-lr": ("bc6fc299", digits_lr),
    "06-rare-words": ("96f5424b", rare_words),
    "07-online": ("153a40bb", online),
    "07-adamw": ("eee54299", adamw),
    "08-loss-scale": ("c09", loss_scale),
    "08-rosenbrock-lr": ("c32", rosenbrock_lr),
}


def test_every_question_has_a_verifier():
    assert set(VERIFY) == set(QUESTIONS)


@pytest.mark.parametrize("qid", sorted(QUESTIONS))
def test_the_keyed_answer_is_what_the_experiment_shows(qid):
    assert VERIFY[qid][1]() == QUESTIONS[qid]["answer"]


@pytest.mark.parametrize("qid", sorted(QUESTIONS))
def test_each_question_is_asked_once_by_id_before_its_experiment(qid):
    lesson = QUESTIONS[qid]["lesson"]
    ids = [c.get("id") for c in cells(lesson)]
    asked = [i for i, c in enumerate(cells(lesson)) if c["cell_type"] == "code"
             and qid in ASK.findall("".join(c["source"]))]
    assert len(asked) == 1, f"{qid} is asked {len(asked)} times in lesson {lesson}"
    evidence = ids.index(VERIFY[qid][0])
    assert asked[0] < evidence, f"{qid}: the question comes after its experiment"
    between = [c for c in cells(lesson)[asked[0] + 1:evidence] if c["cell_type"] == "code"
               and ASK.search("".join(c["source"]))]
    assert not between, f"{qid}: another question sits between it and its experiment"


def test_no_lesson_cell_shows_an_answer_or_an_explanation():
    for lesson in LESSONS:
        for c in cells(lesson):
            source = "".join(c["source"])
            assert "predict(" not in source, f"lesson {lesson}: {source[:60]!r}"
            for q in QUESTIONS.values():
                assert q["why"][:40] not in source, f"lesson {lesson} shows a why"


def test_the_stored_question_is_the_catalogue_s():
    """The static output the book and a reopened notebook show is today's question."""
    for lesson in LESSONS:
        for c in cells(lesson):
            for qid in ASK.findall("".join(c["source"])) if c["cell_type"] == "code" else []:
                shown = [o["data"] for o in c.get("outputs", []) if "text/html" in
                         o.get("data", {})]
                assert shown and "".join(shown[-1]["text/html"]) == ask(qid).html(), qid
