"""Parity with Keras 3: same weights give the same predictions, and the same training run
(shuffle=False) gives the same weights and the same History, for random architectures that
cover every activation, loss and optimizer."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import nn

ACTIVATIONS = nn.activations.ALL_ACTIVATIONS
LOSSES = [
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "mse",
    "mae",
]
OPTIMIZERS = [
    ("SGD", {"learning_rate": 0.1}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5}),
    ("Adam", {"learning_rate": 0.01}),
]
PREDICT_TOL = 1e-5
TRAIN_TOL = 2e-4
N_CASES = 20  # seed s uses LOSSES[s % 5] and OPTIMIZERS[s % 4]: all 20 pairs are covered


def _data(loss: str, n: int, n_features: int, rng):
    x = rng.normal(size=(n, n_features)).astype(np.float32)
    if loss == "binary_crossentropy":
        return x, (x[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(np.float32), 1, ["accuracy"]
    if loss == "categorical_crossentropy":
        return x, np.eye(3, dtype=np.float32)[rng.integers(0, 3, n)], 3, ["accuracy"]
    if loss == "sparse_categorical_crossentropy":
        return x, rng.integers(0, 3, n), 3, ["accuracy"]
    return x, rng.normal(size=(n, 2)).astype(np.float32), 2, ["mae", "mse"]


def _architecture(seed: int, loss: str, rng):
    """[(units, activation)], the last being the output; plus whether it ends in Activation."""
    hidden = [
        (int(rng.integers(2, 7)), ACTIVATIONS[(seed + i) % len(ACTIVATIONS)])
        for i in range(1 + seed % 3)
    ]
    if loss == "binary_crossentropy":
        out = "sigmoid"
    elif loss in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
        out = "softmax"
    else:
        out = ACTIVATIONS[(seed + 3) % len(ACTIVATIONS)]
    return hidden, out, seed % 3 == 0


def _twins(keras, n_features, hidden, out_units, out_activation, separate_activation):
    k_layers, n_layers = [keras.Input(shape=(n_features,))], [nn.Input(shape=(n_features,))]
    for units, activation in hidden:
        k_layers.append(keras.layers.Dense(units, activation=activation))
        n_layers.append(nn.Dense(units, activation=activation))
    if separate_activation:
        k_layers += [keras.layers.Dense(out_units), keras.layers.Activation(out_activation)]
        n_layers += [nn.Dense(out_units), nn.Activation(out_activation)]
    else:
        k_layers.append(keras.layers.Dense(out_units, activation=out_activation))
        n_layers.append(nn.Dense(out_units, activation=out_activation))
    return keras.Sequential(k_layers), nn.Sequential(n_layers)


def _assert_same_history(keras_history: dict, history: dict, tol: float = TRAIN_TOL):
    assert list(history) == list(keras_history)  # same keys, in the same order
    for key, theirs in keras_history.items():
        mine = history[key]
        assert len(mine) == len(theirs), key
        diff = np.max(np.abs(np.array(mine) - np.array(theirs)))
        assert diff < tol, f"History[{key!r}]: mine {mine} vs Keras {theirs} (max diff {diff:.2e})"


def _assert_same_weights(keras_weights, weights, tol: float = TRAIN_TOL):
    assert [w.shape for w in weights] == [w.shape for w in keras_weights]
    for i, (mine, theirs) in enumerate(zip(weights, keras_weights, strict=True)):
        diff = np.max(np.abs(mine - theirs))
        assert diff < tol, f"weights[{i}] differ from Keras's by {diff:.2e}"


@pytest.mark.parametrize("seed", range(N_CASES))
def test_random_architecture_fit_matches_keras(keras, seed):
    loss = LOSSES[seed % len(LOSSES)]
    opt_name, opt_config = OPTIMIZERS[seed % len(OPTIMIZERS)]
    rng = np.random.default_rng(seed)
    n_features = int(rng.integers(2, 6))
    x, y, out_units, metrics = _data(loss, 40, n_features, rng)
    hidden, out_activation, separate = _architecture(seed, loss, rng)
    keras_model, model = _twins(keras, n_features, hidden, out_units, out_activation, separate)
    keras_model.compile(
        optimizer=getattr(keras.optimizers, opt_name)(**opt_config), loss=loss, metrics=metrics
    )
    model.compile(
        optimizer=getattr(nn.optimizers, opt_name)(**opt_config), loss=loss, metrics=metrics
    )
    model.set_weights(keras_model.get_weights())

    diff = np.max(np.abs(model.predict(x, verbose=0) - np.asarray(keras_model(x))))
    assert diff < PREDICT_TOL, f"predictions differ by {diff:.2e}"

    fit_args = {"batch_size": 8, "epochs": 3, "shuffle": False, "verbose": 0}
    if seed % 4 == 1:
        fit_args["validation_data"] = (x[30:], y[30:])
        x, y = x[:30], y[:30]
    else:
        fit_args["validation_split"] = 0.25  # 30 training samples: the last batch has 6
    keras_history = keras_model.fit(x, y, **fit_args).history
    history = model.fit(x, y, **fit_args).history
    _assert_same_history(keras_history, history)
    _assert_same_weights(keras_model.get_weights(), model.get_weights())
    keras_eval = keras_model.evaluate(x, y, batch_size=16, verbose=0)
    np.testing.assert_allclose(
        model.evaluate(x, y, batch_size=16, verbose=0), keras_eval, atol=TRAIN_TOL
    )


@pytest.mark.parametrize(
    ("loss", "units", "activation"),
    [
        ("binary_crossentropy", 1, "sigmoid"),
        ("categorical_crossentropy", 3, "softmax"),
    ],
)
def test_saturated_outputs_use_the_logits_as_keras(keras, loss, units, activation):
    """Huge logits: probabilities clip to 0/1, yet Keras's loss is computed from the logits."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype(np.float32)
    y = (
        np.eye(3, dtype=np.float32)[rng.integers(0, 3, 32)]
        if units == 3
        else (rng.random(32) > 0.5).astype(np.float32)
    )
    keras_model, model = _twins(keras, 4, [(8, "relu")], units, activation, False)
    weights = [w * 40 for w in keras_model.get_weights()]
    keras_model.set_weights(weights)
    model.set_weights(weights)
    for m, opt in ((keras_model, keras.optimizers.SGD(0.01)), (model, nn.optimizers.SGD(0.01))):
        m.compile(optimizer=opt, loss=loss)
    keras_history = keras_model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    assert history.history["loss"][0] > 20  # far beyond the clipped -log(1e-7) = 16.1
    _assert_same_history(keras_history.history, history.history, tol=2e-4 * 50)
    _assert_same_weights(keras_model.get_weights(), model.get_weights())


def _engine_copy_of_seed_model(keras_model) -> nn.Sequential:
    """The seed's relu/sigmoid network of ``keras_model``'s widths in the engine, compiled as in
    the seed, holding the Keras model's weights."""
    units = [layer.units for layer in keras_model.layers]
    model = nn.Sequential(
        [nn.Input(shape=(keras_model.input_shape[-1],))]
        + [nn.Dense(u, activation="relu") for u in units[:-1]]
        + [nn.Dense(units[-1], activation="sigmoid")]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.set_weights(keras_model.get_weights())
    return model


@pytest.mark.parametrize("builder", ["build_seed_model", "build_deep_model"])
def test_seed_models_match_keras(keras, builder):
    from course_lib import keras_models

    keras.utils.set_random_seed(1)
    keras_model = getattr(keras_models, builder)(20)
    model = _engine_copy_of_seed_model(keras_model)
    assert model.count_params() == keras_model.count_params()
    rng = np.random.default_rng(1)
    x = rng.normal(size=(320, 20)).astype(np.float32)
    y = (x[:, :3].sum(axis=1) > 0).astype(np.float32)
    diff = np.max(np.abs(model.predict(x, verbose=0) - keras_model.predict(x, verbose=0)))
    assert diff < PREDICT_TOL
    args = {"epochs": 2, "batch_size": 32, "validation_split": 0.2, "shuffle": False, "verbose": 0}
    _assert_same_history(keras_model.fit(x, y, **args).history, model.fit(x, y, **args).history)
    _assert_same_weights(keras_model.get_weights(), model.get_weights())


def test_deep_model_tracks_keras_over_a_long_run(keras):
    # Training amplifies any last-bit difference step after step (chaos): after 5 epochs of
    # 63 steps the two engines must still hold the same weights to float32 precision.
    from course_lib import keras_models

    keras.utils.set_random_seed(3)
    keras_model = keras_models.build_deep_model(20)
    model = _engine_copy_of_seed_model(keras_model)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2000, 20)).astype(np.float32)
    y = (x[:, 0] * x[:, 1] + np.sin(2 * x[:, 2]) > 0).astype(np.float32)
    args = {"epochs": 5, "batch_size": 32, "shuffle": False, "verbose": 0}
    keras_history = keras_model.fit(x, y, **args).history
    history = model.fit(x, y, **args).history
    _assert_same_history(keras_history, history, tol=1e-5)
    _assert_same_weights(keras_model.get_weights(), model.get_weights(), tol=1e-5)


def test_early_stopping_matches_keras(keras):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(60, 3)).astype(np.float32)
    y = rng.normal(size=(60, 1)).astype(np.float32)  # noise: validation loss soon stops improving
    keras_model, model = _twins(keras, 3, [(16, "tanh")], 1, "linear", False)
    model.set_weights(keras_model.get_weights())
    keras_model.compile(optimizer=keras.optimizers.SGD(0.2), loss="mse")
    model.compile(optimizer=nn.optimizers.SGD(0.2), loss="mse")
    args = {"epochs": 30, "batch_size": 10, "validation_split": 0.3, "shuffle": False, "verbose": 0}
    keras_history = keras_model.fit(
        x,
        y,
        callbacks=[keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)],
        **args,
    )
    history = model.fit(
        x, y, callbacks=[nn.callbacks.EarlyStopping(patience=2, restore_best_weights=True)], **args
    )
    assert len(keras_history.epoch) < 30
    assert history.epoch == keras_history.epoch
    _assert_same_history(keras_history.history, history.history)
    _assert_same_weights(keras_model.get_weights(), model.get_weights())


def test_flatten_model_matches_keras(keras):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(24, 3, 2)).astype(np.float32)
    y = rng.integers(0, 4, 24)
    keras_model = keras.Sequential(
        [
            keras.Input(shape=(3, 2)),
            keras.layers.Flatten(),
            keras.layers.Dense(5, activation="elu"),
            keras.layers.Dense(4, activation="softmax"),
        ]
    )
    model = nn.Sequential(
        [
            nn.Input(shape=(3, 2)),
            nn.Flatten(),
            nn.Dense(5, activation="elu"),
            nn.Dense(4, activation="softmax"),
        ]
    )
    model.set_weights(keras_model.get_weights())
    keras_model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    args = {"epochs": 3, "batch_size": 5, "shuffle": False, "verbose": 0}
    _assert_same_history(keras_model.fit(x, y, **args).history, model.fit(x, y, **args).history)
    _assert_same_weights(keras_model.get_weights(), model.get_weights())
