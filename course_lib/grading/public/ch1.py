"""Public cases of exercise ch1: activations, a dense forward pass, counting parameters, a stable
softmax, weights for XOR, and a prediction about two linear layers."""

from __future__ import annotations

import numpy as np

from course_lib.grading.cases import Suite
from course_lib.grading.predict import choice

XOR_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_KEYS = ("W1", "b1", "W2", "b2")


def xor_classes(params, X):
    """The class (0/1) the 2-2-1 relu/sigmoid network with the learner's weights gives each row."""
    p = {k: np.asarray(params[k], dtype=float) for k in XOR_KEYS}
    z = np.maximum(0.0, X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    # sigmoid(z) > 0.5 exactly where z > 0; computed without exp, so it never overflows
    return (np.asarray(z) > 0).astype(np.int64)


def raised_error(fn):
    """What calling fn() raised, by name of the error, and whether its message names `activation`."""
    try:
        fn()
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - the learner's error is the result
        return {"error raised": type(exc).__name__, "names `activation`": "activation" in str(exc)}
    return {"error raised": "no error", "names `activation`": False}


def build_suite() -> Suite:
    suite = Suite("ch1")

    q1 = suite.question("q1", "Activation functions: relu and sigmoid", names=("relu", "sigmoid"))

    @q1.case(
        message="relu on a hand-worked vector",
        hint="negative inputs become 0, everything else passes through unchanged",
    )
    def relu_hand_worked(ns):
        return ns.relu(np.array([-2.0, -0.5, 0.0, 0.5, 3.0]))

    @q1.case(
        message="relu keeps the shape of a (2, 3) batch",
        hint="work elementwise: no loops over rows, no flattening, no sums",
    )
    def relu_batch(ns):
        return ns.relu(np.array([[1.0, -1.0, 2.0], [-3.0, 0.25, 0.0]]))

    @q1.case(
        message="sigmoid on a hand-worked vector",
        hint="sigmoid(z) = 1 / (1 + exp(-z)); sigmoid(0) is 0.5",
    )
    def sigmoid_hand_worked(ns):
        return ns.sigmoid(np.array([-2.0, 0.0, 2.0]))

    @q1.case(
        message="sigmoid of a (2, 3) batch with |z| up to 1000, with overflow an error",
        hint="exp(1000) overflows: compute exp only of non-positive numbers, e.g. "
        "exp(-|z|), and pick the form of the formula by the sign of z; keep the shape",
    )
    def sigmoid_no_overflow(ns):
        sigmoid = ns.sigmoid
        with np.errstate(over="raise"):
            return sigmoid(np.array([[-1000.0, -710.0, -30.0], [30.0, 710.0, 1000.0]]))

    q2 = suite.question("q2", "A neuron and a dense layer's forward pass", names=("dense_forward",))

    @q2.case(
        message="one sample, linear activation",
        hint="the output is x @ kernel + bias: shapes (N, in) @ (in, units) + (units,)",
    )
    def linear_one_sample(ns):
        x = np.array([[1.0, 2.0]])
        kernel = np.array([[0.5, -1.0, 0.0], [0.25, 0.5, 1.0]])
        bias = np.array([0.1, 0.2, -0.3])
        return ns.dense_forward(x, kernel, bias, "linear")

    @q2.case(
        message="a batch of 4 samples with relu", hint="apply the activation after adding the bias"
    )
    def relu_layer_batch(ns):
        rng = np.random.default_rng(1)
        x = rng.normal(size=(4, 3))
        kernel = rng.normal(size=(3, 2))
        bias = np.array([0.5, -0.5])
        return ns.dense_forward(x, kernel, bias, "relu")

    @q2.case(
        message="a single neuron (kernel (3, 1), bias (1,)) on 2 samples, linear",
        hint="a neuron is x @ w + b; for one unit the result still has shape (N, 1)",
    )
    def single_neuron(ns):
        x = np.array([[0.5, -1.0, 2.0], [1.0, 1.0, 1.0]])  # section 1's neuron, and one more
        w = np.array([[0.8], [0.2], [-0.5]])
        return ns.dense_forward(x, w, np.array([0.1]), "linear")

    @q2.case(
        message="a batch of 3 samples with sigmoid and a large bias",
        hint="the activation comes last: sigmoid(x @ kernel + bias), not "
        "sigmoid(x @ kernel) + bias",
    )
    def sigmoid_after_bias(ns):
        x = np.array([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.0]])
        kernel = np.array([[0.4, -0.7], [0.3, 0.2]])
        return ns.dense_forward(x, kernel, np.array([2.0, -2.0]), "sigmoid")

    @q2.case(
        message="an unknown activation name ('tanh') raises ValueError naming `activation`",
        hint="check the name against the three the question lists and raise "
        "ValueError(...) with a message that says `activation`",
    )
    def unknown_activation(ns):
        dense_forward = ns.dense_forward
        x, kernel, bias = np.ones((2, 3)), np.ones((3, 2)), np.zeros(2)
        return raised_error(lambda: dense_forward(x, kernel, bias, "tanh"))

    q3 = suite.question("q3", "Counting parameters", names=("count_params",))

    @q3.case(
        message="a single Dense(3) layer on 4 inputs",
        hint="each layer has inputs * units weights plus one bias per unit",
    )
    def single_layer(ns):
        return ns.count_params([4, 3])

    @q3.case(
        message="the seed's 32-16-1 model on 20 features",
        hint="add up the weights and biases of every layer",
    )
    def seed_model(ns):
        return ns.count_params([20, 32, 16, 1])

    @q3.case(
        message="the biases of a 2-1-8 stack: one per unit",
        hint="a layer of 8 units has 8 biases, not 1; a layer's inputs are the previous "
        "layer's units",
    )
    def bias_per_unit(ns):
        return ns.count_params([2, 1, 8])

    q4 = suite.question("q4", "A numerically stable softmax", names=("softmax",))

    @q4.case(
        message="softmax of two hand-worked rows",
        hint="each row: exp(z_k) / sum_j exp(z_j); the rows of the result sum to 1",
    )
    def softmax_hand_worked(ns):
        return ns.softmax(np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]))

    @q4.case(
        message="the logits (1001, 1002, 1003), with overflow an error",
        hint="subtract each row's maximum before exp",
    )
    def softmax_no_overflow(ns):
        softmax = ns.softmax
        with np.errstate(over="raise"):
            return softmax(np.array([[1001.0, 1002.0, 1003.0]]))

    @q4.case(
        message="adding a constant to every logit changes nothing",
        hint="softmax(z + c) = softmax(z): only the differences within a row matter",
    )
    def softmax_shift(ns):
        z = np.random.default_rng(4).normal(0.0, 2.0, size=(4, 5))
        return {"softmax(z)": ns.softmax(z), "softmax(z + 30)": ns.softmax(z + 30.0)}

    @q4.case(
        message="each row of a (3, 3) batch on very different scales is its own softmax",
        hint="take the max and the sum of each row (axis=1, keepdims=True), not of the "
        "whole array or of the columns",
    )
    def softmax_per_row(ns):
        return ns.softmax(
            np.array([[1.0, 2.0, 3.0], [-1000.0, -999.0, -998.0], [1000.0, 1000.0, 999.0]])
        )

    q5 = suite.question("q5", "Weights for a hidden layer that solves XOR", names=("xor_params",))

    @q5.case(
        message="the shapes of W1, b1, W2, b2",
        hint="W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,): kernel (inputs, units), bias (units,)",
    )
    def xor_shapes(ns):
        params = ns.xor_params()
        return {k: np.zeros(np.shape(params[k])) for k in XOR_KEYS if k in params}

    @q5.case(
        message="the four XOR corners, each classified right (output > 0.5 for class 1)",
        hint="hidden unit 1 for OR, unit 2 for AND; the output adds unit 1, subtracts "
        "unit 2 and stays below 0.5 at (0, 0)",
    )
    def xor_corners(ns):
        return xor_classes(ns.xor_params(), XOR_CORNERS)

    @q5.case(
        message="points within 0.2 of a corner in each coordinate get its class",
        hint="put each line of the decision halfway between the corners it separates "
        "(e.g. x1 + x2 = 0.5 and x1 + x2 = 1.5)",
    )
    def xor_near_corners(ns):
        steps = np.array([-0.2, 0.0, 0.2])
        offsets = np.array([[a, b] for a in steps for b in steps])  # (9, 2)
        X = (XOR_CORNERS[:, None, :] + offsets[None]).reshape(-1, 2)  # (36, 2)
        return xor_classes(ns.xor_params(), X)

    q6 = suite.question(
        "q6",
        "Predict: can two linear layers (no activation) classify XOR?",
        names=("prediction_q6",),
        kind="prediction",
    )

    @q6.case(message="your prediction", compare=choice("a", "b", "c"))
    def prediction(ns):
        return ns.prediction_q6

    return suite
