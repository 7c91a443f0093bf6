"""Hidden cases of exercise ch2 (instructor side)."""

import numpy as np

from course_lib.grading.public.ch2 import two_layer_params


def add_hidden(suite):
    @suite.case("q1", hidden=True, message="the loss stays finite for y_pred of exactly 0 and 1",
                hint="clip y_pred to [1e-7, 1 - 1e-7] before taking logs")
    def loss_clipped(ns):
        return ns.binary_crossentropy(np.array([[1.0], [0.0], [1.0]]), np.array([[0.0], [1.0], [1.0]]))

    @suite.case("q1", hidden=True, message="the loss of a random batch of 16",
                hint="the batch mean, not the sum")
    def loss_random(ns):
        rng = np.random.default_rng(20)
        y = (rng.random((16, 1)) > 0.5).astype(float)
        return ns.binary_crossentropy(y, rng.uniform(0.01, 0.99, (16, 1)))

    @suite.case("q1", hidden=True, message="the gradient of a random batch of 16",
                hint="divide by the batch size", rtol=1e-6)
    def grad_random(ns):
        rng = np.random.default_rng(21)
        y = (rng.random((16, 1)) > 0.5).astype(float)
        return ns.binary_crossentropy_grad(y, rng.uniform(0.01, 0.99, (16, 1)))

    @suite.case("q2", points=2, hidden=True,
                message="loss and gradients of a network with 8 samples, 5 inputs, 4 hidden units",
                hint="the relu mask is where the first pre-activation is positive", rtol=1e-5)
    def random_network(ns):
        rng = np.random.default_rng(22)
        x = rng.normal(size=(8, 5))
        y = (rng.random((8, 1)) > 0.5).astype(float)
        return ns.two_layer_gradients(x, y, two_layer_params(rng, 5, 4))

    @suite.case("q3", hidden=True, message="a single parameter array, learning_rate=0.5",
                hint="one new array per parameter")
    def single_array(ns):
        rng = np.random.default_rng(23)
        return ns.gradient_descent_step([rng.normal(size=(3, 2))], [rng.normal(size=(3, 2))], 0.5)

    @suite.case("q3", hidden=True, message="the inputs are left unchanged",
                hint="build new arrays instead of updating params in place")
    def inputs_untouched(ns):
        params = [np.ones((2, 2)), np.zeros(2)]
        ns.gradient_descent_step(params, [np.ones((2, 2)), np.ones(2)], 0.1)
        return params
