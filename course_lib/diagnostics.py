"""What happens inside a network while it trains: per-layer activations and gradients, clipping.

Karpathy's "makemore part 3" habit, for the NumPy engine: after a forward and backward pass, look
at the distribution of every layer's outputs (are tanh units saturated at +-1? are ReLU units
dead?) and of the gradient each layer receives (does it vanish towards the input, or explode?)::

    record = layer_statistics(model, X_batch, y_batch)
    record.activations[0]            # (N, units) output of the first layer
    record.output_gradients[0]       # (N, units) dL/d(output of the first layer)
    record.kernel_gradients[0]       # (fan_in, units) dL/dW of the first Dense layer
    saturation(record.activations[0])   # fraction of |a| > 0.97

and gradient-norm clipping, the fix for exploding gradients (Keras's ``global_clipnorm``)::

    clipped, norm = clip_by_global_norm(model.compute_gradients(x, y), max_norm=1.0)

This module never imports TensorFlow.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "LayerRecord",
    "clip_by_global_norm",
    "global_norm",
    "layer_statistics",
    "saturation",
]


def _check_arrays(name: str, arrays) -> list[np.ndarray]:
    if isinstance(arrays, np.ndarray) or not isinstance(arrays, Sequence) or not arrays:
        raise TypeError(
            f"Received an invalid value for `{name}`, expected a non-empty list of arrays "
            f"(one per weight). Received: {name} of type {type(arrays).__name__}"
        )
    return [np.asarray(a) for a in arrays]


def global_norm(grads: Sequence[np.ndarray]) -> float:
    """sqrt(sum of every squared entry of every array): the norm of all gradients as one vector.

    Computed in float64, so float32 gradients of 1e20 do not overflow.
    """
    grads = _check_arrays("grads", grads)
    return float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads)))


def clip_by_global_norm(
    grads: Sequence[np.ndarray], max_norm: float
) -> tuple[list[np.ndarray], float]:
    """Scale all gradients by ``max_norm / global_norm`` when their global norm exceeds it.

    The direction of the step is kept; only its length is capped. This is
    ``tf.clip_by_global_norm`` and Keras's ``optimizer(global_clipnorm=max_norm)``.

    Args:
        grads: the gradients, e.g. ``model.compute_gradients(x, y)`` (a list of arrays).
        max_norm: the largest global norm allowed, > 0.

    Returns:
        ``(clipped, norm)``: new arrays (same shapes and dtypes; the inputs are not changed) and
        the global norm *before* clipping.
    """
    if isinstance(max_norm, bool) or not isinstance(max_norm, numbers.Real):
        raise TypeError(
            "Received an invalid value for `max_norm`, expected a positive number. "
            f"Received: max_norm={max_norm!r} of type {type(max_norm).__name__}"
        )
    if not np.isfinite(max_norm) or max_norm <= 0:
        raise ValueError(
            "Received an invalid value for `max_norm`, expected a positive number. "
            f"Received: max_norm={max_norm!r}"
        )
    grads = _check_arrays("grads", grads)
    norm = global_norm(grads)
    scale = max_norm / norm if norm > max_norm else 1.0
    return [(g * scale).astype(g.dtype, copy=False) for g in grads], norm


def saturation(activations: np.ndarray, threshold: float = 0.97) -> float:
    """Fraction of entries with ``|a| > threshold``: tanh units stuck at +-1 pass no gradient."""
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or threshold < 0:
        raise ValueError(
            "Received an invalid value for `threshold`, expected a non-negative number. "
            f"Received: threshold={threshold!r}"
        )
    a = np.asarray(activations)
    if a.size == 0:
        raise ValueError(
            "Received an invalid value for `activations`, expected a non-empty array. "
            f"Received: activations.shape={a.shape}"
        )
    return float(np.mean(np.abs(a) > threshold))


@dataclass
class LayerRecord:
    """One forward and backward pass, layer by layer (input side first).

    ``names[i]``, ``activations[i]`` (N, units) and ``output_gradients[i]`` (N, units, the
    gradient dL/d(output of layer i)) are lined up over the model's layers;
    ``kernel_gradients`` holds dL/dW of every layer that has a kernel, input side first, with
    ``kernel_names`` naming them. ``loss`` is the batch's loss (the compiled loss, no penalties).
    """

    names: list[str] = field(default_factory=list)
    activations: list[np.ndarray] = field(default_factory=list)
    output_gradients: list[np.ndarray] = field(default_factory=list)
    kernel_names: list[str] = field(default_factory=list)
    kernel_gradients: list[np.ndarray] = field(default_factory=list)
    loss: float = float("nan")

    def summary(self) -> list[dict]:
        """Per layer: name, mean and std of the outputs, saturation, std of dL/d(output)."""
        return [
            {
                "layer": name,
                "mean": float(a.mean()),
                "std": float(a.std()),
                "saturated": saturation(a),
                "grad_std": float(g.std()),
            }
            for name, a, g in zip(self.names, self.activations, self.output_gradients, strict=True)
        ]


def layer_statistics(model, x, y, training: bool = True) -> LayerRecord:
    """Forward ``x`` through ``model`` layer by layer, then back from the compiled loss at ``y``.

    Records every layer's output and the gradient of the loss with respect to it (what
    backpropagation hands that layer), and every kernel's gradient. The model must be built and
    compiled (``model.loss`` is used, as in ``fit``); the weights are not changed.

    Args:
        model: a compiled ``course_lib.nn.Sequential``.
        x: inputs, shape (N, *input_shape).
        y: targets in the form ``fit`` takes them (for binary cross-entropy, (N,) or (N, 1)).
        training: run dropout and similar layers in training mode (as ``fit`` does).
    """
    loss = getattr(model, "loss", None)
    layers = getattr(model, "layers", None)
    if loss is None or not hasattr(loss, "gradient") or layers is None:
        raise ValueError(
            "Received an invalid value for `model`, expected a compiled course_lib.nn.Sequential "
            f"(call model.compile(...) first). Received: model={model!r}"
        )
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    if len(x) != len(y):
        raise ValueError(
            "Received an invalid value for `x`/`y`, expected the same number of samples. "
            f"Received: len(x)={len(x)}, len(y)={len(y)}"
        )
    record = LayerRecord()
    out = x
    for layer in layers:
        out = layer.forward(out, training=training)
        record.names.append(layer.name)
        record.activations.append(np.array(out, copy=True))
    y_true = y.reshape(out.shape) if y.size == out.size else y
    record.loss = float(loss(y_true, out))
    grad = loss.gradient(y_true, out)
    output_gradients = []
    for layer in reversed(layers):
        output_gradients.append(np.array(grad, copy=True))
        grad = layer.backward(grad)
        kernel = getattr(layer, "kernel_grad", None)
        if kernel is not None:
            record.kernel_names.append(layer.name)
            record.kernel_gradients.append(np.array(kernel, copy=True))
    record.output_gradients = output_gradients[::-1]
    record.kernel_names.reverse()
    record.kernel_gradients.reverse()
    return record
