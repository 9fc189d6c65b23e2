"""The checks in the exercise notebooks: one function per answer, each printing a verdict.

In an exercise notebook::

    from adamedu.course import check
    check.adam_step(adam_step)      # a pass line, the first failing case with a hint,
                                    # or "not attempted yet"

A check runs the answer on fixed inputs (seeded by the answer's name, so every run shows
the same cases) and judges it with `adamedu.course.judge`, exactly as the autograder
does on its own random inputs. The answers themselves are in `adamedu.course.answers`.
"""
import zlib

import numpy as np

from adamedu.course import answers, judge


def _check(name, submitted):
    """Print a pass line, the first failing case with a hint, or 'not attempted yet'."""
    answer = answers.by_name(name)
    if isinstance(answer, answers.FunctionAnswer):
        print(_function_verdict(answer, submitted))
    else:
        print(_value_verdict(answer, submitted))


def _seed(name):
    return zlib.crc32(name.encode())


def _function_verdict(answer, fn):
    label = answer.name
    if not callable(fn):
        return f"✗ {label}: expected a function, got {type(fn).__name__}"
    cases = answer.cases(np.random.default_rng(_seed(label)))
    for i, case in enumerate(cases, 1):
        reason = judge.judge(answer, case, judge.run_function(fn, case, answer.params))
        if reason == judge.NOT_ATTEMPTED:
            return (f"{label}: {judge.NOT_ATTEMPTED} (write it in the answer cell above, run "
                    f"that cell, then this one)")
        if reason:
            return f"✗ {label}: case {i} of {len(cases)} ({_describe(case)}) fails: {reason}"
    return (f"✓ {label}: all {len(cases)} cases match adamedu.{answer.subject} "
            f"({_points(answer)})")


def _value_verdict(answer, value):
    label = answer.name
    reason = judge.judge(answer, {}, judge.outcome_of(value))
    if reason == judge.NOT_ATTEMPTED:
        return f"{label}: {judge.NOT_ATTEMPTED} (replace the ... in the answer cell above)"
    if reason:
        return f"✗ {label}: {reason}"
    if isinstance(answer, answers.TuningAnswer):
        return f"✓ {label}: {judge.run_tuning(answer, value)[1]} ({_points(answer)})"
    return f"✓ {label}: correct ({_points(answer)})"


def _describe(case):
    shown = [f"{k}={v:g}" for k, v in case.items() if isinstance(v, (int, float))
             and not isinstance(v, bool)]
    shape = next((v.shape for v in case.values() if isinstance(v, np.ndarray)), None)
    if shape is not None:
        shown.insert(0, f"theta of shape {shape}")
    if case.get("buf", 0) is None:
        shown.append("buf=None")
    return ", ".join(shown)


def _points(answer):
    return f"{answer.points} point{'s' if answer.points != 1 else ''}"

# --------------------------------------------------------------------------- ex01

def gd_step(fn):
    """Check your function gd_step and print the result."""
    _check("gd_step", fn)


def momentum_step(fn):
    """Check your function momentum_step and print the result."""
    _check("momentum_step", fn)


def nesterov_step(fn):
    """Check your function nesterov_step and print the result."""
    _check("nesterov_step", fn)


def momentum_gain(value):
    """Check your value answer MOMENTUM_GAIN and print the result."""
    _check("momentum_gain", value)


def largest_stable_lr(value):
    """Check your value answer LARGEST_STABLE_LR and print the result."""
    _check("largest_stable_lr", value)



# --------------------------------------------------------------------------- ex02

def minibatch_grad(fn):
    """Check your function minibatch_grad and print the result."""
    _check("minibatch_grad", fn)


def ema_variance(value):
    """Check your value answer EMA_VARIANCE and print the result."""
    _check("ema_variance", value)


def batch_for_noise(value):
    """Check your value answer BATCH_FOR_NOISE and print the result."""
    _check("batch_for_noise", value)


def noisy_adam_step(value):
    """Check your value answer NOISY_ADAM_STEP and print the result."""
    _check("noisy_adam_step", value)



# --------------------------------------------------------------------------- ex03

def adagrad_step(fn):
    """Check your function adagrad_step and print the result."""
    _check("adagrad_step", fn)


def accumulator(value):
    """Check your value answer ACCUMULATOR and print the result."""
    _check("accumulator", value)


def second_step(value):
    """Check your value answer SECOND_STEP and print the result."""
    _check("second_step", value)


def rate_can_grow(value):
    """Check your value answer RATE_CAN_GROW and print the result."""
    _check("rate_can_grow", value)



# --------------------------------------------------------------------------- ex04

def rmsprop_step(fn):
    """Check your function rmsprop_step and print the result."""
    _check("rmsprop_step", fn)


def weight_two_back(value):
    """Check your value answer WEIGHT_TWO_BACK and print the result."""
    _check("weight_two_back", value)


def first_step_ratio(value):
    """Check your value answer FIRST_STEP_RATIO and print the result."""
    _check("first_step_ratio", value)



# --------------------------------------------------------------------------- ex05

def adam_step(fn):
    """Check your function adam_step and print the result."""
    _check("adam_step", fn)


def m_hat_first(value):
    """Check your value answer M_HAT_FIRST and print the result."""
    _check("m_hat_first", value)


def constant_g_step(value):
    """Check your value answer CONSTANT_G_STEP and print the result."""
    _check("constant_g_step", value)


def no_bias_first_step(value):
    """Check your value answer NO_BIAS_FIRST_STEP and print the result."""
    _check("no_bias_first_step", value)



# --------------------------------------------------------------------------- ex06

def adam_epoch(fn):
    """Check your function adam_epoch and print the result."""
    _check("adam_epoch", fn)


def steps_per_epoch(value):
    """Check your value answer STEPS_PER_EPOCH and print the result."""
    _check("steps_per_epoch", value)


def softmax_params(value):
    """Check your value answer SOFTMAX_PARAMS and print the result."""
    _check("softmax_params", value)


def adam_state_numbers(value):
    """Check your value answer ADAM_STATE_NUMBERS and print the result."""
    _check("adam_state_numbers", value)


def same_lr_is_fair(value):
    """Check your value answer SAME_LR_IS_FAIR and print the result."""
    _check("same_lr_is_fair", value)



# --------------------------------------------------------------------------- ex07

def amsgrad_step(fn):
    """Check your function amsgrad_step and print the result."""
    _check("amsgrad_step", fn)


def adamw_step(fn):
    """Check your function adamw_step and print the result."""
    _check("adamw_step", fn)


def adamw_shrink(value):
    """Check your value answer ADAMW_SHRINK and print the result."""
    _check("adamw_shrink", value)


def l2_is_rescaled(value):
    """Check your value answer L2_IS_RESCALED and print the result."""
    _check("l2_is_rescaled", value)



# --------------------------------------------------------------------------- ex08

def tune_momentum(hp):
    """Check your tuning answer MOMENTUM_HP and print the result."""
    _check("tune_momentum", hp)


def tune_adam(hp):
    """Check your tuning answer ADAM_HP and print the result."""
    _check("tune_adam", hp)



# --------------------------------------------------------------------------- ex09

def zero_bytes(fn):
    """Check your function zero_bytes and print the result."""
    _check("zero_bytes", fn)


def adam_state_fp32(value):
    """Check your value answer ADAM_STATE_FP32 and print the result."""
    _check("adam_state_fp32", value)


def mixed_optimizer_bytes(value):
    """Check your value answer MIXED_OPTIMIZER_BYTES and print the result."""
    _check("mixed_optimizer_bytes", value)


def model_gb_fp32(value):
    """Check your value answer MODEL_GB_FP32 and print the result."""
    _check("model_gb_fp32", value)


def zero2_gb(value):
    """Check your value answer ZERO2_GB and print the result."""
    _check("zero2_gb", value)
