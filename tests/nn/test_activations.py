"""Activations: hand-worked values, finite-difference derivatives, parity with Keras."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.nn import activations, gradcheck

X = np.array([[-3.0, -0.5, 0.0, 0.5, 3.0]])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("relu", [0.0, 0.0, 0.0, 0.5, 3.0]),
        ("linear", [-3.0, -0.5, 0.0, 0.5, 3.0]),
        ("leaky_relu", [-0.6, -0.1, 0.0, 0.5, 3.0]),  # Keras 3 default slope 0.2
        ("tanh", np.tanh([-3.0, -0.5, 0.0, 0.5, 3.0])),
        ("sigmoid", 1 / (1 + np.exp([3.0, 0.5, 0.0, -0.5, -3.0]))),
        ("elu", [np.exp(-3.0) - 1, np.exp(-0.5) - 1, 0.0, 0.5, 3.0]),
    ],
)
def test_hand_worked_values(name, expected):
    np.testing.assert_allclose(activations.get(name)(X)[0], expected, rtol=1e-12, atol=1e-12)


def test_softmax_hand_worked_and_stable():
    s = activations.softmax(np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 1000.0]]))
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(s[0], e / e.sum(), rtol=1e-12)
    np.testing.assert_allclose(s[1], [1 / 3] * 3, rtol=1e-12)  # no overflow


@pytest.mark.parametrize("name", activations.ALL_ACTIVATIONS)
def test_python_numbers_and_lists(name):
    # Learners call activations on plain numbers too: same values as on arrays, dtype kept.
    f = activations.get(name)
    if name != "softmax":
        assert float(f(-1.5)) == pytest.approx(float(f(np.array([-1.5]))[0]))
    np.testing.assert_allclose(f([[-1.0, 0.5]]), f(np.array([[-1.0, 0.5]])))
    for dtype in (np.float32, np.float64):
        assert f(np.array([[-1.0, 0.5]], dtype=dtype)).dtype == dtype


def test_sigmoid_saturates_without_overflow():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = activations.sigmoid(np.array([-1000.0, 1000.0], dtype=np.float32))
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, [0.0, 1.0])


@pytest.mark.parametrize("name", activations.ALL_ACTIVATIONS)
def test_derivative_matches_finite_differences(name):
    act = activations.get(name)
    x = np.linspace(-2.9, 3.1, 13)[None, :]  # avoids the kink at 0
    h = 1e-6
    numerical = (act(x + h) - act(x - h)) / (2 * h)
    if name == "softmax":  # derivative() is the Jacobian's diagonal; check it entrywise
        numerical = np.array(
            [
                (act(x + h * e)[0, i] - act(x - h * e)[0, i]) / (2 * h)
                for i, e in enumerate(np.eye(x.shape[1]))
            ]
        )[None, :]
    np.testing.assert_allclose(act.derivative(x), numerical, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(act.gradient(x), act.derivative(x))


@pytest.mark.parametrize("name", activations.ALL_ACTIVATIONS)
@pytest.mark.parametrize("seed", [0, 1])
def test_backward_gradcheck(name, seed):
    x = np.random.default_rng(seed).normal(size=(4, 5)) * 2
    result = gradcheck(activations.get(name), x, seed=seed)
    assert result.passed, result


@pytest.mark.parametrize("name", activations.ALL_ACTIVATIONS)
def test_derivative_at_zero_as_tensorflow(name):
    # TensorFlow: relu'(0) = 0, leaky_relu'(0) = slope, elu'(0) = 1.
    expected = {
        "relu": 0.0,
        "leaky_relu": 0.2,
        "elu": 1.0,
        "linear": 1.0,
        "tanh": 1.0,
        "sigmoid": 0.25,
    }
    if name in expected:
        assert activations.get(name).derivative(np.zeros((1, 1)))[0, 0] == expected[name]


@pytest.mark.parametrize("name", activations.ALL_ACTIVATIONS)
def test_parity_with_keras(keras, name):
    x = np.random.default_rng(3).normal(size=(6, 4)).astype(np.float32) * 3
    theirs = np.asarray(keras.activations.get(name)(x))
    mine = activations.get(name)(x)
    assert mine.dtype == np.float32
    np.testing.assert_allclose(mine, theirs, rtol=1e-6, atol=1e-6)


def test_custom_parameters():
    assert activations.LeakyReLU(negative_slope=0.1)(np.array([-1.0]))[0] == pytest.approx(-0.1)
    assert activations.ELU(alpha=2.0)(np.array([-np.inf]))[0] == pytest.approx(-2.0)


def test_get_accepts_none_objects_and_classes():
    assert activations.get(None) is activations.linear
    assert activations.get(activations.relu) is activations.relu
    assert isinstance(activations.get(activations.Tanh), activations.Tanh)
    assert activations.get("ReLU") is activations.relu


def test_unknown_activation_lists_valid_names():
    with pytest.raises(
        ValueError,
        match=r"Unknown activation 'relux'.*expected one of 'elu', "
        r"'leaky_relu', 'linear', 'relu', 'sigmoid', 'softmax', 'tanh'.*"
        r"Received: activation='relux'",
    ):
        activations.get("relux")


def test_activation_of_wrong_type():
    with pytest.raises(TypeError, match=r"`activation`.*Received: activation=3 of type int"):
        activations.get(3)
