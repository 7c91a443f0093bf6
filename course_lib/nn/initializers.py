"""Weight initialisers as in Keras, drawing from :func:`course_lib.seeding.get_rng` at call time.

``course_lib.set_seed(s)`` therefore makes every initialisation repeatable.
"""

from __future__ import annotations

import numpy as np

from course_lib.nn._validation import lookup
from course_lib.seeding import get_rng

__all__ = [
    "Initializer",
    "Zeros",
    "Ones",
    "Constant",
    "RandomNormal",
    "RandomUniform",
    "GlorotUniform",
    "GlorotNormal",
    "HeUniform",
    "HeNormal",
    "get",
    "ALL_INITIALIZERS",
]

# Keras divides the stddev of its truncated normals by this (the stddev of a standard
# normal truncated to [-2, 2]) so that the drawn values keep the intended variance.
_TRUNCATED_STDDEV = 0.87962566103423978


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) as Keras computes them for a kernel of ``shape``."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


def _truncated_normal(shape, stddev: float) -> np.ndarray:
    """Normal(0, stddev) redrawn until every value lies within two standard deviations."""
    rng = get_rng()
    values = rng.normal(0.0, stddev, size=shape)
    bad = np.abs(values) > 2 * stddev
    while bad.any():
        values[bad] = rng.normal(0.0, stddev, size=int(bad.sum()))
        bad = np.abs(values) > 2 * stddev
    return values


class Initializer:
    """``init(shape, dtype="float32")`` returns a new array."""

    def __call__(self, shape: tuple[int, ...], dtype=np.float32) -> np.ndarray:
        return self.sample(tuple(int(s) for s in shape)).astype(dtype, copy=False)

    def sample(self, shape: tuple[int, ...]) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    def sample(self, shape):
        return np.zeros(shape)


class Ones(Initializer):
    def sample(self, shape):
        return np.ones(shape)


class Constant(Initializer):
    def __init__(self, value: float = 0.0):
        self.value = float(value)

    def sample(self, shape):
        return np.full(shape, self.value)

    def get_config(self):
        return {"value": self.value}


class RandomNormal(Initializer):
    def __init__(self, mean: float = 0.0, stddev: float = 0.05):
        self.mean, self.stddev = float(mean), float(stddev)

    def sample(self, shape):
        return get_rng().normal(self.mean, self.stddev, size=shape)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev}


class RandomUniform(Initializer):
    def __init__(self, minval: float = -0.05, maxval: float = 0.05):
        self.minval, self.maxval = float(minval), float(maxval)

    def sample(self, shape):
        return get_rng().uniform(self.minval, self.maxval, size=shape)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval}


class GlorotUniform(Initializer):
    """Uniform in [-limit, limit], limit = sqrt(6 / (fan_in + fan_out)) (Keras's default)."""

    def sample(self, shape):
        fan_in, fan_out = _fans(shape)
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return get_rng().uniform(-limit, limit, size=shape)


class GlorotNormal(Initializer):
    """Truncated normal with stddev sqrt(2 / (fan_in + fan_out))."""

    def sample(self, shape):
        fan_in, fan_out = _fans(shape)
        return _truncated_normal(shape, np.sqrt(2.0 / (fan_in + fan_out)) / _TRUNCATED_STDDEV)


class HeUniform(Initializer):
    """Uniform in [-limit, limit], limit = sqrt(6 / fan_in) (suits relu)."""

    def sample(self, shape):
        fan_in, _ = _fans(shape)
        limit = np.sqrt(6.0 / fan_in)
        return get_rng().uniform(-limit, limit, size=shape)


class HeNormal(Initializer):
    """Truncated normal with stddev sqrt(2 / fan_in) (suits relu)."""

    def sample(self, shape):
        fan_in, _ = _fans(shape)
        return _truncated_normal(shape, np.sqrt(2.0 / fan_in) / _TRUNCATED_STDDEV)


_BY_NAME = {
    "zeros": Zeros,
    "ones": Ones,
    "constant": Constant,
    "random_normal": RandomNormal,
    "random_uniform": RandomUniform,
    "uniform": RandomUniform,  # Keras's alias, Embedding's default: [-0.05, 0.05]
    "normal": RandomNormal,
    "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "he_uniform": HeUniform,
    "he_normal": HeNormal,
}
#: The names ``get`` accepts.
ALL_INITIALIZERS = tuple(_BY_NAME)


def get(identifier, argument: str = "kernel_initializer") -> Initializer:
    """An initialiser for a name (``"glorot_uniform"``) or an initialiser object."""
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, str):
        return lookup("initializer", identifier, _BY_NAME, argument=argument)()
    raise TypeError(
        f"Received an invalid value for `{argument}`, expected a name such as "
        f"'glorot_uniform' or an Initializer object. Received: {argument}={identifier!r}"
    )
