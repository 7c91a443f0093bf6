"""The seed document's Keras 3 models, and a quiet, deterministic Keras set-up.

TensorFlow is imported only when one of these functions is called, never by
``import course_lib.keras_models``::

    from course_lib.keras_models import setup_keras, build_seed_model
    keras = setup_keras(seed=0)        # silences TF logs, fixes threads and seeds
    model = build_seed_model(n_features=20)
"""

from __future__ import annotations

import os
from types import ModuleType

__all__ = ["setup_keras", "build_seed_model", "build_deep_model"]


def setup_keras(seed: int = 0) -> ModuleType:
    """Import Keras quietly and make it repeatable; returns the ``keras`` module.

    Sets ``TF_CPP_MIN_LOG_LEVEL=3`` and ``TF_ENABLE_ONEDNN_OPTS=0`` before TensorFlow is first
    imported, runs TensorFlow on one intra-op and one inter-op thread (when it is not already
    running), lowers absl logging to errors and calls ``keras.utils.set_random_seed(seed)``
    (which seeds Python, NumPy and TensorFlow).
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(
            "Received an invalid value for `seed`, expected a non-negative integer. "
            f"Received: seed={seed!r}"
        )
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"

    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass  # TensorFlow already initialised its thread pools in this process
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # pragma: no cover - absl ships with TensorFlow
        pass
    tf.get_logger().setLevel("ERROR")

    import keras

    keras.utils.set_random_seed(seed)
    return keras


def _check_features(n_features) -> int:
    if isinstance(n_features, bool) or not isinstance(n_features, int) or n_features <= 0:
        raise ValueError(
            "Received an invalid value for `n_features`, expected a positive integer. "
            f"Received: n_features={n_features!r}"
        )
    return n_features


def _build(n_features: int, units: tuple[int, ...]):
    import keras

    layers = [keras.Input(shape=(n_features,))]
    layers += [keras.layers.Dense(u, activation="relu") for u in units]
    layers.append(keras.layers.Dense(1, activation="sigmoid"))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def build_seed_model(n_features: int):
    """The seed's network: Dense(32, relu) - Dense(16, relu) - Dense(1, sigmoid), compiled with
    adam / binary_crossentropy / accuracy. Call :func:`setup_keras` first for quiet, seeded runs."""
    n_features = _check_features(n_features)
    _quiet_tf_import()
    return _build(n_features, (32, 16))


def build_deep_model(n_features: int):
    """The seed's deep network: 128-64-32-16 relu layers and a sigmoid output, compiled as
    :func:`build_seed_model`."""
    n_features = _check_features(n_features)
    _quiet_tf_import()
    return _build(n_features, (128, 64, 32, 16))


def _quiet_tf_import() -> None:
    """Quiet TensorFlow's import when no :func:`setup_keras` call came first (no reseeding)."""
    import sys

    if "keras" not in sys.modules:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
