"""Exercise 6: a minibatch training loop with Adam written from scratch."""
from adamedu.course import cases
from adamedu.course.answers.kinds import FunctionAnswer, ValueAnswer, ladder, mistake

NB = "ex06_adam_in_practice"

ANSWERS = (
    FunctionAnswer(
        name="adam_epoch", notebook=NB, points=5,
        params=("theta", "m", "v", "t", "X", "y", "order", "batch_size", "lr"),
        returns=("theta", "m", "v", "steps"),
        make_cases=cases.epoch_cases, reference=cases.epoch_ref,
        mistakes=((mistake("adam_epoch_slip1", "t counts optimizer steps: one per minibatch, "
                           "not one per epoch (lesson 5, '6. Conventions that trip people up')",
                           "the count must change inside your loop over minibatches"),
                   lambda **c: cases.epoch_model(**c, t_once=True)),
                  (mistake("adam_epoch_slip2", "correct m and v for their zero start at every "
                           "step, as in lesson 5, '4. The bias correction'",
                           "each step divides the moments by their own correction for that "
                           "step's t"),
                   lambda **c: cases.epoch_model(**c, bias=False)),
                  (mistake("adam_epoch_slip3", "when batch_size does not divide the number of "
                           "rows, the last minibatch is smaller, and it still gets its step "
                           "(lesson 2, 'A training set and its minibatches')",
                           "count your steps for 12 rows in minibatches of 5: there are three"),
                   lambda **c: cases.epoch_model(**c, drop_last=True)),
                  (mistake("adam_epoch_slip4", "take the minibatches in the order given by "
                           "`order`, the epoch's shuffle (lesson 2, 'A training set and its "
                           "minibatches')",
                           "slice `order`, not range(len(y)), to get each minibatch's rows"),
                   lambda **c: cases.epoch_model(**c, in_row_order=True)),
                  (mistake("adam_epoch_slip5", "each step uses its own minibatch's gradient, "
                           "not the gradient of all rows (lesson 2, 'A training set and its "
                           "minibatches')",
                           "pass only the minibatch's rows of X and y to the model"),
                   lambda **c: cases.epoch_model(**c, full=True))),
        hint=ladder("cut `order` into consecutive minibatches; for each, the model's gradient "
                    "on those rows, then one Adam step with torch's defaults for beta1, beta2 "
                    "and eps (lesson 6, 'Two models with one flat parameter vector')",
                    "your adam_step from exercise 5 is the body of the loop; the loop runs "
                    "once per minibatch"),
        subject="models + optimizers.Adam"),
    ValueAnswer(name="steps_per_epoch", notebook=NB, points=1, expected=11.0,
                hint="one step per minibatch, and the rows left over form one more, smaller "
                     "minibatch",
                wrong=((10.0, mistake("steps_per_epoch_slip1", "the rows left over still "
                                      "form a minibatch, and it gets a step")),
                       (1348 / 128, mistake("steps_per_epoch_slip2", "a step uses a whole "
                                            "minibatch: count minibatches")))),
    ValueAnswer(name="softmax_params", notebook=NB, points=1, expected=650.0,
                hint="a weight for every pixel and class, plus a bias for every class",
                wrong=((640.0, mistake("softmax_params_slip1", "each class also has a bias")),
                       (74.0, mistake("softmax_params_slip2", "the weights form a matrix: "
                                      "one per pixel per class")))),
    ValueAnswer(name="adam_state_numbers", notebook=NB, points=1, expected=1300.0,
                hint="Adam keeps two running averages, each the size of the parameter vector",
                wrong=((650.0, mistake("adam_state_numbers_slip1", "Adam keeps two "
                                       "averages, m and v")),
                       (1950.0, mistake("adam_state_numbers_slip2", "count only the "
                                        "optimizer's state, not the parameters")))),
    ValueAnswer(name="same_lr_is_fair", notebook=NB, points=1, expected=False,
                hint="lesson 6's rules for a fair race: same start, same batches, and each "
                "optimizer at its own best learning rate",
                wrong=((True, mistake("same_lr_is_fair_slip1", "the best learning rates "
                                      "differ by up to 100 times between optimizers, so one "
                                      "shared rate measures the rate, not the optimizer")),)),
    ValueAnswer(name="chosen_lr", notebook=NB, points=1, expected=0.03, skill="decide",
                hint="choose with rows the model was not trained on, and keep the test set "
                "for reporting the chosen model, once (lesson 6, 'A fair race')",
                wrong=((0.01, mistake("tuned_on_test", "that lr has the lowest test loss: "
                                      "chosen by the test set, the test loss is no longer an "
                                      "honest report of how the model does on new data")),)),
)
