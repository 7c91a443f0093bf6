"""Finite-difference gradient checks (float64) for activations, losses, layers and models.

>>> from course_lib.nn import gradcheck
>>> gradcheck(Dense(3, activation="tanh"), x)       # checks dL/dx, dL/dkernel, dL/dbias
>>> gradcheck(model, x, y)                           # every weight, through the compiled loss
>>> gradcheck(my_loss, w, my_gradient)               # any scalar function and its gradient
>>> gradcheck(lambda p: loss(p, X, y), params, grads)  # dicts: {"W1": ..., "b1": ...}

Each check compares the analytic gradient with the central difference
(f(w + eps) - f(w - eps)) / (2 eps), one entry at a time, and reports per parameter the relative
error ||analytic - numerical|| / max(||analytic|| + ||numerical||, 1e-8). A layer is checked
through L = sum(forward(x) * G) for a random upstream gradient G. Objects are copied and cast to
float64 first: the original is left untouched.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from course_lib.nn.activations import ActivationFunction
from course_lib.nn.layers import Layer
from course_lib.nn.losses import Loss
from course_lib.seeding import get_rng

__all__ = ["gradcheck", "numerical_gradient", "GradcheckResult", "GradientCheckError"]


class GradientCheckError(AssertionError):
    """Raised by :func:`gradcheck` when an analytic gradient disagrees with the numerical one."""


@dataclass
class GradcheckResult(Mapping):
    """Relative error per parameter (a mapping ``name -> error``), plus the gradients compared."""

    errors: dict[str, float]
    tolerance: float
    analytic: dict[str, np.ndarray] = field(repr=False, default_factory=dict)
    numerical: dict[str, np.ndarray] = field(repr=False, default_factory=dict)

    def __getitem__(self, key: str) -> float:
        return self.errors[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.errors)

    def __len__(self) -> int:
        return len(self.errors)

    @property
    def max_error(self) -> float:
        return max(self.errors.values(), default=0.0)

    @property
    def passed(self) -> bool:
        return self.max_error <= self.tolerance

    def failures(self) -> list[str]:
        return [k for k, v in self.errors.items() if not v <= self.tolerance]

    def mismatch_message(self) -> str:
        lines = []
        for name in self.failures():
            a, n = self.analytic[name], self.numerical[name]
            index = np.unravel_index(int(np.argmax(np.abs(a - n))), a.shape) if a.size else ()
            where = tuple(int(i) for i in index)
            lines.append(
                f"Gradient check failed for `{name}`: relative error {self.errors[name]:.2e} "
                f"exceeds the tolerance {self.tolerance:.0e}. Largest difference at index "
                f"{where}: analytic {a[index]:.6g} vs numerical {n[index]:.6g}."
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        width = max((len(k) for k in self.errors), default=4)
        rows = [f"{'parameter':<{width}}  relative error"]
        for name, err in self.errors.items():
            rows.append(f"{name:<{width}}  {err:.2e}  {'ok' if err <= self.tolerance else 'FAIL'}")
        return "\n".join(rows)


def numerical_gradient(
    f: Callable[[np.ndarray], float], w: np.ndarray, eps: float = 1e-5
) -> np.ndarray:
    """Central differences of the scalar function ``f`` at ``w`` (changed in place, restored).

    Returns an array shaped like ``w``: (f(w + eps e_i) - f(w - eps e_i)) / (2 eps).
    """
    grad = np.zeros(w.shape, dtype=np.float64)
    flat_w, flat_g = w.reshape(-1), grad.reshape(-1)
    for i in range(flat_w.size):
        old = flat_w[i]
        flat_w[i] = old + eps
        plus = float(f(w))
        flat_w[i] = old - eps
        minus = float(f(w))
        flat_w[i] = old
        flat_g[i] = (plus - minus) / (2 * eps)
    return grad


def _relative_error(a: np.ndarray, n: np.ndarray) -> float:
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-8))


def _as64(x) -> np.ndarray:
    return np.array(x, dtype=np.float64)


def gradcheck(
    target,
    x,
    y=None,
    *,
    eps: float = 1e-5,
    tolerance: float = 1e-6,
    training: bool = True,
    seed: int = 0,
    raise_on_failure: bool = True,
) -> GradcheckResult:
    """Compare analytic and finite-difference gradients in float64.

    Args:
        target: an activation, a loss (``y`` are the labels, ``x`` the predictions), a layer,
            a compiled ``Sequential`` (``y`` the labels), or a function ``f(w) -> float`` (then
            ``y`` is your analytic gradient of f at ``x``). ``x`` may also be a dict of
            parameters, e.g. ``{"W1": W1, "b1": b1}``, with ``f(params) -> float`` and ``y`` the
            dict of your gradients: each entry is checked and reported under its key.
        x: (N, ...) inputs (or the point ``w`` for a function).
        training: run layers in training mode (dropout masks are held fixed during the check).
        seed: seed of the random upstream gradient used for activations and layers.
        raise_on_failure: raise :class:`GradientCheckError` naming each mismatching parameter.

    Returns:
        a :class:`GradcheckResult`, mapping each checked name to its relative error.
    """
    upstream_rng = np.random.default_rng(seed)
    analytic: dict[str, np.ndarray] = {}
    numerical: dict[str, np.ndarray] = {}
    if isinstance(x, Mapping):
        analytic, numerical = _check_function_of_dict(target, x, y, eps)
        return _result(analytic, numerical, tolerance, raise_on_failure)
    x = _as64(x)

    from course_lib.nn.models import Sequential  # here to keep the import graph simple

    if isinstance(target, ActivationFunction):
        g = upstream_rng.standard_normal(x.shape)
        analytic["x"] = target.backward(g, x, target(x))
        numerical["x"] = numerical_gradient(lambda v: np.sum(target(v) * g), x.copy(), eps)
    elif isinstance(target, Loss):
        if y is None:
            raise ValueError(
                "Received an invalid value for `y`, expected the labels to check a "
                "loss with. Received: y=None"
            )
        analytic["y_pred"] = target.gradient(y, x)
        numerical["y_pred"] = numerical_gradient(lambda v: target(y, v), x.copy(), eps)
    elif isinstance(target, Layer):
        analytic, numerical = _check_layer(target, x, training, upstream_rng, eps)
    elif isinstance(target, Sequential):
        analytic, numerical = _check_model(target, x, y, training, eps)
    elif callable(target):
        if y is None:
            raise ValueError(
                "Received an invalid value for `y`, expected the analytic gradient "
                "of the function at `x`. Received: y=None"
            )
        analytic["x"] = _as64(y)
        if analytic["x"].shape != x.shape:
            raise ValueError(
                "Received an invalid value for `y`, expected a gradient of the same shape as "
                f"`x` {x.shape}. Received: y.shape={analytic['x'].shape}"
            )
        numerical["x"] = numerical_gradient(target, x.copy(), eps)
    else:
        raise TypeError(
            "Received an invalid value for `target`, expected an activation, a loss, a layer, "
            f"a Sequential model or a function. Received: target of type {type(target).__name__}"
        )
    return _result(analytic, numerical, tolerance, raise_on_failure)


def _result(analytic, numerical, tolerance, raise_on_failure) -> GradcheckResult:
    errors = {k: _relative_error(_as64(analytic[k]), numerical[k]) for k in analytic}
    result = GradcheckResult(
        errors, tolerance, {k: _as64(v) for k, v in analytic.items()}, numerical
    )
    if raise_on_failure and not result.passed:
        raise GradientCheckError(result.mismatch_message())
    return result


def _check_function_of_dict(f, params, grads, eps):
    """``f(params) -> float`` with ``params`` a dict of arrays, ``grads`` the same keys."""
    if not callable(f):
        raise TypeError(
            "Received an invalid value for `target`, expected a function f(params) -> float "
            f"when `x` is a dict of parameters. Received: target of type {type(f).__name__}"
        )
    if not isinstance(grads, Mapping) or set(grads) != set(params):
        received = sorted(grads) if isinstance(grads, Mapping) else grads
        raise ValueError(
            "Received an invalid value for `y`, expected a dict of gradients with the keys of "
            f"`x` {sorted(params)}. Received: y={received!r}"
        )
    point = {k: _as64(v) for k, v in params.items()}
    analytic, numerical = {}, {}
    for key in params:
        analytic[key] = _as64(grads[key])
        if analytic[key].shape != point[key].shape:
            raise ValueError(
                f"Received an invalid value for `y`, expected y[{key!r}] of shape "
                f"{point[key].shape}. Received: y[{key!r}].shape={analytic[key].shape}"
            )
        numerical[key] = numerical_gradient(lambda _: f(point), point[key], eps)
    return analytic, numerical


class _FrozenRandomness:
    """Replays the same random draws (dropout masks) at every evaluation: the state of
    ``get_rng()`` and of any generator the given layers own is saved, then restored on entry."""

    def __init__(self, layers=()):
        self.generators = [get_rng()] + [
            layer._rng for layer in layers if getattr(layer, "_rng", None) is not None
        ]
        self.states = [copy.deepcopy(g.bit_generator.state) for g in self.generators]

    def __enter__(self):
        for generator, state in zip(self.generators, self.states, strict=True):
            generator.bit_generator.state = copy.deepcopy(state)

    def __exit__(self, *exc):
        return False


def _check_layer(layer: Layer, x, training, upstream_rng, eps):
    if not layer.built:
        layer.build(x.shape[1:])
    layer = copy.deepcopy(layer)
    layer.set_dtype(np.float64)
    # Integer inputs (an Embedding's indices) have no gradient to check.
    integer_inputs = layer.input_dtype is not None and layer.input_dtype.kind in "iu"
    if integer_inputs:
        x = x.astype(layer.input_dtype)
    frozen = _FrozenRandomness([layer])
    with frozen:
        out = layer.forward(x, training=training)
    g = upstream_rng.standard_normal(out.shape)
    dx = layer.backward(g)
    analytic = {} if integer_inputs else {"x": dx}
    prefix = layer.name + "/"
    for pname, grad in zip(layer.param_names, layer.grads, strict=False):
        analytic[prefix + pname] = grad.copy()

    def objective(_):
        with frozen:
            return np.sum(layer.forward(x, training=training) * g)

    numerical = {} if integer_inputs else {"x": numerical_gradient(objective, x, eps)}
    for pname, param in zip(layer.param_names, layer.params, strict=False):
        numerical[prefix + pname] = numerical_gradient(objective, param, eps)
    with frozen:
        layer.forward(x, training=training)  # leave get_rng() as after one forward
    return analytic, numerical


def _check_model(model, x, y, training, eps):
    if not model.compiled:
        raise ValueError(
            "Received an invalid value for `target`, expected a compiled model (the loss is "
            f"what gets differentiated). Received: model `{model.name}`, never compiled"
        )
    if y is None:
        raise ValueError(
            "Received an invalid value for `y`, expected the labels to check a "
            "model with. Received: y=None"
        )
    if not model.built:
        model.build((None, *np.shape(x)[1:]))
    model = copy.deepcopy(model)
    model.set_dtype(np.float64)
    x = np.asarray(x, dtype=np.float64)
    frozen = _FrozenRandomness(model.layers)

    def loss_value(_=None):
        with frozen:
            return model.compute_loss(x, y, training=training)

    with frozen:
        gradients = model.compute_gradients(x, y, training=training)
    analytic, numerical = {}, {}
    grads = iter(gradients)
    for layer in model.layers:
        for pname, param in zip(layer.param_names, layer.params, strict=True):
            key = f"{layer.name}/{pname}"
            analytic[key] = next(grads)
            numerical[key] = numerical_gradient(loss_value, param, eps)
    return analytic, numerical
