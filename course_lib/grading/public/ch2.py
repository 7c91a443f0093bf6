"""Public cases of exercise ch2: binary cross-entropy and its gradient, backpropagation through a
two-layer network, one gradient-descent step."""

from __future__ import annotations

import numpy as np

from course_lib.grading.cases import Suite


def two_layer_params(rng: np.random.Generator, n_in: int, n_hidden: int) -> list[np.ndarray]:
    """[kernel_1 (n_in, n_hidden), bias_1 (n_hidden,), kernel_2 (n_hidden, 1), bias_2 (1,)]."""
    return [
        rng.normal(0, 0.5, size=(n_in, n_hidden)),
        rng.normal(0, 0.1, size=(n_hidden,)),
        rng.normal(0, 0.5, size=(n_hidden, 1)),
        rng.normal(0, 0.1, size=(1,)),
    ]


def build_suite() -> Suite:
    suite = Suite("ch2")

    q1 = suite.question("q1", "Binary cross-entropy and its gradient",
                        names=("binary_crossentropy", "binary_crossentropy_grad"))

    @q1.case(message="the loss of a hand-worked batch of two",
             hint="-(y log p + (1 - y) log(1 - p)), then the mean over the batch")
    def loss_hand_worked(ns):
        return ns.binary_crossentropy(np.array([[1.0], [0.0]]), np.array([[0.9], [0.2]]))

    @q1.case(message="the loss is the batch mean, a single number",
             hint="average over the samples, not a sum, and return a scalar")
    def loss_batch_mean(ns):
        y_true = np.array([[1.0], [1.0], [0.0], [0.0], [1.0]])
        y_pred = np.array([[0.7], [0.4], [0.1], [0.6], [0.95]])
        return ns.binary_crossentropy(y_true, y_pred)

    @q1.case(message="the gradient of a hand-worked batch of two",
             hint="d loss / d y_pred = (y_pred - y) / (y_pred (1 - y_pred)), divided by the batch size")
    def grad_hand_worked(ns):
        return ns.binary_crossentropy_grad(np.array([[1.0], [0.0]]), np.array([[0.9], [0.2]]))

    q2 = suite.question("q2", "Backpropagation through a two-layer network",
                        names=("two_layer_gradients",))

    @q2.case(message="loss and gradients of a tiny network (2 samples, 3 inputs, 2 hidden units)",
             hint="go backwards: (p - y) / N at the output logits, then through the second "
                  "kernel, the relu mask, and the first kernel", rtol=1e-5, atol=1e-8)
    def tiny_network(ns):
        rng = np.random.default_rng(2)
        x = rng.normal(size=(2, 3))
        y = np.array([[1.0], [0.0]])
        return ns.two_layer_gradients(x, y, two_layer_params(rng, 3, 2))

    @q2.case(message="each gradient has the shape of its parameter",
             hint="return (loss, [d_kernel_1, d_bias_1, d_kernel_2, d_bias_2]) in the weights' order")
    def gradient_shapes(ns):
        rng = np.random.default_rng(3)
        x = rng.normal(size=(5, 4))
        y = (rng.random((5, 1)) > 0.5).astype(float)
        _, grads = ns.two_layer_gradients(x, y, two_layer_params(rng, 4, 3))
        return [list(np.shape(g)) for g in grads]

    q3 = suite.question("q3", "One gradient-descent step", names=("gradient_descent_step",))

    @q3.case(message="one step on two parameter arrays, learning_rate=0.1",
             hint="each parameter moves against its gradient: w - learning_rate * g")
    def hand_worked(ns):
        params = [np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -0.5])]
        grads = [np.array([[0.1, -0.2], [0.0, 1.0]]), np.array([1.0, 2.0])]
        return ns.gradient_descent_step(params, grads, 0.1)

    return suite
