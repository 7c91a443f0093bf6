"""Optimizers: steps replayed from the formulas, parity with Keras 3, argument errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib.nn import optimizers

CONFIGS = [
    ("SGD", {}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.5, "nesterov": True}),
    ("RMSprop", {}),
    ("RMSprop", {"learning_rate": 0.01, "rho": 0.8, "momentum": 0.7, "epsilon": 1e-5}),
    ("Adam", {}),
    ("Adam", {"learning_rate": 0.02, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-4}),
]


def _replay(name: str, config: dict, w0: float, grads: list[float]) -> float:
    """One scalar weight updated with Python floats, straight from the formulas."""
    defaults = {
        "SGD": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
        "RMSprop": {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7},
        "Adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    }[name]
    c = {**defaults, **config}
    lr, w, m, v = c["learning_rate"], w0, 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        if name == "SGD":
            if c["momentum"] == 0:
                w -= lr * g
            else:
                m = c["momentum"] * m - lr * g
                w += c["momentum"] * m - lr * g if c["nesterov"] else m
        elif name == "RMSprop":
            v = c["rho"] * v + (1 - c["rho"]) * g * g
            increment = lr * g / math.sqrt(v + c["epsilon"])
            if c["momentum"]:
                m = c["momentum"] * m + increment
                w -= m
            else:
                w -= increment
        else:
            alpha = lr * math.sqrt(1 - c["beta_2"] ** t) / (1 - c["beta_1"] ** t)
            m += (g - m) * (1 - c["beta_1"])
            v += (g * g - v) * (1 - c["beta_2"])
            w -= alpha * m / (math.sqrt(v) + c["epsilon"])
    return w


@pytest.mark.parametrize(("name", "config"), CONFIGS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_replayed_from_formula(name, config, seed):
    rng = np.random.default_rng(seed)
    w0 = rng.normal(size=(3, 2))
    grads = [rng.normal(size=(3, 2)) for _ in range(5)]
    w = w0.copy()
    opt = getattr(optimizers, name)(**config)
    for g in grads:
        opt.apply([g], [w])
    expected = np.array(
        [
            [_replay(name, config, w0[i, j], [g[i, j] for g in grads]) for j in range(2)]
            for i in range(3)
        ]
    )
    np.testing.assert_allclose(w, expected, rtol=1e-12, atol=1e-14)
    assert opt.iterations == 5


def test_adam_first_step_hand_worked():
    # t = 1: m = 0.1 g, v = 0.001 g^2, alpha = lr sqrt(0.001) / 0.1 -> w moves by about lr
    w = np.array([1.0])
    optimizers.Adam(learning_rate=0.1).apply([np.array([2.0])], [w])
    alpha = 0.1 * math.sqrt(1 - 0.999) / (1 - 0.9)
    assert w[0] == pytest.approx(1.0 - alpha * 0.2 / (math.sqrt(0.004) + 1e-7), rel=1e-12)


@pytest.mark.parametrize(("name", "config"), CONFIGS)
def test_parity_with_keras(keras, name, config):
    rng = np.random.default_rng(11)
    w0 = rng.normal(size=(4, 3)).astype(np.float32)
    b0 = rng.normal(size=(3,)).astype(np.float32)
    grads = [
        (rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=(3,)).astype(np.float32))
        for _ in range(6)
    ]
    kw, kb = keras.Variable(w0), keras.Variable(b0)
    keras_opt = getattr(keras.optimizers, name)(**config)
    w, b = w0.copy(), b0.copy()
    opt = getattr(optimizers, name)(**config)
    for gw, gb in grads:
        keras_opt.apply([gw, gb], [kw, kb])
        opt.apply([gw, gb], [w, b])
    assert w.dtype == np.float32
    np.testing.assert_allclose(w, kw.numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(b, kb.numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(("name", "config"), CONFIGS)
def test_bit_identical_to_keras_over_many_steps(keras, name, config):
    # Training is chaotic: a last-bit difference in one step (e.g. Adam's step size computed
    # in float64 instead of float32) grows over thousands of steps into visibly different
    # weights. So the float32 updates must equal Keras's bit for bit, not just closely.
    rng = np.random.default_rng(5)
    w0 = rng.normal(size=(64,)).astype(np.float32)
    kw, w = keras.Variable(w0), w0.copy()
    keras_opt = getattr(keras.optimizers, name)(**config)
    opt = getattr(optimizers, name)(**config)
    for _ in range(200):
        g = rng.normal(size=(64,)).astype(np.float32)
        keras_opt.apply([g], [kw])
        opt.apply([g], [w])
    np.testing.assert_array_equal(w, kw.numpy())


def test_apply_gradients_form():
    w = np.array([1.0, 2.0])
    optimizers.SGD(learning_rate=0.5).apply_gradients(zip([np.array([1.0, 1.0])], [w], strict=True))
    np.testing.assert_allclose(w, [0.5, 1.5])


def test_defaults_match_keras():
    assert optimizers.SGD().get_config() == {
        "learning_rate": 0.01,
        "momentum": 0.0,
        "nesterov": False,
    }
    assert optimizers.RMSprop().get_config() == {
        "learning_rate": 0.001,
        "rho": 0.9,
        "momentum": 0.0,
        "epsilon": 1e-7,
    }
    assert optimizers.Adam().get_config() == {
        "learning_rate": 0.001,
        "beta_1": 0.9,
        "beta_2": 0.999,
        "epsilon": 1e-7,
    }


def test_get_by_name_and_object():
    assert isinstance(optimizers.get("adam"), optimizers.Adam)
    assert isinstance(optimizers.get("RMSprop"), optimizers.RMSprop)
    sgd = optimizers.SGD()
    assert optimizers.get(sgd) is sgd


def test_unknown_optimizer_lists_valid_names():
    with pytest.raises(
        ValueError,
        match=r"Unknown optimizer 'adamw'.*expected one of 'adam', "
        r"'rmsprop', 'sgd'. Received: optimizer='adamw'",
    ):
        optimizers.get("adamw")


def test_optimizer_of_wrong_type():
    with pytest.raises(TypeError, match=r"`optimizer`.*Received: optimizer=0\.1 of type float"):
        optimizers.get(0.1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"learning_rate": -0.1},
            r"`learning_rate`, expected a float > 0. Received: "
            r"learning_rate=-0\.1",
        ),
        (
            {"learning_rate": "fast"},
            r"`learning_rate`, expected a float. Received: "
            r"learning_rate='fast'",
        ),
        ({"momentum": 1.5}, r"`momentum`, expected a float in \[0, 1\]. Received: momentum=1\.5"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        optimizers.SGD(**kwargs)


def test_mismatched_grads():
    with pytest.raises(ValueError, match=r"one gradient per variable \(2\). Received: 1"):
        optimizers.Adam().apply([np.zeros(2)], [np.zeros(2), np.zeros(3)])
