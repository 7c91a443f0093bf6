"""Public cases of exercise ch1: activations, a dense forward pass, counting parameters."""

from __future__ import annotations

import numpy as np

from course_lib.grading.cases import Suite


def build_suite() -> Suite:
    suite = Suite("ch1")

    q1 = suite.question("q1", "Activation functions: relu and sigmoid", names=("relu", "sigmoid"))

    @q1.case(message="relu on a hand-worked vector",
             hint="negative inputs become 0, everything else passes through unchanged")
    def relu_hand_worked(ns):
        return ns.relu(np.array([-2.0, -0.5, 0.0, 0.5, 3.0]))

    @q1.case(message="relu keeps the shape of a (2, 3) batch",
             hint="work elementwise: no loops over rows, no flattening, no sums")
    def relu_batch(ns):
        return ns.relu(np.array([[1.0, -1.0, 2.0], [-3.0, 0.25, 0.0]]))

    @q1.case(message="sigmoid on a hand-worked vector",
             hint="sigmoid(z) = 1 / (1 + exp(-z)); sigmoid(0) is 0.5")
    def sigmoid_hand_worked(ns):
        return ns.sigmoid(np.array([-2.0, 0.0, 2.0]))

    q2 = suite.question("q2", "A dense layer's forward pass", names=("dense_forward",))

    @q2.case(message="one sample, linear activation",
             hint="the output is x @ kernel + bias: shapes (N, in) @ (in, units) + (units,)")
    def linear_one_sample(ns):
        x = np.array([[1.0, 2.0]])
        kernel = np.array([[0.5, -1.0, 0.0], [0.25, 0.5, 1.0]])
        bias = np.array([0.1, 0.2, -0.3])
        return ns.dense_forward(x, kernel, bias, "linear")

    @q2.case(message="a batch of 4 samples with relu",
             hint="apply the activation after adding the bias")
    def relu_layer_batch(ns):
        rng = np.random.default_rng(1)
        x = rng.normal(size=(4, 3))
        kernel = rng.normal(size=(3, 2))
        bias = np.array([0.5, -0.5])
        return ns.dense_forward(x, kernel, bias, "relu")

    q3 = suite.question("q3", "Counting parameters", names=("count_params",))

    @q3.case(message="a single Dense(3) layer on 4 inputs",
             hint="each layer has inputs * units weights plus one bias per unit")
    def single_layer(ns):
        return ns.count_params([4, 3])

    @q3.case(message="the seed's 32-16-1 model on 20 features",
             hint="add up the weights and biases of every layer")
    def seed_model(ns):
        return ns.count_params([20, 32, 16, 1])

    return suite
