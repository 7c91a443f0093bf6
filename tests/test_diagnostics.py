"""course_lib.diagnostics: per-layer statistics and gradient clipping, checked three ways
(worked by hand, finite differences, and against TensorFlow/Keras)."""

from __future__ import annotations

import numpy as np
import pytest

import course_lib
from course_lib import nn
from course_lib.diagnostics import (
    LayerRecord,
    clip_by_global_norm,
    global_norm,
    layer_statistics,
    saturation,
)


@pytest.fixture(scope="module")
def keras():
    pytest.importorskip("tensorflow")
    from course_lib.keras_models import setup_keras

    return setup_keras(0)


def _tiny_model():
    """2 inputs -> Dense(2, tanh) -> Dense(1, sigmoid), with weights chosen by hand."""
    model = nn.Sequential(
        [nn.Input(shape=(2,)), nn.Dense(2, activation="tanh"), nn.Dense(1, activation="sigmoid")]
    )
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    model.set_weights(
        [
            np.array([[0.5, -1.0], [0.25, 2.0]], np.float32),
            np.array([0.1, 0.0], np.float32),
            np.array([[1.5], [-0.5]], np.float32),
            np.array([0.2], np.float32),
        ]
    )
    return model


X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -1.0]], np.float32)
Y = np.array([1.0, 0.0, 1.0], np.float32)


def _random_model(seed: int, activation: str = "tanh"):
    course_lib.set_seed(seed)
    model = nn.Sequential(
        [nn.Input(shape=(4,))]
        + [nn.Dense(5, activation=activation) for _ in range(3)]
        + [nn.Dense(1, activation="sigmoid")]
    )
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(16, 4)).astype(np.float32)
    y = (rng.random(16) > 0.5).astype(np.float32)
    return model, x, y


# --- global norm and clipping -------------------------------------------------------------
def test_global_norm_by_hand():
    assert global_norm([np.array([3.0, 4.0]), np.array([[12.0]])]) == pytest.approx(13.0)


def test_global_norm_does_not_overflow_in_float32():
    big = np.full(4, 1e30, np.float32)  # squares overflow float32
    assert global_norm([big]) == pytest.approx(2e30, rel=1e-6)


def test_clip_scales_every_gradient_by_the_same_factor():
    grads = [np.array([3.0, 4.0], np.float32), np.array([[12.0]], np.float32)]
    clipped, norm = clip_by_global_norm(grads, max_norm=6.5)
    assert norm == pytest.approx(13.0)
    np.testing.assert_allclose(clipped[0], [1.5, 2.0])
    np.testing.assert_allclose(clipped[1], [[6.0]])
    assert global_norm(clipped) == pytest.approx(6.5)
    assert all(c.dtype == np.float32 for c in clipped)
    np.testing.assert_array_equal(grads[0], [3.0, 4.0])  # inputs untouched


def test_clip_leaves_small_gradients_alone():
    grads = [np.array([0.3, 0.4])]
    clipped, norm = clip_by_global_norm(grads, max_norm=1.0)
    assert norm == pytest.approx(0.5)
    np.testing.assert_array_equal(clipped[0], grads[0])


@pytest.mark.parametrize("max_norm", [0.1, 1.0, 50.0])
def test_clip_matches_tensorflow(keras, max_norm):
    import tensorflow as tf

    rng = np.random.default_rng(0)
    grads = [rng.normal(size=s).astype(np.float32) for s in [(4, 3), (3,), (3, 1)]]
    ours, norm = clip_by_global_norm(grads, max_norm)
    theirs, their_norm = tf.clip_by_global_norm([tf.constant(g) for g in grads], max_norm)
    assert norm == pytest.approx(float(their_norm), rel=1e-6)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-6, atol=1e-7)


def test_clip_rejects_bad_arguments():
    with pytest.raises(
        ValueError, match=r"`max_norm`, expected a positive number. Received: max_norm=0"
    ):
        clip_by_global_norm([np.ones(2)], 0)
    with pytest.raises(TypeError, match=r"`max_norm`.*Received: max_norm='1' of type str"):
        clip_by_global_norm([np.ones(2)], "1")
    with pytest.raises(TypeError, match=r"`grads`, expected a non-empty list of arrays"):
        clip_by_global_norm(np.ones(2), 1.0)
    with pytest.raises(TypeError, match=r"`grads`"):
        global_norm([])


# --- saturation -----------------------------------------------------------------------------
def test_saturation_by_hand():
    assert saturation(np.array([0.5, 0.98, -0.99, 0.1])) == pytest.approx(0.5)
    assert saturation(np.array([0.5, 0.98]), threshold=0.4) == pytest.approx(1.0)


def test_saturation_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"`threshold`.*Received: threshold=-1"):
        saturation(np.ones(3), threshold=-1)
    with pytest.raises(ValueError, match=r"`activations`, expected a non-empty array"):
        saturation(np.array([]))


# --- layer statistics -----------------------------------------------------------------------
def test_layer_statistics_by_hand():
    model = _tiny_model()
    record = layer_statistics(model, X, Y)
    W1, b1, W2, b2 = (w.astype(np.float64) for w in model.get_weights())
    h = np.tanh(X @ W1 + b1)  # (3, 2)
    p = 1 / (1 + np.exp(-(h @ W2 + b2)))  # (3, 1)
    np.testing.assert_allclose(record.activations[0], h, rtol=1e-6)
    np.testing.assert_allclose(record.activations[1], p, rtol=1e-6)
    y = Y.reshape(-1, 1)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert record.loss == pytest.approx(loss, rel=1e-5)
    dz2 = (p - y) / len(X)  # dL/dlogit of the output
    np.testing.assert_allclose(
        record.output_gradients[1], (p - y) / (p * (1 - p)) / len(X), rtol=1e-4
    )
    np.testing.assert_allclose(record.output_gradients[0], dz2 @ W2.T, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(record.kernel_gradients[1], h.T @ dz2, rtol=1e-4, atol=1e-7)
    dz1 = (dz2 @ W2.T) * (1 - h**2)
    np.testing.assert_allclose(record.kernel_gradients[0], X.T @ dz1, rtol=1e-4, atol=1e-7)
    assert record.names == [layer.name for layer in model.layers]
    assert record.kernel_names == record.names


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])  # smooth: no kink for eps to cross
def test_output_gradients_match_finite_differences(activation):
    """dL/d(output of layer i): perturb that output and run the rest of the network forward."""
    model, x, y = _random_model(3, activation)
    record = layer_statistics(model, x, y)
    layers = model.layers
    y_col = y.reshape(-1, 1)
    for i in range(len(layers) - 1):
        a = record.activations[i].astype(np.float64)

        def loss_from(a_i, i=i):
            out = a_i.astype(np.float32)
            for layer in layers[i + 1 :]:
                out = layer.forward(out, training=True)
            return model.loss(y_col, out)

        rng = np.random.default_rng(i)
        for _ in range(5):
            r, c = rng.integers(a.shape[0]), rng.integers(a.shape[1])
            eps = 1e-2
            plus, minus = a.copy(), a.copy()
            plus[r, c] += eps
            minus[r, c] -= eps
            numerical = (loss_from(plus) - loss_from(minus)) / (2 * eps)
            assert record.output_gradients[i][r, c] == pytest.approx(numerical, rel=2e-2, abs=2e-5)


def test_kernel_gradients_equal_compute_gradients_and_leave_weights_alone():
    model, x, y = _random_model(1)
    before = model.get_weights()
    record = layer_statistics(model, x, y)
    expected = [g for g in model.compute_gradients(x, y) if g.ndim == 2]
    for ours, theirs in zip(record.kernel_gradients, expected, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-8)
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_layer_statistics_match_keras(keras):
    import tensorflow as tf

    model, x, y = _random_model(2)
    k_model = keras.Sequential(
        [keras.Input(shape=(4,))]
        + [keras.layers.Dense(5, activation="tanh") for _ in range(3)]
        + [keras.layers.Dense(1, activation="sigmoid")]
    )
    k_model.set_weights(model.get_weights())
    record = layer_statistics(model, x, y)
    with tf.GradientTape() as tape:
        outputs, out = [], tf.constant(x)
        for layer in k_model.layers:
            out = layer(out)
            outputs.append(out)
        loss = tf.reduce_mean(keras.losses.binary_crossentropy(y.reshape(-1, 1), out))
    grads = tape.gradient(loss, outputs[:-1] + [layer.kernel for layer in k_model.layers])
    for ours, theirs in zip(record.activations, outputs, strict=True):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-5, atol=1e-6)
    for ours, theirs in zip(record.output_gradients[:-1], grads[:3], strict=True):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-4, atol=1e-7)
    for ours, theirs in zip(record.kernel_gradients, grads[3:], strict=True):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-4, atol=1e-7)
    assert record.loss == pytest.approx(float(loss), rel=1e-5)


def test_summary_lists_every_layer():
    model, x, y = _random_model(0)
    rows = layer_statistics(model, x, y).summary()
    assert [r["layer"] for r in rows] == [layer.name for layer in model.layers]
    assert set(rows[0]) == {"layer", "mean", "std", "saturated", "grad_std"}
    assert all(0.0 <= r["saturated"] <= 1.0 for r in rows)
    assert isinstance(LayerRecord().names, list)


def test_layer_statistics_rejects_bad_input():
    model = nn.Sequential([nn.Input(shape=(2,)), nn.Dense(1, activation="sigmoid")])
    with pytest.raises(ValueError, match=r"`model`, expected a compiled course_lib.nn.Sequential"):
        layer_statistics(model, X, Y)
    with pytest.raises(ValueError, match=r"`model`"):
        layer_statistics(object(), X, Y)
    with pytest.raises(ValueError, match=r"`x`/`y`.*len\(x\)=3, len\(y\)=2"):
        layer_statistics(_tiny_model(), X, Y[:2])
