"""Loss functions with Keras's numerics, looked up by name as in Keras.

Every loss returns the **batch mean** (Keras's ``"sum_over_batch_size"`` reduction: the
per-sample loss is averaged over the last axis, then over the batch) and its ``gradient`` is
already divided by the batch size, so a layer can use it as is.

The crossentropies also work **from logits** (the input of the last sigmoid or softmax). A
compiled model whose last activation is sigmoid or softmax uses that path, as Keras's TensorFlow
backend does: no clipping, and the gradient with respect to the logits is (p - y) / N.
"""

from __future__ import annotations

import numpy as np

from course_lib.nn._fast import ZERO as _ZERO
from course_lib.nn._validation import lookup
from course_lib.nn.activations import sigmoid as _sigmoid
from course_lib.nn.activations import softmax as _softmax

__all__ = [
    "EPSILON",
    "Loss",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "get",
    "ALL_LOSSES",
]

#: Keras's ``backend.epsilon()``: probabilities are clipped to [EPSILON, 1 - EPSILON].
EPSILON = 1e-7


def _align(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Keras's ``squeeze_or_expand_to_same_rank`` for labels: (N,) next to (N, 1) -> (N, 1)."""
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        return y_true.reshape(y_true.shape[:-1])
    if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        return y_true.reshape(*y_true.shape, 1)
    return y_true


def _shape(shape: tuple) -> str:
    return (
        "("
        + ", ".join("None" if i == 0 else str(d) for i, d in enumerate(shape))
        + (",)" if len(shape) == 1 else ")")
    )


def _logsumexp(z: np.ndarray) -> np.ndarray:
    """log(sum(exp(z))) over the last axis, shape (N,), stable."""
    m = z.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True)))[..., 0]


class Loss:
    """Base class. ``loss(y_true, y_pred)`` is the batch mean; ``gradient`` is dL/dy_pred."""

    name = "loss"
    #: Whether the loss can be computed from logits (the crossentropies).
    supports_logits = False

    def __init__(self, from_logits: bool = False):
        if not isinstance(from_logits, bool):
            raise TypeError(
                "Received an invalid value for `from_logits`, expected True or False. "
                f"Received: from_logits={from_logits!r}"
            )
        if from_logits and not self.supports_logits:
            raise ValueError(
                f"Received an invalid value for `from_logits`, expected False: {self.name} "
                "has no logits form. Received: from_logits=True"
            )
        self.from_logits = from_logits

    # --- public, NumPy-friendly ---------------------------------------------------------
    def __call__(self, y_true, y_pred) -> float:
        """The batch mean of the per-sample losses (a Python float)."""
        y_true, y_pred = self._inputs(y_true, y_pred)
        if self.from_logits:
            return float(self.value_and_gradient_from_logits(y_true, y_pred)[0])
        return float(self.value_and_gradient(y_true, y_pred)[0])

    def gradient(self, y_true, y_pred) -> np.ndarray:
        """dL/dy_pred, shape of ``y_pred``, already divided by the batch size."""
        y_true, y_pred = self._inputs(y_true, y_pred)
        if self.from_logits:
            return self.value_and_gradient_from_logits(y_true, y_pred)[1]
        return self.value_and_gradient(y_true, y_pred)[1]

    def per_sample(self, y_true, y_pred) -> np.ndarray:
        """The loss of each sample, shape (N,) (Keras's function form, e.g. ``keras.losses.mse``)."""
        y_true, y_pred = self._inputs(y_true, y_pred)
        return self._per_sample(y_true, y_pred, self.from_logits)

    def get_config(self) -> dict:
        return {"from_logits": self.from_logits} if self.supports_logits else {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    # --- used by the engine on prepared arrays --------------------------------------------
    def prepare_targets(self, y_true: np.ndarray, output_shape: tuple, dtype=np.float32):
        """Labels checked against the model output (N, ...) and shaped for this loss."""
        y_true = np.asarray(y_true)
        aligned = _align(y_true, np.empty((1,) * len(output_shape)))
        if aligned.shape[1:] != tuple(output_shape[1:]):
            raise self._shape_error(y_true, output_shape)
        return np.ascontiguousarray(aligned, dtype=dtype)

    def value_and_gradient(self, y_true, y_pred):
        """(batch mean, dL/dy_pred / N) on aligned arrays."""
        raise NotImplementedError

    def value_and_gradient_from_logits(self, y_true, logits, probabilities=None):
        """(batch mean, dL/dlogits / N) on aligned arrays, for the crossentropies.

        ``probabilities``: the sigmoid or softmax of ``logits`` when the caller has it already
        (a model's output), so that it is not computed twice."""
        raise NotImplementedError

    def _per_sample(self, y_true, y_pred, from_logits):
        raise NotImplementedError

    def _inputs(self, y_true, y_pred):
        y_pred = np.asarray(y_pred)
        if y_pred.dtype.kind != "f":
            y_pred = y_pred.astype(np.float32)
        if y_pred.ndim == 1:
            y_pred = (
                y_pred[:, None] if not isinstance(self, SparseCategoricalCrossentropy) else y_pred
            )
        y_true = self.prepare_targets(y_true, y_pred.shape, dtype=self._target_dtype(y_pred))
        if len(y_true) != len(y_pred):
            raise ValueError(
                "Received an invalid value for `y_true`, expected as many samples as `y_pred` "
                f"({len(y_pred)}). Received: y_true.shape={y_true.shape}"
            )
        return y_true, y_pred

    def _target_dtype(self, y_pred):
        return y_pred.dtype

    def _shape_error(self, y_true, output_shape) -> ValueError:
        return ValueError(
            f"Received an invalid value for `y`, expected labels of shape {_shape(output_shape)} "
            f"to match the model output for the loss {self.name}. "
            f"Received: y.shape={y_true.shape}"
        )


class BinaryCrossentropy(Loss):
    """-(y log p + (1 - y) log(1 - p)), p clipped to [1e-7, 1 - 1e-7]; labels in [0, 1]."""

    name = "binary_crossentropy"
    supports_logits = True

    def prepare_targets(self, y_true, output_shape, dtype=np.float32):
        y = np.asarray(y_true)
        y_aligned = _align(y, np.empty((1,) * len(output_shape)))
        if y_aligned.shape[1:] != tuple(output_shape[1:]):
            hint = ""
            if output_shape[-1] == 1 and y.ndim == 2 and y.shape[-1] > 1:
                hint = (
                    " Hint: labels with several columns look one-hot; for several classes use "
                    "a softmax output with categorical_crossentropy."
                )
            raise ValueError(
                f"Received an invalid value for `y`, expected labels of shape "
                f"{_shape(output_shape)} with values in [0, 1] for binary_crossentropy. "
                f"Received: y.shape={y.shape}.{hint}"
            )
        if y.size and (np.nanmin(y) < 0 or np.nanmax(y) > 1):
            raise ValueError(
                "Received an invalid value for `y`, expected labels in [0, 1] for "
                f"binary_crossentropy. Received: y with values from {np.nanmin(y).item()!r} to "
                f"{np.nanmax(y).item()!r}. Hint: for integer class labels 0..K-1 use a softmax output "
                "with K units and sparse_categorical_crossentropy."
            )
        return np.ascontiguousarray(y_aligned, dtype=dtype)

    def value_and_gradient(self, y_true, y_pred):
        count = y_pred.size
        p = np.clip(y_pred, EPSILON, 1 - EPSILON)
        value = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)).sum() / count
        # d/dp of -(y log p + (1-y) log(1-p)); zero where the clip was active (as TensorFlow).
        grad = ((p - y_true) / (p * (1 - p))) * (p == y_pred) / count
        return value, grad.astype(y_pred.dtype, copy=False)

    def value_and_gradient_from_logits(self, y_true, logits, probabilities=None):
        """``probabilities``: sigmoid(logits) when the caller has them (the model's output)."""
        count = logits.size
        # log(1 + e^z) - z y = max(z, 0) - z y + log(1 + exp(-|z|)), TensorFlow's
        # sigmoid_cross_entropy_with_logits; np.logaddexp(0, z) computes the first term so.
        value = (np.logaddexp(_ZERO, logits) - logits * y_true).sum()
        p = _sigmoid(logits) if probabilities is None else probabilities
        grad = (p - y_true) / count
        return value / count, grad.astype(logits.dtype, copy=False)

    def _per_sample(self, y_true, y_pred, from_logits):
        if from_logits:
            per = np.logaddexp(_ZERO, y_pred) - y_pred * y_true
        else:
            p = np.clip(y_pred, EPSILON, 1 - EPSILON)
            per = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
        return per.mean(axis=-1)


class CategoricalCrossentropy(Loss):
    """-sum(y log p) over the classes, p renormalised and clipped as Keras; one-hot labels."""

    name = "categorical_crossentropy"
    supports_logits = True

    def prepare_targets(self, y_true, output_shape, dtype=np.float32):
        y = np.asarray(y_true)
        if y.shape[1:] != tuple(output_shape[1:]):
            hint = ""
            if y.ndim == 1 or (y.ndim == 2 and y.shape[-1] == 1):
                hint = (
                    " Hint: these look like integer class labels; use "
                    "sparse_categorical_crossentropy, or one-hot encode them."
                )
            raise ValueError(
                "Received an invalid value for `y`, expected one-hot labels of shape "
                f"{_shape(output_shape)} for categorical_crossentropy. "
                f"Received: y.shape={y.shape}.{hint}"
            )
        return np.ascontiguousarray(y, dtype=dtype)

    def value_and_gradient(self, y_true, y_pred):
        n = len(y_pred)
        total = y_pred.sum(axis=-1, keepdims=True)
        q = y_pred / total
        p = np.clip(q, EPSILON, 1 - EPSILON)
        value = -(y_true * np.log(p)).sum() / n
        dq = -(y_true / p) * (p == q)  # zero where the clip was active
        grad = (dq - (dq * q).sum(axis=-1, keepdims=True)) / total / n
        return value, grad.astype(y_pred.dtype, copy=False)

    def value_and_gradient_from_logits(self, y_true, logits, probabilities=None):
        n = len(logits)
        lse = _logsumexp(logits)
        y_sum = y_true.sum(axis=-1)
        value = (y_sum * lse - (y_true * logits).sum(axis=-1)).sum() / n
        p = _softmax(logits) if probabilities is None else probabilities
        grad = (p * y_sum[..., None] - y_true) / n
        return value, grad.astype(logits.dtype, copy=False)

    def _per_sample(self, y_true, y_pred, from_logits):
        if from_logits:
            return y_true.sum(axis=-1) * _logsumexp(y_pred) - (y_true * y_pred).sum(axis=-1)
        q = y_pred / y_pred.sum(axis=-1, keepdims=True)
        return -(y_true * np.log(np.clip(q, EPSILON, 1 - EPSILON))).sum(axis=-1)


class SparseCategoricalCrossentropy(Loss):
    """-log p[label] for integer labels 0..K-1 (shape (N,) or (N, 1))."""

    name = "sparse_categorical_crossentropy"
    supports_logits = True

    def prepare_targets(self, y_true, output_shape, dtype=np.int64):
        y = np.asarray(y_true)
        if y.ndim == len(output_shape) and y.shape[-1] == 1:
            y = y.reshape(y.shape[:-1])
        n_classes = output_shape[-1]
        if y.shape[1:] != tuple(output_shape[1:-1]):
            hint = ""
            if y.ndim == len(output_shape) and y.shape[-1] == n_classes:
                hint = " Hint: these look one-hot encoded; use categorical_crossentropy."
            raise ValueError(
                "Received an invalid value for `y`, expected integer class labels of shape "
                f"{_shape(output_shape[:-1])} or {_shape(output_shape[:-1] + (1,))} for "
                f"sparse_categorical_crossentropy. Received: y.shape={y.shape}.{hint}"
            )
        if y.size:
            if y.dtype.kind == "f" and not np.all(np.mod(y, 1) == 0):
                raise ValueError(
                    "Received an invalid value for `y`, expected integer class labels for "
                    "sparse_categorical_crossentropy. Received: y with non-integer values such "
                    f"as {y[np.mod(y, 1) != 0].flat[0].item()!r}"
                )
            if y.min() < 0 or y.max() >= n_classes:
                raise ValueError(
                    f"Received an invalid value for `y`, expected class labels in [0, "
                    f"{n_classes - 1}] for a model output with {n_classes} units. "
                    f"Received: y with values from {y.min().item()!r} to {y.max().item()!r}"
                )
        return np.ascontiguousarray(y, dtype=np.int64)

    def _target_dtype(self, y_pred):
        return np.int64

    @staticmethod
    def _pick(a, labels):
        return np.take_along_axis(a, labels[..., None], axis=-1)[..., 0]

    def value_and_gradient(self, y_true, y_pred):
        n = len(y_pred)
        p = np.clip(y_pred, EPSILON, 1 - EPSILON)
        log_p = np.log(p)
        # TensorFlow feeds log(p) to sparse_softmax_cross_entropy_with_logits.
        value = (_logsumexp(log_p) - self._pick(log_p, y_true)).sum() / n
        dlog = p / p.sum(axis=-1, keepdims=True)
        np.put_along_axis(dlog, y_true[..., None], self._pick(dlog, y_true)[..., None] - 1, -1)
        grad = dlog / p * (p == y_pred) / n
        return value, grad.astype(y_pred.dtype, copy=False)

    def value_and_gradient_from_logits(self, y_true, logits, probabilities=None):
        n = len(logits)
        value = (_logsumexp(logits) - self._pick(logits, y_true)).sum() / n
        grad = _softmax(logits) if probabilities is None else probabilities.copy()
        np.put_along_axis(grad, y_true[..., None], self._pick(grad, y_true)[..., None] - 1, -1)
        return value, (grad / n).astype(logits.dtype, copy=False)

    def _per_sample(self, y_true, y_pred, from_logits):
        z = y_pred if from_logits else np.log(np.clip(y_pred, EPSILON, 1 - EPSILON))
        return _logsumexp(z) - self._pick(z, y_true)


class MeanSquaredError(Loss):
    """mean((y_pred - y_true)^2) over the last axis, then over the batch."""

    name = "mean_squared_error"

    def value_and_gradient(self, y_true, y_pred):
        diff = y_pred - y_true
        count = diff.size
        return (diff * diff).sum() / count, diff * (2 / count)

    def _per_sample(self, y_true, y_pred, from_logits):
        return ((y_pred - y_true) ** 2).mean(axis=-1)


class MeanAbsoluteError(Loss):
    """mean(|y_pred - y_true|) over the last axis, then over the batch (gradient sign/N)."""

    name = "mean_absolute_error"

    def value_and_gradient(self, y_true, y_pred):
        diff = y_pred - y_true
        count = diff.size
        return np.abs(diff).sum() / count, np.sign(diff) * (1 / count)

    def _per_sample(self, y_true, y_pred, from_logits):
        return np.abs(y_pred - y_true).mean(axis=-1)


_BY_NAME = {
    "binary_crossentropy": BinaryCrossentropy,
    "binarycrossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "categoricalcrossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "sparsecategoricalcrossentropy": SparseCategoricalCrossentropy,
    "mean_squared_error": MeanSquaredError,
    "meansquarederror": MeanSquaredError,
    "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "meanabsoluteerror": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
}


#: The names ``get`` accepts (class names such as "MeanSquaredError" work too).
ALL_LOSSES = (
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "mean_squared_error",
    "mse",
    "mean_absolute_error",
    "mae",
)


def get(identifier: str | Loss) -> Loss:
    """A loss object for a name (``"mse"``, ``"binary_crossentropy"``, ...) or a loss object."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, str):
        return lookup("loss", identifier, _BY_NAME, names=ALL_LOSSES)()
    raise TypeError(
        "Received an invalid value for `loss`, expected a name such as 'binary_crossentropy' "
        f"or a Loss object. Received: loss={identifier!r} of type {type(identifier).__name__}"
    )
