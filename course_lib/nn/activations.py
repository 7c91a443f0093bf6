"""Activation functions with their derivatives, looked up by name as in Keras.

Each activation is a small object: call it on an array for the forward value, ask it for
``derivative(x)`` (the elementwise slope, handy for plots) and ``backward(grad, x, y)`` (the
vector-Jacobian product a layer needs; ``y`` is the forward output, reused when cheaper).

>>> from course_lib.nn import activations
>>> relu = activations.get("relu")
>>> relu(np.array([-1.0, 2.0])), relu.derivative(np.array([-1.0, 2.0]))
(array([0., 2.]), array([0., 1.]))
"""

from __future__ import annotations

import numpy as np

from course_lib.nn import _fast
from course_lib.nn._validation import invalid, lookup

__all__ = [
    "ActivationFunction",
    "Linear",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "LeakyReLU",
    "ELU",
    "linear",
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "leaky_relu",
    "elu",
    "get",
    "serialize",
    "ALL_ACTIVATIONS",
]


# 0 and 1 as 0-d arrays and cached zeros: see _fast (NumPy combines them with an array faster
# than the Python numbers 0 and 1).
_ZERO, _ONE, _zeros_like = _fast.ZERO, _fast.ONE, _fast.zeros_like


class ActivationFunction:
    """Base class: ``__call__`` (forward), ``derivative`` and ``backward``."""

    name = "activation"
    #: True for sigmoid and softmax, whose inputs a crossentropy loss can use as logits.
    produces_probabilities = False

    def __call__(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, x: np.ndarray) -> np.ndarray:
        """The elementwise derivative f'(x), same shape as ``x``."""
        raise NotImplementedError

    def gradient(self, x: np.ndarray) -> np.ndarray:
        """Alias of :meth:`derivative`."""
        return self.derivative(x)

    def backward(self, grad: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """dL/dx from dL/dy for y = f(x), all of shape (N, ...): ``grad * f'(x)``."""
        return grad * self.derivative(x)

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Linear(ActivationFunction):
    """f(x) = x (Keras's ``linear``, also what ``activation=None`` means)."""

    name = "linear"

    def __call__(self, x):
        return x

    def derivative(self, x):
        return np.ones_like(x)

    def backward(self, grad, x, y):
        return grad


class ReLU(ActivationFunction):
    """f(x) = max(x, 0); f'(x) = 1 where x > 0, else 0 (0 at x = 0, as TensorFlow)."""

    name = "relu"

    def __call__(self, x):
        x = np.asarray(x)
        return np.maximum(x, _zeros_like(x))

    def derivative(self, x):
        return (x > 0).astype(x.dtype)

    def backward(self, grad, x, y):
        return grad * (y > _ZERO)


class Sigmoid(ActivationFunction):
    """f(x) = 1 / (1 + exp(-x)), computed without overflow; f'(x) = f(x) (1 - f(x))."""

    name = "sigmoid"
    produces_probabilities = True

    def __call__(self, x):
        # 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) for x < 0: no exponential overflows.
        return np.exp(np.minimum(x, _ZERO)) / (_ONE + np.exp(-np.abs(x)))

    def derivative(self, x):
        y = self(x)
        return y * (1 - y)

    def backward(self, grad, x, y):
        return grad * (y * (1 - y))


class Tanh(ActivationFunction):
    """f(x) = tanh(x); f'(x) = 1 - tanh(x)^2."""

    name = "tanh"

    def __call__(self, x):
        return np.tanh(x)

    def derivative(self, x):
        return 1 - np.tanh(x) ** 2

    def backward(self, grad, x, y):
        return grad * (1 - y * y)


class Softmax(ActivationFunction):
    """f(x)_i = exp(x_i) / sum_j exp(x_j) over the last axis (row max subtracted first).

    Its Jacobian is not diagonal: ``derivative`` returns the diagonal s_i (1 - s_i), and
    ``backward`` the full vector-Jacobian product s * (grad - sum(grad * s)).
    """

    name = "softmax"
    produces_probabilities = True

    def __call__(self, x):
        x = np.asarray(x)
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def derivative(self, x):
        s = self(x)
        return s * (1 - s)

    def backward(self, grad, x, y):
        return y * (grad - (grad * y).sum(axis=-1, keepdims=True))


class LeakyReLU(ActivationFunction):
    """f(x) = x for x > 0, else negative_slope * x (Keras 3 default slope 0.2)."""

    name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.2):
        if (
            isinstance(negative_slope, bool)
            or not isinstance(negative_slope, (int, float))
            or not np.isfinite(negative_slope)
            or negative_slope < 0
        ):
            raise invalid("negative_slope", "a non-negative float", negative_slope)
        self.negative_slope = float(negative_slope)

    def __call__(self, x):
        x = np.asarray(x)
        return np.where(x > 0, x, x * self.negative_slope)

    def derivative(self, x):
        return np.where(x > 0, 1.0, self.negative_slope).astype(x.dtype)

    def backward(self, grad, x, y):
        return np.where(x > 0, grad, grad * self.negative_slope)

    def get_config(self):
        return {"negative_slope": self.negative_slope}


class ELU(ActivationFunction):
    """f(x) = x for x > 0, else alpha * (exp(x) - 1); f'(x) = 1, else alpha * exp(x)."""

    name = "elu"

    def __init__(self, alpha: float = 1.0):
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not np.isfinite(alpha):
            raise invalid("alpha", "a float", alpha)
        self.alpha = float(alpha)

    def __call__(self, x):
        x = np.asarray(x)
        return np.where(x > 0, x, self.alpha * np.expm1(np.minimum(x, 0)))

    def derivative(self, x):
        return np.where(x > 0, 1.0, self.alpha * np.exp(np.minimum(x, 0))).astype(x.dtype)

    def backward(self, grad, x, y):
        return np.where(x > 0, grad, grad * (y + self.alpha))

    def get_config(self):
        return {"alpha": self.alpha}


linear = Linear()
relu = ReLU()
sigmoid = Sigmoid()
tanh = Tanh()
softmax = Softmax()
leaky_relu = LeakyReLU()
elu = ELU()

_BY_NAME = {
    "linear": linear,
    "relu": relu,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "softmax": softmax,
    "leaky_relu": leaky_relu,
    "elu": elu,
}
#: The names ``get`` accepts, in a fixed order (handy for parametrized tests and plots).
ALL_ACTIVATIONS = tuple(_BY_NAME)


def get(identifier: str | ActivationFunction | None) -> ActivationFunction:
    """The activation for a name (``"relu"``), an activation object, or ``None`` (linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, ActivationFunction):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, ActivationFunction):
        return identifier()
    if isinstance(identifier, str):
        activation = lookup("activation", identifier, _BY_NAME)
        # An activation with a setting gets its own instance: changing one layer's slope must
        # not change every layer's. The others hold no state and are shared.
        return type(activation)() if activation.get_config() else activation
    raise TypeError(
        "Received an invalid value for `activation`, expected a name such as 'relu', an "
        f"ActivationFunction or None. Received: activation={identifier!r} "
        f"of type {type(identifier).__name__}"
    )


def serialize(activation: ActivationFunction) -> str:
    """The activation's name, as Keras reports it in a layer config."""
    return activation.name
