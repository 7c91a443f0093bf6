"""Exercise ch2: plausible wrong answers, written by hand, each fail at least one public check.

``WRONG[question][label]`` holds the names a wrong answer replaces in the solution's namespace;
``NAMED[question, label]`` lists the items the failure messages must name (``db1``, ``m``, ...).
"""

from __future__ import annotations

import math

import numpy as np
from grading_answers import (
    public_result,
    solution_namespace,
    wrong_answer_tests,
)

SOLUTION = solution_namespace("ch2")
EPSILON = SOLUTION["EPSILON"]

# --- q1: binary cross-entropy and its gradient ---------------------------------------------


def bce_unclipped(y_true, y_pred):
    return float(np.mean(-(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))))


def bce_sum(y_true, y_pred):
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    return float(np.sum(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))))


def bce_array(y_true, y_pred):
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)), axis=0)  # shape (1,)


def bce_clipped_to_0_1(y_true, y_pred):
    p = np.clip(y_pred, 0.0, 1.0)  # clips to the wrong range: log(0) remains
    return float(np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))))


def grad_not_divided(y_true, y_pred):
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    return (p - y_true) / (p * (1 - p))


def grad_unclipped(y_true, y_pred):
    return (y_pred - y_true) / (y_pred * (1 - y_pred)) / len(y_true)


def grad_sign_flipped(y_true, y_pred):
    p = np.clip(y_pred, EPSILON, 1 - EPSILON)
    return (y_true - p) / (p * (1 - p)) / len(y_true)


Q1_GOOD = {n: SOLUTION[n] for n in ("binary_crossentropy", "binary_crossentropy_grad")}

# --- q2: backpropagation -------------------------------------------------------------------


def backprop(*, bias_reduce=np.sum, keepdims=False, mask=lambda z: z > 0, scale_n=True, loss=None):
    """The solution's backward pass with one mistake switched on."""

    def two_layer_gradients(x, y, params):
        W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
        z1 = x @ W1 + b1
        h = np.maximum(0.0, z1)
        p = 1.0 / (1.0 + np.exp(-(h @ W2 + b2)))
        dz2 = (p - y) / (len(x) if scale_n else 1)
        dz1 = dz2 @ W2.T * mask(z1)
        value = SOLUTION["binary_crossentropy"](y, p) if loss is None else loss(y, p)
        return {
            "loss": value,
            "dW1": x.T @ dz1,
            "db1": bias_reduce(dz1, axis=0, keepdims=keepdims),
            "dW2": h.T @ dz2,
            "db2": bias_reduce(dz2, axis=0, keepdims=keepdims),
        }

    return two_layer_gradients


def backprop_as_tuple(x, y, params):
    out = SOLUTION["two_layer_gradients"](x, y, params)
    return out["loss"], [out[k] for k in ("dW1", "db1", "dW2", "db2")]


# --- q3: the Value class -------------------------------------------------------------------


def value_class(
    *, mul_sets=False, lifts=True, tanh_local="1 - t*t", resets=True, seeds=True, reverse=True
):
    """A Value class like the solution's, with one mistake switched on."""

    class Value:
        def __init__(self, data, children=()):
            self.data = float(data)
            self.grad = 0.0
            self.children = tuple(children)
            self._backward = lambda: None

        @staticmethod
        def _lift(other):
            return other if isinstance(other, Value) else Value(other)

        def __add__(self, other):
            other = Value._lift(other)
            out = Value(self.data + other.data, (self, other))

            def _backward():
                self.grad += out.grad
                other.grad += out.grad

            out._backward = _backward
            return out

        __radd__ = __add__

        def __mul__(self, other):
            if lifts:
                other = Value._lift(other)
            out = Value(self.data * other.data, (self, other))

            def _backward():
                if mul_sets:
                    self.grad = other.data * out.grad
                    other.grad = self.data * out.grad
                else:
                    self.grad += other.data * out.grad
                    other.grad += self.data * out.grad

            out._backward = _backward
            return out

        __rmul__ = __mul__

        def tanh(self):
            t = math.tanh(self.data)
            out = Value(t, (self,))
            local = {"1 - t*t": 1 - t * t, "1 - x*x": 1 - self.data**2, "t": t}[tanh_local]

            def _backward():
                self.grad += local * out.grad

            out._backward = _backward
            return out

        def _order(self):
            order, seen = [], set()

            def visit(node):
                if id(node) not in seen:
                    seen.add(id(node))
                    for child in node.children:
                        visit(child)
                    order.append(node)

            visit(self)
            return order

        def backward(self):
            order = self._order()
            if resets:
                for node in order:
                    node.grad = 0.0
            if seeds:
                self.grad = 1.0
            for node in reversed(order) if reverse else order:
                node._backward()

    return Value


# --- q4: gradient descent and Adam ---------------------------------------------------------


def gd_in_place(params, grads, learning_rate):
    for w, g in zip(params, grads, strict=True):
        w -= learning_rate * g
    return params


def gd_plus(params, grads, learning_rate):
    return [w + learning_rate * g for w, g in zip(params, grads, strict=True)]


def adam_textbook(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * g
    v = beta_2 * v + (1 - beta_2) * g * g
    m_hat, v_hat = m / (1 - beta_1**t), v / (1 - beta_2**t)
    return {"w": w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), "m": m, "v": v}


def adam_no_bias_correction(
    w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7
):
    m = m + (g - m) * (1 - beta_1)
    v = v + (g * g - v) * (1 - beta_2)
    return {"w": w - learning_rate * m / (np.sqrt(v) + epsilon), "m": m, "v": v}


def adam_epsilon_inside(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = m + (g - m) * (1 - beta_1)
    v = v + (g * g - v) * (1 - beta_2)
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return {"w": w - alpha * m / np.sqrt(v + epsilon), "m": m, "v": v}


def adam_betas_swapped(w, g, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = m * (1 - beta_1) + g * beta_1  # the weights of old and new swapped
    v = v * (1 - beta_2) + g * g * beta_2
    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return {"w": w - alpha * m / (np.sqrt(v) + epsilon), "m": m, "v": v}


# --- q5: the training loop -----------------------------------------------------------------


def make_train(
    *,
    weighted=True,
    keep_last=True,
    in_place=False,
    full_batch=False,
    shuffle=False,
    loss_after_step=False,
):
    """A training loop like the solution's, with one mistake switched on."""

    def train(x, y, params, grad_fn, learning_rate, epochs, batch_size):
        params = params if in_place else dict(params)
        losses = []
        for epoch in range(epochs):
            order = (
                np.random.default_rng(epoch).permutation(len(x)) if shuffle else np.arange(len(x))
            )
            xs, ys = x[order], y[order]
            size = len(x) if full_batch else batch_size
            stop = len(x) if keep_last else len(x) - len(x) % size
            batch_losses, sizes = [], []
            for start in range(0, stop, size):
                xb, yb = xs[start : start + size], ys[start : start + size]
                grads = grad_fn(xb, yb, params)
                for name in list(params):
                    if in_place:
                        params[name] -= learning_rate * grads["d" + name]
                    else:
                        params[name] = params[name] - learning_rate * grads["d" + name]
                loss = grad_fn(xb, yb, params)["loss"] if loss_after_step else grads["loss"]
                batch_losses.append(loss)
                sizes.append(len(xb))
            weights = sizes if weighted else None
            losses.append(float(np.average(batch_losses, weights=weights)))
        return params, losses

    return train


WRONG = {
    "ch2.q1": {
        "no clipping": {"binary_crossentropy": bce_unclipped},
        "sum instead of mean": {"binary_crossentropy": bce_sum},
        "an array of shape (1,) instead of a float": {"binary_crossentropy": bce_array},
        "clipped to [0, 1]": {"binary_crossentropy": bce_clipped_to_0_1},
        "gradient not divided by N": {"binary_crossentropy_grad": grad_not_divided},
        "gradient with the unclipped y_pred": {"binary_crossentropy_grad": grad_unclipped},
        "gradient with the sign flipped": {"binary_crossentropy_grad": grad_sign_flipped},
    },
    "ch2.q2": {
        "bias gradients as means instead of sums": {
            "two_layer_gradients": backprop(bias_reduce=np.mean)
        },
        "bias gradients of shape (1, n)": {"two_layer_gradients": backprop(keepdims=True)},
        "relu mask z1 >= 0": {"two_layer_gradients": backprop(mask=lambda z: z >= 0)},
        "no relu mask": {"two_layer_gradients": backprop(mask=lambda z: 1.0)},
        "forgot the / N at the output": {"two_layer_gradients": backprop(scale_n=False)},
        "a tuple (loss, [dW1, ...]) instead of the dict": {
            "two_layer_gradients": backprop_as_tuple
        },
    },
    "ch2.q3": {
        "_backward sets grad (=) instead of adding": {"Value": value_class(mul_sets=True)},
        "a plain number is not wrapped": {"Value": value_class(lifts=False)},
        "tanh' as 1 - x**2 of the input": {"Value": value_class(tanh_local="1 - x*x")},
        "backward() does not reset the grads": {"Value": value_class(resets=False)},
        "backward() does not seed the output with 1": {"Value": value_class(seeds=False)},
        "backward() inputs first": {"Value": value_class(reverse=False)},
    },
    "ch2.q4": {
        "gradient descent in place (-=)": {"gradient_descent_step": gd_in_place},
        "gradient descent uphill (+)": {"gradient_descent_step": gd_plus},
        "textbook Adam (epsilon outside the corrected root)": {"adam_update": adam_textbook},
        "Adam without bias correction": {"adam_update": adam_no_bias_correction},
        "Adam with epsilon inside the root": {"adam_update": adam_epsilon_inside},
        "Adam with the betas' weights swapped": {"adam_update": adam_betas_swapped},
    },
    "ch2.q5": {
        "epoch loss unweighted mean of batches": {"train": make_train(weighted=False)},
        "last smaller batch dropped": {"train": make_train(keep_last=False)},
        "updates params in place (-=)": {"train": make_train(in_place=True)},
        "one full-batch step per epoch": {"train": make_train(full_batch=True)},
        "shuffles the samples": {"train": make_train(shuffle=True)},
        "loss measured after the step": {"train": make_train(loss_after_step=True)},
    },
    "ch2.q6": {
        "left at None": {"prediction_q6": None},
        "a (converges)": {"prediction_q6": "a"},
        "b (oscillates but converges)": {"prediction_q6": "b"},
    },
}

NAMED = {
    ("ch2.q1", "an array of shape (1,) instead of a float"): ("single number",),
    ("ch2.q2", "bias gradients as means instead of sums"): ("db1", "db2"),
    ("ch2.q2", "bias gradients of shape (1, n)"): ("db1", "db2"),
    ("ch2.q2", "relu mask z1 >= 0"): ("dW1", "db1"),
    ("ch2.q2", "forgot the / N at the output"): ("dW1", "db1", "dW2", "db2"),
    ("ch2.q3", "tanh' as 1 - x**2 of the input"): ("a.grad", "b.grad", "c.grad"),
    ("ch2.q3", "backward() does not reset the grads"): ("a.grad after two calls",),
    ("ch2.q4", "gradient descent in place (-=)"): ("params[0] after the call",),
    ("ch2.q4", "Adam with the betas' weights swapped"): ("m", "v"),
    ("ch2.q5", "updates params in place (-=)"): ("params['w'] after the call",),
    ("ch2.q5", "epoch loss unweighted mean of batches"): ("losses",),
}

(
    test_wrong_answer_fails_a_public_check,
    test_solution_passes_every_public_check,
    test_every_question_has_at_least_two_wrong_answers,
    test_every_named_item_belongs_to_a_listed_wrong_answer,
) = wrong_answer_tests("ch2", WRONG, NAMED)


def test_a_flawless_copy_of_the_wrong_answer_factories_passes():
    """The factories above with no mistake switched on are right: each wrong answer fails
    because of its one mistake, not because the factory itself is wrong."""
    for question, names in [
        ("ch2.q2", {"two_layer_gradients": backprop()}),
        ("ch2.q3", {"Value": value_class()}),
        ("ch2.q5", {"train": make_train()}),
    ]:
        result = public_result(question, **names)
        assert result.passed, repr(result)


def test_every_wrong_gradient_is_listed_not_only_the_first():
    result = public_result("ch2.q2", two_layer_gradients=backprop(bias_reduce=np.mean))
    (message,) = [o.message for o in result.outcomes if o.name == "hand_picked"]
    assert "db1: values differ" in message and "db2: values differ" in message, message
    assert "dW1:" not in message and "dW2:" not in message and "loss:" not in message, message
