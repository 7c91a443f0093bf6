"""Sequential: a hand-worked network, Keras's fit semantics, reproducibility, output, errors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import course_lib
from course_lib.nn import (
    Activation,
    Dense,
    Dropout,
    Input,
    Sequential,
    callbacks,
    clear_session,
    gradcheck,
    optimizers,
)


def _seed_model(n_features: int = 20) -> Sequential:
    return Sequential(
        [
            Input(shape=(n_features,)),
            Dense(32, activation="relu"),
            Dense(16, activation="relu"),
            Dense(1, activation="sigmoid"),
        ]
    )


def _binary_data(n: int = 100, n_features: int = 20, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, n_features)).astype(np.float32)
    return x, (x[:, 0] - x[:, 1] > 0).astype(np.float32)


# --------------------------------------------------------------------- hand-worked ------------
def test_hand_worked_tiny_network_one_sgd_step():
    """2 inputs -> Dense(2, relu) -> Dense(1, sigmoid), binary crossentropy, SGD(0.5)."""
    model = Sequential(
        [Input(shape=(2,)), Dense(2, activation="relu"), Dense(1, activation="sigmoid")]
    )
    W1, b1 = np.array([[0.5, -0.3], [0.2, 0.8]]), np.array([0.1, -0.1])
    W2, b2 = np.array([[1.0], [-1.0]]), np.array([0.2])
    model.set_weights([W1, b1, W2, b2])
    model.compile(optimizer=optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy")
    x = np.array([[1.0, 2.0], [0.5, -1.0]])
    y = np.array([1.0, 0.0])

    # forward, by hand
    z1 = x @ W1 + b1  # [[1.0, 1.2], [0.15, -1.05]]
    h = np.maximum(z1, 0)  # [[1.0, 1.2], [0.15, 0.0]]
    z2 = h @ W2 + b2  # [[0.0], [0.35]]
    p = 1 / (1 + np.exp(-z2))  # [[0.5], [0.5866]]
    loss = -np.mean(y[:, None] * np.log(p) + (1 - y[:, None]) * np.log(1 - p))
    # backward, by hand: dL/dz2 = (p - y) / N
    dz2 = (p - y[:, None]) / 2
    dW2, db2 = h.T @ dz2, dz2.sum(0)
    dz1 = (dz2 @ W2.T) * (z1 > 0)
    dW1, db1 = x.T @ dz1, dz1.sum(0)

    np.testing.assert_allclose(model.predict(x, verbose=0), p, rtol=1e-6)
    returned = model.train_on_batch(x, y)
    assert returned == pytest.approx(loss, rel=1e-6)
    expected = [W1 - 0.5 * dW1, b1 - 0.5 * db1, W2 - 0.5 * dW2, b2 - 0.5 * db2]
    for mine, theirs in zip(model.get_weights(), expected, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-6, atol=1e-7)


def test_forward_backward_are_public_and_checked():
    course_lib.set_seed(0)
    model = Sequential(
        [
            Input(shape=(3,)),
            Dense(4, activation="tanh"),
            Dropout(0.3),
            Dense(2, activation="softmax"),
        ]
    )
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    x = np.random.default_rng(0).normal(size=(5, 3))
    y = np.eye(2)[[0, 1, 1, 0, 1]]
    result = gradcheck(model, x, y)  # float64 copy, dropout masks held fixed
    assert result.passed and len(result) == 4
    out = model.forward(x.astype(np.float32))
    assert out.shape == (5, 2) and out.dtype == np.float32
    dx = model.backward(np.ones_like(out))
    assert dx.shape == (5, 3)
    assert [g.shape for g in model.gradients] == [w.shape for w in model.weights]


def test_compute_gradients_matches_finite_differences_and_changes_nothing():
    course_lib.set_seed(4)
    model = Sequential(
        [Input(shape=(3,)), Dense(4, activation="sigmoid"), Dense(1, activation="sigmoid")]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x = np.random.default_rng(4).normal(size=(6, 3))
    y = np.array([0, 1, 1, 0, 0, 1])
    before = model.get_weights()
    grads = model.compute_gradients(x, y)
    assert [g.shape for g in grads] == [w.shape for w in before]
    for a, b in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)
    numeric = gradcheck(model, x, y).numerical
    for g, key in zip(grads, numeric, strict=True):
        np.testing.assert_allclose(g, numeric[key], rtol=1e-3, atol=1e-6)  # float32 vs float64


# --------------------------------------------------------------------- fit semantics ----------
def test_epoch_loss_is_the_sample_weighted_mean_of_the_batches_as_trained():
    course_lib.set_seed(1)
    x, y = _binary_data(10, 4)
    a = Sequential([Input(shape=(4,)), Dense(3, activation="relu"), Dense(1, activation="sigmoid")])
    b = Sequential([Input(shape=(4,)), Dense(3, activation="relu"), Dense(1, activation="sigmoid")])
    b.set_weights(a.get_weights())
    for m in (a, b):
        m.compile(optimizer=optimizers.SGD(0.5), loss="binary_crossentropy", metrics=["accuracy"])
    history = a.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0).history
    total_loss = total_acc = 0.0
    for lo in (0, 4, 8):  # batches of 4, 4 and 2
        xb, yb = x[lo : lo + 4], y[lo : lo + 4]
        loss, acc = b.evaluate(xb, yb, verbose=0)  # the weights this batch is trained with
        b.train_on_batch(xb, yb)
        total_loss += loss * len(xb)
        total_acc += acc * len(xb)
    assert history["loss"][0] == pytest.approx(total_loss / 10, rel=1e-5)
    assert history["accuracy"][0] == pytest.approx(total_acc / 10, rel=1e-6)
    np.testing.assert_allclose(a.get_weights()[0], b.get_weights()[0], rtol=1e-6)


def test_validation_split_takes_the_last_samples_before_shuffling():
    course_lib.set_seed(2)
    x, y = _binary_data(50, 20)
    model = _seed_model()
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=1, validation_split=0.2, shuffle=True, verbose=0).history
    loss, acc = model.evaluate(x[40:], y[40:], verbose=0)
    assert history["val_loss"][0] == pytest.approx(loss, rel=1e-6)
    assert history["val_accuracy"][0] == pytest.approx(acc)
    assert list(history) == ["accuracy", "loss", "val_accuracy", "val_loss"]  # as Keras 3


def test_seeded_runs_are_bit_identical():
    def run(seed):
        course_lib.set_seed(seed)
        x, y = _binary_data(64, 20)
        model = Sequential(
            [
                Input(shape=(20,)),
                Dense(8, activation="relu"),
                Dropout(0.5),
                Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, epochs=3, batch_size=16, shuffle=True, verbose=0)
        return model.get_weights(), history.history

    (w1, h1), (w2, h2), (w3, _) = run(42), run(42), run(7)
    for a, b in zip(w1, w2, strict=True):
        np.testing.assert_array_equal(a, b)
    assert h1 == h2
    assert not np.array_equal(w1[0], w3[0])


def test_float32_by_default():
    x, y = _binary_data(8)
    model = _seed_model()
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x.astype(np.float64), y, verbose=0)
    assert model.predict(x, verbose=0).dtype == np.float32
    assert all(w.dtype == np.float32 for w in model.get_weights())


def test_evaluate_returns_scalar_list_or_dict():
    x, y = _binary_data(20)
    model = _seed_model()
    model.compile(optimizer="adam", loss="binary_crossentropy")
    assert isinstance(model.evaluate(x, y, verbose=0), float)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy", "mse"])
    result = model.evaluate(x, y, verbose=0)
    assert isinstance(result, list) and len(result) == 3
    assert list(model.evaluate(x, y, verbose=0, return_dict=True)) == ["accuracy", "loss", "mse"]
    assert model.metrics_names == ["loss", "accuracy", "mse"]


def test_train_on_batch_keeps_running_means_until_reset():
    x, y = _binary_data(20)
    model = _seed_model()
    model.compile(
        optimizer=optimizers.SGD(0.0 + 1e-12), loss="binary_crossentropy", metrics=["accuracy"]
    )
    first = model.train_on_batch(x[:10], y[:10], return_dict=True)
    both = model.train_on_batch(x[10:], y[10:], return_dict=True)
    whole = model.evaluate(x, y, verbose=0, return_dict=True)
    assert both["loss"] == pytest.approx(whole["loss"], rel=1e-5)
    model.reset_metrics()
    again = model.train_on_batch(x[:10], y[:10], return_dict=True)
    assert again["loss"] == pytest.approx(first["loss"], rel=1e-5)


def test_sparse_and_categorical_accuracy_resolution_in_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 4)).astype(np.float32)
    labels = rng.integers(0, 3, 30)
    for loss, y in (
        ("sparse_categorical_crossentropy", labels),
        ("categorical_crossentropy", np.eye(3)[labels]),
    ):
        model = Sequential([Input(shape=(4,)), Dense(3, activation="softmax")])
        model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
        acc = model.fit(x, y, epochs=1, verbose=0, shuffle=False).history["accuracy"][0]
        expected = np.mean(model.predict(x, verbose=0).argmax(1) == labels)
        assert abs(acc - expected) < 0.2  # same order of magnitude; exact values in parity


def test_early_stopping_restores_best_weights():
    course_lib.set_seed(3)
    x, _ = _binary_data(60, 5)
    y = (np.random.default_rng(3).random(60) > 0.5).astype(np.float32)  # noise: overfits fast
    model = Sequential([Input(shape=(5,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.SGD(5.0), loss="binary_crossentropy")
    stop = callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    history = model.fit(x, y, epochs=50, validation_split=0.5, callbacks=[stop], verbose=0)
    assert len(history.epoch) < 50
    assert stop.best == pytest.approx(min(history.history["val_loss"]))
    assert model.evaluate(x[30:], y[30:], verbose=0) == pytest.approx(stop.best, rel=1e-5)


def test_early_stopping_warns_on_a_missing_metric():
    x, y = _binary_data(20)
    model = _seed_model()
    model.compile(optimizer="adam", loss="binary_crossentropy")
    with pytest.warns(
        UserWarning,
        match="Early stopping conditioned on metric `val_loss` which "
        "is not available. Available metrics are: loss",
    ):
        model.fit(x, y, epochs=1, callbacks=[callbacks.EarlyStopping()], verbose=0)


def test_lambda_callback_sees_each_epoch():
    seen = []
    x, y = _binary_data(20)
    model = _seed_model()
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(
        x,
        y,
        epochs=3,
        verbose=0,
        callbacks=[callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(e))],
    )
    assert seen == [0, 1, 2]


# --------------------------------------------------------------------- output -----------------
def test_verbose_2_prints_one_stable_line_per_epoch(capsys):
    course_lib.set_seed(0)
    x, y = _binary_data(40)
    model = _seed_model()
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, validation_split=0.25, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    h = history.history
    assert lines == [
        f"Epoch {e + 1}/2 - accuracy: {h['accuracy'][e]:.4f} - loss: {h['loss'][e]:.4f} - "
        f"val_accuracy: {h['val_accuracy'][e]:.4f} - val_loss: {h['val_loss'][e]:.4f}"
        for e in range(2)
    ]


def test_verbose_0_is_silent_and_1_shows_a_progress_bar(capsys):
    x, y = _binary_data(40)
    model = _seed_model()
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    model.predict(x)
    assert capsys.readouterr().out == ""
    model.fit(x, y, epochs=1)
    out = capsys.readouterr().out
    assert out.startswith("Epoch 1/1\n") and "2/2 ━" in out and "loss: " in out


def test_summary_matches_keras_totals(capsys):
    clear_session()
    model = _seed_model()
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "sequential"' in out
    assert "│ dense (Dense)                   │ (None, 32)             │           672 │" in out
    assert " Total params: 1,217 (4.75 KB)" in out
    assert model.count_params() == 1217
    assert [layer.name for layer in model.layers] == ["dense", "dense_1", "dense_2"]


def test_model_built_from_input_shape_or_data():
    model = Sequential([Dense(4, input_shape=(3,)), Activation("relu")])
    assert model.built and model.count_params() == 16
    lazy = Sequential()
    lazy.add(Dense(2))
    assert not lazy.built
    lazy.compile(optimizer="sgd", loss="mse")
    lazy.fit(np.zeros((4, 5)), np.zeros((4, 2)), verbose=0)
    assert lazy.input_shape == (None, 5) and lazy.count_params() == 12


def test_importing_the_engine_does_not_import_tensorflow():
    code = "import course_lib, course_lib.nn, sys; print('tensorflow' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


# --------------------------------------------------------------------- errors -----------------
@pytest.fixture
def compiled():
    model = _seed_model()
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("method", ["fit", "evaluate", "train_on_batch"])
def test_use_before_compile(method):
    x, y = _binary_data(8)
    with pytest.raises(
        ValueError,
        match=rf"You must call `compile\(optimizer, loss, metrics\)` "
        rf"before `{method}\(\)`. Received: model `.*`, which was never compiled",
    ):
        getattr(_seed_model(), method)(x, y)


def test_feature_count_mismatch(compiled):
    x, y = _binary_data(8, 19)
    with pytest.raises(
        ValueError,
        match=r"Received an invalid value for `x`, expected an array of "
        r"shape \(None, 20\): the model's first layer `.*` takes 20 features. "
        r"Received: x.shape=\(8, 19\)",
    ):
        compiled.fit(x, y, verbose=0)
    with pytest.raises(ValueError, match=r"x.shape=\(8, 19\)"):
        compiled.predict(x)


def test_one_dimensional_inputs_get_a_reshape_hint(compiled):
    with pytest.raises(
        ValueError,
        match=r"Received: x.shape=\(8,\). Hint: a single feature needs "
        r"x.reshape\(-1, 1\)",
    ):
        compiled.fit(np.zeros(8), np.zeros(8), verbose=0)


def test_label_count_mismatch(compiled):
    x, y = _binary_data(8)
    with pytest.raises(
        ValueError,
        match=r"`y`, expected one label per sample \(8 samples in the "
        r"inputs\). Received: y.shape=\(7,\)",
    ):
        compiled.fit(x, y[:7], verbose=0)


def test_integer_labels_with_categorical_crossentropy_suggest_sparse():
    model = Sequential([Input(shape=(4,)), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    with pytest.raises(
        ValueError,
        match=r"expected one-hot labels of shape \(None, 3\).*"
        r"Hint: these look like integer class labels; use "
        r"sparse_categorical_crossentropy",
    ):
        model.fit(np.zeros((6, 4)), np.array([0, 1, 2, 0, 1, 2]), verbose=0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"optimizer": "adamw", "loss": "mse"},
            ValueError,
            r"Unknown optimizer 'adamw'.*'adam', "
            r"'rmsprop', 'sgd'",
        ),
        (
            {"optimizer": "adam", "loss": "hinge"},
            ValueError,
            r"Unknown loss 'hinge'.*"
            r"'binary_crossentropy'",
        ),
        (
            {"optimizer": "adam", "loss": "mse", "metrics": ["f1"]},
            ValueError,
            r"Unknown metric 'f1'.*'accuracy'",
        ),
        ({"optimizer": "adam"}, ValueError, r"`loss`, expected a loss name.*Received: loss=None"),
        (
            {"optimizer": "adam", "loss": "mse", "metrics": 3},
            TypeError,
            r"`metrics`, expected a list.*Received: metrics=3",
        ),
    ],
)
def test_compile_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        _seed_model().compile(**kwargs)


@pytest.mark.parametrize(
    ("where", "value", "count"),
    [
        ("x", np.nan, "1 NaN and 0 inf"),
        ("x", np.inf, "0 NaN and 1 inf"),
        ("y", np.nan, "1 NaN and 0 inf"),
    ],
)
def test_nan_or_inf_in_the_data(compiled, where, value, count):
    x, y = _binary_data(8)
    if where == "x":
        x[3, 5] = value
    else:
        y[3] = value
    with pytest.raises(
        ValueError,
        match=rf"Received an invalid value for `{where}`, expected "
        rf"finite numbers \(no NaN or inf\). Received: {where} with {count}",
    ):
        compiled.fit(x, y, verbose=0)


@pytest.mark.parametrize("split", [1.0, -0.1, 1.5])
def test_validation_split_outside_range(compiled, split):
    x, y = _binary_data(8)
    with pytest.raises(
        ValueError,
        match=rf"`validation_split`, expected a float in \[0, 1\). "
        rf"Received: validation_split={split}",
    ):
        compiled.fit(x, y, validation_split=split, verbose=0)


def test_validation_split_leaving_nothing(compiled):
    x, y = _binary_data(1)
    with pytest.raises(ValueError, match=r"leaves samples on both sides.*validation_split=0.5"):
        compiled.fit(x, y, validation_split=0.5, verbose=0)


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("batch_size", 0, ValueError),
        ("batch_size", -4, ValueError),
        ("batch_size", 2.5, TypeError),
        ("epochs", 0, ValueError),
        ("epochs", -1, ValueError),
        ("epochs", "3", TypeError),
    ],
)
def test_non_positive_batch_size_or_epochs(compiled, name, value, error):
    x, y = _binary_data(8)
    with pytest.raises(
        error,
        match=rf"Received an invalid value for `{name}`, expected a "
        rf"positive integer. Received: {name}={value!r}",
    ):
        compiled.fit(x, y, verbose=0, **{name: value})


def test_bad_verbose_and_callbacks(compiled):
    x, y = _binary_data(8)
    with pytest.raises(
        ValueError,
        match=r"`verbose`, expected one of 0, 1, 2 or 'auto'. "
        r"Received: verbose=3",
    ):
        compiled.fit(x, y, verbose=3)
    with pytest.raises(TypeError, match=r"`callbacks`, expected a list of callbacks"):
        compiled.fit(x, y, verbose=0, callbacks=["stop"])


def test_nan_loss_stops_training_naming_epoch_and_batch():
    x = np.full((32, 2), 100.0, dtype=np.float32)
    y = np.full((32, 1), 1e3, dtype=np.float32)
    model = Sequential([Input(shape=(2,)), Dense(1)])
    model.set_weights([np.ones((2, 1)), np.zeros(1)])
    model.compile(optimizer=optimizers.SGD(1e12), loss="mse")
    with pytest.warns(
        RuntimeWarning,
        match=r"The loss became (nan|inf) at epoch 1, batch 2 "
        r"\(of 4\): training stopped",
    ):
        history = model.fit(x, y, batch_size=8, epochs=5, shuffle=False, verbose=0)
    assert len(history.epoch) == 1


def test_set_weights_errors(compiled):
    with pytest.raises(
        ValueError,
        match=r"expected a list of 6 arrays with shapes "
        r"\[\(20, 32\), \(32,\), .*\]. Received: 2 arrays",
    ):
        compiled.set_weights([np.zeros((20, 32)), np.zeros(32)])
    weights = compiled.get_weights()
    weights[2] = weights[2].T
    with pytest.raises(
        ValueError,
        match=r"expected weights\[2\] of shape \(32, 16\). "
        r"Received: weights\[2\].shape=\(16, 32\)",
    ):
        compiled.set_weights(weights)


def test_unbuilt_model_errors():
    with pytest.raises(
        ValueError,
        match=r"This model has not yet been built, so `summary` "
        r"cannot run",
    ):
        Sequential([Dense(3)]).summary()


def test_input_only_first_and_layers_only():
    model = Sequential([Dense(3)])
    with pytest.raises(ValueError, match=r"expected `Input\(...\)` only as the first layer"):
        model.add(Input(shape=(2,)))
    with pytest.raises(
        TypeError,
        match=r"`layer`, expected a course_lib.nn layer.*"
        r"Received: layer='dense'",
    ):
        model.add("dense")
