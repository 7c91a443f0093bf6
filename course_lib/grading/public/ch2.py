"""Public cases of exercise ch2: binary cross-entropy and its gradient, backpropagation through a
two-layer network, a `Value` autograd operation, gradient descent and Adam (Keras's formula), a
mini-batch training loop, and a prediction about a too-large learning rate."""

from __future__ import annotations

import numpy as np

from course_lib.grading.cases import Suite
from course_lib.grading.predict import choice
from course_lib.grading.values import compare_values

GRADIENT_NAMES = ("dW1", "db1", "dW2", "db2")


def single_number(rtol: float = 1e-6, atol: float = 1e-8):
    """A comparison that first requires a single number (a float), then compares it."""

    def compare(got, want):
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            kind = (
                f"an array of shape {got.shape}"
                if isinstance(got, np.ndarray)
                else type(got).__name__
            )
            return False, f"expected a single number (a Python float), got {kind}"
        return compare_values(got, want, rtol, atol)

    return compare


def two_layer_params(rng: np.random.Generator, n_in: int, n_hidden: int) -> dict:
    """{"W1": (n_in, n_hidden), "b1": (n_hidden,), "W2": (n_hidden, 1), "b2": (1,)}."""
    return {
        "W1": rng.normal(0, 0.5, size=(n_in, n_hidden)),
        "b1": rng.normal(0, 0.1, size=(n_hidden,)),
        "W2": rng.normal(0, 0.5, size=(n_hidden, 1)),
        "b2": rng.normal(0, 0.1, size=(1,)),
    }


def gradients_of(out) -> dict:
    """The learner's result as a dict of the five named results (a non-dict is passed on)."""
    if not isinstance(out, dict):
        return out
    return {k: out[k] for k in ("loss", *GRADIENT_NAMES) if k in out}


def linear_mse_gradients(x: np.ndarray, y: np.ndarray, params: dict) -> dict:
    """A gradient function for the training loop: a linear model x @ w + b, mean squared error.

    Returns {"loss": float, "dw": ..., "db": ...} for params {"w": (n_in, 1), "b": (1,)}.
    """
    residual = x @ params["w"] + params["b"] - y  # (n, 1)
    n = len(x)
    return {
        "loss": float(np.mean(residual**2)),
        "dw": 2.0 * x.T @ residual / n,
        "db": 2.0 * residual.sum(axis=0) / n,
    }


def trained(ns, x, y, params, learning_rate, epochs, batch_size) -> dict:
    """Run the learner's train() and name what comes back: params['w'], params['b'], losses."""
    new_params, losses = ns.train(
        x, y, params, linear_mse_gradients, learning_rate, epochs, batch_size
    )
    result = {f"params[{name!r}]": new_params[name] for name in params}
    result["losses"] = list(losses) if isinstance(losses, (list, tuple, np.ndarray)) else losses
    return result


def line_data(n: int, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    y = x @ np.array([[1.5], [-0.5]]) + 0.3 + rng.normal(0, 0.1, size=(n, 1))
    params = {"w": np.array([[0.2], [0.1]]), "b": np.array([-0.1])}
    return x, y, params


def build_suite() -> Suite:
    suite = Suite("ch2")

    # ---- q1: binary cross-entropy and its gradient -------------------------------------------
    q1 = suite.question(
        "q1",
        "Binary cross-entropy and its gradient",
        names=("binary_crossentropy", "binary_crossentropy_grad"),
    )

    @q1.case(
        message="the loss of a hand-worked batch of two",
        hint="-(y log p + (1 - y) log(1 - p)) for each sample, then the mean",
        compare=single_number(),
    )
    def loss_hand_worked(ns):
        return ns.binary_crossentropy(np.array([[1.0], [0.0]]), np.array([[0.9], [0.2]]))

    @q1.case(
        message="the loss is the batch mean (not the sum), a single number",
        hint="average over the N samples and return one float, not an array",
        compare=single_number(),
    )
    def loss_batch_mean(ns):
        y_true = np.array([[1.0], [1.0], [0.0], [0.0], [1.0]])
        y_pred = np.array([[0.7], [0.4], [0.1], [0.6], [0.95]])
        return ns.binary_crossentropy(y_true, y_pred)

    @q1.case(
        message="the loss is finite for y_pred of exactly 0 and 1, clipped as Keras does",
        hint="clip y_pred to [EPSILON, 1 - EPSILON] (EPSILON = 1e-7) before any log",
        compare=single_number(),
    )
    def loss_clipped(ns):
        y_true = np.array([[1.0], [0.0], [1.0], [0.0]])
        y_pred = np.array([[0.0], [1.0], [1.0], [0.0]])
        with np.errstate(divide="raise", invalid="raise"):
            return ns.binary_crossentropy(y_true, y_pred)

    @q1.case(
        message="the gradient of a hand-worked batch of two, divided by N, shape (N, 1)",
        hint="(p - y) / (p (1 - p)), divided by the batch size N",
    )
    def grad_hand_worked(ns):
        return ns.binary_crossentropy_grad(np.array([[1.0], [0.0]]), np.array([[0.9], [0.2]]))

    @q1.case(
        message="the gradient uses the clipped p: finite for y_pred of exactly 0 and 1",
        hint="clip y_pred to [EPSILON, 1 - EPSILON] first, then use p in the formula",
    )
    def grad_clipped(ns):
        y_true = np.array([[1.0], [0.0], [1.0], [0.0], [1.0]])
        y_pred = np.array([[0.0], [1.0], [1.0], [0.0], [0.5]])
        with np.errstate(divide="raise", invalid="raise"):
            return ns.binary_crossentropy_grad(y_true, y_pred)

    # ---- q2: backpropagation -----------------------------------------------------------------
    q2 = suite.question(
        "q2", "Backpropagation through a two-layer network", names=("two_layer_gradients",)
    )

    @q2.case(
        points=2,
        message="loss, dW1, db1, dW2, db2 of a hand-picked network of 3 samples, with "
        "pre-activations that are negative and exactly 0",
        hint="dz2 = (p - y) / N; the biases' gradients are sums over the batch; relu "
        "passes the gradient only where z1 > 0",
        rtol=1e-6,
        atol=1e-10,
    )
    def hand_picked(ns):
        x = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0], [2.0, -1.0, 0.0]])
        y = np.array([[1.0], [0.0], [1.0]])
        params = {
            "W1": np.array([[0.5, -1.0], [1.0, 0.5], [-0.5, 1.0]]),
            "b1": np.array([0.0, 0.5]),
            "W2": np.array([[0.8], [-0.6]]),
            "b2": np.array([0.1]),
        }
        return gradients_of(ns.two_layer_gradients(x, y, params))

    @q2.case(
        message="the loss is a single number and each gradient has the shape of its "
        "parameter (5 samples, 4 inputs, 3 hidden units)",
        hint="dW1 (n_in, n_hidden), db1 (n_hidden,), dW2 (n_hidden, 1), db2 (1,): sum "
        "over axis 0 without keepdims",
    )
    def gradient_shapes(ns):
        rng = np.random.default_rng(3)
        x = rng.normal(size=(5, 4))
        y = (rng.random((5, 1)) > 0.5).astype(float)
        out = gradients_of(ns.two_layer_gradients(x, y, two_layer_params(rng, 4, 3)))
        if not isinstance(out, dict):
            return out
        return {k: np.zeros(np.shape(v)) for k, v in out.items()}

    # ---- q3: a Value autograd operation ------------------------------------------------------
    q3 = suite.question(
        "q3", "A scalar autograd engine: `*`, tanh and backward()", names=("Value",)
    )

    @q3.case(
        message="forward values: a * b, a * 3.0 and a.tanh()",
        hint="the data of a * b is a.data * b.data; tanh uses math.tanh",
    )
    def forward_values(ns):
        a, b = ns.Value(0.5), ns.Value(-3.0)
        return {
            "(a * b).data": (a * b).data,
            "(a * 3.0).data": (a * 3.0).data,
            "a.tanh().data": a.tanh().data,
        }

    @q3.case(
        message="gradients of o = tanh(a * b + c) after o.backward()",
        hint="d(a b)/da = b and d(a b)/db = a; tanh'(x) = 1 - tanh(x)**2, times out.grad",
    )
    def small_expression(ns):
        a, b, c = ns.Value(0.5), ns.Value(-1.5), ns.Value(0.25)
        o = (a * b + c).tanh()
        o.backward()
        return {"o.data": o.data, "a.grad": a.grad, "b.grad": b.grad, "c.grad": c.grad}

    @q3.case(
        message="gradients accumulate (+=) when a value is used twice: a * a and a * b + a",
        hint="in every _backward, add to child.grad (+=) instead of setting it",
    )
    def accumulates(ns):
        a = ns.Value(3.0)
        square = a * a
        square.backward()
        result = {"a.grad of a * a": a.grad}
        a, b = ns.Value(2.0), ns.Value(-4.0)
        out = a * b + a
        out.backward()
        result.update({"a.grad of a * b + a": a.grad, "b.grad of a * b + a": b.grad})
        return result

    @q3.case(
        message="backward() sets the output's grad to 1 and every other grad to 0 first, so "
        "calling it twice gives the same gradients",
        hint="reset every node of the topological order to 0, then set self.grad = 1.0, "
        "then call _backward from the output back to the inputs",
    )
    def seeds_and_resets(ns):
        x = ns.Value(-0.7)
        x.backward()
        result = {"x.grad of x alone": x.grad}
        a, b = ns.Value(1.5), ns.Value(0.5)
        o = a * b
        o.backward()
        o.backward()
        result.update(
            {"o.grad": o.grad, "a.grad after two calls": a.grad, "b.grad after two calls": b.grad}
        )
        return result

    # ---- q4: gradient descent and Adam ------------------------------------------------------
    q4 = suite.question(
        "q4",
        "Optimizer steps: gradient descent and Adam (Keras's formula)",
        names=("gradient_descent_step", "adam_update"),
    )

    @q4.case(
        message="gradient descent: one step on two parameter arrays, learning_rate=0.1",
        hint="each parameter moves against its gradient: w - learning_rate * g",
    )
    def gd_hand_worked(ns):
        params = [np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -0.5])]
        grads = [np.array([[0.1, -0.2], [0.0, 1.0]]), np.array([1.0, 2.0])]
        return ns.gradient_descent_step(params, grads, 0.1)

    @q4.case(
        message="gradient descent: the input arrays are left unchanged",
        hint="build new arrays (w - learning_rate * g) instead of updating w in place (-=)",
    )
    def gd_inputs_untouched(ns):
        params = [np.ones((2, 2)), np.zeros(2)]
        grads = [np.full((2, 2), 0.5), np.ones(2)]
        ns.gradient_descent_step(params, grads, 0.1)
        return {
            "params[0] after the call": params[0],
            "params[1] after the call": params[1],
            "grads[0] after the call": grads[0],
            "grads[1] after the call": grads[1],
        }

    @q4.case(
        message="Adam: the first step (t=1) with the default hyperparameters",
        hint="m and v are moving averages of g and g**2; alpha = learning_rate * "
        "sqrt(1 - beta_2**t) / (1 - beta_1**t); return {'w': ..., 'm': ..., 'v': ...}",
    )
    def adam_first_step(ns):
        w = np.array([1.0, -2.0, 0.5])
        g = np.array([0.1, -0.3, 0.0])
        return ns.adam_update(w, g, np.zeros(3), np.zeros(3), 1)

    @q4.case(
        message="Adam: three steps in a row, feeding m and v back in",
        hint="count t from 1 and pass the returned m and v to the next step",
    )
    def adam_three_steps(ns):
        w, m, v = np.array([[0.5, -0.5]]), np.zeros((1, 2)), np.zeros((1, 2))
        for t in (1, 2, 3):
            g = np.array([[0.2, 0.1]]) * t
            out = ns.adam_update(w, g, m, v, t, learning_rate=0.01)
            if not isinstance(out, dict):
                return out
            w, m, v = out["w"], out["m"], out["v"]
        return {"w": w, "m": m, "v": v}

    @q4.case(
        message="Adam: a large epsilon (0.1), where Keras's placement of epsilon shows",
        hint="w - alpha * m / (sqrt(v) + epsilon): epsilon outside the root, with the "
        "bias correction in alpha, not the textbook m_hat / (sqrt(v_hat) + epsilon)",
    )
    def adam_large_epsilon(ns):
        w = np.array([0.3, -0.2])
        g = np.array([0.05, -0.02])
        return ns.adam_update(
            w, g, np.array([0.01, 0.0]), np.array([1e-4, 4e-4]), 2, learning_rate=0.01, epsilon=0.1
        )

    # ---- q5: a training loop ----------------------------------------------------------------
    q5 = suite.question("q5", "A mini-batch training loop", names=("train",))

    @q5.case(
        message="4 samples, batch_size=2, 2 epochs: params['w'], params['b'] and losses",
        hint="batches x[0:2], x[2:4] in order, one step per batch: w - learning_rate * "
        "grads['d' + name]; one loss per epoch",
    )
    def hand_sized(ns):
        x, y, params = line_data(4, seed=5)
        return trained(ns, x, y, params, 0.1, 2, 2)

    @q5.case(
        message="5 samples, batch_size=2 (the last batch has 1 sample), 3 epochs",
        hint="keep the smaller last batch; the epoch's loss is the mean of the batch "
        "losses weighted by batch size",
    )
    def uneven_batches(ns):
        x, y, params = line_data(5, seed=6)
        return trained(ns, x, y, params, 0.05, 3, 2)

    @q5.case(
        message="epochs=0 returns the parameters unchanged and an empty list of losses",
        hint="no epoch, no step: return the same values and []",
    )
    def zero_epochs(ns):
        x, y, params = line_data(4, seed=7)
        return trained(ns, x, y, params, 0.1, 0, 2)

    @q5.case(
        message="the inputs (params, x, y) are not modified in place",
        hint="new_params[name] = new_params[name] - learning_rate * g builds a new array; "
        "-= would change the caller's array",
    )
    def inputs_untouched(ns):
        x, y, params = line_data(4, seed=8)
        ns.train(x, y, params, linear_mse_gradients, 0.1, 2, 3)
        return {
            "params['w'] after the call": params["w"],
            "params['b'] after the call": params["b"],
            "x after the call": x,
            "y after the call": y,
        }

    # ---- q6: a prediction -------------------------------------------------------------------
    q6 = suite.question(
        "q6",
        "Predict: gradient descent with a learning rate just above 2/25",
        names=("prediction_q6",),
        kind="prediction",
    )

    @q6.case(message="your prediction", compare=choice("a", "b", "c"))
    def prediction(ns):
        return ns.prediction_q6

    return suite
