"""Weight penalties with Keras 3's names, defaults and formulas (``keras/src/regularizers``).

A regularizer maps a weight array ``w`` to a scalar penalty added to the loss; ``gradient(w)``
is its derivative, added to the weight's gradient. Give one to a layer::

    Dense(16, activation="relu", kernel_regularizer=regularizers.L2(0.01))
    Dense(16, activation="relu", kernel_regularizer="l2")    # L2(0.01), as in Keras

As in Keras, the model's loss is the compiled loss plus the sum of every penalty, and that sum
is what ``fit`` reports as ``loss`` (and ``val_loss``) in the History.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_lib.nn._validation import lookup

__all__ = ["Regularizer", "L1", "L2", "L1L2", "get", "ALL_REGULARIZERS"]


def _check_factor(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"Received an invalid value for `{name}`, expected a non-negative float. "
            f"Received: {name}={value!r} of type {type(value).__name__}"
        )
    if not np.isfinite(value) or value < 0:
        raise ValueError(
            f"Received an invalid value for `{name}`, expected a non-negative float. "
            f"Received: {name}={value!r}"
        )
    return float(value)


class Regularizer:
    """Base class: ``penalty = regularizer(w)`` (a float), ``regularizer.gradient(w)``."""

    def __call__(self, w: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, w: np.ndarray) -> np.ndarray:
        """d(penalty)/dw, same shape and dtype as ``w``."""
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L1L2(Regularizer):
    """penalty = l1 * sum(|w|) + l2 * sum(w^2); gradient l1 * sign(w) + 2 * l2 * w.

    Keras's defaults: ``L1L2(l1=0.0, l2=0.0)``; sign(0) = 0, as TensorFlow's gradient of |w|.
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = _check_factor("l1", l1)
        self.l2 = _check_factor("l2", l2)

    def __call__(self, w):
        w = np.asarray(w)
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * float(np.abs(w).sum(dtype=w.dtype))
        if self.l2:
            penalty += self.l2 * float(np.square(w).sum(dtype=w.dtype))
        return penalty

    def gradient(self, w):
        w = np.asarray(w)
        grad = np.zeros_like(w)
        if self.l1:
            grad += w.dtype.type(self.l1) * np.sign(w)
        if self.l2:
            grad += w.dtype.type(2 * self.l2) * w
        return grad

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """penalty = l1 * sum(|w|) (Keras's default l1=0.01)."""

    def __init__(self, l1: float = 0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """penalty = l2 * sum(w^2); gradient 2 * l2 * w (Keras's default l2=0.01)."""

    def __init__(self, l2: float = 0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


_BY_NAME = {"l1": L1, "l2": L2, "l1_l2": L1L2, "l1l2": L1L2}
#: The names ``get`` accepts (each with Keras's default factors).
ALL_REGULARIZERS = ("l1", "l2", "l1_l2")


def get(identifier, argument: str = "kernel_regularizer") -> Regularizer | None:
    """A regularizer for a name ("l1", "l2", "l1_l2"), a regularizer object, or None."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Regularizer):
        return identifier()
    if isinstance(identifier, str):
        return lookup(
            "regularizer", identifier, _BY_NAME, argument=argument, names=ALL_REGULARIZERS
        )()
    raise TypeError(
        f"Received an invalid value for `{argument}`, expected a name such as 'l2', a "
        f"Regularizer such as regularizers.L2(0.01) or None. Received: {argument}={identifier!r} "
        f"of type {type(identifier).__name__}"
    )
