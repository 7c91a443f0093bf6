"""Layers: each a small class with ``forward(x)`` and ``backward(grad)``.

``forward`` returns the output and caches only what ``backward`` needs; ``backward`` takes
dL/d(output), fills the layer's parameter gradients (``kernel_grad``, ``bias_grad``) and returns
dL/d(input). Backward never changes a weight: the optimizer does.

Shapes in the docstrings leave out nothing: ``N`` is the batch size.
"""

from __future__ import annotations

import numbers
import re

import numpy as np

from course_lib.nn import activations as activations_module
from course_lib.nn import initializers as initializers_module
from course_lib.nn._validation import check_positive_int, invalid
from course_lib.seeding import get_rng

__all__ = [
    "Layer",
    "InputLayer",
    "Input",
    "Dense",
    "Activation",
    "Dropout",
    "Flatten",
    "clear_session",
]

_UIDS: dict[str, int] = {}


def unique_name(prefix: str) -> str:
    """Keras's automatic names: ``dense``, ``dense_1``, ``dense_2``, ..."""
    count = _UIDS.get(prefix, 0)
    _UIDS[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session() -> None:
    """Restart automatic layer and model names from ``dense``/``sequential`` (as Keras)."""
    _UIDS.clear()


def _snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _check_shape(name: str, shape) -> tuple[int, ...]:
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (int(shape),)
    if (
        not isinstance(shape, (tuple, list))
        or not shape
        or not all(
            isinstance(d, numbers.Integral) and not isinstance(d, bool) and d > 0 for d in shape
        )
    ):
        raise invalid(name, "a tuple of positive integers such as (20,)", shape)
    return tuple(int(d) for d in shape)


def _dot_into(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """out[...] = a @ b without a temporary. ``np.dot`` (the leanest BLAS call) writes into
    ``out`` only when its dtype is the result's; ``np.matmul`` casts otherwise."""
    try:
        np.dot(a, b, out=out)
    except ValueError:
        np.matmul(a, b, out=out)


class Layer:
    """Base class. ``params``/``grads`` list the layer's arrays in Keras's order."""

    #: Attribute names of the parameters and of their gradients, lined up.
    param_names: tuple[str, ...] = ()
    grad_names: tuple[str, ...] = ()

    def __init__(self, name: str | None = None, input_shape=None):
        if name is not None and not isinstance(name, str):
            raise invalid("name", "a string", name)
        self.name = name or unique_name(_snake_case(type(self).__name__))
        self.input_shape = None if input_shape is None else _check_shape("input_shape", input_shape)
        self.output_shape: tuple[int, ...] | None = None
        self.built = False
        self.dtype = np.dtype(np.float32)

    # --- building ---------------------------------------------------------------------------
    def build(self, input_shape: tuple[int, ...]) -> None:
        """Create the weights for inputs of shape (N, *input_shape)."""
        self.input_shape = tuple(input_shape)
        self.output_shape = self.compute_output_shape(self.input_shape)
        self.built = True

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """The output shape without the batch axis."""
        return tuple(input_shape)

    # --- computing --------------------------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """dL/d(input) from dL/d(output); fills the parameter gradients."""
        return self._backward(grad, True)

    def _backward(self, grad: np.ndarray, need_input_grad: bool) -> np.ndarray | None:
        raise NotImplementedError

    def __call__(self, x, training: bool = False) -> np.ndarray:
        """Build on first use, then ``forward``."""
        x = np.asarray(x)
        if x.dtype.kind != "f":
            x = x.astype(self.dtype)
        if not self.built:
            self.build(x.shape[1:])
        return self.forward(x, training=training)

    # --- weights ----------------------------------------------------------------------------
    @property
    def params(self) -> list[np.ndarray]:
        """The parameter arrays themselves (not copies), in Keras's order."""
        return [getattr(self, n) for n in self.param_names]

    @property
    def grads(self) -> list[np.ndarray]:
        """The gradients filled by the last ``backward``, lined up with ``params``."""
        return [getattr(self, n) for n in self.grad_names]

    @property
    def weights(self) -> list[np.ndarray]:
        return self.params

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the parameters, in Keras's order (kernel, then bias)."""
        return [p.copy() for p in self.params]

    def set_weights(self, weights) -> None:
        """Copy ``weights`` (a list in ``get_weights`` order and shapes) into the layer."""
        params = self.params
        expected = [p.shape for p in params]
        if not isinstance(weights, (list, tuple)) or len(weights) != len(params):
            received = f"{len(weights)} arrays" if isinstance(weights, (list, tuple)) else weights
            raise ValueError(
                f"Received an invalid value for `weights`, expected a list of {len(params)} "
                f"arrays with shapes {expected} for layer `{self.name}`. Received: {received}"
            )
        for i, (p, w) in enumerate(zip(params, weights, strict=False)):
            w = np.asarray(w)
            if w.shape != p.shape:
                raise ValueError(
                    f"Received an invalid value for `weights`, expected weights[{i}] of shape "
                    f"{p.shape} for layer `{self.name}`. Received: weights[{i}].shape={w.shape}"
                )
        for p, w in zip(params, weights, strict=False):
            p[...] = w

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer `{self.name}`, but the layer isn't "
                "built. Build it first (call it on data or give it an input shape)."
            )
        return int(sum(p.size for p in self.params))

    def _cast(self, dtype) -> None:
        """Convert parameters and gradients to ``dtype`` (gradcheck uses float64)."""
        self.dtype = np.dtype(dtype)
        for name in (*self.param_names, *self.grad_names):
            setattr(self, name, np.array(getattr(self, name), dtype=dtype))

    def get_config(self) -> dict:
        return {"name": self.name}

    def __repr__(self) -> str:
        extra = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"<{type(self).__name__} name={self.name}{', ' + extra if extra else ''}>"


class InputLayer(Layer):
    """Declares the input shape (without the batch axis); computes nothing."""

    def __init__(self, shape, name: str | None = None):
        shape = _check_shape("shape", shape)
        super().__init__(name=name, input_shape=shape)
        self.build(shape)

    def forward(self, x, training=False):
        return x

    def _backward(self, grad, need_input_grad):
        return grad

    def get_config(self):
        return {"name": self.name, "shape": self.input_shape}


def Input(shape, name: str | None = None) -> InputLayer:  # noqa: N802 (Keras's name)
    """``Input(shape=(20,))``: the first element of a ``Sequential`` in Keras 3 style."""
    return InputLayer(shape, name=name)


class Dense(Layer):
    """Fully connected layer: y = activation(x @ kernel + bias).

    Args:
        units: number of outputs.
        activation: a name ("relu", "sigmoid", ...), an activation object or None (linear).
        kernel: (in_features, units) after ``build``; bias: (units,).
    """

    param_names = ("kernel", "bias")
    grad_names = ("kernel_grad", "bias_grad")

    def __init__(
        self,
        units: int,
        activation=None,
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        input_shape=None,
        name: str | None = None,
    ):
        self.units = check_positive_int("units", units)
        self.activation = activations_module.get(activation)
        if not isinstance(use_bias, bool):
            raise invalid("use_bias", "True or False", use_bias)
        self.use_bias = use_bias
        self._ones_cache = np.ones(0, dtype=np.float32)
        self.kernel_initializer = initializers_module.get(kernel_initializer, "kernel_initializer")
        self.bias_initializer = initializers_module.get(bias_initializer, "bias_initializer")
        if not use_bias:
            self.param_names, self.grad_names = ("kernel",), ("kernel_grad",)
        super().__init__(name=name, input_shape=input_shape)

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) < 1:
            raise invalid("input_shape", "at least one axis besides the batch", input_shape)
        in_features = input_shape[-1]
        self.kernel = self.kernel_initializer((in_features, self.units), self.dtype)
        self.kernel_grad = np.zeros_like(self.kernel)
        if self.use_bias:
            self.bias = self.bias_initializer((self.units,), self.dtype)
            self.bias_grad = np.zeros_like(self.bias)
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def forward(self, x, training=False):
        """x: (N, in_features) -> (N, units)."""
        z = np.dot(x, self.kernel)  # x @ kernel, (N, units); np.dot is numpy's leanest BLAS call
        if self.use_bias:
            z += self.bias
        y = self.activation(z)
        self._x, self._z, self._y = x, z, y
        return y

    @property
    def logits(self) -> np.ndarray:
        """The pre-activation z = x @ kernel + bias of the last ``forward``, (N, units)."""
        return self._z

    def _backward(self, grad, need_input_grad):
        dz = self.activation.backward(grad, self._z, self._y)  # (N, units), y = f(z)
        return self._backward_linear(dz, need_input_grad)

    def _backward_from_logits(self, dz, need_input_grad=True):
        """Backward when dL/dz is already known (crossentropy computed from the logits)."""
        return self._backward_linear(dz, need_input_grad)

    def _backward_linear(self, dz, need_input_grad):
        x = self._x
        if x.ndim > 2:  # Dense acts on the last axis: fold the others into the batch
            x = x.reshape(-1, x.shape[-1])
            dz2 = dz.reshape(-1, dz.shape[-1])
        else:
            dz2 = dz
        _dot_into(x.T, dz2, self.kernel_grad)  # dL/dkernel = x^T dz, (in, units)
        if self.use_bias:
            # dL/dbias = the sum of dz over the batch, (units,), written as ones @ dz: on small
            # arrays one BLAS call is about twice as fast as np.sum(dz, axis=0).
            _dot_into(self._ones(len(dz2), dz2.dtype), dz2, self.bias_grad)
        if need_input_grad:
            return np.dot(dz, self.kernel.T)  # dL/dx = dz kernel^T, (N, in)
        return None

    def _ones(self, n: int, dtype) -> np.ndarray:
        """A vector of n ones, kept between steps."""
        ones = self._ones_cache
        if len(ones) != n or ones.dtype != dtype:
            ones = self._ones_cache = np.ones(n, dtype=dtype)
        return ones

    def get_config(self):
        return {
            "name": self.name,
            "units": self.units,
            "activation": self.activation.name,
            "use_bias": self.use_bias,
        }


class Activation(Layer):
    """Applies an activation function: y = f(x), any shape."""

    def __init__(self, activation, name: str | None = None, input_shape=None):
        self.activation = activations_module.get(activation)
        super().__init__(name=name, input_shape=input_shape)

    def forward(self, x, training=False):
        y = self.activation(x)
        self._x, self._y = x, y
        return y

    @property
    def logits(self) -> np.ndarray:
        """The input of the last ``forward`` (logits when the activation is sigmoid/softmax)."""
        return self._x

    def _backward(self, grad, need_input_grad):
        return self.activation.backward(grad, self._x, self._y)

    def _backward_from_logits(self, dz, need_input_grad=True):
        return dz

    def get_config(self):
        return {"name": self.name, "activation": self.activation.name}


class Dropout(Layer):
    """Inverted dropout: in training, zero each input with probability ``rate`` and scale the
    rest by 1 / (1 - rate); at inference, the identity. Masks come from ``get_rng()``."""

    def __init__(
        self, rate: float, seed: int | None = None, name: str | None = None, input_shape=None
    ):
        if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate < 1:
            raise invalid("rate", "a float in [0, 1)", rate)
        if seed is not None and (
            isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0
        ):
            raise invalid("seed", "None or a non-negative integer", seed)
        self.rate = float(rate)
        self.seed = seed
        # With a seed the layer has its own generator; otherwise it draws from get_rng().
        self._rng = None if seed is None else np.random.default_rng(int(seed))
        super().__init__(name=name, input_shape=input_shape)

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self._mask = None
            return x
        rng = self._rng if self._rng is not None else get_rng()
        keep = rng.random(x.shape, dtype=np.float32) >= self.rate
        self._mask = keep * x.dtype.type(1 / (1 - self.rate))  # (N, ...): 0 or 1/(1-rate)
        return x * self._mask

    def _backward(self, grad, need_input_grad):
        return grad if self._mask is None else grad * self._mask

    def get_config(self):
        return {"name": self.name, "rate": self.rate, "seed": self.seed}


class Flatten(Layer):
    """Reshape (N, d1, d2, ...) to (N, d1 * d2 * ...)."""

    def compute_output_shape(self, input_shape):
        return (int(np.prod(input_shape)),)

    def forward(self, x, training=False):
        self._input_shape_seen = x.shape
        return x.reshape(len(x), -1)

    def _backward(self, grad, need_input_grad):
        return grad.reshape(self._input_shape_seen)
