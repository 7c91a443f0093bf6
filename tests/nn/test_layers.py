"""Layers: hand-worked forward/backward, finite-difference checks of every layer, errors."""

from __future__ import annotations

import numpy as np
import pytest

import course_lib
from course_lib.nn import Activation, Dense, Dropout, Flatten, Input, activations, gradcheck


def test_dense_hand_worked_forward_backward():
    layer = Dense(2, activation="relu")
    layer.build((3,))
    layer.set_weights([np.array([[1.0, -1.0], [0.5, 0.0], [0.0, 2.0]]), np.array([0.1, -0.2])])
    x = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    # z = [1 + 1 + 0 + 0.1, -1 + 0 + 6 - 0.2] = [2.1, 4.8]; relu keeps both
    np.testing.assert_allclose(layer.forward(x), [[2.1, 4.8]], rtol=1e-6)
    dx = layer.backward(np.array([[1.0, -1.0]], dtype=np.float32))
    np.testing.assert_allclose(layer.kernel_grad, [[1.0, -1.0], [2.0, -2.0], [3.0, -3.0]])
    np.testing.assert_allclose(layer.bias_grad, [1.0, -1.0])
    np.testing.assert_allclose(dx, [[2.0, 0.5, -2.0]])  # dz @ kernel.T


def test_dense_shapes_dtype_and_glorot_init():
    course_lib.set_seed(0)
    layer = Dense(16, input_shape=(8,))
    y = layer(np.zeros((5, 8)))
    assert y.shape == (5, 16)
    assert layer.kernel.dtype == np.float32 and layer.kernel.shape == (8, 16)
    limit = np.sqrt(6 / (8 + 16))
    assert np.abs(layer.kernel).max() <= limit
    assert np.abs(layer.kernel).max() > 0.8 * limit
    np.testing.assert_array_equal(layer.bias, np.zeros(16, np.float32))
    assert layer.count_params() == 8 * 16 + 16
    assert [w.shape for w in layer.get_weights()] == [(8, 16), (16,)]


def test_seeded_initialisation_is_bit_identical():
    course_lib.set_seed(42)
    a = Dense(4)
    a.build((3,))
    course_lib.set_seed(42)
    b = Dense(4)
    b.build((3,))
    np.testing.assert_array_equal(a.kernel, b.kernel)


@pytest.mark.parametrize("activation", activations.ALL_ACTIVATIONS)
@pytest.mark.parametrize("seed", [0, 1])
def test_dense_gradcheck(activation, seed):
    course_lib.set_seed(seed)
    x = np.random.default_rng(seed).normal(size=(4, 3))
    result = gradcheck(
        Dense(5, activation=activation, bias_initializer="random_normal"), x, seed=seed
    )
    assert set(result) == {"x", *(k for k in result if k.endswith(("/kernel", "/bias")))}
    assert len(result) == 3


def test_dense_without_bias_and_on_3d_inputs():
    course_lib.set_seed(0)
    layer = Dense(2, use_bias=False)
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    assert layer(x).shape == (2, 3, 2)
    assert layer.count_params() == 8
    assert gradcheck(layer, x).passed


@pytest.mark.parametrize("activation", activations.ALL_ACTIVATIONS)
def test_activation_layer_gradcheck(activation):
    x = np.random.default_rng(2).normal(size=(3, 4))
    assert gradcheck(Activation(activation), x).passed


def test_dropout_training_gradcheck_and_scaling():
    course_lib.set_seed(3)
    x = np.random.default_rng(3).normal(size=(50, 40))
    layer = Dropout(0.25)
    y = layer.forward(x, training=True)
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] / 0.75)
    assert 0.65 < kept.mean() < 0.85
    np.testing.assert_array_equal(layer.forward(x, training=False), x)
    assert gradcheck(Dropout(0.5), x[:4, :5], training=True).passed


def test_dropout_is_seeded():
    x = np.ones((4, 6), np.float32)
    course_lib.set_seed(9)
    a = Dropout(0.5).forward(x, training=True)
    course_lib.set_seed(9)
    b = Dropout(0.5).forward(x, training=True)
    np.testing.assert_array_equal(a, b)


def test_dropout_with_its_own_seed():
    x = np.ones((4, 6), np.float32)
    a = Dropout(0.5, seed=1).forward(x, training=True)
    b = Dropout(0.5, seed=1).forward(x, training=True)
    np.testing.assert_array_equal(a, b)
    assert gradcheck(Dropout(0.5, seed=3), np.ones((3, 4)), training=True).passed
    with pytest.raises(
        ValueError,
        match=r"`seed`, expected None or a non-negative integer. "
        r"Received: seed=-2",
    ):
        Dropout(0.5, seed=-2)


def test_flatten_forward_backward_and_gradcheck():
    x = np.arange(24.0).reshape(2, 3, 4)
    layer = Flatten()
    layer.build((3, 4))
    assert layer.output_shape == (12,)
    assert layer.forward(x).shape == (2, 12)
    assert layer.backward(np.ones((2, 12))).shape == (2, 3, 4)
    assert gradcheck(Flatten(), x).passed


def test_input_layer():
    layer = Input(shape=(20,))
    assert layer.input_shape == (20,)
    assert Input(shape=5).input_shape == (5,)


def test_layer_names_as_keras():
    from course_lib.nn import clear_session

    clear_session()
    assert [Dense(1).name, Dense(1).name, Dropout(0.1).name] == ["dense", "dense_1", "dropout"]
    assert Dense(1, name="out").name == "out"


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda: Dense(-3),
            ValueError,
            r"Received an invalid value for `units`, expected a positive integer. Received: units=-3",
        ),
        (
            lambda: Dense(2.5),
            TypeError,
            r"`units`, expected a positive integer. Received: units=2\.5",
        ),
        (lambda: Dense(3, activation="relux"), ValueError, r"Unknown activation 'relux'"),
        (
            lambda: Dense(3, kernel_initializer="glorot"),
            ValueError,
            r"Unknown initializer 'glorot'.*Received: kernel_initializer='glorot'",
        ),
        (
            lambda: Dropout(1.5),
            ValueError,
            r"`rate`, expected a float in \[0, 1\). Received: rate=1\.5",
        ),
        (lambda: Input(shape=(0,)), ValueError, r"`shape`, expected a tuple of positive integers"),
        (lambda: Dense(3, input_shape=(-1,)), ValueError, r"`input_shape`, expected a tuple"),
    ],
)
def test_constructor_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_set_weights_errors():
    layer = Dense(2)
    layer.build((3,))
    with pytest.raises(
        ValueError,
        match=r"expected a list of 2 arrays with shapes "
        r"\[\(3, 2\), \(2,\)\] for layer `.*`. Received: 1 arrays",
    ):
        layer.set_weights([np.zeros((3, 2))])
    with pytest.raises(
        ValueError,
        match=r"expected weights\[0\] of shape \(3, 2\).*"
        r"Received: weights\[0\].shape=\(2, 3\)",
    ):
        layer.set_weights([np.zeros((2, 3)), np.zeros(2)])
