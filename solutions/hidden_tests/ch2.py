"""Hidden cases of exercise ch2 (instructor side): other inputs of the requirements the public
cases test."""

import numpy as np

from course_lib.grading.public.ch2 import (
    gradients_of,
    line_data,
    linear_mse_gradients,
    single_number,
    trained,
    two_layer_params,
)


def add_hidden(suite):
    # q1: the batch mean of the clipped loss, and its gradient divided by N (5 points)
    @suite.case(
        "q1",
        hidden=True,
        message="the loss of a random batch of 16",
        hint="the batch mean, not the sum",
        compare=single_number(),
    )
    def loss_random(ns):
        rng = np.random.default_rng(20)
        y = (rng.random((16, 1)) > 0.5).astype(float)
        return ns.binary_crossentropy(y, rng.uniform(0.01, 0.99, (16, 1)))

    @suite.case(
        "q1",
        hidden=True,
        message="the loss of a batch of 6 with y_pred of 0, 1 and "
        "values closer to them than EPSILON",
        hint="clip to [EPSILON, 1 - EPSILON]",
        compare=single_number(),
    )
    def loss_clipped_other(ns):
        y = np.array([[0.0], [1.0], [1.0], [0.0], [1.0], [0.0]])
        p = np.array([[1.0], [0.0], [1e-9], [1 - 1e-9], [0.3], [0.6]])
        return ns.binary_crossentropy(y, p)

    @suite.case(
        "q1",
        hidden=True,
        message="the gradient of a random batch of 16",
        hint="divide by the batch size",
    )
    def grad_random(ns):
        rng = np.random.default_rng(21)
        y = (rng.random((16, 1)) > 0.5).astype(float)
        return ns.binary_crossentropy_grad(y, rng.uniform(0.01, 0.99, (16, 1)))

    @suite.case("q1", hidden=True, message="the gradient of a batch of one sample", hint="N = 1")
    def grad_one_sample(ns):
        return ns.binary_crossentropy_grad(np.array([[1.0]]), np.array([[0.35]]))

    @suite.case(
        "q1",
        hidden=True,
        message="the gradient of a batch of 6 with y_pred of 0, 1 "
        "and values closer to them than EPSILON",
        hint="use the clipped p",
    )
    def grad_clipped_other(ns):
        y = np.array([[0.0], [1.0], [1.0], [0.0], [1.0], [0.0]])
        p = np.array([[1.0], [0.0], [1e-9], [1 - 1e-9], [0.3], [0.6]])
        return ns.binary_crossentropy_grad(y, p)

    # q2: other networks (3 points)
    @suite.case(
        "q2",
        points=2,
        hidden=True,
        message="loss and gradients of a network with 8 samples, 5 inputs, 4 hidden units",
        hint="the relu mask is where the first pre-activation is positive",
        rtol=1e-6,
        atol=1e-10,
    )
    def random_network(ns):
        rng = np.random.default_rng(22)
        x = rng.normal(size=(8, 5))
        y = (rng.random((8, 1)) > 0.5).astype(float)
        return gradients_of(ns.two_layer_gradients(x, y, two_layer_params(rng, 5, 4)))

    @suite.case(
        "q2",
        hidden=True,
        message="shapes of the loss and gradients with 7 samples, 2 inputs, 6 hidden units",
        hint="each gradient has its parameter's shape",
    )
    def other_shapes(ns):
        rng = np.random.default_rng(23)
        x = rng.normal(size=(7, 2))
        y = (rng.random((7, 1)) > 0.5).astype(float)
        out = gradients_of(ns.two_layer_gradients(x, y, two_layer_params(rng, 2, 6)))
        if not isinstance(out, dict):
            return out
        return {k: np.zeros(np.shape(v)) for k, v in out.items()}

    # q3: other expressions (4 points)
    @suite.case(
        "q3",
        points=2,
        hidden=True,
        message="gradients of the neuron tanh(x1 w1 + x2 w2 + b)",
        hint="the chain rule, node by node",
    )
    def neuron(ns):
        x1, x2 = ns.Value(-1.0), ns.Value(2.0)
        w1, w2, b = ns.Value(0.3), ns.Value(-0.8), ns.Value(0.4)
        o = (x1 * w1 + x2 * w2 + b).tanh()
        o.backward()
        return {
            "o.data": o.data,
            "x1.grad": x1.grad,
            "x2.grad": x2.grad,
            "w1.grad": w1.grad,
            "w2.grad": w2.grad,
            "b.grad": b.grad,
        }

    @suite.case(
        "q3",
        hidden=True,
        message="a value used three times: a * a * a + a.tanh()",
        hint="every use adds its contribution",
    )
    def used_three_times(ns):
        a = ns.Value(-0.6)
        out = a * a * a + a.tanh()
        out.backward()
        return {"out.data": out.data, "a.grad": a.grad}

    @suite.case(
        "q3",
        hidden=True,
        message="backward() three times on tanh(a * 2.0 + b)",
        hint="reset, then seed with 1",
    )
    def three_calls(ns):
        a, b = ns.Value(0.1), ns.Value(-0.2)
        o = (a * 2.0 + b).tanh()
        for _ in range(3):
            o.backward()
        return {"o.grad": o.grad, "a.grad": a.grad, "b.grad": b.grad}

    # q4: other parameters and hyperparameters (5 points)
    @suite.case(
        "q4",
        hidden=True,
        message="gradient descent: a single parameter array, learning_rate=0.5",
        hint="one new array per parameter",
    )
    def gd_single_array(ns):
        rng = np.random.default_rng(24)
        return ns.gradient_descent_step([rng.normal(size=(3, 2))], [rng.normal(size=(3, 2))], 0.5)

    @suite.case(
        "q4",
        hidden=True,
        message="gradient descent: three parameters left unchanged",
        hint="build new arrays",
    )
    def gd_three_untouched(ns):
        params = [np.ones(3), np.full((2, 2), 2.0), np.zeros(1)]
        ns.gradient_descent_step(params, [np.ones(3), np.ones((2, 2)), np.ones(1)], 0.3)
        return {f"params[{i}] after the call": p for i, p in enumerate(params)}

    @suite.case(
        "q4",
        hidden=True,
        message="Adam: a large epsilon (0.5) on a matrix parameter",
        hint="epsilon outside the root",
    )
    def adam_large_epsilon_matrix(ns):
        rng = np.random.default_rng(25)
        w, g = rng.normal(size=(3, 2)), rng.normal(0, 0.1, size=(3, 2))
        return ns.adam_update(w, g, np.zeros((3, 2)), np.zeros((3, 2)), 1, epsilon=0.5)

    @suite.case(
        "q4",
        hidden=True,
        message="Adam: step t=10 with other betas and learning rate",
        hint="alpha depends on t",
    )
    def adam_t10(ns):
        rng = np.random.default_rng(26)
        w, g = rng.normal(size=4), rng.normal(size=4)
        m, v = rng.normal(0, 0.1, size=4), rng.uniform(0.01, 0.1, size=4)
        return ns.adam_update(w, g, m, v, 10, learning_rate=0.05, beta_1=0.8, beta_2=0.99)

    @suite.case(
        "q4",
        hidden=True,
        message="Adam: five steps in a row on gradients of very different sizes",
        hint="feed m and v back in",
    )
    def adam_five_steps(ns):
        rng = np.random.default_rng(27)
        w, m, v = np.zeros(3), np.zeros(3), np.zeros(3)
        for t in range(1, 6):
            out = ns.adam_update(w, rng.normal(size=3) * np.array([1e-3, 1.0, 1e3]), m, v, t)
            if not isinstance(out, dict):
                return out
            w, m, v = out["w"], out["m"], out["v"]
        return {"w": w, "m": m, "v": v}

    # q5: other sizes (4 points)
    @suite.case(
        "q5",
        hidden=True,
        message="7 samples, batch_size=3, 2 epochs",
        hint="the last batch has 1 sample",
    )
    def seven_by_three(ns):
        x, y, params = line_data(7, seed=30)
        return trained(ns, x, y, params, 0.1, 2, 3)

    @suite.case(
        "q5",
        hidden=True,
        message="a batch_size larger than the data: one batch per epoch",
        hint="x[0:batch_size] is the whole set",
    )
    def one_batch(ns):
        x, y, params = line_data(6, seed=31)
        return trained(ns, x, y, params, 0.2, 4, 10)

    @suite.case(
        "q5",
        hidden=True,
        message="10 samples, batch_size=4, 5 epochs, learning_rate=0.03",
        hint="one loss per epoch",
    )
    def ten_by_four(ns):
        x, y, params = line_data(10, seed=32)
        return trained(ns, x, y, params, 0.03, 5, 4)

    @suite.case(
        "q5",
        hidden=True,
        message="the inputs are not modified (batch_size=1)",
        hint="build new arrays",
    )
    def untouched_batch_one(ns):
        x, y, params = line_data(3, seed=33)
        ns.train(x, y, params, linear_mse_gradients, 0.1, 1, 1)
        return {
            "params['w'] after the call": params["w"],
            "params['b'] after the call": params["b"],
            "x after the call": x,
        }
