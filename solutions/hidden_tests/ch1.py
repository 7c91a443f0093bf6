"""Hidden cases of exercise ch1 (instructor side: never copied into exercises/ or the package)."""

import numpy as np


def add_hidden(suite):
    @suite.case("q1", hidden=True, message="relu on random values of shape (3, 4, 2)",
                hint="relu must work for arrays of any shape")
    def relu_random(ns):
        return ns.relu(np.random.default_rng(10).normal(size=(3, 4, 2)))

    @suite.case("q1", hidden=True, message="sigmoid for very large |z|",
                hint="compute exp only of non-positive numbers, or use np.exp(-np.abs(z))")
    def sigmoid_extreme(ns):
        return ns.sigmoid(np.array([-1000.0, -40.0, 40.0, 1000.0]))

    @suite.case("q2", hidden=True, message="a batch with sigmoid and 3 units",
                hint="apply the activation after adding the bias")
    def sigmoid_batch(ns):
        rng = np.random.default_rng(11)
        return ns.dense_forward(rng.normal(size=(6, 5)), rng.normal(size=(5, 3)),
                                rng.normal(size=3), "sigmoid")

    @suite.case("q2", hidden=True, message="two stacked layers",
                hint="the output of one layer is the input of the next")
    def stacked(ns):
        rng = np.random.default_rng(12)
        h = ns.dense_forward(rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), np.zeros(5), "relu")
        return ns.dense_forward(h, rng.normal(size=(5, 1)), np.array([0.2]), "sigmoid")

    @suite.case("q3", hidden=True, message="the seed's deep 128-64-32-16-1 model on 20 features",
                hint="one kernel and one bias per layer")
    def deep_model(ns):
        return ns.count_params([20, 128, 64, 32, 16, 1])

    @suite.case("q3", hidden=True, message="a 784-10 softmax classifier",
                hint="inputs * units + units")
    def mnist_linear(ns):
        return ns.count_params([784, 10])
