"""Exercise ch3: plausible wrong answers, written by hand, each fail at least one public check.

``WRONG[question][label]`` holds the names a wrong answer replaces in the solution's namespace;
``NAMED[question, label]`` is the item the failure message must name (for questions whose results
are named: ``nan``, ``moving_var``, ``stop_epoch``, ...).
"""

from __future__ import annotations

import numpy as np
from grading_answers import (
    solution_namespace,
    wrong_answer_tests,
)

SOLUTION = solution_namespace("ch3")
keras = SOLUTION["keras"]


# --- q1: gradient_norms and diagnose -------------------------------------------------------


def norms_spectral(grads):
    return [float(np.linalg.norm(g, 2)) for g in grads]  # the largest singular value of a matrix


def norms_squared(grads):
    return [float(np.sum(np.square(g))) for g in grads]  # forgot the square root


def norms_rms(grads):
    return [float(np.sqrt(np.mean(np.square(g)))) for g in grads]  # mean instead of sum


def norms_largest_entry(grads):
    return [float(np.max(np.abs(g))) for g in grads]


def diagnose_ignores_nan(norms, low=1e-3, high=10.0):
    norms = np.asarray(norms, dtype=float)
    if np.any(norms > high):  # NaN > high is False; inf > high is True
        return "exploding"
    if norms[0] < low * norms[-1]:
        return "vanishing"
    return "healthy"


def diagnose_not_strict(norms, low=1e-3, high=10.0):
    norms = np.asarray(norms, dtype=float)
    if not np.all(np.isfinite(norms)) or np.any(norms >= high):
        return "exploding"
    if norms[0] <= low * norms[-1]:
        return "vanishing"
    return "healthy"


def diagnose_default_thresholds(norms, low=1e-3, high=10.0):
    norms = np.asarray(norms, dtype=float)
    if not np.all(np.isfinite(norms)) or np.any(norms > 10.0):
        return "exploding"
    if norms[0] < 1e-3 * norms[-1]:
        return "vanishing"
    return "healthy"


def diagnose_ratio_reversed(norms, low=1e-3, high=10.0):
    norms = np.asarray(norms, dtype=float)
    if not np.all(np.isfinite(norms)) or np.any(norms > high):
        return "exploding"
    if norms[-1] < low * norms[0]:  # last layer against the first
        return "vanishing"
    return "healthy"


def diagnose_vanishing_first(norms, low=1e-3, high=10.0):
    norms = np.asarray(norms, dtype=float)
    if norms[0] < low * norms[-1]:
        return "vanishing"
    if not np.all(np.isfinite(norms)) or np.any(norms > high):
        return "exploding"
    return "healthy"


# --- q2: init_std --------------------------------------------------------------------------


def _init_std(glorot, he, lecun, unknown):
    def init_std(fan_in, fan_out, scheme):
        if scheme == "glorot":
            return float(glorot(fan_in, fan_out))
        if scheme == "he":
            return float(he(fan_in, fan_out))
        if scheme == "lecun":
            return float(lecun(fan_in, fan_out))
        return unknown(scheme)

    return init_std


def _glorot(fan_in, fan_out):
    return np.sqrt(2.0 / (fan_in + fan_out))


def _he(fan_in, fan_out):
    return np.sqrt(2.0 / fan_in)


def _lecun(fan_in, fan_out):
    return np.sqrt(1.0 / fan_in)


def _raise(scheme):
    raise ValueError(f"Unknown scheme {scheme!r}")


def _return_none(scheme):
    return None


def init_key_error(fan_in, fan_out, scheme):
    formulas = {"glorot": _glorot, "he": _he, "lecun": _lecun}
    return float(formulas[scheme](fan_in, fan_out))  # an unknown name raises KeyError


init_he_fan_out = _init_std(_glorot, lambda i, o: np.sqrt(2.0 / o), _lecun, _raise)
init_lecun_fan_out = _init_std(_glorot, _he, lambda i, o: np.sqrt(1.0 / o), _raise)
init_glorot_one_over = _init_std(lambda i, o: np.sqrt(1.0 / (i + o)), _he, _lecun, _raise)
init_glorot_uniform_limit = _init_std(lambda i, o: np.sqrt(6.0 / (i + o)), _he, _lecun, _raise)
init_unknown_none = _init_std(_glorot, _he, _lecun, _return_none)


# --- q4: batchnorm_forward -----------------------------------------------------------------


def bn_ddof1(x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3):
    if training:
        mean, var = x.mean(axis=0), x.var(axis=0, ddof=1)
        moving_mean = moving_mean * momentum + mean * (1 - momentum)
        moving_var = moving_var * momentum + var * (1 - momentum)
    else:
        mean, var = moving_mean, moving_var
    y = gamma * (x - mean) / np.sqrt(var + epsilon) + beta
    return {"y": y, "moving_mean": moving_mean, "moving_var": moving_var}


def bn_moving_var_ddof1(
    x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3
):
    if training:
        mean, var = x.mean(axis=0), x.var(axis=0)
        moving_mean = moving_mean * momentum + mean * (1 - momentum)
        moving_var = moving_var * momentum + x.var(axis=0, ddof=1) * (1 - momentum)
    else:
        mean, var = moving_mean, moving_var
    y = gamma * (x - mean) / np.sqrt(var + epsilon) + beta
    return {"y": y, "moving_mean": moving_mean, "moving_var": moving_var}


def bn_epsilon_outside(
    x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3
):
    if training:
        mean, var = x.mean(axis=0), x.var(axis=0)
        moving_mean = moving_mean * momentum + mean * (1 - momentum)
        moving_var = moving_var * momentum + var * (1 - momentum)
    else:
        mean, var = moving_mean, moving_var
    y = gamma * (x - mean) / (np.sqrt(var) + epsilon) + beta
    return {"y": y, "moving_mean": moving_mean, "moving_var": moving_var}


def bn_momentum_swapped(
    x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3
):
    if training:
        mean, var = x.mean(axis=0), x.var(axis=0)
        moving_mean = moving_mean * (1 - momentum) + mean * momentum
        moving_var = moving_var * (1 - momentum) + var * momentum
    else:
        mean, var = moving_mean, moving_var
    y = gamma * (x - mean) / np.sqrt(var + epsilon) + beta
    return {"y": y, "moving_mean": moving_mean, "moving_var": moving_var}


def bn_batch_stats_at_inference(
    x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3
):
    mean, var = x.mean(axis=0), x.var(axis=0)
    if training:
        moving_mean = moving_mean * momentum + mean * (1 - momentum)
        moving_var = moving_var * momentum + var * (1 - momentum)
    y = gamma * (x - mean) / np.sqrt(var + epsilon) + beta
    return {"y": y, "moving_mean": moving_mean, "moving_var": moving_var}


def bn_in_place(x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3):
    if training:
        mean, var = x.mean(axis=0), x.var(axis=0)
        moving_mean *= momentum  # updates the caller's arrays
        moving_mean += mean * (1 - momentum)
        moving_var *= momentum
        moving_var += var * (1 - momentum)
    else:
        mean, var = moving_mean, moving_var
    y = gamma * (x - mean) / np.sqrt(var + epsilon) + beta
    return {"y": y, "moving_mean": moving_mean, "moving_var": moving_var}


def bn_over_features(
    x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3
):
    if training:
        mean, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)  # per example
        moving_mean = moving_mean * momentum + mean.mean() * (1 - momentum)
        moving_var = moving_var * momentum + var.mean() * (1 - momentum)
    else:
        mean, var = moving_mean, moving_var
    y = gamma * (x - mean) / np.sqrt(var + epsilon) + beta
    return {"y": y, "moving_mean": moving_mean, "moving_var": moving_var}


# --- q5: train_val_split -------------------------------------------------------------------


def split_floor(n, val_fraction, rng):
    perm = rng.permutation(n)
    n_val = int(n * val_fraction)
    return {"train": perm[n_val:], "val": perm[:n_val]}


def split_ceil(n, val_fraction, rng):
    perm = rng.permutation(n)
    n_val = int(np.ceil(n * val_fraction))  # 10 * 0.3 is 3.0000000000000004: 4
    return {"train": perm[n_val:], "val": perm[:n_val]}


def split_val_last(n, val_fraction, rng):
    perm = rng.permutation(n)
    n_val = int(round(n * val_fraction))
    return {"train": perm[: n - n_val], "val": perm[n - n_val :]}


def split_global_random(n, val_fraction, rng):
    perm = np.random.permutation(n)
    n_val = int(round(n * val_fraction))
    return {"train": perm[n_val:], "val": perm[:n_val]}


def split_own_seed(n, val_fraction, rng):
    perm = np.random.default_rng(0).permutation(n)  # ignores the generator passed in
    n_val = int(round(n * val_fraction))
    return {"train": perm[n_val:], "val": perm[:n_val]}


def split_not_shuffled(n, val_fraction, rng):
    n_val = int(round(n * val_fraction))
    return {"train": np.arange(n_val, n), "val": np.arange(n_val)}


def split_choice(n, val_fraction, rng):
    n_val = int(round(n * val_fraction))
    val = rng.choice(n, size=n_val, replace=False)
    return {"train": np.setdiff1d(np.arange(n), val), "val": val}


# --- q6: dropout_forward -------------------------------------------------------------------


def dropout_no_rescale(x, rate, rng, training=True):
    if not training:
        return x
    return np.where(rng.random(x.shape) >= rate, x, 0.0)


def dropout_keeps_with_prob_rate(x, rate, rng, training=True):
    if not training:
        return x
    return np.where(rng.random(x.shape) < rate, x / (1.0 - rate), 0.0)


def dropout_divides_by_rate(x, rate, rng, training=True):
    if not training:
        return x
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rng.random(x.shape) >= rate, x / rate, 0.0)


def dropout_rescales_at_inference(x, rate, rng, training=True):
    if not training:
        return x / (1.0 - rate)
    return np.where(rng.random(x.shape) >= rate, x / (1.0 - rate), 0.0)


def dropout_scales_down_at_inference(x, rate, rng, training=True):
    if not training:
        return x * (1.0 - rate)  # the original, non-inverted dropout's inference
    return np.where(rng.random(x.shape) >= rate, x / (1.0 - rate), 0.0)


def dropout_flattened(x, rate, rng, training=True):
    if not training:
        return x
    x = np.ravel(x)
    return np.where(rng.random(x.size) >= rate, x / (1.0 - rate), 0.0)


def dropout_one_mask_per_feature(x, rate, rng, training=True):
    if not training:
        return x
    keep = rng.random(x.shape[1:]) >= rate  # the same units dropped for every example
    return np.where(keep, x / (1.0 - rate), 0.0)


# --- q7: early_stopping_epoch --------------------------------------------------------------


def _early(val_losses, patience, min_delta=0.0, *, improves, stops, start=1, never=None):
    best, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses, start=start):
        if improves(loss, best, min_delta):
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if stops(wait, patience):
                return {"stop_epoch": epoch, "best_epoch": best_epoch}
    return {"stop_epoch": never(val_losses) if never else None, "best_epoch": best_epoch}


def _strict(loss, best, min_delta):
    return loss < best - min_delta


def _reached(wait, patience):
    return wait >= patience


def early_ties_improve(val_losses, patience, min_delta=0.0):
    return _early(
        val_losses, patience, min_delta, improves=lambda lo, b, d: lo <= b - d, stops=_reached
    )


def early_from_zero(val_losses, patience, min_delta=0.0):
    return _early(val_losses, patience, min_delta, improves=_strict, stops=_reached, start=0)


def early_wait_past_patience(val_losses, patience, min_delta=0.0):
    return _early(val_losses, patience, min_delta, improves=_strict, stops=lambda w, p: w > p)


def early_ignores_min_delta(val_losses, patience, min_delta=0.0):
    return _early(val_losses, patience, min_delta, improves=lambda lo, b, d: lo < b, stops=_reached)


def early_never_stops_is_len(val_losses, patience, min_delta=0.0):
    return _early(val_losses, patience, min_delta, improves=_strict, stops=_reached, never=len)


def early_against_previous_loss(val_losses, patience, min_delta=0.0):
    previous, best_epoch, wait = np.inf, None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < previous - min_delta:  # compares with the last epoch, not with the best
            best_epoch, wait = epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return {"stop_epoch": epoch, "best_epoch": best_epoch}
        previous = loss
    return {"stop_epoch": None, "best_epoch": best_epoch}


def early_best_is_overall_min(val_losses, patience, min_delta=0.0):
    out = _early(val_losses, patience, min_delta, improves=_strict, stops=_reached)
    return {**out, "best_epoch": int(np.argmin(val_losses)) + 1}  # looks past the stop


# --- q8: build_deep_model ------------------------------------------------------------------


def _deep(
    units=None,
    activation="relu",
    output=(1, "sigmoid"),
    optimizer="adam",
    loss="binary_crossentropy",
    metrics=("accuracy",),
):
    def build_deep_model(n_features, hidden_units=(128, 64, 32, 16)):
        layers = [keras.Input(shape=(n_features,))]
        sizes = hidden_units if units is None else units(hidden_units)
        layers += [keras.layers.Dense(u, activation=activation) for u in sizes]
        layers.append(keras.layers.Dense(output[0], activation=output[1]))
        model = keras.Sequential(layers)
        model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
        return model

    return build_deep_model


def deep_ignores_hidden_units(n_features, hidden_units=(128, 64, 32, 16)):
    return _deep()(n_features)  # always the default sizes, whatever hidden_units says


def _deep_without_input(n_features, hidden_units=(128, 64, 32, 16)):
    # n_features ignored: Dense(128, input_shape=...) forgotten, the model is built on first call
    layers = [keras.layers.Dense(u, activation="relu") for u in hidden_units]
    model = keras.Sequential([*layers, keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


WRONG = {
    "ch3.q1": {
        "spectral norm np.linalg.norm(g, 2)": {"gradient_norms": norms_spectral},
        "sum of squares, no square root": {"gradient_norms": norms_squared},
        "root mean square instead of the norm": {"gradient_norms": norms_rms},
        "largest absolute entry": {"gradient_norms": norms_largest_entry},
        "diagnose ignores NaN": {"diagnose": diagnose_ignores_nan},
        "diagnose uses <= and >=": {"diagnose": diagnose_not_strict},
        "diagnose hard-codes low and high": {"diagnose": diagnose_default_thresholds},
        "diagnose compares the last layer with the first": {"diagnose": diagnose_ratio_reversed},
        "diagnose checks vanishing before exploding": {"diagnose": diagnose_vanishing_first},
    },
    "ch3.q2": {
        "he uses fan_out": {"init_std": init_he_fan_out},
        "lecun uses fan_out": {"init_std": init_lecun_fan_out},
        "glorot sqrt(1 / (fan_in + fan_out))": {"init_std": init_glorot_one_over},
        "glorot's uniform limit sqrt(6 / (fan_in + fan_out))": {
            "init_std": init_glorot_uniform_limit
        },
        "unknown scheme returns None": {"init_std": init_unknown_none},
        "unknown scheme raises KeyError": {"init_std": init_key_error},
    },
    "ch3.q3": {
        "left at None": {"prediction_q3": None},
        "a": {"prediction_q3": "a"},
        "b": {"prediction_q3": "b"},
        "not one of the choices": {"prediction_q3": "vanishes"},
    },
    "ch3.q4": {
        "sample variance (ddof=1)": {"batchnorm_forward": bn_ddof1},
        "moving_var from the sample variance (ddof=1)": {"batchnorm_forward": bn_moving_var_ddof1},
        "epsilon outside the square root": {"batchnorm_forward": bn_epsilon_outside},
        "momentum swapped (batch statistic * momentum)": {"batchnorm_forward": bn_momentum_swapped},
        "inference uses the batch's statistics": {"batchnorm_forward": bn_batch_stats_at_inference},
        "moving statistics updated in place": {"batchnorm_forward": bn_in_place},
        "statistics over the features (axis 1)": {"batchnorm_forward": bn_over_features},
    },
    "ch3.q5": {
        "n_val floored": {"train_val_split": split_floor},
        "validation = the last n_val of the permutation": {"train_val_split": split_val_last},
        "np.random.permutation instead of rng": {"train_val_split": split_global_random},
        "its own default_rng(0), the rng argument ignored": {"train_val_split": split_own_seed},
        "not shuffled": {"train_val_split": split_not_shuffled},
        "rng.choice for the validation indices": {"train_val_split": split_choice},
        "n_val rounded up (ceil)": {"train_val_split": split_ceil},
    },
    "ch3.q6": {
        "no rescaling": {"dropout_forward": dropout_no_rescale},
        "keeps with probability rate (< rate)": {"dropout_forward": dropout_keeps_with_prob_rate},
        "divides by rate instead of 1 - rate": {"dropout_forward": dropout_divides_by_rate},
        "rescales at inference": {"dropout_forward": dropout_rescales_at_inference},
        "scales by 1 - rate at inference": {"dropout_forward": dropout_scales_down_at_inference},
        "flattened output": {"dropout_forward": dropout_flattened},
        "one mask for every example": {"dropout_forward": dropout_one_mask_per_feature},
    },
    "ch3.q7": {
        "ties count as improvements (<=)": {"early_stopping_epoch": early_ties_improve},
        "epochs counted from 0": {"early_stopping_epoch": early_from_zero},
        "stops when wait > patience": {"early_stopping_epoch": early_wait_past_patience},
        "min_delta ignored": {"early_stopping_epoch": early_ignores_min_delta},
        "stop_epoch = len(val_losses) when it never stops": {
            "early_stopping_epoch": early_never_stops_is_len
        },
        "compares with the previous loss, not the best": {
            "early_stopping_epoch": early_against_previous_loss
        },
        "best_epoch = argmin of all the losses": {
            "early_stopping_epoch": early_best_is_overall_min
        },
    },
    "ch3.q8": {
        "missing the last hidden layer": {"build_deep_model": _deep(units=lambda u: u[:-1])},
        "tanh instead of relu": {"build_deep_model": _deep(activation="tanh")},
        "sgd instead of adam": {"build_deep_model": _deep(optimizer="sgd")},
        "mse instead of binary_crossentropy": {"build_deep_model": _deep(loss="mse")},
        "no accuracy metric": {"build_deep_model": _deep(metrics=())},
        "hidden layers in reverse order": {"build_deep_model": _deep(units=lambda u: u[::-1])},
        "Dense(2, softmax) output": {"build_deep_model": _deep(output=(2, "softmax"))},
        "linear output (no sigmoid)": {"build_deep_model": _deep(output=(1, None))},
        "no Input layer": {"build_deep_model": _deep_without_input},
        "hidden_units ignored (the default sizes hard-coded)": {
            "build_deep_model": deep_ignores_hidden_units
        },
    },
}

NAMED = {
    ("ch3.q1", "diagnose ignores NaN"): "nan: got 'healthy'",
    ("ch3.q1", "diagnose uses <= and >="): "a norm == high",
    ("ch3.q2", "unknown scheme raises KeyError"): "raised KeyError",
    ("ch3.q4", "moving_var from the sample variance (ddof=1)"): "moving_var",
    ("ch3.q4", "moving statistics updated in place"): "moving_mean: got False",
    ("ch3.q6", "flattened output"): "wrong shape",
    ("ch3.q7", "ties count as improvements (<=)"): "stop_epoch",
    ("ch3.q7", "stop_epoch = len(val_losses) when it never stops"): "stop_epoch",
    ("ch3.q7", "best_epoch = argmin of all the losses"): "best_epoch",
    ("ch3.q8", "sgd instead of adam"): "optimizer",
    ("ch3.q8", "mse instead of binary_crossentropy"): "loss",
    ("ch3.q8", "no accuracy metric"): "metrics",
    ("ch3.q1", "diagnose checks vanishing before exploding"): "above high and a tiny first norm",
    ("ch3.q8", "hidden_units ignored (the default sizes hard-coded)"): "units",
}

(
    test_wrong_answer_fails_a_public_check,
    test_solution_passes_every_public_check,
    test_every_question_has_at_least_two_wrong_answers,
    test_every_named_item_belongs_to_a_listed_wrong_answer,
) = wrong_answer_tests("ch3", WRONG, NAMED)
