"""Metrics with Keras's semantics: stateful means over every sample seen.

``update_state(y_true, y_pred)`` adds a batch, ``result()`` gives the mean so far and
``reset_state()`` starts again. The string ``"accuracy"`` is resolved from the shapes as Keras
does (see :func:`resolve_accuracy`).
"""

from __future__ import annotations

import numpy as np

from course_lib.nn._validation import lookup
from course_lib.nn.losses import _align

__all__ = [
    "Metric",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "resolve_accuracy",
    "get",
    "ALL_METRICS",
]


class Metric:
    """Mean of a per-sample value over every sample given to ``update_state``."""

    name = "metric"

    def __init__(self, name: str | None = None):
        if name is not None:
            self.name = name
        self.reset_state()

    def reset_state(self) -> None:
        self.total = 0.0
        self.count = 0

    def update_state(self, y_true, y_pred) -> None:
        y_pred = np.asarray(y_pred)
        if y_pred.ndim == 1:
            y_pred = y_pred[:, None]
        y_true = self.prepare_targets(y_true, y_pred.shape)
        self.update_prepared(y_true, y_pred)

    def update_prepared(self, y_true: np.ndarray, y_pred: np.ndarray) -> None:
        """``update_state`` on labels already returned by :meth:`prepare_targets`."""
        self.total += float(self.batch_sum(y_true, y_pred))
        self.count += len(y_pred)

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0

    def __call__(self, y_true, y_pred) -> float:
        """The metric on one batch alone (the state is left untouched)."""
        y_pred = np.asarray(y_pred)
        if y_pred.ndim == 1:
            y_pred = y_pred[:, None]
        y_true = self.prepare_targets(y_true, y_pred.shape)
        return float(self.batch_sum(y_true, y_pred)) / len(y_pred)

    def prepare_targets(self, y_true, output_shape: tuple) -> np.ndarray:
        y = _align(np.asarray(y_true), np.empty((1,) * len(output_shape)))
        return np.ascontiguousarray(y, dtype=np.float32)

    def batch_sum(self, y_true: np.ndarray, y_pred: np.ndarray) -> float:
        """The sum over the batch of the per-sample values."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


class BinaryAccuracy(Metric):
    """Share of outputs on the right side of ``threshold`` (``y_pred > 0.5`` counts as 1)."""

    name = "binary_accuracy"

    def __init__(self, name: str | None = None, threshold: float = 0.5):
        self.threshold = threshold
        super().__init__(name)

    def prepare_targets(self, y_true, output_shape):
        y = super().prepare_targets(y_true, output_shape)
        # 0/1 labels as booleans: compared with the booleans y_pred > threshold, NumPy skips a
        # conversion per batch. Other labels (soft ones) stay floats and, as in Keras, never
        # count as hits.
        return y.astype(bool) if np.all((y == 0) | (y == 1)) else y

    def batch_sum(self, y_true, y_pred):
        hits = np.count_nonzero((y_pred > self.threshold) == y_true)
        return hits / y_pred.shape[-1] if y_pred.ndim > 1 else hits


class CategoricalAccuracy(Metric):
    """Share of samples whose largest output is the one-hot label's class."""

    name = "categorical_accuracy"

    def prepare_targets(self, y_true, output_shape):
        return np.asarray(y_true).argmax(axis=-1)

    def batch_sum(self, y_true, y_pred):
        return np.count_nonzero(y_pred.argmax(axis=-1) == y_true)


class SparseCategoricalAccuracy(Metric):
    """Share of samples whose largest output is the integer label."""

    name = "sparse_categorical_accuracy"

    def prepare_targets(self, y_true, output_shape):
        y = np.asarray(y_true)
        if y.ndim == len(output_shape) and y.shape[-1] == 1:
            y = y.reshape(y.shape[:-1])
        return y

    def batch_sum(self, y_true, y_pred):
        return np.count_nonzero(y_pred.argmax(axis=-1) == y_true)


class MeanAbsoluteError(Metric):
    """mean(|y_pred - y_true|) over the last axis, then over the samples."""

    name = "mean_absolute_error"

    def batch_sum(self, y_true, y_pred):
        return np.abs(y_pred - y_true).mean(axis=-1).sum()


class MeanSquaredError(Metric):
    """mean((y_pred - y_true)^2) over the last axis, then over the samples."""

    name = "mean_squared_error"

    def batch_sum(self, y_true, y_pred):
        d = y_pred - y_true
        return (d * d).mean(axis=-1).sum()


def resolve_accuracy(y_true_shape: tuple, y_pred_shape: tuple, name: str = "accuracy") -> Metric:
    """Keras's reading of ``"accuracy"``: binary when the output has one unit, sparse
    categorical when the labels have a lower rank (or one column against several units),
    categorical otherwise."""
    if y_pred_shape[-1] == 1:
        return BinaryAccuracy(name=name)
    if len(y_true_shape) < len(y_pred_shape) or (y_true_shape[-1] == 1 and y_pred_shape[-1] > 1):
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


_BY_NAME = {
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
}
#: The names ``get`` accepts.
ALL_METRICS = ("accuracy", "acc", *_BY_NAME)


def get(identifier, y_true_shape: tuple | None = None, y_pred_shape: tuple | None = None) -> Metric:
    """A metric for a name or object; ``"accuracy"`` needs the label and output shapes.

    As in Keras, the History key is the string given (``"mae"`` stays ``"mae"``).
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if not isinstance(identifier, str):
        raise TypeError(
            "Received an invalid value for `metrics`, expected names such as 'accuracy' or "
            f"Metric objects. Received: metrics entry {identifier!r} of type "
            f"{type(identifier).__name__}"
        )
    if identifier.lower() in ("accuracy", "acc"):
        if y_true_shape is None or y_pred_shape is None:
            return BinaryAccuracy(name=identifier)
        return resolve_accuracy(y_true_shape, y_pred_shape, name=identifier)
    cls = lookup("metric", identifier, _BY_NAME, argument="metrics", names=ALL_METRICS)
    return cls(name=identifier)
