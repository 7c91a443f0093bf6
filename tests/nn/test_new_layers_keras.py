"""Parity with Keras 3 for Conv2D, MaxPooling2D, BatchNormalization, Embedding and kernel
regularizers: the same weights give the same predictions (within 1e-5), and the same training
run (shuffle=False) gives the same weights and History (within 2e-4)."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import nn

PREDICT_TOL = 1e-5
TRAIN_TOL = 2e-4


def _layers(lib, spec):
    """The same stack in Keras (lib = keras.layers) or the engine (lib = course_lib.nn)."""
    return [getattr(lib, name)(*args, **kwargs) for name, args, kwargs in spec]


def _twins(keras, input_shape, spec):
    keras_model = keras.Sequential([keras.Input(shape=input_shape), *_layers(keras.layers, spec)])
    model = nn.Sequential([nn.Input(shape=input_shape), *_layers(nn, spec)])
    model.set_weights(keras_model.get_weights())
    return keras_model, model


def _keras_regularizers(keras, spec):
    """Replace course_lib regularizers in a spec by Keras's own."""
    out = []
    for name, args, kwargs in spec:
        kwargs = dict(kwargs)
        reg = kwargs.get("kernel_regularizer")
        if isinstance(reg, nn.regularizers.Regularizer):
            kwargs["kernel_regularizer"] = getattr(keras.regularizers, type(reg).__name__)(
                **reg.get_config()
            )
        out.append((name, args, kwargs))
    return out


def _compare_training(
    keras, input_shape, spec, x, y, loss, optimizer, weight_scale=1.0, **fit_args
):
    keras_model = keras.Sequential(
        [keras.Input(shape=input_shape), *_layers(keras.layers, _keras_regularizers(keras, spec))]
    )
    keras_model.set_weights([w * weight_scale for w in keras_model.get_weights()])
    model = nn.Sequential([nn.Input(shape=input_shape), *_layers(nn, spec)])
    model.set_weights(keras_model.get_weights())
    diff = np.max(np.abs(model.predict(x, verbose=0) - keras_model.predict(x, verbose=0)))
    assert diff < PREDICT_TOL, f"predictions differ by {diff:.2e}"
    name, config = optimizer
    keras_model.compile(
        optimizer=getattr(keras.optimizers, name)(**config), loss=loss, metrics=["accuracy"]
    )
    model.compile(optimizer=getattr(nn.optimizers, name)(**config), loss=loss, metrics=["accuracy"])
    args = {"epochs": 3, "batch_size": 8, "shuffle": False, "verbose": 0, **fit_args}
    keras_history = keras_model.fit(x, y, **args).history
    history = model.fit(x, y, **args).history
    assert list(history) == list(keras_history)
    for key, theirs in keras_history.items():
        gap = np.max(np.abs(np.array(history[key]) - np.array(theirs)))
        assert gap < TRAIN_TOL, f"History[{key!r}]: mine {history[key]} vs Keras {theirs}"
    for i, (mine, theirs) in enumerate(
        zip(model.get_weights(), keras_model.get_weights(), strict=True)
    ):
        gap = np.max(np.abs(mine - theirs))
        assert gap < TRAIN_TOL, f"weights[{i}] differ from Keras's by {gap:.2e}"
    return keras_model, model


CONV_CASES = [
    ((6, 5, 2), 3, 1, "valid"),
    ((6, 5, 2), 3, 1, "same"),
    ((7, 6, 1), 3, 2, "same"),
    ((7, 6, 3), (2, 3), (2, 1), "valid"),
    ((8, 8, 1), 3, 2, "valid"),
    ((5, 5, 2), 2, 2, "same"),
]


@pytest.mark.parametrize(("shape", "kernel_size", "strides", "padding"), CONV_CASES)
def test_conv2d_matches_keras(keras, shape, kernel_size, strides, padding):
    rng = np.random.default_rng(sum(shape))
    x = rng.normal(size=(24, *shape)).astype(np.float32)
    y = rng.integers(0, 3, 24)
    spec = [
        (
            "Conv2D",
            (4, kernel_size),
            {"strides": strides, "padding": padding, "activation": "relu"},
        ),
        ("Flatten", (), {}),
        ("Dense", (3,), {"activation": "softmax"}),
    ]
    _compare_training(
        keras,
        shape,
        spec,
        x,
        y,
        "sparse_categorical_crossentropy",
        ("Adam", {"learning_rate": 0.01}),
    )


@pytest.mark.parametrize(
    ("shape", "pool", "strides", "padding"),
    [
        ((4, 6, 2), 2, None, "valid"),
        ((5, 5, 2), 3, 2, "same"),
        ((5, 4, 1), 2, 1, "valid"),
        ((5, 7, 3), (2, 3), None, "same"),
        ((7, 7, 1), 3, None, "valid"),
    ],
)
def test_max_pooling_matches_keras(keras, shape, pool, strides, padding):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(24, *shape)).astype(np.float32)
    y = rng.integers(0, 2, 24).astype(np.float32)
    spec = [
        ("Conv2D", (3, 2), {"padding": "same", "activation": "tanh"}),
        ("MaxPooling2D", (pool,), {"strides": strides, "padding": padding}),
        ("Flatten", (), {}),
        ("Dense", (1,), {"activation": "sigmoid"}),
    ]
    _compare_training(
        keras, shape, spec, x, y, "binary_crossentropy", ("SGD", {"learning_rate": 0.1})
    )


@pytest.mark.parametrize(
    "optimizer", [("SGD", {"learning_rate": 0.1}), ("Adam", {"learning_rate": 0.01})]
)
def test_batch_normalization_dense_matches_keras(keras, optimizer):
    rng = np.random.default_rng(8)
    x = rng.normal(2.0, 3.0, size=(40, 5)).astype(np.float32)
    y = (x[:, 0] - x[:, 1] > 0).astype(np.float32)
    # No bias before a BatchNormalization: its true gradient is zero (the batch mean cancels
    # it), and Adam turns the float32 rounding noise of that zero into steps of full size,
    # differently in each engine. Keras's own advice is use_bias=False there.
    spec = [
        ("Dense", (6,), {"use_bias": False}),
        ("BatchNormalization", (), {}),
        ("Activation", ("relu",), {}),
        ("Dense", (1,), {"activation": "sigmoid"}),
    ]
    # validation_split: val_loss is computed with the moving statistics (inference mode)
    keras_model, model = _compare_training(
        keras, (5,), spec, x, y, "binary_crossentropy", optimizer, validation_split=0.25
    )
    diff = np.max(np.abs(model.predict(x, verbose=0) - keras_model.predict(x, verbose=0)))
    assert diff < PREDICT_TOL


def test_batch_normalization_after_conv_matches_keras(keras):
    rng = np.random.default_rng(9)
    x = rng.normal(size=(24, 6, 6, 2)).astype(np.float32)
    y = rng.integers(0, 3, 24)
    spec = [
        ("Conv2D", (4, 3), {"padding": "same", "use_bias": False}),
        ("BatchNormalization", (), {"momentum": 0.9, "epsilon": 1e-2}),
        ("Activation", ("relu",), {}),
        ("MaxPooling2D", (), {}),
        ("Flatten", (), {}),
        ("Dense", (3,), {"activation": "softmax"}),
    ]
    _compare_training(
        keras,
        (6, 6, 2),
        spec,
        x,
        y,
        "sparse_categorical_crossentropy",
        ("Adam", {"learning_rate": 0.01}),
    )


@pytest.mark.parametrize(
    "optimizer",
    [
        ("SGD", {"learning_rate": 0.5}),
        ("SGD", {"learning_rate": 0.2, "momentum": 0.9, "nesterov": True}),
    ],
)
def test_embedding_matches_keras(keras, optimizer):
    # SGD only: for an Embedding, TensorFlow hands Keras's optimizer the gradient as
    # IndexedSlices, one row per look-up, and Adam/RMSprop square those rows *before* summing
    # the duplicates (sum of g_i^2, not (sum of g_i)^2). The engine uses the embedding's true
    # gradient (as Keras's JAX and PyTorch backends do); with Adam the two part at the first
    # step where an index occurs twice in a batch (test_embedding_adam_differs_only_by_...).
    rng = np.random.default_rng(10)
    x = rng.integers(0, 12, size=(40, 5))
    y = (x[:, 0] + x[:, 1]) % 3
    spec = [
        ("Embedding", (12, 4), {}),
        ("Flatten", (), {}),
        ("Dense", (3,), {"activation": "softmax"}),
    ]
    # Weights scaled up: with Keras's small initial embeddings all three class probabilities
    # start within float32 rounding of each other, and the accuracy's argmax is a coin toss.
    _compare_training(
        keras, (5,), spec, x, y, "sparse_categorical_crossentropy", optimizer, weight_scale=10.0
    )


def test_embedding_adam_differs_only_by_tensorflows_sparse_squares(keras):
    """Keras's first Adam step on an Embedding is Adam with v = (1 - beta_2) sum_i g_i^2 over the
    look-ups i of each row; the engine's is Adam on the summed gradient. Same in every other way."""
    rng = np.random.default_rng(10)
    x = rng.integers(0, 12, size=(8, 5))
    spec = [("Embedding", (12, 4), {}), ("Flatten", (), {}), ("Dense", (3,), {})]
    keras_model, model = _twins(keras, (5,), spec)
    for m, opt in ((keras_model, keras.optimizers.Adam(0.02)), (model, nn.optimizers.Adam(0.02))):
        m.compile(optimizer=opt, loss="mse")
    target = rng.normal(size=(8, 3)).astype(np.float32)
    table = model.get_weights()[0].astype(np.float64)
    # per-look-up gradients of the table, from the engine's own backward pass
    out = model.forward(x, training=True)
    grad_out = 2 * (out - target) / out.size
    rows = model.layers[1].backward(model.layers[2].backward(grad_out)).reshape(-1, 4)
    summed, squares = np.zeros_like(table), np.zeros_like(table)
    np.add.at(summed, x.ravel(), rows)
    np.add.at(squares, x.ravel(), rows**2)
    alpha = 0.02 * np.sqrt(1 - 0.999) / (1 - 0.9)

    def adam_step(v):
        return table - alpha * 0.1 * summed / (np.sqrt(0.001 * v) + 1e-7)

    keras_model.train_on_batch(x, target)
    model.train_on_batch(x, target)
    np.testing.assert_allclose(keras_model.get_weights()[0], adam_step(squares), atol=1e-5)
    np.testing.assert_allclose(model.get_weights()[0], adam_step(summed**2), atol=1e-5)
    for mine, theirs in zip(model.get_weights()[1:], keras_model.get_weights()[1:], strict=True):
        np.testing.assert_allclose(mine, theirs, atol=1e-6)  # the Dense layer: identical


@pytest.mark.parametrize(
    "regularizer",
    [nn.regularizers.L2(0.05), nn.regularizers.L1(0.02), nn.regularizers.L1L2(0.01, 0.03)],
    ids=["L2", "L1", "L1L2"],
)
def test_kernel_regularizers_match_keras(keras, regularizer):
    rng = np.random.default_rng(11)
    x = rng.normal(size=(40, 6, 6, 1)).astype(np.float32)
    y = (x[:, :3].mean(axis=(1, 2, 3)) > 0).astype(np.float32)
    spec = [
        ("Conv2D", (3, 3), {"activation": "relu", "kernel_regularizer": regularizer}),
        ("Flatten", (), {}),
        ("Dense", (4,), {"activation": "tanh", "kernel_regularizer": regularizer}),
        ("Dense", (1,), {"activation": "sigmoid"}),
    ]
    _compare_training(
        keras, (6, 6, 1), spec, x, y, "binary_crossentropy", ("Adam", {"learning_rate": 0.01}),
        validation_split=0.25,
    )  # fmt: skip


def test_string_regularizers_are_keras_defaults(keras):
    for name in ("l1", "l2"):
        mine, theirs = nn.regularizers.get(name), keras.regularizers.get(name)
        w = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
        assert mine(w) == pytest.approx(float(theirs(w)), rel=1e-6)


def test_new_layers_default_configuration_matches_keras(keras):
    bn, kbn = nn.BatchNormalization(), keras.layers.BatchNormalization()
    assert (bn.momentum, bn.epsilon) == (kbn.momentum, kbn.epsilon)
    pool, kpool = nn.MaxPooling2D(), keras.layers.MaxPooling2D()
    assert pool.pool_size == tuple(kpool.pool_size) and pool.strides == tuple(kpool.strides)
    conv, kconv = nn.Conv2D(2, 3), keras.layers.Conv2D(2, 3)
    assert conv.strides == tuple(kconv.strides) and conv.padding == kconv.padding
    assert [
        w.shape for w in _twins(keras, (5, 5, 3), [("Conv2D", (2, 3), {})])[1].get_weights()
    ] == [
        (3, 3, 3, 2),
        (2,),
    ]
