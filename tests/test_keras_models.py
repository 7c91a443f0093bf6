"""course_lib.keras_models: quiet, seeded Keras set-up and the seed document's two models."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from course_lib import keras_models  # noqa: E402


def test_import_does_not_import_tensorflow():
    code = "import course_lib.keras_models, sys; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_setup_keras_is_quiet_in_a_fresh_process():
    code = (
        "from course_lib.keras_models import setup_keras, build_seed_model\n"
        "keras = setup_keras(0)\n"
        "import numpy as np\n"
        "m = build_seed_model(4)\n"
        "m.fit(np.zeros((8, 4)), np.zeros(8), verbose=0)\n"
        "print(keras.__version__[0])\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "3"
    assert out.stderr == ""


def test_setup_keras_sets_environment_and_returns_keras():
    keras = keras_models.setup_keras(0)
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"
    assert keras.__name__ == "keras" and keras.__version__.startswith("3.")
    import tensorflow as tf

    assert tf.config.threading.get_intra_op_parallelism_threads() in (0, 1)
    keras_models.setup_keras(0)  # a second call (threads already fixed) is fine


def test_setup_keras_makes_keras_repeatable():
    keras_models.setup_keras(5)
    a = keras_models.build_seed_model(6).get_weights()
    keras_models.setup_keras(5)
    b = keras_models.build_seed_model(6).get_weights()
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize(
    ("builder", "units", "params"),
    [
        ("build_seed_model", [32, 16, 1], 1217),
        ("build_deep_model", [128, 64, 32, 16, 1], 13569),
    ],
)
def test_models_as_in_the_seed(builder, units, params):
    keras = keras_models.setup_keras(0)
    model = getattr(keras_models, builder)(20)
    assert [layer.units for layer in model.layers] == units
    assert [layer.activation.__name__ for layer in model.layers] == (
        ["relu"] * (len(units) - 1) + ["sigmoid"]
    )
    assert model.count_params() == params
    assert model.input_shape == (None, 20)
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert model.loss == "binary_crossentropy"
    history = model.fit(np.zeros((4, 20)), np.zeros(4), verbose=0)
    assert set(history.history) == {"loss", "accuracy"}


@pytest.mark.parametrize("bad", [0, -1, 2.5, "20", True])
def test_bad_feature_count(bad):
    with pytest.raises(
        ValueError,
        match=r"Received an invalid value for `n_features`, expected "
        r"a positive integer. Received: n_features=",
    ):
        keras_models.build_seed_model(bad)


def test_bad_seed():
    with pytest.raises(
        ValueError,
        match=r"`seed`, expected a non-negative integer. "
        r"Received: seed=-1",
    ):
        keras_models.setup_keras(-1)
