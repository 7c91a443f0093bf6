"""Losses: hand-worked values, finite-difference gradients, parity with Keras (values and
TensorFlow gradients), and the label-shape errors with their hints."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.nn import gradcheck, losses

RNG = np.random.default_rng(7)


def _case(name: str, n: int = 5, k: int = 3, seed: int = 0):
    """(y_true, y_pred) for a loss: probabilities for crossentropies, reals otherwise."""
    rng = np.random.default_rng(seed)
    if name == "binary_crossentropy":
        return (rng.random((n, 1)) > 0.5).astype(float), rng.uniform(0.05, 0.95, (n, 1))
    z = rng.normal(size=(n, k))
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    labels = rng.integers(0, k, n)
    if name == "categorical_crossentropy":
        return np.eye(k)[labels], p
    if name == "sparse_categorical_crossentropy":
        return labels, p
    y = rng.normal(size=(n, 2))
    return y, y + rng.choice([-1.0, 1.0], size=(n, 2)) * rng.uniform(0.1, 1.0, (n, 2))  # no kink


ALL = [
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "mse",
    "mae",
]
CROSSENTROPIES = ALL[:3]


def test_binary_crossentropy_hand_worked():
    loss = losses.get("binary_crossentropy")
    y, p = np.array([[1.0], [0.0]]), np.array([[0.8], [0.4]])
    expected = -(np.log(0.8) + np.log(0.6)) / 2
    assert loss(y, p) == pytest.approx(expected, rel=1e-12)
    # gradient (p - y) / (p (1 - p)) / N
    np.testing.assert_allclose(loss.gradient(y, p), [[-0.2 / 0.16 / 2], [0.4 / 0.24 / 2]])


def test_binary_crossentropy_clips_at_keras_epsilon():
    loss = losses.get("binary_crossentropy")
    assert loss([[1.0]], [[0.0]]) == pytest.approx(-np.log(1e-7), rel=1e-6)
    assert loss.gradient([[1.0]], [[0.0]])[0, 0] == 0.0  # the clip stops the gradient


def test_categorical_and_sparse_hand_worked():
    p = np.array([[0.9, 0.05, 0.05], [0.05, 0.89, 0.06]])
    expected = -(np.log(0.9) + np.log(0.89)) / 2
    assert losses.get("categorical_crossentropy")(np.eye(3)[[0, 1]], p) == pytest.approx(expected)
    assert losses.get("sparse_categorical_crossentropy")([0, 1], p) == pytest.approx(expected)


def test_mse_mae_hand_worked():
    y, p = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.5, 2.0], [2.0, 6.0]])
    assert losses.get("mse")(y, p) == pytest.approx((0.25 + 0 + 1 + 4) / 4)
    assert losses.get("mae")(y, p) == pytest.approx((0.5 + 0 + 1 + 2) / 4)
    np.testing.assert_allclose(losses.get("mse").gradient(y, p), 2 * (p - y) / 4)


def test_from_logits_hand_worked():
    z, y = np.array([[2.0], [-1.0]]), np.array([[1.0], [0.0]])
    sig = 1 / (1 + np.exp(-z))
    loss = losses.BinaryCrossentropy(from_logits=True)
    assert loss(y, z) == pytest.approx(-(np.log(sig[0, 0]) + np.log(1 - sig[1, 0])) / 2)
    np.testing.assert_allclose(loss.gradient(y, z), (sig - y) / 2)  # (p - y) / N


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradcheck(name, seed):
    y, p = _case(name, seed=seed)
    assert gradcheck(losses.get(name), p, y).passed


@pytest.mark.parametrize(
    "cls",
    [
        losses.BinaryCrossentropy,
        losses.CategoricalCrossentropy,
        losses.SparseCategoricalCrossentropy,
    ],
)
@pytest.mark.parametrize("seed", [0, 1])
def test_gradcheck_from_logits(cls, seed):
    name = cls.name
    y, _ = _case(name, seed=seed)
    z = np.random.default_rng(seed).normal(size=(5, 1 if name == "binary_crossentropy" else 3))
    assert gradcheck(cls(from_logits=True), z * 3, y).passed


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("seed", [0, 1])
def test_parity_with_keras_values_and_gradients(tf, keras, name, seed):
    y, p = _case(name, seed=seed)
    p = p.astype(np.float32)
    if name != "sparse_categorical_crossentropy":
        y = y.astype(np.float32)
    p_var = tf.Variable(p)
    with tf.GradientTape() as tape:
        per_sample = keras.losses.get(name)(y, p_var)  # Keras's function form: (N,)
        value = tf.reduce_mean(per_sample)
    keras_grad = tape.gradient(value, p_var).numpy()
    loss = losses.get(name)
    np.testing.assert_allclose(loss(y, p), float(value), rtol=1e-6)
    np.testing.assert_allclose(loss.gradient(y, p), keras_grad, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(loss.per_sample(y, p), np.asarray(per_sample), rtol=1e-5)


@pytest.mark.parametrize("name", CROSSENTROPIES)
def test_parity_with_keras_from_logits(tf, keras, name):
    y, _ = _case(name, seed=4)
    z = (
        np.random.default_rng(4).normal(size=(5, 1 if name == "binary_crossentropy" else 3)) * 20
    ).astype(np.float32)  # saturated logits
    z_var = tf.Variable(z)
    with tf.GradientTape() as tape:
        value = getattr(keras.losses, name)(y, z_var, from_logits=True)
        value = tf.reduce_mean(value)
    keras_grad = tape.gradient(value, z_var).numpy()
    loss = {
        "binary_crossentropy": losses.BinaryCrossentropy,
        "categorical_crossentropy": losses.CategoricalCrossentropy,
        "sparse_categorical_crossentropy": losses.SparseCategoricalCrossentropy,
    }[name](from_logits=True)
    np.testing.assert_allclose(loss(y, z), float(value), rtol=1e-5)
    np.testing.assert_allclose(loss.gradient(y, z), keras_grad, rtol=1e-5, atol=1e-7)


def test_names_and_objects():
    assert isinstance(losses.get("mse"), losses.MeanSquaredError)
    assert isinstance(losses.get("MeanAbsoluteError"), losses.MeanAbsoluteError)
    bce = losses.BinaryCrossentropy()
    assert losses.get(bce) is bce
    assert repr(losses.BinaryCrossentropy(from_logits=True)) == (
        "BinaryCrossentropy(from_logits=True)"
    )


def test_unknown_loss_lists_valid_names():
    with pytest.raises(
        ValueError,
        match=r"Unknown loss 'cross'.*expected one of "
        r"'binary_crossentropy', 'categorical_crossentropy'.*Received: loss='cross'",
    ):
        losses.get("cross")


def test_loss_of_wrong_type():
    with pytest.raises(TypeError, match=r"`loss`.*Received: loss=1\.5 of type float"):
        losses.get(1.5)


def test_from_logits_rejected_for_regression():
    with pytest.raises(ValueError, match="`from_logits`.*has no logits form"):
        losses.MeanSquaredError(from_logits=True)


def test_integer_labels_with_categorical_suggest_sparse():
    with pytest.raises(
        ValueError,
        match=r"expected one-hot labels of shape \(None, 3\).*"
        r"Received: y.shape=\(4,\).*Hint:.*sparse_categorical_crossentropy",
    ):
        losses.get("categorical_crossentropy")([0, 1, 2, 1], np.full((4, 3), 1 / 3))


def test_one_hot_labels_with_sparse_suggest_categorical():
    with pytest.raises(
        ValueError,
        match=r"expected integer class labels.*"
        r"Received: y.shape=\(2, 3\).*Hint:.*use categorical_crossentropy",
    ):
        losses.get("sparse_categorical_crossentropy")(np.eye(3)[[0, 1]], np.full((2, 3), 1 / 3))


def test_sparse_labels_out_of_range():
    with pytest.raises(ValueError, match=r"expected class labels in \[0, 2\].*values from 0 to 3"):
        losses.get("sparse_categorical_crossentropy")([0, 3], np.full((2, 3), 1 / 3))


def test_binary_labels_outside_zero_one_suggest_sparse():
    with pytest.raises(
        ValueError,
        match=r"expected labels in \[0, 1\].*Hint:.*"
        r"sparse_categorical_crossentropy",
    ):
        losses.get("binary_crossentropy")([0, 2], [[0.5], [0.5]])


def test_binary_one_hot_labels_hint():
    with pytest.raises(
        ValueError,
        match=r"expected labels of shape \(None, 1\).*"
        r"Received: y.shape=\(2, 3\).*Hint:.*categorical_crossentropy",
    ):
        losses.get("binary_crossentropy")(np.eye(3)[[0, 1]], [[0.5], [0.5]])


def test_mse_shape_mismatch():
    with pytest.raises(
        ValueError,
        match=r"expected labels of shape \(None, 2\) to match the "
        r"model output for the loss mean_squared_error. Received: y.shape=\(3, 3\)",
    ):
        losses.get("mse")(np.zeros((3, 3)), np.zeros((3, 2)))
