"""Exercise ch4: plausible wrong answers, written by hand, each fail at least one public check.

``WRONG[question][label]`` holds the names a wrong answer replaces in the solution's namespace;
``NAMED[question, label]`` is the item the failure message must name (for questions whose results
are named: ``X_test_scaled``, ``k``, ``loss``, ...).
"""

from __future__ import annotations

import numpy as np
from grading_answers import (
    solution_namespace,
    wrong_answer_tests,
)

from course_lib.applications import KNearestNeighbors, accuracy

SOLUTION = solution_namespace("ch4")


# --- q1: standardize -----------------------------------------------------------------------


def std_own_statistics(X_train, X_test):
    def one(X):
        std = X.std(axis=0)
        return (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)

    return one(X_train), one(X_test)


def std_sample_ddof1(X_train, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_test - mean) / std


def std_pooled(X_train, X_test):
    both = np.vstack([X_train, X_test])
    mean, std = both.mean(axis=0), both.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_test - mean) / std


def std_epsilon(X_train, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0) + 1e-8
    return (X_train - mean) / std, (X_test - mean) / std


def std_no_guard(X_train, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (X_train - mean) / std, (X_test - mean) / std


# --- q2: choose_k, final_test_accuracy -------------------------------------------------------


def val_accuracy(X_train, y_train, X, y, k):
    return accuracy(y, KNearestNeighbors(k).fit(X_train, y_train).predict(X))


def choose_returns_accuracy(X_train, y_train, X_val, y_val, ks):
    return max(val_accuracy(X_train, y_train, X_val, y_val, k) for k in ks)


def choose_ties_largest(X_train, y_train, X_val, y_val, ks):
    best_k, best = None, -1.0
    for k in sorted(ks):
        a = val_accuracy(X_train, y_train, X_val, y_val, k)
        if a >= best:
            best_k, best = k, a
    return best_k


def choose_first_in_list(X_train, y_train, X_val, y_val, ks):
    return max(ks, key=lambda k: val_accuracy(X_train, y_train, X_val, y_val, k))


def choose_index(X_train, y_train, X_val, y_val, ks):
    scores = [val_accuracy(X_train, y_train, X_val, y_val, k) for k in ks]
    return int(np.argmax(scores))


def choose_on_training(X_train, y_train, X_val, y_val, ks):
    return max(sorted(ks), key=lambda k: val_accuracy(X_train, y_train, X_train, y_train, k))


def final_chooses_on_test(X_train, y_train, X_val, y_val, X_test, y_test, ks):
    k = SOLUTION["choose_k"](X_train, y_train, X_test, y_test, ks)
    return {"k": k, "test_accuracy": val_accuracy(X_train, y_train, X_test, y_test, k)}


def final_best_test_over_ks(X_train, y_train, X_val, y_val, X_test, y_test, ks):
    k = SOLUTION["choose_k"](X_train, y_train, X_val, y_val, ks)
    best = max(val_accuracy(X_train, y_train, X_test, y_test, j) for j in ks)
    return {"k": k, "test_accuracy": best}


def final_refit_train_and_val(X_train, y_train, X_val, y_val, X_test, y_test, ks):
    k = SOLUTION["choose_k"](X_train, y_train, X_val, y_val, ks)
    X_all, y_all = np.vstack([X_train, X_val]), np.concatenate([y_train, y_val])
    return {"k": k, "test_accuracy": val_accuracy(X_all, y_all, X_test, y_test, k)}


def final_validation_accuracy(X_train, y_train, X_val, y_val, X_test, y_test, ks):
    k = SOLUTION["choose_k"](X_train, y_train, X_val, y_val, ks)
    return {"k": k, "test_accuracy": val_accuracy(X_train, y_train, X_val, y_val, k)}


# --- q3: predict_digits ----------------------------------------------------------------------


def digits_returns_labels(images):
    return SOLUTION["y_test"]


def digits_probabilities(images):
    return SOLUTION["model"].predict((images - SOLUTION["mean"]) / SOLUTION["std"], verbose=0)


def digits_most_common(images):
    return np.full(len(images), np.bincount(SOLUTION["y_train"]).argmax())


def digits_float_labels(images):
    return SOLUTION["predict_digits"](images).astype(float)


def digits_column(images):
    return SOLUTION["predict_digits"](images)[:, None]


# --- q4: conv2d ------------------------------------------------------------------------------


def conv_flipped(x, kernel, bias, stride=1):
    return SOLUTION["conv2d"](x, kernel[::-1, ::-1], bias, stride)


def conv_ignores_stride(x, kernel, bias, stride=1):
    return SOLUTION["conv2d"](x, kernel, bias, 1)


def conv_first_channel(x, kernel, bias, stride=1):
    return SOLUTION["conv2d"](x[..., :1], kernel[:, :, :1], bias, stride)


def conv_no_bias(x, kernel, bias, stride=1):
    return SOLUTION["conv2d"](x, kernel, np.zeros_like(bias), stride)


def conv_first_bias(x, kernel, bias, stride=1):
    return SOLUTION["conv2d"](x, kernel, np.full_like(bias, bias[0]), stride)


def conv_first_image(x, kernel, bias, stride=1):
    return SOLUTION["conv2d"](x[:1], kernel, bias, stride)


def conv_swapped_sizes(x, kernel, bias, stride=1):
    # windows of kw rows and kh columns: the kernel's axes read the wrong way round
    return SOLUTION["conv2d"](x, np.swapaxes(kernel, 0, 1), bias, stride)


# --- q6: make_windows ------------------------------------------------------------------------


def windows_general(series, window, horizon, n_shift=0, target_shift=0):
    series = np.asarray(series, dtype=float)
    n = len(series) - window - horizon + 1 + n_shift
    if n < 1:
        raise ValueError(f"`window`={window} is too long")
    X = np.stack([series[i : i + window] for i in range(n)])
    y = np.array([series[i + window + horizon - 1 + target_shift] for i in range(n)])
    return {"X": X, "y": y}


def windows_one_short(series, window, horizon=1):
    return windows_general(series, window, horizon, n_shift=-1)


def windows_ignore_horizon(series, window, horizon=1):
    return windows_general(series, window, 1)


def windows_horizon_plus_one(series, window, horizon=1):
    return windows_general(series, window, horizon + 1, target_shift=0)


def windows_tuple(series, window, horizon=1):
    out = SOLUTION["make_windows"](series, window, horizon)
    return out["X"], out["y"]


def windows_y_column(series, window, horizon=1):
    out = SOLUTION["make_windows"](series, window, horizon)
    return {"X": out["X"], "y": out["y"][:, None]}


def windows_numpy_error(series, window, horizon=1):
    series = np.asarray(series, dtype=float)
    n = len(series) - window - horizon + 1
    X = np.stack([series[i : i + window] for i in range(n)])  # ValueError: need at least one array
    return {"X": X, "y": series[window + horizon - 1 :]}


def windows_strict_longer(series, window, horizon=1):
    if window > len(series):
        raise ValueError(f"`window`={window} is longer than the series")
    series = np.asarray(series, dtype=float)
    n = len(series) - window - horizon + 1
    X = np.array([series[i : i + window] for i in range(n)]).reshape(-1, window)
    return {"X": X, "y": series[window + horizon - 1 :]}


# --- q7: next_char_loss, perplexity ----------------------------------------------------------


def loss_naive_softmax(logits, targets):
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(logits)
        p = e / e.sum(axis=1, keepdims=True)
        return float(-np.mean(np.log(p[np.arange(len(targets)), targets])))


def loss_sum(logits, targets):
    return SOLUTION["next_char_loss"](logits, targets) * len(targets)


def loss_per_example(logits, targets):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_probs[np.arange(len(targets)), targets]


def loss_bits(logits, targets):
    return SOLUTION["next_char_loss"](logits, targets) / np.log(2.0)


def loss_target_logit_only(logits, targets):
    return float(-np.mean(logits[np.arange(len(targets)), targets]))


def loss_column_indexing(logits, targets):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.mean(log_probs[:, targets]))  # (N, N): every example's target for every row


def perplexity_base_two(loss):
    return float(2.0**loss)


def perplexity_negative(loss):
    return float(np.exp(-loss))


WRONG = {
    "ch4.q1": {
        "the test set scaled with its own statistics": {"standardize": std_own_statistics},
        "sample standard deviation (ddof=1)": {"standardize": std_sample_ddof1},
        "statistics of training and test sets together": {"standardize": std_pooled},
        "std + 1e-8 instead of dividing by 1": {"standardize": std_epsilon},
        "no guard for std 0 (NaN)": {"standardize": std_no_guard},
    },
    "ch4.q2": {
        "choose_k returns the best accuracy, not k": {"choose_k": choose_returns_accuracy},
        "choose_k: ties go to the largest k": {"choose_k": choose_ties_largest},
        "choose_k: ties go to the first k in the list": {"choose_k": choose_first_in_list},
        "choose_k returns the position of k in ks": {"choose_k": choose_index},
        "choose_k scores on the training set": {"choose_k": choose_on_training},
        "final_test_accuracy chooses k on the test set": {
            "final_test_accuracy": final_chooses_on_test
        },
        "final_test_accuracy: the best test accuracy over all ks": {
            "final_test_accuracy": final_best_test_over_ks
        },
        "final_test_accuracy refits on training + validation": {
            "final_test_accuracy": final_refit_train_and_val
        },
        "final_test_accuracy reports the validation accuracy": {
            "final_test_accuracy": final_validation_accuracy
        },
    },
    "ch4.q3": {
        "returns the test labels (y_test)": {"predict_digits": digits_returns_labels},
        "returns the probabilities (N, 10)": {"predict_digits": digits_probabilities},
        "always the most common digit": {"predict_digits": digits_most_common},
        "float labels": {"predict_digits": digits_float_labels},
        "labels of shape (N, 1)": {"predict_digits": digits_column},
    },
    "ch4.q4": {
        "flipped kernel (a textbook convolution)": {"conv2d": conv_flipped},
        "ignores the stride": {"conv2d": conv_ignores_stride},
        "only the first input channel": {"conv2d": conv_first_channel},
        "forgot the bias": {"conv2d": conv_no_bias},
        "bias[0] for every filter": {"conv2d": conv_first_bias},
        "only the first image of the batch": {"conv2d": conv_first_image},
        "kernel height and width swapped": {"conv2d": conv_swapped_sizes},
    },
    "ch4.q5": {
        "prediction left at None": {"prediction_q5": None},
        "prediction b (14: H // stride)": {"prediction_q5": "b"},
        "prediction c (26: stride ignored)": {"prediction_q5": "c"},
    },
    "ch4.q6": {
        "one window too few": {"make_windows": windows_one_short},
        "ignores horizon": {"make_windows": windows_ignore_horizon},
        "target one step too late": {"make_windows": windows_horizon_plus_one},
        "returns a tuple (X, y)": {"make_windows": windows_tuple},
        "y of shape (n, 1)": {"make_windows": windows_y_column},
        "NumPy's own ValueError (does not name window)": {"make_windows": windows_numpy_error},
        "raises only when the window is longer than the series": {
            "make_windows": windows_strict_longer
        },
    },
    "ch4.q7": {
        "naive softmax (overflows)": {"next_char_loss": loss_naive_softmax},
        "sum instead of mean": {"next_char_loss": loss_sum},
        "per-example losses (N,) instead of the mean": {"next_char_loss": loss_per_example},
        "bits (log2) instead of nats": {"next_char_loss": loss_bits},
        "minus the target's logit only (no log-sum-exp)": {
            "next_char_loss": loss_target_logit_only
        },
        "logits[:, targets] (N, N) instead of one per row": {
            "next_char_loss": loss_column_indexing
        },
        "perplexity 2 ** loss": {"perplexity": perplexity_base_two},
        "perplexity exp(-loss)": {"perplexity": perplexity_negative},
    },
}

# The item the failure message must name, for questions whose results are named.
NAMED = {
    ("ch4.q1", "the test set scaled with its own statistics"): "X_test_scaled",
    ("ch4.q1", "sample standard deviation (ddof=1)"): "X_train_scaled",
    ("ch4.q1", "statistics of training and test sets together"): "X_train_scaled",
    ("ch4.q1", "std + 1e-8 instead of dividing by 1"): "X_test_scaled",
    ("ch4.q1", "no guard for std 0 (NaN)"): "X_train_scaled",
    ("ch4.q2", "choose_k returns the best accuracy, not k"): "k",
    ("ch4.q2", "choose_k: ties go to the largest k"): "k",
    ("ch4.q2", "choose_k: ties go to the first k in the list"): "k",
    ("ch4.q2", "choose_k returns the position of k in ks"): "k",
    ("ch4.q2", "choose_k scores on the training set"): "k",
    ("ch4.q2", "final_test_accuracy chooses k on the test set"): "k",
    ("ch4.q2", "final_test_accuracy: the best test accuracy over all ks"): "test_accuracy",
    ("ch4.q2", "final_test_accuracy refits on training + validation"): "test_accuracy",
    ("ch4.q2", "final_test_accuracy reports the validation accuracy"): "test_accuracy",
    ("ch4.q6", "one window too few"): "X",
    ("ch4.q6", "ignores horizon"): "y",
    ("ch4.q6", "target one step too late"): "y",
    ("ch4.q6", "y of shape (n, 1)"): "y",
    ("ch4.q6", "NumPy's own ValueError (does not name window)"): "the message names `window`",
    ("ch4.q6", "raises only when the window is longer than the series"): (
        "window as long as the series"
    ),
    ("ch4.q7", "naive softmax (overflows)"): "loss",
    ("ch4.q7", "sum instead of mean"): "loss",
    ("ch4.q7", "per-example losses (N,) instead of the mean"): "loss",
    ("ch4.q7", "bits (log2) instead of nats"): "loss",
    ("ch4.q7", "minus the target's logit only (no log-sum-exp)"): "loss",
    ("ch4.q7", "logits[:, targets] (N, N) instead of one per row"): "loss",
    ("ch4.q7", "perplexity 2 ** loss"): "perplexity",
    ("ch4.q7", "perplexity exp(-loss)"): "perplexity",
}

(
    test_wrong_answer_fails_a_public_check,
    test_solution_passes_every_public_check,
    test_every_question_has_at_least_two_wrong_answers,
    test_every_named_item_belongs_to_a_listed_wrong_answer,
) = wrong_answer_tests("ch4", WRONG, NAMED)
