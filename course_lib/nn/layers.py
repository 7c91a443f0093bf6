"""Layers: each a small class with ``forward(x, training)`` and ``backward(grad)``.

``forward`` returns the output and caches only what ``backward`` needs; ``backward`` takes
dL/d(output), fills the layer's parameter gradients (``kernel_grad``, ``bias_grad``) and returns
dL/d(input). Backward never changes a weight: the optimizer does.

Shapes in the docstrings leave out nothing: ``N`` is the batch size.

Writing your own layer
----------------------
Subclass :class:`Layer`, list the names of your trainable arrays in ``param_names`` and of their
gradients in ``grad_names`` (lined up), create both in ``build``, and implement ``forward`` and
``backward``. ``fit``, ``evaluate``, ``predict``, ``gradcheck`` and ``save_weights`` then work
with it unchanged. A residual block y = x + relu(x @ kernel + bias)::

    class Residual(Layer):
        param_names = ("kernel", "bias")
        grad_names = ("kernel_grad", "bias_grad")

        def build(self, input_shape):                      # input_shape = (features,)
            d = input_shape[-1]
            self.kernel = initializers.get("glorot_uniform")((d, d), self.dtype)
            self.bias = np.zeros(d, self.dtype)
            self.kernel_grad = np.zeros_like(self.kernel)
            self.bias_grad = np.zeros_like(self.bias)
            super().build(input_shape)                     # sets output_shape, built

        def forward(self, x, training=False):              # (N, d) -> (N, d)
            self._x = x
            self._h = np.maximum(x @ self.kernel + self.bias, 0)
            return x + self._h

        def backward(self, grad):                          # dL/dy (N, d) -> dL/dx (N, d)
            dz = grad * (self._h > 0)
            self.kernel_grad[...] = self._x.T @ dz         # write into the arrays, in place
            self.bias_grad[...] = dz.sum(axis=0)
            return grad + dz @ self.kernel.T

Write the gradients *into* the arrays (``[...] =``): the model trains the arrays it holds.
(A model's first layer is called through ``backward_params(grad)``, which by default is
``backward``; override it only to skip computing dL/dx there, as Dense does.)
Replacing a weight (``layer.kernel = new_array``) is fine between calls: the next ``fit`` trains
the new array (a different shape is refused with an error).
"""

from __future__ import annotations

import numbers
import re

import numpy as np

from course_lib.nn import _fast
from course_lib.nn import activations as activations_module
from course_lib.nn import initializers as initializers_module
from course_lib.nn import regularizers as regularizers_module
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
    "Conv2D",
    "MaxPooling2D",
    "BatchNormalization",
    "Embedding",
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
    """Keras's ``to_snake_case``: Dense -> dense, Conv2D -> conv2d, MaxPooling2D -> max_pooling2d."""
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


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


def _pair(name: str, value) -> tuple[int, int]:
    """Keras's int-or-pair arguments (kernel_size, strides, pool_size) as a pair."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value, value)
    if (
        not isinstance(value, (tuple, list))
        or len(value) != 2
        or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) and v > 0 for v in value
        )
    ):
        raise invalid(name, "a positive integer or a tuple of 2 positive integers", value)
    return int(value[0]), int(value[1])


def _check_padding(padding) -> str:
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise invalid("padding", "'valid' or 'same'", padding)
    return padding.lower()


def _check_image_shape(layer: str, input_shape) -> tuple[int, int, int]:
    """(height, width, channels), or an error naming the layout the layer expects."""
    input_shape = tuple(input_shape)
    if len(input_shape) != 3:
        raise ValueError(
            f"Received an invalid value for `input_shape`, expected inputs of shape (batch, "
            f"height, width, channels) for {layer} (channels last, as Keras). Received: "
            f"inputs of shape {('batch', *input_shape)}. Hint: 8x8 grey images stored as rows "
            "of 64 pixels need x.reshape(-1, 8, 8, 1)."
        )
    return input_shape


def _check_batch_ndim(layer: Layer, x: np.ndarray, what: str) -> None:
    expected = len(layer.input_shape) + 1
    if x.ndim != expected or x.shape[1:] != tuple(layer.input_shape):
        raise ValueError(
            f"Received an invalid value for `inputs`, expected an array of shape "
            f"(batch, {', '.join(str(d) for d in layer.input_shape)}) ({what}) for layer "
            f"`{layer.name}`. Received: inputs.shape={x.shape}"
        )


def _output_size(h, w, window, strides, padding, argument):
    """Output height and width of a sliding ``window`` over an (h, w) image; a window that does
    not fit (padding "valid") is an error naming ``argument`` (kernel_size or pool_size)."""
    (kh, kw), (sh, sw) = window, strides
    ho = _window_geometry(h, kh, sh, padding)[0]
    wo = _window_geometry(w, kw, sw, padding)[0]
    if ho < 1 or wo < 1:
        raise ValueError(
            f"Received an invalid value for `{argument}`, expected a window no larger than "
            f"the input ({h}x{w}) with padding='valid'. Received: {argument}={window}"
        )
    return ho, wo


def _window_geometry(size: int, window: int, stride: int, padding: str) -> tuple[int, int, int]:
    """(output size, padding before, padding after) along one axis, as TensorFlow computes them:
    "valid" uses no padding; "same" gives ceil(size / stride) outputs and puts the odd padded
    row or column at the end (bottom/right)."""
    if padding == "valid":
        return (size - window) // stride + 1, 0, 0
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return out, total // 2, total - total // 2


class Layer:
    """Base class. ``params``/``grads`` list the layer's arrays in Keras's order.

    A subclass declares ``param_names`` (its trainable arrays) and ``grad_names`` (their
    gradients, lined up), creates them in ``build`` and implements ``forward`` and ``backward``
    (see this module's docstring). ``state_names`` lists arrays that are saved and loaded with the
    weights but not trained (BatchNormalization's moving statistics).
    """

    #: Attribute names of the trainable parameters and of their gradients, lined up.
    param_names: tuple[str, ...] = ()
    grad_names: tuple[str, ...] = ()
    #: Attribute names of non-trainable weights (after the parameters in ``get_weights``).
    state_names: tuple[str, ...] = ()
    #: The dtype inputs are converted to; None means the layer's float dtype.
    input_dtype: np.dtype | None = None

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
        """The output for inputs ``x`` (N, *input_shape); ``training`` switches dropout etc."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement forward(x, training=False) -> output"
        )

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """dL/d(input) from dL/d(output) of the last ``forward``; fills the parameter gradients."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement backward(grad) -> gradient w.r.t. its input"
        )

    def backward_params(self, grad: np.ndarray) -> None:
        """Fill the parameter gradients only: what a model's first layer is asked for, since
        nobody needs the gradient with respect to the data. Calls ``backward`` unless a layer
        has a cheaper way (Dense, Conv2D and Embedding skip computing dL/d(input))."""
        self.backward(grad)

    def __call__(self, x, training: bool = False) -> np.ndarray:
        """Build on first use, then ``forward``."""
        x = np.asarray(x)
        if self.input_dtype is not None:
            x = x.astype(self.input_dtype, copy=False)
        elif x.dtype.kind != "f":
            x = x.astype(self.dtype)
        if not self.built:
            self.build(x.shape[1:])
        return self.forward(x, training=training)

    # --- weights ----------------------------------------------------------------------------
    @property
    def params(self) -> list[np.ndarray]:
        """The trainable arrays themselves (not copies), in Keras's order."""
        return [getattr(self, n) for n in self.param_names]

    @property
    def grads(self) -> list[np.ndarray]:
        """The gradients filled by the last ``backward``, lined up with ``params``."""
        return [getattr(self, n) for n in self.grad_names]

    @property
    def weights(self) -> list[np.ndarray]:
        """All weights (not copies): the parameters, then the non-trainable state."""
        return [getattr(self, n) for n in (*self.param_names, *self.state_names)]

    @property
    def weight_names(self) -> tuple[str, ...]:
        return (*self.param_names, *self.state_names)

    trainable_weights = params

    @property
    def non_trainable_weights(self) -> list[np.ndarray]:
        return [getattr(self, n) for n in self.state_names]

    @property
    def regularizers(self) -> dict:
        """{parameter name: regularizer} of the penalised parameters (``kernel_regularizer``)."""
        regularizer = getattr(self, "kernel_regularizer", None)
        return {} if regularizer is None else {"kernel": regularizer}

    @property
    def losses(self) -> list[float]:
        """The penalties of the current weights (Keras's ``layer.losses``)."""
        return [reg(getattr(self, name)) for name, reg in self.regularizers.items()]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weights, in Keras's order (kernel, then bias)."""
        return [p.copy() for p in self.weights]

    def set_weights(self, weights) -> None:
        """Copy ``weights`` (a list in ``get_weights`` order and shapes) into the layer."""
        params = self.weights
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
        return int(sum(p.size for p in self.weights))

    def set_dtype(self, dtype) -> None:
        """Convert weights and gradients to ``dtype`` (``gradcheck`` uses float64)."""
        self.dtype = np.dtype(dtype)
        for name in (*self.param_names, *self.grad_names, *self.state_names):
            setattr(self, name, np.array(getattr(self, name), dtype=dtype))

    _cast = set_dtype  # the name used before set_dtype was public

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

    def backward(self, grad):
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
        kernel_regularizer: None, "l1", "l2" or a ``regularizers`` object (penalty on the kernel).
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
        kernel_regularizer=None,
        input_shape=None,
        name: str | None = None,
    ):
        self.units = check_positive_int("units", units)
        self.activation = activations_module.get(activation)
        if not isinstance(use_bias, bool):
            raise invalid("use_bias", "True or False", use_bias)
        self.use_bias = use_bias
        self.kernel_initializer = initializers_module.get(kernel_initializer, "kernel_initializer")
        self.bias_initializer = initializers_module.get(bias_initializer, "bias_initializer")
        self.kernel_regularizer = regularizers_module.get(kernel_regularizer)
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

    def backward(self, grad):
        """grad = dL/dy (N, units) -> dL/dx (N, in_features)."""
        dz = self.activation.backward(grad, self._z, self._y)  # (N, units), y = f(z)
        return self._backward_linear(dz, True)

    def backward_from_logits(self, dz):
        """Backward from dL/dz, the gradient w.r.t. the pre-activation (the fused output
        gradient P - y of a crossentropy after a sigmoid/softmax; see ``Sequential``)."""
        return self._backward_linear(dz, True)

    def backward_params(self, grad):
        self._backward_linear(self.activation.backward(grad, self._z, self._y), False)

    def _backward_linear(self, dz, need_input_grad: bool = True):
        x = self._x
        if x.ndim > 2:  # Dense acts on the last axis: fold the others into the batch
            x = x.reshape(-1, x.shape[-1])
            dz2 = dz.reshape(-1, dz.shape[-1])
        else:
            dz2 = dz
        _fast.dot_into(x.T, dz2, self.kernel_grad)  # dL/dkernel = x^T dz, (in, units)
        if self.use_bias:
            # dL/dbias = the sum of dz over the batch, (units,), written as ones @ dz: on small
            # arrays one BLAS call is about twice as fast as np.sum(dz, axis=0).
            _fast.dot_into(_fast.ones(len(dz2), dz2.dtype), dz2, self.bias_grad)
        if need_input_grad:
            return np.dot(dz, self.kernel.T)  # dL/dx = dz kernel^T, (N, in)
        return None

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

    def backward(self, grad):
        return self.activation.backward(grad, self._x, self._y)

    def backward_from_logits(self, dz):
        """dL/d(input) when it is already known (the fused crossentropy gradient)."""
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

    def backward(self, grad):
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

    def backward(self, grad):
        return grad.reshape(self._input_shape_seen)


class Conv2D(Layer):
    """2-D convolution over channels-last images: y = activation(conv(x, kernel) + bias).

    Each output pixel is the dot product of one kh x kw x C window of the (padded) input with
    each filter: the windows are gathered into rows ("im2col") and multiplied by the kernel in
    one matrix product, (N * Ho * Wo, kh * kw * C) @ (kh * kw * C, filters).

    Args:
        filters: number of output channels F.
        kernel_size: kh or (kh, kw); strides: s or (sh, sw).
        padding: "valid" (no padding, Ho = (H - kh) // sh + 1) or "same" (Ho = ceil(H / sh),
            zeros around the input, the odd row/column at the bottom/right as TensorFlow).
        x: (N, H, W, C) -> (N, Ho, Wo, F); kernel: (kh, kw, C, F), glorot_uniform over
            fan_in = kh kw C and fan_out = kh kw F; bias: (F,).
    """

    param_names = ("kernel", "bias")
    grad_names = ("kernel_grad", "bias_grad")

    def __init__(
        self,
        filters: int,
        kernel_size,
        strides=(1, 1),
        padding: str = "valid",
        activation=None,
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        input_shape=None,
        name: str | None = None,
    ):
        self.filters = check_positive_int("filters", filters)
        self.kernel_size = _pair("kernel_size", kernel_size)
        self.strides = _pair("strides", strides)
        self.padding = _check_padding(padding)
        self.activation = activations_module.get(activation)
        if not isinstance(use_bias, bool):
            raise invalid("use_bias", "True or False", use_bias)
        self.use_bias = use_bias
        self.kernel_initializer = initializers_module.get(kernel_initializer, "kernel_initializer")
        self.bias_initializer = initializers_module.get(bias_initializer, "bias_initializer")
        self.kernel_regularizer = regularizers_module.get(kernel_regularizer)
        if not use_bias:
            self.param_names, self.grad_names = ("kernel",), ("kernel_grad",)
        super().__init__(name=name, input_shape=input_shape)

    def compute_output_shape(self, input_shape):
        h, w, _ = _check_image_shape("Conv2D", input_shape)
        ho, wo = _output_size(h, w, self.kernel_size, self.strides, self.padding, "kernel_size")
        return (ho, wo, self.filters)

    def build(self, input_shape):
        _, _, channels = _check_image_shape("Conv2D", input_shape)
        shape = (*self.kernel_size, channels, self.filters)
        self.kernel = self.kernel_initializer(shape, self.dtype)
        self.kernel_grad = np.zeros_like(self.kernel)
        if self.use_bias:
            self.bias = self.bias_initializer((self.filters,), self.dtype)
            self.bias_grad = np.zeros_like(self.bias)
        super().build(input_shape)

    def _pad(self, x: np.ndarray) -> np.ndarray:
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        _, top, bottom = _window_geometry(x.shape[1], kh, sh, self.padding)
        _, left, right = _window_geometry(x.shape[2], kw, sw, self.padding)
        self._pads = (top, left)
        if top == bottom == left == right == 0:
            return x
        return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> (N, Ho, Wo, F)."""
        if x.ndim != 4:
            _check_image_shape("Conv2D", x.shape[1:])
        _check_batch_ndim(self, x, "batch, height, width, channels")
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        ho, wo, f = self.output_shape
        xp = self._pad(x)  # (N, Hp, Wp, C)
        n, c = len(x), x.shape[-1]
        cols = np.empty((n, ho, wo, kh, kw, c), dtype=x.dtype)  # every window, one row each
        for i in range(kh):
            for j in range(kw):
                cols[:, :, :, i, j, :] = xp[:, i : i + sh * ho : sh, j : j + sw * wo : sw, :]
        cols = cols.reshape(n * ho * wo, kh * kw * c)
        z = np.dot(cols, self.kernel.reshape(kh * kw * c, f))  # (N Ho Wo, F)
        if self.use_bias:
            z += self.bias
        z = z.reshape(n, ho, wo, f)
        y = self.activation(z)
        self._x_shape, self._padded_shape, self._cols, self._z, self._y = (
            x.shape,
            xp.shape,
            cols,
            z,
            y,
        )
        return y

    @property
    def logits(self) -> np.ndarray:
        return self._z

    def backward(self, grad):
        """grad = dL/dy (N, Ho, Wo, F) -> dL/dx (N, H, W, C)."""
        dz = self.activation.backward(grad, self._z, self._y)
        return self.backward_from_logits(dz)

    def backward_params(self, grad):
        self.backward_from_logits(self.activation.backward(grad, self._z, self._y), False)

    def backward_from_logits(self, dz, need_input_grad: bool = True):
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        n, ho, wo, f = dz.shape
        c = self._x_shape[-1]
        dz2 = dz.reshape(-1, f)  # (N Ho Wo, F)
        _fast.dot_into(self._cols.T, dz2, self.kernel_grad.reshape(kh * kw * c, f))  # cols^T dz
        if self.use_bias:
            self.bias_grad[...] = dz2.sum(axis=0)  # (F,)
        if not need_input_grad:
            return None
        dcols = np.dot(dz2, self.kernel.reshape(kh * kw * c, f).T).reshape(n, ho, wo, kh, kw, c)
        dxp = np.zeros(self._padded_shape, dtype=dz.dtype)
        for i in range(kh):  # each window position sends its gradient back where it was read
            for j in range(kw):
                dxp[:, i : i + sh * ho : sh, j : j + sw * wo : sw, :] += dcols[:, :, :, i, j, :]
        top, left = self._pads
        h, w = self._x_shape[1:3]
        return dxp[:, top : top + h, left : left + w, :]

    def get_config(self):
        return {
            "name": self.name,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "activation": self.activation.name,
            "use_bias": self.use_bias,
        }


class MaxPooling2D(Layer):
    """The maximum of each pool_size window, channel by channel: (N, H, W, C) -> (N, Ho, Wo, C).

    ``strides`` defaults to ``pool_size`` (non-overlapping windows); ``padding="same"`` pads with
    -inf, so a padded cell is never the maximum. The gradient flows only to each window's
    maximum (the first one, in row-major order, on ties, as TensorFlow).
    """

    def __init__(
        self,
        pool_size=(2, 2),
        strides=None,
        padding: str = "valid",
        name: str | None = None,
        input_shape=None,
    ):
        self.pool_size = _pair("pool_size", pool_size)
        self.strides = self.pool_size if strides is None else _pair("strides", strides)
        self.padding = _check_padding(padding)
        super().__init__(name=name, input_shape=input_shape)

    def compute_output_shape(self, input_shape):
        h, w, c = _check_image_shape("MaxPooling2D", input_shape)
        ho, wo = _output_size(h, w, self.pool_size, self.strides, self.padding, "pool_size")
        return (ho, wo, c)

    def forward(self, x, training=False):
        """x: (N, H, W, C) -> (N, Ho, Wo, C)."""
        if x.ndim != 4:
            _check_image_shape("MaxPooling2D", x.shape[1:])
        _check_batch_ndim(self, x, "batch, height, width, channels")
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        ho, wo, _ = self.output_shape
        _, top, bottom = _window_geometry(x.shape[1], ph, sh, self.padding)
        _, left, right = _window_geometry(x.shape[2], pw, sw, self.padding)
        xp = x
        if top or bottom or left or right:
            xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=-np.inf)
        # windows: (N, Ho, Wo, ph * pw, C), the window's cells in row-major order
        windows = np.stack(
            [
                xp[:, i : i + sh * ho : sh, j : j + sw * wo : sw, :]
                for i in range(ph)
                for j in range(pw)
            ],
            axis=3,
        )
        self._argmax = windows.argmax(axis=3)  # (N, Ho, Wo, C): which cell won
        self._x_shape, self._padded_shape, self._pads = x.shape, xp.shape, (top, left)
        return windows.max(axis=3)

    def backward(self, grad):
        """grad (N, Ho, Wo, C) -> dL/dx (N, H, W, C): each window's gradient to its maximum."""
        (ph, pw), (sh, sw) = self.pool_size, self.strides
        _, ho, wo, _ = grad.shape
        dxp = np.zeros(self._padded_shape, dtype=grad.dtype)
        for k in range(ph * pw):
            i, j = divmod(k, pw)
            dxp[:, i : i + sh * ho : sh, j : j + sw * wo : sw, :] += grad * (self._argmax == k)
        top, left = self._pads
        h, w = self._x_shape[1:3]
        return dxp[:, top : top + h, left : left + w, :]

    def get_config(self):
        return {
            "name": self.name,
            "pool_size": self.pool_size,
            "strides": self.strides,
            "padding": self.padding,
        }


class BatchNormalization(Layer):
    """Normalise each feature (the last axis) over the batch, then scale and shift.

    In training (``fit``): y = gamma (x - mean) / sqrt(var + epsilon) + beta with the batch's
    mean and (biased) variance over every axis but the last, and the moving statistics are
    updated: moving = moving * momentum + batch * (1 - momentum). In inference (``predict``,
    ``evaluate``, validation) the moving statistics replace the batch's.

    Weights in Keras's order: gamma (ones), beta (zeros), both trained; moving_mean (zeros) and
    moving_variance (ones), not trained. Each has shape (features,).
    """

    param_names = ("gamma", "beta")
    grad_names = ("gamma_grad", "beta_grad")
    state_names = ("moving_mean", "moving_variance")

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        name: str | None = None,
        input_shape=None,
    ):
        if axis != -1:
            raise invalid("axis", "-1 (the last axis, the only one supported)", axis)
        if (
            isinstance(momentum, bool)
            or not isinstance(momentum, numbers.Real)
            or not (0 <= momentum <= 1)
        ):
            raise invalid("momentum", "a float in [0, 1]", momentum)
        if isinstance(epsilon, bool) or not isinstance(epsilon, numbers.Real) or not epsilon > 0:
            raise invalid("epsilon", "a positive float", epsilon)
        self.axis, self.momentum, self.epsilon = axis, float(momentum), float(epsilon)
        super().__init__(name=name, input_shape=input_shape)

    def build(self, input_shape):
        d = tuple(input_shape)[-1]
        self.gamma = np.ones(d, self.dtype)
        self.beta = np.zeros(d, self.dtype)
        self.gamma_grad, self.beta_grad = np.zeros_like(self.gamma), np.zeros_like(self.beta)
        self.moving_mean = np.zeros(d, self.dtype)
        self.moving_variance = np.ones(d, self.dtype)
        super().build(input_shape)

    def forward(self, x, training=False):
        """x: (N, ..., features) -> same shape."""
        axes = tuple(range(x.ndim - 1))
        f = x.dtype.type
        if training:
            mean = x.mean(axis=axes)  # (features,)
            centred = x - mean
            variance = (centred * centred).mean(axis=axes)  # biased, as tf.nn.moments
            m = f(self.momentum)
            self.moving_mean[...] = self.moving_mean * m + mean * f(1.0 - self.momentum)
            self.moving_variance[...] = self.moving_variance * m + variance * f(1.0 - self.momentum)
        else:
            mean, variance = self.moving_mean, self.moving_variance
            centred = x - mean
        inv_std = f(1) / np.sqrt(variance + f(self.epsilon))  # (features,)
        x_hat = centred * inv_std
        self._x_hat, self._inv_std, self._training = x_hat, inv_std, bool(training)
        return x_hat * self.gamma + self.beta

    def backward(self, grad):
        """grad (N, ..., features) -> dL/dx; in training through the batch mean and variance."""
        axes = tuple(range(grad.ndim - 1))
        x_hat = self._x_hat
        self.beta_grad[...] = grad.sum(axis=axes)
        self.gamma_grad[...] = (grad * x_hat).sum(axis=axes)
        scale = self.gamma * self._inv_std  # (features,)
        if not self._training:  # the statistics are constants
            return grad * scale
        m = grad.size // grad.shape[-1]  # values per feature in the batch
        # d/dx of gamma (x - mean) / std with mean and var from the batch itself:
        return scale * (grad - self.beta_grad / m - x_hat * (self.gamma_grad / m))

    def get_config(self):
        return {
            "name": self.name,
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
        }


class Embedding(Layer):
    """A lookup table: integer indices (N, ...) -> rows of ``embeddings`` (N, ..., output_dim).

    Args:
        input_dim: the vocabulary size (indices 0 .. input_dim - 1).
        output_dim: the length of each vector.
        embeddings: (input_dim, output_dim), uniform in [-0.05, 0.05] (Keras's "uniform").

    The gradient of a row is the sum of the output gradients of every position that looked it
    up; the inputs, being indices, get none (``backward`` returns zeros).
    """

    param_names = ("embeddings",)
    grad_names = ("embeddings_grad",)
    input_dtype = np.dtype(np.int64)

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        name: str | None = None,
        input_shape=None,
    ):
        self.input_dim = check_positive_int("input_dim", input_dim)
        self.output_dim = check_positive_int("output_dim", output_dim)
        self.embeddings_initializer = initializers_module.get(
            embeddings_initializer, "embeddings_initializer"
        )
        self.embeddings_regularizer = regularizers_module.get(
            embeddings_regularizer, "embeddings_regularizer"
        )
        super().__init__(name=name, input_shape=input_shape)

    @property
    def regularizers(self):
        reg = self.embeddings_regularizer
        return {} if reg is None else {"embeddings": reg}

    def build(self, input_shape):
        shape = (self.input_dim, self.output_dim)
        self.embeddings = self.embeddings_initializer(shape, self.dtype)
        self.embeddings_grad = np.zeros_like(self.embeddings)
        super().build(input_shape)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def forward(self, x, training=False):
        """x: integer indices (N, ...) -> (N, ..., output_dim)."""
        x = np.asarray(x)
        if x.dtype.kind == "f":
            if not np.all(np.mod(x, 1) == 0):
                raise ValueError(
                    f"Received an invalid value for `inputs`, expected integer indices for "
                    f"layer `{self.name}`. Received: inputs with non-integer values such as "
                    f"{x[np.mod(x, 1) != 0].flat[0].item()!r}"
                )
        elif x.dtype.kind not in "iu":
            raise invalid("inputs", "integer indices", x.dtype)
        indices = x.astype(np.intp, copy=False)
        if indices.size and (indices.min() < 0 or indices.max() >= self.input_dim):
            raise ValueError(
                f"Received an invalid value for `inputs`, expected indices in [0, "
                f"{self.input_dim - 1}] for layer `{self.name}` (input_dim={self.input_dim}). "
                f"Received: indices from {indices.min()} to {indices.max()}"
            )
        self._indices = indices
        return self.embeddings[indices]  # (N, ..., output_dim)

    def backward(self, grad):
        """grad (N, ..., output_dim): each row's gradient is the sum over its look-ups."""
        self.embeddings_grad[...] = 0
        np.add.at(
            self.embeddings_grad, self._indices.reshape(-1), grad.reshape(-1, self.output_dim)
        )
        return np.zeros(self._indices.shape, dtype=grad.dtype)

    def backward_params(self, grad):
        self.embeddings_grad[...] = 0
        np.add.at(
            self.embeddings_grad, self._indices.reshape(-1), grad.reshape(-1, self.output_dim)
        )

    def get_config(self):
        return {"name": self.name, "input_dim": self.input_dim, "output_dim": self.output_dim}
