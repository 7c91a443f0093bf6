"""Fixtures for the engine's tests: Keras is imported once per session, only when asked for."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="session")
def keras():
    """The ``keras`` module, quiet and seeded (skips when TensorFlow is not installed)."""
    pytest.importorskip("tensorflow")
    from course_lib.keras_models import setup_keras

    return setup_keras(0)


@pytest.fixture(scope="session")
def tf(keras):
    import tensorflow

    return tensorflow


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
