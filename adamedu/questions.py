"""The course's predict questions, by id: a lesson shows one with `adamedu.quiz.ask(id)`.

They live here, not in the lessons, so that no notebook cell shows an answer before the
learner has chosen: the cell says `ask("03-adagrad-steps")`, the question and its options
appear below it, and the answer and its explanation only after Check (or, without a
kernel, inside a folded "Answer"). Each entry: the lesson, the question, the options, the
right option (its text) and why. `tests/test_quiz_answers.py` checks every answer against
the experiment the question is about.
"""

QUESTIONS = {
    "00-first-step": dict(
        lesson="00",
        question="One Adam step with lr = 0.1 on two parameters whose gradients are 0.5 "
                 "and -40. How far does each parameter move?",
        options=["the second 80 times further than the first, like gradient descent",
                 "both by about 0.1",
                 "neither: Adam's first step is zero because its averages start at zero"],
        answer="both by about 0.1",
        why="Adam's first step is lr · g / (|g| + ε): every parameter moves by lr against "
            "the sign of its own gradient, whatever the gradient's size."),
    "01-large-lr": dict(
        lesson="01",
        question="On this bowl (curvature 1 along θ₁, 10 across θ₂), what does gradient "
                 "descent do with lr = 0.25?",
        options=["creeps towards the minimum: the step is too small",
                 "converges in a few steps: bigger steps are faster",
                 "overshoots across the valley by more each step and diverges"],
        answer="overshoots across the valley by more each step and diverges",
        why="Across the steep direction each step multiplies θ₂ by 1 − 0.25 × 10 = −1.5: "
            "it jumps to the other side, 1.5 times as far from the floor. The next section "
            "derives the limit, lr < 2/10."),
    "01-momentum-200": dict(
        lesson="01",
        question="Gradient descent and heavy-ball momentum (μ = 0.9) both take 200 steps "
                 "with lr = 0.01 on the κ = 100 bowl. How do their final losses compare?",
        options=["about the same: the learning rate is the same",
                 "heavy ball's is about 10 times lower",
                 "heavy ball's is more than a million times lower",
                 "gradient descent's is lower: momentum overshoots"],
        answer="heavy ball's is more than a million times lower",
        why="Along the flat direction (curvature 1) gradient descent keeps a factor "
            "1 − 0.01 = 0.99 of its distance per step, and 0.99 to the power 200 is 0.13. "
            "The buffer sums about 1/(1 − 0.9) = 10 gradients there, so heavy ball moves "
            "about ten times faster along the floor; across the valley the flipping "
            "gradients cancel. The losses end at 0.18 and 6e-8."),
    "01-tuned-steps": dict(
        lesson="01",
        question="κ grows four times, from 256 to 1024. How many times as many steps does "
                 "each tuned method need?",
        options=["GD 4 times, heavy ball 4 times",
                 "GD 4 times, heavy ball 2 times",
                 "GD 2 times, heavy ball 2 times",
                 "GD 16 times, heavy ball 4 times"],
        answer="GD 4 times, heavy ball 2 times",
        why="Gradient descent's step count grows like κ, heavy ball's like √κ, and √4 = 2."),
    "02-batch-spread": dict(
        lesson="02",
        question="Going from 10 to 40 examples per minibatch, how does the typical distance "
                 "of a minibatch gradient from the full gradient (its standard deviation) "
                 "change?",
        options=["it shrinks 4 times", "it shrinks 2 times", "it shrinks 16 times",
                 "it stays the same: each minibatch is still a random sample"],
        answer="it shrinks 2 times",
        why="The variance of a mean of B independent draws is the variance of one draw "
            "divided by B. Four times the batch gives a quarter of the variance, and the "
            "standard deviation, its square root, halves."),
    "02-noise-floor": dict(
        lesson="02",
        question="SGD runs on this noisy quadratic until its loss stops falling. Then you "
                 "halve the learning rate and run again. Where does the loss settle now?",
        options=["at the same level: the noise does not depend on lr",
                 "about half as high",
                 "about a quarter as high",
                 "at zero: a small enough learning rate converges"],
        answer="about half as high",
        why="The floor is lr σ²/(2(2 − lr h)), about lr σ²/4: proportional to lr. Each step "
            "adds noise of variance lr²σ², and the pull towards the minimum removes a "
            "fraction of about 2 lr h of the spread; the balance is proportional to lr."),
    "02-noisy-step": dict(
        lesson="02",
        question="A coordinate's gradients have mean 0.1 and standard deviation 1: mostly "
                 "noise. Once Adam's averages have settled, how large are its steps in that "
                 "coordinate, typically?",
        options=["about lr: Adam's steps are always about lr",
                 "about 0.1 × lr",
                 "about 10 × lr: it divides by a small number",
                 "about 0.01 × lr"],
        answer="about 0.1 × lr",
        why="v̂ ≈ 0.1² + 1² ≈ 1 and m̂ ≈ 0.1, so m̂/√v̂ ≈ 0.1: the step is about 0.1 lr on "
            "average (single steps wobble, because m̂ still carries some noise)."),
    "03-adagrad-kappa": dict(
        lesson="03",
        question="Adagrad with lr = 1 runs 60 steps from the same start on the κ = 10 and "
                 "the κ = 50 bowl. How do its two paths compare?",
        options=["on κ = 50 it zig-zags more across the valley",
                 "on κ = 50 it is slower along the valley",
                 "they are the same path"],
        answer="they are the same path",
        why="Along θ₂ the gradient is κ θ₂ and G₂ is κ² times a sum of θ₂², so the step "
            "g / √G does not depend on κ: Adagrad divides each coordinate by its own "
            "gradient scale. Only the tiny ε notices the difference."),
    "03-adagrad-steps": dict(
        lesson="03",
        question="Adagrad with lr = 0.1 on the κ = 10 bowl: about how many steps until the "
                 "loss is below 0.01?",
        options=["about 50", "about 500", "well over 1000"],
        answer="well over 1000",
        why="The big gradients far from the minimum fill G early, and G never forgets: the "
            "rate on θ₁ freezes at about 0.002, a hundred times below what gradient descent "
            "can use, and the loss needs about 1600 steps to get below 0.01."),
    "04-rms-rate": dict(
        lesson="04",
        question="Same bowl, same lr = 0.1, 200 steps. What does RMSprop's effective rate "
                 "lr / (√v + ε) do, per coordinate?",
        options=["it only falls, like Adagrad's",
                 "it dips at first, then rises again as the gradients shrink",
                 "it stays at lr throughout"],
        answer="it dips at first, then rises again as the gradients shrink",
        why="v is a moving average: once the large early gradients have faded from it, v "
            "follows the shrinking gradients down, and the rate lr / √v goes back up. "
            "Adagrad's sum never forgets, so its rate can only fall."),
    "04-rms-climb": dict(
        lesson="04",
        question="RMSprop with a constant lr = 0.1 on this bowl, 1000 steps. The loss falls "
                 "to about 1e-292 at step 425. How high does it climb back afterwards?",
        options=["it does not climb: it stays near 1e-292",
                 "to about 1e-10",
                 "to about 2, near the scale of the start",
                 "to infinity: the run diverges"],
        answer="to about 2, near the scale of the start",
        why="As the gradients shrink faster than v forgets, the rate grows until the steep "
            "coordinate overshoots at every step; the overshoot refills v, which caps each "
            "step at 10 lr = 1, so the loss peaks at about 2 and falls again."),
    "05-uncorrected-steps": dict(
        lesson="05",
        question="With the defaults (β₁ = 0.9, β₂ = 0.999) and a steady gradient, how long "
                 "are Adam's first steps WITHOUT the bias correction, compared with lr?",
        options=["shorter than lr: both averages start at zero, so the step starts small",
                 "about lr: the two zero starts cancel",
                 "several times lr: v starts further below its target than m does"],
        answer="several times lr: v starts further below its target than m does",
        why="m starts at 10% of the gradient but v at only 0.1% of its square, so √v is "
            "3.16% of |g|: the first step is 0.1 / 0.0316 = 3.16 lr, and the steps grow "
            "to 6.6 lr before they shrink."),
    "05-largest-step": dict(
        lesson="05",
        question="Five gradient streams of 4000 steps, lr = 1. Which one makes Adam take "
                 "its largest step?",
        options=["a constant gradient",
                 "pure noise with mean 0",
                 "noise around mean 1",
                 "zero for 3000 steps, then one spike",
                 "zero for 3000 steps, then constant"],
        answer="zero for 3000 steps, then constant",
        why="After 3000 silent steps v is nearly 0 but the bias correction, which only "
            "knows the global t, treats the average as full. When the gradient switches "
            "on for good, the coordinate behaves like uncorrected Adam at its start, "
            "and m keeps growing for ten or so steps: 6.4 lr, against 3.1 lr for the spike."),
    "06-digits-lr": dict(
        lesson="06",
        question="Which optimizers will pick the smallest learning rates from the grid "
                 "0.01 to 3?",
        options=["GD and Nesterov momentum",
                 "Adagrad",
                 "RMSprop and Adam",
                 "all about the same: the problem sets the learning rate"],
        answer="RMSprop and Adam",
        why="RMSprop and Adam divide each step by the size of recent gradients, so a step "
            "moves each weight by about lr whatever the gradient's scale; the SGD family's "
            "step is lr times the gradient, and these gradients are small, so it wants a "
            "large lr. A learning rate does not carry over between optimizers."),
    "06-rare-words": dict(
        lesson="06",
        question="After five epochs, each at its best learning rate: which optimizers will "
                 "have learned the rare words' weights best?",
        options=["GD: one learning rate for all weights is the fairest",
                 "Nesterov momentum: it builds up speed along slow directions",
                 "Adagrad and Adam: they scale each weight's step by its own gradients",
                 "none of them: five epochs are too few for rare words"],
        answer="Adagrad and Adam: they scale each weight's step by its own gradients",
        why="A rare word's squared gradients, summed or averaged, are small, so Adagrad and "
            "Adam give its weight a much larger step than a common word's. Momentum helps "
            "only where the gradient keeps pointing the same way, and a rare word's "
            "gradient is zero in most steps."),
    "07-online": dict(
        lesson="07",
        question="With C = 3 (so β₂ = 0.1), where do Adam and AMSGrad end after 3000 steps?",
        options=["both near -1, the best point",
                 "Adam near 0, where its pushes up and down cancel; AMSGrad near -1",
                 "Adam at +1, the worst point; AMSGrad near -1",
                 "both at +1: a running maximum does not help here"],
        answer="Adam at +1, the worst point; AMSGrad near -1",
        why="With β₂ = 0.1, v forgets the rare gradient C = 3 within a period, so Adam's two "
            "small steps up outweigh its one step down. AMSGrad divides by the running "
            "maximum of v, which keeps the large gradient's size, so its steps up stay small."),
    "07-adamw": dict(
        lesson="07",
        question="With AdamW (lr = 0.01, λ = 0.1), what are the three weights after 2000 steps?",
        options=["the weight with gradients of size 10 is largest",
                 "all three equal, about 0.13",
                 "all three still 1: the gradients have mean zero"],
        answer="all three equal, about 0.13",
        why="Decoupled decay multiplies every weight by 1 - lr λ = 0.999 per step, whatever "
            "its gradient: 0.999 to the power 2000 is 0.135 (the runs end at 0.133). Adam's "
            "step on the alternating gradient does not change when the gradient is "
            "rescaled, so it is the same for all three."),
    "08-loss-scale": dict(
        lesson="08",
        question="Multiply the bowl's loss by 100. Where does Adam's band of good learning "
                 "rates go?",
        options=["two decades to the left, like gradient descent's",
                 "nowhere: it stays at the same learning rates",
                 "two decades to the right"],
        answer="nowhere: it stays at the same learning rates",
        why="Every gradient is multiplied by 100, so m̂ is 100 times larger and √v̂ too: "
            "their ratio, and so Adam's step lr · m̂ / (√v̂ + ε), does not change (as long "
            "as ε is negligible). Gradient descent's step lr · g is 100 times longer, so its "
            "band moves two decades to the left."),
    "08-rosenbrock-lr": dict(
        lesson="08",
        question="Adam, 300 steps on Rosenbrock, lr = 0.01, 0.1, 0.3 or 1. Which ends "
                 "closest to the minimum at (1, 1)?",
        options=["lr = 0.01: small steps are accurate",
                 "lr = 0.1: the default for this course's surfaces",
                 "lr = 0.3: long steps, but not too long",
                 "lr = 1: the longest steps cover the most ground"],
        answer="lr = 1: the longest steps cover the most ground",
        why="Adam moves each coordinate by at most about lr per step, so 300 steps of 0.01 "
            "cannot cover the distance, and at 0.1 the run is still partway along the "
            "valley. At 1 the path bounces across the valley at first, but Adam's steps "
            "shrink wherever m̂ keeps changing sign, and along the valley it covers the "
            "most ground: it ends closest, with 0.3 second."),
}
