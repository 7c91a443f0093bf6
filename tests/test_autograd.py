"""course_lib.autograd: hand-worked graphs, finite differences, the vectorised backward pass of
chapter 2 (and of course_lib.nn), and TensorFlow's GradientTape."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from course_lib.autograd import Value, trace


def test_hand_worked_expression():
    # L = (a*b + c) * f, worked by hand: dL/da = f*b, dL/db = f*a, dL/dc = f, dL/df = a*b + c
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    e = a * b
    d = e + c
    loss = d * f
    loss.backward()
    assert loss.data == -8.0
    assert (a.grad, b.grad, c.grad, f.grad, d.grad, e.grad) == (6.0, -4.0, -2.0, 4.0, -2.0, -2.0)


def test_hand_worked_tanh_neuron():
    # o = tanh(x1 w1 + x2 w2 + b) at n = x1 w1 + x2 w2 + b = atanh(1/sqrt 2): o = 1/sqrt 2,
    # do/dn = 1 - o^2 = 1/2, so do/dw1 = x1/2 = 1, do/dx1 = w1/2 = -1.5, do/dw2 = x2/2 = 0.
    x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
    b = Value(6.0 + math.atanh(1 / math.sqrt(2)))
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    assert o.data == pytest.approx(1 / math.sqrt(2), abs=1e-15)
    assert [x1.grad, w1.grad, x2.grad, w2.grad, b.grad] == pytest.approx([-1.5, 1.0, 0.5, 0.0, 0.5])


def test_a_node_used_twice_sums_both_paths_and_backward_can_be_repeated():
    a = Value(3.0)
    y = a * a + a  # dy/da = 2a + 1 = 7
    y.backward()
    assert a.grad == 7.0
    y.backward()  # grads are reset, not accumulated across calls
    assert a.grad == 7.0


def test_trace_orders_inputs_before_outputs_and_lists_each_use():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = a * b
    d = c + a
    order, edges = trace(d)
    position = {id(n): i for i, n in enumerate(order)}
    assert order[-1] is d and len(order) == 4
    for child, parent in edges:
        assert position[id(child)] < position[id(parent)]
    assert len(edges) == 4  # a->c, b->c, c->d, a->d


def test_deep_graph_needs_no_recursion():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


FUNCTIONS = {
    "add_mul": lambda a, b: a * b + a + 2.0,
    "sub_div": lambda a, b: (a - b) / (b * b + 1.0) - 3.0 / (a * a + 1.0),
    "pow": lambda a, b: (a * a + 1.0) ** 1.5 * b**3,
    "reverse_ops": lambda a, b: 2.0 - a + 3.0 * b - 1.0 / (2.0 + b * b),
    "tanh_sigmoid": lambda a, b: (a * b).tanh() + (a - b).sigmoid(),
    "exp_log": lambda a, b: (a * 0.5).exp() + (b * b + 1.0).log(),
    "relu": lambda a, b: (a * 2.0).relu() * b + (-a).relu(),
    "neg": lambda a, b: -(a * b),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_gradients_match_finite_differences(name):
    f = FUNCTIONS[name]
    rng = np.random.default_rng(7)
    h = 1e-6
    for _ in range(20):
        x = rng.uniform(-2, 2, size=2)
        if name == "relu" and np.min(np.abs(x)) < 1e-3:
            continue  # relu has no derivative at 0
        a, b = Value(x[0]), Value(x[1])
        out = f(a, b)
        out.backward()
        for i, grad in enumerate((a.grad, b.grad)):
            plus, minus = x.copy(), x.copy()
            plus[i] += h
            minus[i] -= h
            numerical = (
                f(Value(plus[0]), Value(plus[1])).data - f(Value(minus[0]), Value(minus[1])).data
            ) / (2 * h)
            assert grad == pytest.approx(numerical, rel=1e-6, abs=1e-8), (name, x, i)


def test_sigmoid_is_stable_for_large_inputs():
    for z in (-800.0, 800.0):
        s = Value(z).sigmoid()
        assert 0.0 <= s.data <= 1.0


def _scalar_network(X, y, W1, b1, W2, b2):
    """The chapter's tanh -> sigmoid network with binary cross-entropy, one Value per number."""
    W1v = [[Value(w) for w in row] for row in W1]
    b1v = [Value(b) for b in b1]
    W2v = [Value(w) for w in W2[:, 0]]
    b2v = Value(b2[0])
    total = Value(0.0)
    for xi, yi in zip(X, y, strict=True):
        hidden = [
            (sum((W1v[d][j] * float(xi[d]) for d in range(len(xi))), Value(0.0)) + b1v[j]).tanh()
            for j in range(len(b1v))
        ]
        p = (sum((h * w for h, w in zip(hidden, W2v, strict=True)), Value(0.0)) + b2v).sigmoid()
        total = total + (-(p.log() * float(yi) + (1.0 - p).log() * (1.0 - float(yi))))
    loss = total / float(len(X))
    loss.backward()
    grads = [
        np.array([[w.grad for w in row] for row in W1v]),
        np.array([b.grad for b in b1v]),
        np.array([[w.grad] for w in W2v]),
        np.array([b2v.grad]),
    ]
    return loss.data, grads


def _vectorised_backward(X, y, W1, b1, W2, b2):
    """Chapter 2's backward pass, line for line (dZ2 = (P - y) / N)."""
    Z1 = X @ W1 + b1
    A1 = np.tanh(Z1)
    P = 1 / (1 + np.exp(-(A1 @ W2 + b2)))
    Y = y.reshape(-1, 1)
    loss = -np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P))
    dZ2 = (P - Y) / len(X)
    dA1 = dZ2 @ W2.T
    dZ1 = dA1 * (1 - A1**2)
    return loss, [X.T @ dZ1, dZ1.sum(axis=0), A1.T @ dZ2, dZ2.sum(axis=0)]


@pytest.fixture
def small_network():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(6, 4))
    y = (rng.uniform(size=6) > 0.5).astype(float)
    W1 = rng.uniform(-0.8, 0.8, size=(4, 3))
    b1 = rng.normal(0, 0.1, size=3)
    W2 = rng.uniform(-1, 1, size=(3, 1))
    b2 = np.array([0.05])
    return X, y, [W1, b1, W2, b2]


def test_scalar_engine_equals_the_chapters_vectorised_backward_pass(small_network):
    X, y, weights = small_network
    loss, grads = _scalar_network(X, y, *weights)
    loss_ref, grads_ref = _vectorised_backward(X, y, *weights)
    assert loss == pytest.approx(loss_ref, rel=1e-12)
    for g, r in zip(grads, grads_ref, strict=True):
        np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-14)


def test_scalar_engine_equals_course_lib_nn(small_network):
    from course_lib import nn

    X, y, weights = small_network
    model = nn.Sequential(
        [nn.Input(shape=(4,)), nn.Dense(3, activation="tanh"), nn.Dense(1, activation="sigmoid")]
    )
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    model.set_weights(weights)
    engine = model.compute_gradients(X, y)  # float32 engine
    _, grads = _scalar_network(X, y, *weights)
    for g, e in zip(grads, engine, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-6)


def test_scalar_engine_equals_tensorflow_gradient_tape(small_network):
    tf = pytest.importorskip("tensorflow")
    X, y, weights = small_network
    variables = [tf.Variable(w, dtype=tf.float64) for w in weights]
    with tf.GradientTape() as tape:
        W1, b1, W2, b2 = variables
        P = tf.sigmoid(tf.tanh(X @ W1 + b1) @ W2 + b2)
        Y = y.reshape(-1, 1)
        loss = -tf.reduce_mean(Y * tf.math.log(P) + (1 - Y) * tf.math.log(1 - P))
    tape_grads = tape.gradient(loss, variables)
    value, grads = _scalar_network(X, y, *weights)
    assert value == pytest.approx(float(loss), rel=1e-12)
    for g, t in zip(grads, tape_grads, strict=True):
        np.testing.assert_allclose(g, t.numpy(), rtol=1e-10, atol=1e-14)


def test_import_is_light():
    code = "import course_lib.autograd, sys; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_bad_inputs_raise_naming_the_argument():
    with pytest.raises(
        TypeError, match=r"`data`, expected a real number. Received: data='2' of type str"
    ):
        Value("2")
    with pytest.raises(TypeError, match=r"`data`.*data=True of type bool"):
        Value(True)
    with pytest.raises(TypeError, match=r"`other`, expected a real number.*other=\[1\]"):
        Value(1.0) + [1]
    with pytest.raises(TypeError, match=r"`exponent`, expected a real number"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError, match=r"`log`, expected a positive number. Received: data=-1.0"):
        Value(-1.0).log()
    with pytest.raises(TypeError, match=r"`root`, expected a Value. Received: root=3"):
        trace(3)


def test_repr_shows_label_data_and_grad():
    a = Value(2.0, label="a")
    (a * 3.0).backward()
    assert repr(a) == "Value(a: data=2, grad=3)"
