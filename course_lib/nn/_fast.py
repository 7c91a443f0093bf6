"""The engine's speed kernels, kept apart from the code a learner reads.

Nothing here changes a number: each trick only removes overhead that NumPy adds on the small
arrays of a training step (a batch of 32 through layers of 16-128 units, where a whole step takes
40-100 us and one NumPy call costs 1-5 us of dispatch on its own). What each buys, measured on
the course machine (2-core AMD EPYC, numpy 2.4, OpenBLAS 0.3.31, one BLAS thread; ``timeit``,
best of 7, while other jobs kept the load average near 4-15, so read the ratios, not the
microseconds):

``FlatWeights``
    Every trainable array of a model is a view into one contiguous vector, its gradient a view
    into a second. The optimizer then updates all weights with about a dozen vector operations
    instead of a dozen per array: one Adam step took 44 us instead of 164 us for the deep
    model's 10 arrays, 14 us instead of 85 us for the seed model's 6.
``blas_limit``
    One BLAS thread inside ``fit``/``evaluate``/``predict``: two OpenBLAS threads that spin-wait
    for each other on a busy 2-core machine were measured up to 50x slower on these products
    (benchmarks/README.md).
``ZERO``, ``ONE``, ``zeros_like``
    0 and 1 as 0-d float32 arrays, and cached arrays of zeros. On a (32, 64) float32 array
    ``z > ZERO`` and ``ONE + z`` take 0.55-0.6x the time of ``z > 0`` and ``1 + z`` (NumPy
    converts a Python number on every call), and ``np.maximum(z, zeros)`` 0.35x the time of
    ``np.maximum(z, 0)`` (the array-array loop is vectorised, the scalar one is not).
``dot_into`` and ``ones``
    ``np.dot`` writing straight into a gradient array: 0.7x the time of
    ``kernel_grad[...] = x.T @ dz`` (no temporary, no copy). Bias gradients as ``ones @ dz``: one
    BLAS call, 0.16x the time of ``dz.sum(axis=0)`` on a (32, 64) array.
"""

from __future__ import annotations

import contextlib

import numpy as np

__all__ = [
    "BLAS_THREADS",
    "FlatWeights",
    "blas_limit",
    "quiet_floating_point",
    "ZERO",
    "ONE",
    "zeros_like",
    "dot_into",
    "ones",
]

#: BLAS threads used inside fit/evaluate/predict (None: leave NumPy's setting alone). Needs
#: threadpoolctl (a dependency of the engine); without it this setting is ignored.
BLAS_THREADS: int | None = 1
_blas_controller = None


def blas_limit():
    """A context manager limiting BLAS threads to ``BLAS_THREADS`` (or doing nothing)."""
    global _blas_controller
    if BLAS_THREADS is None:
        return contextlib.nullcontext()
    if _blas_controller is None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _blas_controller = False
        else:
            _blas_controller = ThreadpoolController()
    if _blas_controller is False:
        return contextlib.nullcontext()
    return _blas_controller.limit(limits=BLAS_THREADS, user_api="blas")


def quiet_floating_point():
    """No NumPy warnings for overflow etc.: a diverging run is reported by ``fit`` itself."""
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")


class FlatWeights:
    """The trainable arrays of ``layers`` as views into one vector (gradients into another).

    ``params``/``grads`` are the two vectors the optimizer updates. A layer's attribute can be
    replaced behind the model's back: by hand (``layer.kernel = array``) or by a second model
    sharing the layer (which points the layer at *its* vectors). ``claim()``, called at the start
    of every epoch and training call, notices either, copies the layer's current values into
    this model's vector and points the layer back at it, so that nothing is left untrained.
    """

    def __init__(self, layers, dtype):
        self.entries = [
            (layer, p, g)
            for layer in layers
            for p, g in zip(layer.param_names, layer.grad_names, strict=True)
        ]
        total = sum(getattr(layer, p).size for layer, p, _ in self.entries)
        self.params = np.empty(total, dtype=dtype)
        self.grads = np.zeros(total, dtype=dtype)
        self.views: list[tuple[np.ndarray, np.ndarray]] = []
        offset = 0
        for layer, p, g in self.entries:
            value = getattr(layer, p)
            size, shape = value.size, value.shape
            view = self.params[offset : offset + size].reshape(shape)
            grad_view = self.grads[offset : offset + size].reshape(shape)
            view[...] = value
            setattr(layer, p, view)
            setattr(layer, g, grad_view)
            self.views.append((view, grad_view))
            offset += size

    def claim(self) -> None:
        """Point every layer back at this model's views, keeping the layer's current values."""
        for (layer, p, g), (view, grad_view) in zip(self.entries, self.views, strict=True):
            value = getattr(layer, p)
            if value is not view:
                value = np.asarray(value)
                if value.shape != view.shape:
                    raise ValueError(
                        f"Received an invalid value for `{layer.name}.{p}`, expected an array of "
                        f"shape {view.shape} (the shape the layer was built with). Received: "
                        f"an array of shape {value.shape}. Build a new layer to change shapes."
                    )
                view[...] = value
                setattr(layer, p, view)
            if getattr(layer, g) is not grad_view:
                setattr(layer, g, grad_view)


# 0 and 1 as 0-d float32 arrays: they keep a float32 or float64 array's dtype, like the Python
# numbers, but NumPy does not have to convert them on every call.
ZERO = np.zeros((), dtype=np.float32)
ONE = np.ones((), dtype=np.float32)

_zeros_cache: dict[tuple, np.ndarray] = {}


def zeros_like(x: np.ndarray) -> np.ndarray:
    """Zeros of ``x``'s shape and dtype, kept for the next call (read-only).

    Only small shapes are kept (those of a training step's batches); a large array gets fresh
    zeros.
    """
    key = (x.shape, x.dtype)
    zeros = _zeros_cache.get(key)
    if zeros is None:
        zeros = np.zeros_like(x)
        if zeros.size <= 1 << 16:
            if len(_zeros_cache) >= 64:
                _zeros_cache.clear()
            zeros.flags.writeable = False
            _zeros_cache[key] = zeros
    return zeros


_ones_cache: dict[tuple, np.ndarray] = {}


def ones(n: int, dtype) -> np.ndarray:
    """A read-only vector of n ones, kept for the next call."""
    key = (n, np.dtype(dtype))
    vector = _ones_cache.get(key)
    if vector is None:
        vector = np.ones(n, dtype=dtype)
        vector.flags.writeable = False
        if len(_ones_cache) >= 64:
            _ones_cache.clear()
        _ones_cache[key] = vector
    return vector


def dot_into(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """out[...] = a @ b without a temporary. ``np.dot`` (the leanest BLAS call) writes into
    ``out`` only when its dtype is the result's; ``np.matmul`` casts otherwise."""
    try:
        np.dot(a, b, out=out)
    except ValueError:
        np.matmul(a, b, out=out)
