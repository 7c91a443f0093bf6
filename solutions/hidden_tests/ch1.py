"""Hidden cases of exercise ch1 (instructor side: never copied into exercises/ or the package)."""

import numpy as np


def add_hidden(suite):
    @suite.case(
        "q1",
        hidden=True,
        message="relu on random values of shape (3, 4, 2)",
        hint="relu must work for arrays of any shape",
    )
    def relu_random(ns):
        return ns.relu(np.random.default_rng(10).normal(size=(3, 4, 2)))

    @suite.case(
        "q1",
        hidden=True,
        message="relu on a (6, 5) batch with large values",
        hint="negative inputs become 0, everything else passes through unchanged",
    )
    def relu_large_batch(ns):
        return ns.relu(np.random.default_rng(13).normal(0.0, 100.0, size=(6, 5)))

    @suite.case(
        "q1",
        hidden=True,
        message="sigmoid for very large |z|",
        hint="compute exp only of non-positive numbers, or use np.exp(-np.abs(z))",
    )
    def sigmoid_extreme(ns):
        return ns.sigmoid(np.array([-1000.0, -40.0, 40.0, 1000.0]))

    @suite.case(
        "q2",
        hidden=True,
        message="a batch with sigmoid and 3 units",
        hint="apply the activation after adding the bias",
    )
    def sigmoid_batch(ns):
        rng = np.random.default_rng(11)
        return ns.dense_forward(
            rng.normal(size=(6, 5)), rng.normal(size=(5, 3)), rng.normal(size=3), "sigmoid"
        )

    @suite.case(
        "q2",
        hidden=True,
        message="two stacked layers",
        hint="the output of one layer is the input of the next",
    )
    def stacked(ns):
        rng = np.random.default_rng(12)
        h = ns.dense_forward(rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), np.zeros(5), "relu")
        return ns.dense_forward(h, rng.normal(size=(5, 1)), np.array([0.2]), "sigmoid")

    @suite.case(
        "q2",
        hidden=True,
        message="a linear layer of 4 units on a batch of 6",
        hint="x @ kernel + bias",
    )
    def linear_batch(ns):
        rng = np.random.default_rng(14)
        return ns.dense_forward(
            rng.normal(size=(6, 3)), rng.normal(size=(3, 4)), rng.normal(size=4), "linear"
        )

    @suite.case(
        "q2",
        hidden=True,
        message="a single neuron on a batch of 7 samples",
        hint="kernel (n_inputs, 1), bias (1,): the result has shape (N, 1)",
    )
    def neuron_batch(ns):
        rng = np.random.default_rng(15)
        return ns.dense_forward(
            rng.normal(size=(7, 4)), rng.normal(size=(4, 1)), np.array([-0.3]), "linear"
        )

    @suite.case(
        "q3",
        hidden=True,
        message="the seed's deep 128-64-32-16-1 model on 20 features",
        hint="one kernel and one bias per layer",
    )
    def deep_model(ns):
        return ns.count_params([20, 128, 64, 32, 16, 1])

    @suite.case(
        "q3", hidden=True, message="a 784-10 softmax classifier", hint="inputs * units + units"
    )
    def mnist_linear(ns):
        return ns.count_params([784, 10])

    @suite.case(
        "q3", hidden=True, message="a 7-1-9-2 stack", hint="one bias per unit of every layer"
    )
    def uneven_sizes(ns):
        return ns.count_params([7, 1, 9, 2])

    @suite.case(
        "q4",
        hidden=True,
        message="a random (6, 4) batch of scores, negative ones too",
        hint="each row separately",
    )
    def softmax_random(ns):
        return ns.softmax(np.random.default_rng(16).normal(0.0, 3.0, size=(6, 4)))

    @suite.case(
        "q4",
        hidden=True,
        message="rows of very negative scores",
        hint="subtract each row's maximum: no 0/0",
    )
    def softmax_very_negative(ns):
        return ns.softmax(
            np.array([[-2000.0, -2001.0, -1999.0, -2000.5], [-800.0, -805.0, -790.0, -800.0]])
        )

    @suite.case(
        "q4",
        hidden=True,
        message="large scores of mixed rows, with overflow an error",
        hint="subtract each row's maximum before exp",
    )
    def softmax_large_rows(ns):
        softmax = ns.softmax
        z = np.array([[800.0, 790.0, 805.0, 0.0, -5.0], [3.0, 2.0, 1.0, 0.0, 5000.0]])
        with np.errstate(over="raise"):
            return softmax(z)

    def jittered(seed, n_per_corner):
        from course_lib.grading.public.ch1 import XOR_CORNERS, xor_classes

        rng = np.random.default_rng(seed)
        noise = np.clip(rng.normal(0.0, 0.1, size=(4 * n_per_corner, 2)), -0.2, 0.2)
        return XOR_CORNERS, xor_classes, np.repeat(XOR_CORNERS, n_per_corner, axis=0) + noise

    @suite.case(
        "q5",
        hidden=True,
        message="noisy copies of the corners (noise 0.1)",
        hint="keep the decision lines away from the corners",
    )
    def xor_jittered(ns):
        _, classes, X = jittered(17, 50)
        return classes(ns.xor_params(), X)

    @suite.case(
        "q5",
        hidden=True,
        message="more noisy copies of the corners (noise 0.1)",
        hint="keep the decision lines away from the corners",
    )
    def xor_jittered_more(ns):
        _, classes, X = jittered(18, 100)
        return classes(ns.xor_params(), X)
