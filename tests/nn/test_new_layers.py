"""Conv2D, MaxPooling2D, BatchNormalization, Embedding and kernel regularizers: hand-worked
examples, finite-difference gradients, errors, save/load."""

from __future__ import annotations

import numpy as np
import pytest

import course_lib
from course_lib import nn
from course_lib.nn import (
    BatchNormalization,
    Conv2D,
    Dense,
    Embedding,
    Flatten,
    Input,
    MaxPooling2D,
    Sequential,
    gradcheck,
    regularizers,
)


# --------------------------------------------------------------------- Conv2D -----------------
def test_conv2d_hand_worked_valid_and_same():
    # One 3x3 image, one 2x2 filter [[1, 0], [0, -1]]: each output is x[i, j] - x[i+1, j+1].
    x = np.arange(9, dtype=np.float32).reshape(1, 3, 3, 1)  # [[0 1 2] [3 4 5] [6 7 8]]
    layer = Conv2D(1, 2)
    layer.build((3, 3, 1))
    layer.set_weights([np.array([[1.0, 0.0], [0.0, -1.0]]).reshape(2, 2, 1, 1), np.array([0.5])])
    np.testing.assert_allclose(layer(x)[0, :, :, 0], [[-3.5, -3.5], [-3.5, -3.5]])
    # "same", stride 1, 2x2 window: total padding 1 per axis, all of it at the bottom/right.
    same = Conv2D(1, 2, padding="same")
    same.build((3, 3, 1))
    same.set_weights(layer.get_weights())
    expected = np.array([[-3.5, -3.5, 2.5], [-3.5, -3.5, 5.5], [6.5, 7.5, 8.5]])
    np.testing.assert_allclose(same(x)[0, :, :, 0], expected)


def test_conv2d_hand_worked_backward():
    x = np.arange(9, dtype=np.float64).reshape(1, 3, 3, 1)
    layer = Conv2D(1, 2)
    layer.build((3, 3, 1))
    layer.set_dtype(np.float64)
    layer.set_weights([np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1, 1), np.zeros(1)])
    layer.forward(x)
    dx = layer.backward(np.ones((1, 2, 2, 1)))
    # dL/dkernel[a, b] = sum of the inputs each kernel cell saw: the four 2x2 sub-grids.
    np.testing.assert_allclose(layer.kernel_grad[:, :, 0, 0], [[8, 12], [20, 24]])
    np.testing.assert_allclose(layer.bias_grad, [4.0])
    # dL/dx: each input receives the kernel cells that touched it.
    np.testing.assert_allclose(dx[0, :, :, 0], [[1, 3, 2], [4, 10, 6], [3, 7, 4]])


CONV_CASES = [
    ((6, 5, 2), 3, 1, "valid"),
    ((6, 5, 2), 3, 1, "same"),
    ((7, 6, 1), 3, 2, "same"),
    ((7, 6, 3), (2, 3), (2, 1), "valid"),
    ((5, 5, 2), 2, 2, "same"),
    ((8, 8, 1), 1, 1, "valid"),
]


@pytest.mark.parametrize(("shape", "kernel_size", "strides", "padding"), CONV_CASES)
def test_conv2d_gradcheck(shape, kernel_size, strides, padding):
    course_lib.set_seed(0)
    x = np.random.default_rng(1).normal(size=(2, *shape))
    layer = Conv2D(3, kernel_size, strides=strides, padding=padding, activation="tanh")
    result = gradcheck(layer, x)
    assert set(result) == {"x", f"{layer.name}/kernel", f"{layer.name}/bias"}


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "expected"),
    [(8, 3, 1, "valid", 6), (8, 3, 1, "same", 8), (7, 3, 2, "same", 4), (7, 3, 2, "valid", 3)],
)
def test_conv2d_output_shapes(size, kernel, stride, padding, expected):
    layer = Conv2D(4, kernel, strides=stride, padding=padding)
    layer.build((size, size, 1))
    assert layer.output_shape == (expected, expected, 4)
    assert layer.kernel.shape == (kernel, kernel, 1, 4)


def test_conv2d_glorot_limit_uses_the_receptive_field():
    course_lib.set_seed(0)
    layer = Conv2D(16, 5)
    layer.build((28, 28, 3))
    limit = np.sqrt(6 / (5 * 5 * 3 + 5 * 5 * 16))
    assert np.abs(layer.kernel).max() <= limit
    assert np.abs(layer.kernel).max() > 0.95 * limit


def test_conv2d_rejects_flat_inputs_naming_the_layout():
    model = Sequential([Conv2D(4, 3), Flatten(), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"expected inputs of shape \(batch, height, width, chan"):
        model.fit(np.zeros((4, 64)), np.zeros(4), verbose=0)
    with pytest.raises(ValueError, match=r"Received: inputs of shape \('batch', 64\)"):
        model.predict(np.zeros((4, 64)), verbose=0)
    layer = Conv2D(2, 3)
    layer.build((5, 5, 1))
    with pytest.raises(ValueError, match=r"expected inputs of shape \(batch, height"):
        layer.forward(np.zeros((2, 25)))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Conv2D(0, 3), r"`filters`, expected a positive integer"),
        (lambda: Conv2D(2, (3, 0)), r"`kernel_size`, expected a positive integer or a tuple"),
        (lambda: Conv2D(2, 3, strides=True), r"`strides`"),
        (lambda: Conv2D(2, 3, padding="full"), r"`padding`, expected 'valid' or 'same'"),
        (lambda: MaxPooling2D(pool_size=0), r"`pool_size`"),
        (lambda: MaxPooling2D(padding="causal"), r"`padding`"),
        (lambda: BatchNormalization(momentum=1.5), r"`momentum`, expected a float in \[0, 1\]"),
        (lambda: BatchNormalization(epsilon=0), r"`epsilon`, expected a positive float"),
        (lambda: BatchNormalization(axis=1), r"`axis`, expected -1"),
        (lambda: Embedding(0, 3), r"`input_dim`, expected a positive integer"),
        (lambda: Dense(2, kernel_regularizer="l3"), r"Unknown regularizer 'l3'"),
        (lambda: Dense(2, kernel_regularizer=0.01), r"`kernel_regularizer`, expected a name"),
        (lambda: regularizers.L2(-1.0), r"`l2`, expected a non-negative float"),
        (lambda: regularizers.L1(True), r"`l1`, expected a non-negative float"),
    ],
)
def test_bad_arguments_are_named(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_window_larger_than_the_input_is_refused():
    with pytest.raises(ValueError, match=r"`kernel_size`, expected a window no larger"):
        Conv2D(2, 5).build((3, 3, 1))
    with pytest.raises(ValueError, match=r"`pool_size`, expected a window no larger"):
        MaxPooling2D(4).build((3, 3, 1))


# --------------------------------------------------------------------- MaxPooling2D -----------
def test_max_pooling_hand_worked():
    x = np.array([[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 6, 7], [9, 1, 3, 3]], dtype=np.float64)
    layer = MaxPooling2D()
    out = layer(x.reshape(1, 4, 4, 1))
    np.testing.assert_allclose(out[0, :, :, 0], [[5, 8], [9, 7]])
    dx = layer.backward(np.array([10.0, 20.0, 30.0, 40.0]).reshape(1, 2, 2, 1))
    expected = np.zeros((4, 4))
    expected[0, 1], expected[1, 2], expected[3, 0], expected[2, 3] = 10, 20, 30, 40
    np.testing.assert_allclose(dx[0, :, :, 0], expected)


def test_max_pooling_ties_send_the_gradient_to_the_first_maximum():
    layer = MaxPooling2D()
    layer(np.ones((1, 2, 2, 1)))
    dx = layer.backward(np.ones((1, 1, 1, 1)))
    np.testing.assert_array_equal(dx[0, :, :, 0], [[1, 0], [0, 0]])


def test_max_pooling_same_padding_never_picks_the_padding():
    x = -np.ones((1, 3, 3, 1))  # all negative: a zero-padded cell would win
    layer = MaxPooling2D(padding="same")
    np.testing.assert_array_equal(layer(x), -np.ones((1, 2, 2, 1)))


@pytest.mark.parametrize(
    ("shape", "pool", "strides", "padding"),
    [
        ((4, 6, 2), 2, None, "valid"),
        ((5, 5, 2), 3, 2, "same"),
        ((5, 4, 1), 2, 1, "valid"),
        ((5, 7, 3), (2, 3), None, "same"),
    ],
)
def test_max_pooling_gradcheck(shape, pool, strides, padding):
    x = np.random.default_rng(2).normal(size=(2, *shape))  # distinct values: no ties
    gradcheck(MaxPooling2D(pool, strides=strides, padding=padding), x)


# --------------------------------------------------------------------- BatchNormalization -----
def test_batch_normalization_hand_worked_training_and_inference():
    x = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 16.0]], dtype=np.float32)
    layer = BatchNormalization()
    out = layer(x, training=True)
    # feature 0: mean 3, var 8/3; feature 1: mean 12, var 8
    expected = np.stack([(x[:, 0] - 3) / np.sqrt(8 / 3 + 1e-3), (x[:, 1] - 12) / np.sqrt(8 + 1e-3)])
    np.testing.assert_allclose(out, expected.T, rtol=1e-6)
    np.testing.assert_allclose(layer.moving_mean, [0.03, 0.12], rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance, [0.99 + 0.01 * 8 / 3, 0.99 + 0.08], rtol=1e-6)
    inference = layer(x, training=False)  # the moving statistics instead of the batch's
    np.testing.assert_allclose(
        inference, (x - layer.moving_mean) / np.sqrt(layer.moving_variance + 1e-3), rtol=1e-6
    )
    assert [w.shape for w in layer.get_weights()] == [(2,)] * 4
    assert layer.weight_names == ("gamma", "beta", "moving_mean", "moving_variance")


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 3, 2)])
def test_batch_normalization_gradcheck(training, shape):
    rng = np.random.default_rng(3)
    layer = BatchNormalization()
    layer.build(shape[1:])
    layer.set_weights(
        [rng.normal(size=shape[-1]), rng.normal(size=shape[-1]), rng.normal(size=shape[-1]),
         rng.uniform(0.5, 2, size=shape[-1])]
    )  # fmt: skip
    result = gradcheck(layer, rng.normal(size=shape), training=training)
    assert f"{layer.name}/moving_mean" not in result  # not trained, not checked


def test_batch_normalization_moving_statistics_are_not_trained():
    course_lib.set_seed(0)
    model = Sequential([Input(shape=(3,)), BatchNormalization(), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert model.count_params() == 12 + 4
    assert len(model.trainable_weights) == 4 and len(model.non_trainable_weights) == 2
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(64, 3)).astype(np.float32)
    model.fit(x, x[:, :1], epochs=3, batch_size=16, verbose=0)
    bn = model.layers[0]
    assert np.all(bn.moving_mean > 0)  # moved towards the data's mean 3 (from 0)


# --------------------------------------------------------------------- Embedding --------------
def test_embedding_hand_worked_lookup_and_gradient():
    layer = Embedding(4, 2)
    layer.build((3,))
    table = np.arange(8, dtype=np.float32).reshape(4, 2)
    layer.set_weights([table])
    x = np.array([[0, 3, 3], [1, 0, 2]])
    out = layer(x)
    assert out.shape == (2, 3, 2)
    np.testing.assert_array_equal(out[0], table[[0, 3, 3]])
    layer.backward(np.ones((2, 3, 2), dtype=np.float32))
    np.testing.assert_array_equal(layer.embeddings_grad, [[2, 2], [1, 1], [1, 1], [2, 2]])


def test_embedding_gradcheck_and_default_initializer():
    course_lib.set_seed(0)
    layer = Embedding(6, 3)
    x = np.array([[0, 5, 5, 1], [2, 2, 3, 0]])
    result = gradcheck(layer, x)
    assert list(result) == [f"{layer.name}/embeddings"]  # indices have no gradient
    big = Embedding(100, 50)
    big.build((1,))
    assert 0.045 < np.abs(big.embeddings).max() <= 0.05  # uniform in [-0.05, 0.05]


def test_embedding_then_flatten_trains_and_rejects_bad_indices():
    course_lib.set_seed(0)
    model = Sequential([Input(shape=(4,)), Embedding(10, 3), Flatten(), Dense(2, "softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x = rng.integers(0, 10, size=(50, 4))
    y = (x[:, 0] > 4).astype(int)
    history = model.fit(x, y, epochs=30, batch_size=10, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(x.astype(np.float32), verbose=0).shape == (50, 2)  # 3.0 is index 3
    with pytest.raises(ValueError, match=r"expected indices in \[0, 9\].*Received: indices from"):
        model.predict(x + 5, verbose=0)
    with pytest.raises(ValueError, match=r"expected integer indices"):
        model.predict(x + 0.5, verbose=0)


# --------------------------------------------------------------------- regularizers -----------
def test_regularizers_hand_worked():
    w = np.array([[1.0, -2.0], [0.0, 3.0]])
    assert regularizers.L2(0.1)(w) == pytest.approx(0.1 * 14)
    assert regularizers.L1(0.1)(w) == pytest.approx(0.1 * 6)
    assert regularizers.L1L2(0.1, 0.2)(w) == pytest.approx(0.6 + 2.8)
    np.testing.assert_allclose(regularizers.L2(0.1).gradient(w), 0.2 * w)
    np.testing.assert_allclose(regularizers.L1(0.1).gradient(w), 0.1 * np.sign(w))
    assert regularizers.get("l2").l2 == 0.01 and regularizers.get("l1").l1 == 0.01
    assert regularizers.get(None) is None


@pytest.mark.parametrize("name", ["L1", "L2", "L1L2"])
def test_regularizer_gradients_match_finite_differences(name):
    reg = getattr(regularizers, name)(**({"l1": 0.3, "l2": 0.2} if name == "L1L2" else {}))
    w = np.random.default_rng(0).normal(size=(3, 4))
    gradcheck(reg, w, reg.gradient(w))


def test_penalty_is_counted_in_the_loss_and_the_gradient():
    course_lib.set_seed(0)
    x, y = np.random.default_rng(0).normal(size=(8, 3)), np.random.default_rng(1).normal(size=8)
    plain = Sequential([Input(shape=(3,)), Dense(2, "tanh"), Dense(1)])
    penalised = Sequential(
        [Input(shape=(3,)), Dense(2, "tanh", kernel_regularizer=regularizers.L2(0.5)), Dense(1)]
    )
    penalised.set_weights(plain.get_weights())
    for model in (plain, penalised):
        model.compile(optimizer="sgd", loss="mse")
    kernel = plain.get_weights()[0]
    assert penalised.losses == [pytest.approx(0.5 * np.sum(kernel**2), rel=1e-6)]
    gap = penalised.evaluate(x, y, verbose=0) - plain.evaluate(x, y, verbose=0)
    assert gap == pytest.approx(0.5 * np.sum(kernel**2), rel=1e-5)
    grads = [p - q for p, q in zip(penalised.compute_gradients(x, y),
                                   plain.compute_gradients(x, y), strict=True)]  # fmt: skip
    np.testing.assert_allclose(grads[0], 2 * 0.5 * kernel, rtol=1e-5, atol=1e-7)
    assert all(np.all(g == 0) for g in grads[1:])
    gradcheck(penalised, x, y)


# --------------------------------------------------------------------- whole models -----------
def _small_convnet(regularizer=None):
    return Sequential(
        [
            Input(shape=(8, 8, 1)),
            Conv2D(4, 3, padding="same", activation="relu", kernel_regularizer=regularizer),
            MaxPooling2D(),
            BatchNormalization(),
            Flatten(),
            Dense(3, activation="softmax"),
        ]
    )


def test_convnet_gradcheck_through_the_compiled_loss():
    course_lib.set_seed(0)
    model = _small_convnet(regularizer="l2")
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    gradcheck(model, rng.normal(size=(5, 8, 8, 1)), rng.integers(0, 3, 5), tolerance=1e-5)


def test_save_and_load_weights_round_trip_every_layer(tmp_path):
    course_lib.set_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 8, 8, 1)).astype(np.float32)
    y = rng.integers(0, 3, 20)
    model = _small_convnet()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, batch_size=5, verbose=0)  # moving statistics move too
    path = tmp_path / "convnet.weights.npz"
    model.save_weights(path)
    course_lib.set_seed(1)
    twin = _small_convnet()
    twin.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    twin.load_weights(path)
    for mine, theirs in zip(twin.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_array_equal(twin.predict(x, verbose=0), model.predict(x, verbose=0))
    with np.load(path) as stored:
        conv = model.layers[0].name
        assert stored.files[:2] == [f"000/{conv}/kernel", f"000/{conv}/bias"]

    words = Sequential([Input(shape=(3,)), Embedding(5, 2), Flatten(), Dense(1)])
    words.save_weights(tmp_path / "words.npz")
    other = Sequential([Input(shape=(3,)), Embedding(5, 2), Flatten(), Dense(1)])
    other.load_weights(tmp_path / "words.npz")
    np.testing.assert_array_equal(other.get_weights()[0], words.get_weights()[0])


def test_load_weights_errors(tmp_path):
    model = Sequential([Input(shape=(3,)), Dense(2), Dense(1)])
    with pytest.raises(ValueError, match=r"`filepath`, expected a path ending in '.npz'"):
        model.save_weights(tmp_path / "model.h5")
    model.save_weights(tmp_path / "m.npz")
    with pytest.raises(ValueError, match=r"expected a file of 1 weights.*holds 4 arrays"):
        Sequential([Input(shape=(3,)), Dense(2, use_bias=False)]).load_weights(tmp_path / "m.npz")
    with pytest.raises(ValueError, match=r"expected kernel of shape \(3, 5\)"):
        Sequential([Input(shape=(3,)), Dense(5), Dense(1)]).load_weights(tmp_path / "m.npz")


def test_digits_convnet_trains_quickly():
    """The chapter-sized convnet on the 8x8 digits: 20 epochs in seconds, and it learns."""
    import time

    from course_lib.datasets import load_digits

    digits = load_digits(seed=0)
    x = np.concatenate([digits.X_train, digits.X_val]).reshape(-1, 8, 8, 1) / 16.0
    y = np.concatenate([digits.y_train, digits.y_val])
    course_lib.set_seed(0)
    model = Sequential(
        [Input(shape=(8, 8, 1)), Conv2D(8, 3, padding="same", activation="relu"),
         MaxPooling2D(), Flatten(), Dense(10, activation="softmax")]
    )  # fmt: skip
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x, y, epochs=20, batch_size=32, verbose=0)
    assert time.perf_counter() - start < 30  # about 1 s on the course machine; generous
    test_x = digits.X_test.reshape(-1, 8, 8, 1) / 16.0
    accuracy = np.mean(model.predict(test_x, verbose=0).argmax(axis=1) == digits.y_test)
    assert accuracy > 0.8  # 0.86 here; chance is 0.1


def test_new_names_are_exported():
    for name in ["Conv2D", "MaxPooling2D", "BatchNormalization", "Embedding", "regularizers"]:
        assert name in nn.__all__ and hasattr(nn, name)


@pytest.mark.parametrize("first", ["dense", "conv", "embedding", "single"])
def test_first_layer_backward_params_gives_the_same_gradients(first):
    """fit skips the first layer's input gradient (backward_params): the weights' gradients
    must be those of the full backward, checked against finite differences."""
    course_lib.set_seed(0)
    rng = np.random.default_rng(0)
    if first == "embedding":
        layers, x = [Input(shape=(3,)), Embedding(6, 2), Flatten()], rng.integers(0, 6, (5, 3))
    elif first == "conv":
        layers, x = [Input(shape=(4, 4, 1)), Conv2D(2, 3), Flatten()], rng.normal(size=(5, 4, 4, 1))
    else:
        layers, x = [Input(shape=(3,))], rng.normal(size=(5, 3))
    if first != "single":
        layers.append(Dense(4, activation="tanh"))
    model = Sequential([*layers, Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    gradcheck(model, x, rng.integers(0, 2, 5))
    layer = model.layers[0]
    layer.forward(np.asarray(x, dtype=layer.input_dtype or np.float32), training=True)
    upstream = rng.normal(size=(5, *layer.output_shape)).astype(np.float32)
    layer.backward(upstream)
    full = [g.copy() for g in layer.grads]
    layer.backward_params(upstream)
    for mine, theirs in zip(layer.grads, full, strict=True):
        np.testing.assert_array_equal(mine, theirs)
