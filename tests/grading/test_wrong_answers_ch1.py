"""Exercise ch1: plausible wrong answers, written by hand, each fail at least one public check.

``WRONG[question][label]`` holds the names a wrong answer replaces in the solution's namespace;
``NAMED[question, label]`` is the item the failure message must name (for questions whose results
are named: ``W2``, ``error raised``, ``softmax(z)``, ...).
"""

from __future__ import annotations

import numpy as np
from grading_answers import (
    solution_namespace,
    wrong_answer_tests,
)

SOLUTION = solution_namespace("ch1")
relu, sigmoid = SOLUTION["relu"], SOLUTION["sigmoid"]


# --- q1: relu and sigmoid ------------------------------------------------------------------


def relu_leaky(z):
    return np.maximum(0.01 * z, z)


def relu_abs(z):
    return np.abs(z)


def relu_clipped_at_one(z):
    return np.clip(z, 0.0, 1.0)


def sigmoid_naive(z):
    return 1.0 / (1.0 + np.exp(-z))  # exp(1000) overflows for z = -1000


def sigmoid_both_branches(z):
    # "stable" by np.where, but both branches are computed everywhere: exp(|z|) still overflows
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))


def sigmoid_flattened(z):
    z = np.asarray(z, dtype=float).ravel()
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_sign_flipped(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))  # 1 - sigmoid(z)


# --- q2: dense_forward ---------------------------------------------------------------------

ACTS = {"linear": lambda a: a, "relu": relu, "sigmoid": sigmoid}


def _check(activation):
    if activation not in ACTS:
        raise ValueError(f"Received an invalid value for `activation`: {activation!r}")


def dense_no_bias(x, kernel, bias, activation="linear"):
    _check(activation)
    return ACTS[activation](x @ kernel)


def dense_activation_before_bias(x, kernel, bias, activation="linear"):
    _check(activation)
    return ACTS[activation](x @ kernel) + bias


def dense_squeezed(x, kernel, bias, activation="linear"):
    _check(activation)
    return np.squeeze(ACTS[activation](x @ kernel + bias))


def dense_key_error(x, kernel, bias, activation="linear"):
    return ACTS[activation](x @ kernel + bias)  # an unknown name raises KeyError


def dense_unknown_is_linear(x, kernel, bias, activation="linear"):
    return ACTS.get(activation, ACTS["linear"])(x @ kernel + bias)


def dense_vague_error(x, kernel, bias, activation="linear"):
    if activation not in ACTS:
        raise ValueError(f"unknown name {activation!r}")  # does not say which argument
    return ACTS[activation](x @ kernel + bias)


# --- q3: count_params ----------------------------------------------------------------------


def count_no_bias(layer_sizes):
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True))


def count_one_bias_per_layer(layer_sizes):
    return sum(a * b + 1 for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True))


def count_bias_per_input(layer_sizes):
    return sum(a * b + a for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True))


def count_first_layer_only(layer_sizes):
    return layer_sizes[0] * layer_sizes[1] + layer_sizes[1]


# --- q4: softmax ---------------------------------------------------------------------------


def softmax_naive(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def softmax_global_max(z):
    e = np.exp(z - z.max())  # one max for the whole array: other rows underflow to 0/0
    return e / e.sum(axis=1, keepdims=True)


def softmax_over_columns(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_whole_array(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum()


def softmax_no_keepdims(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1)  # (N, K) / (N,): broadcasts along the wrong axis, or fails


def softmax_scaled_by_max(z):
    e = np.exp(z / np.abs(z).max(axis=1, keepdims=True))  # divides instead of subtracting
    return e / e.sum(axis=1, keepdims=True)


# --- q5: xor_params ------------------------------------------------------------------------

GOOD = SOLUTION["xor_params"]()


def xor_with(**changes):
    return lambda: {**{k: v.copy() for k, v in GOOD.items()}, **changes}


def xor_missing_b2():
    return {k: v for k, v in GOOD.items() if k != "b2"}


# --- q6: the prediction --------------------------------------------------------------------

WRONG = {
    "ch1.q1": {
        "leaky relu": {"relu": relu_leaky},
        "abs instead of relu": {"relu": relu_abs},
        "relu clipped at 1": {"relu": relu_clipped_at_one},
        "naive sigmoid (overflows)": {"sigmoid": sigmoid_naive},
        "np.where over two overflowing branches": {"sigmoid": sigmoid_both_branches},
        "sigmoid flattens its input": {"sigmoid": sigmoid_flattened},
        "1 - sigmoid (branches swapped)": {"sigmoid": sigmoid_sign_flipped},
    },
    "ch1.q2": {
        "forgot the bias": {"dense_forward": dense_no_bias},
        "activation before the bias": {"dense_forward": dense_activation_before_bias},
        "squeezed to (N,) for one unit": {"dense_forward": dense_squeezed},
        "unknown name raises KeyError": {"dense_forward": dense_key_error},
        "unknown name falls back to linear": {"dense_forward": dense_unknown_is_linear},
        "ValueError that does not name `activation`": {"dense_forward": dense_vague_error},
    },
    "ch1.q3": {
        "forgot the biases": {"count_params": count_no_bias},
        "one bias per layer": {"count_params": count_one_bias_per_layer},
        "one bias per input": {"count_params": count_bias_per_input},
        "first layer only": {"count_params": count_first_layer_only},
    },
    "ch1.q4": {
        "naive softmax (overflows)": {"softmax": softmax_naive},
        "one max for the whole array": {"softmax": softmax_global_max},
        "softmax over the columns": {"softmax": softmax_over_columns},
        "normalised over the whole array": {"softmax": softmax_whole_array},
        "sum without keepdims": {"softmax": softmax_no_keepdims},
        "divides by the max instead of subtracting": {"softmax": softmax_scaled_by_max},
    },
    "ch1.q5": {
        "W2 transposed, shape (1, 2)": {"xor_params": xor_with(W2=GOOD["W2"].T)},
        "b1 of shape (1, 2)": {"xor_params": xor_with(b1=GOOD["b1"][None])},
        "b2 missing": {"xor_params": xor_missing_b2},
        "OR only (AND unit ignored)": {"xor_params": xor_with(W2=np.array([[2.0], [0.0]]))},
        "AND unit for, OR unit against": {"xor_params": xor_with(W2=np.array([[-2.0], [4.0]]))},
        "lines too close to the corners (x1 + x2 = 0.9 and 1.1)": {
            "xor_params": xor_with(
                b1=np.array([0.0, -1.0]), W2=np.array([[10.0], [-20.0]]), b2=np.array([-9.0])
            )
        },
    },
    "ch1.q6": {
        "left at None": {"prediction_q6": None},
        "a (yes, with the right weights)": {"prediction_q6": "a"},
        "c (only with more hidden units)": {"prediction_q6": "c"},
        "not one of the choices": {"prediction_q6": "yes"},
    },
}

NAMED = {
    ("ch1.q2", "unknown name raises KeyError"): "error raised",
    ("ch1.q2", "unknown name falls back to linear"): "error raised",
    ("ch1.q2", "ValueError that does not name `activation`"): "names `activation`",
    ("ch1.q4", "divides by the max instead of subtracting"): "softmax(z)",
    ("ch1.q5", "W2 transposed, shape (1, 2)"): "W2: wrong shape",
    ("ch1.q5", "b1 of shape (1, 2)"): "b1: wrong shape",
    ("ch1.q5", "b2 missing"): "'b2'",
}

(
    test_wrong_answer_fails_a_public_check,
    test_solution_passes_every_public_check,
    test_every_question_has_at_least_two_wrong_answers,
    test_every_named_item_belongs_to_a_listed_wrong_answer,
) = wrong_answer_tests("ch1", WRONG, NAMED)
