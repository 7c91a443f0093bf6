"""``Sequential``: a stack of layers with Keras's ``compile``/``fit``/``evaluate``/``predict``.

``fit`` is built as Keras's trainer is: a batch iterator (``_Batches``), one ``train_step``
per batch, running epoch means (``_EpochMeans``) and a ``CallbackList`` (progress display,
``History``, the user's callbacks). ``train_step`` calls the layers' public ``forward`` and
``backward`` (``backward_params`` on the first layer); the one shortcut, the fused crossentropy gradient P - y, is explained in
``_loss_and_output_gradient``.

Compute semantics follow Keras 3 (TensorFlow backend), in float32:

* a crossentropy loss after a final sigmoid/softmax is computed from the logits;
* the weight penalties (``kernel_regularizer``) are added to the loss, and to ``loss`` and
  ``val_loss`` in the History;
* ``validation_split`` takes the last samples, before any shuffling;
* an epoch's ``loss`` and metrics are means over every sample, using each batch's predictions
  made before that batch's update;
* ``"accuracy"`` is resolved from the label and output shapes.

All randomness (initialisation, shuffling, dropout) comes from ``course_lib.seeding.get_rng()``.
"""

from __future__ import annotations

import contextlib
import math
import warnings

import numpy as np

from course_lib.nn import _fast
from course_lib.nn import losses as losses_module
from course_lib.nn import metrics as metrics_module
from course_lib.nn import optimizers as optimizers_module
from course_lib.nn._validation import (
    check_finite,
    check_float_range,
    check_positive_int,
    invalid,
)
from course_lib.nn.callbacks import CallbackList, History, format_logs
from course_lib.nn.layers import InputLayer, Layer, unique_name
from course_lib.seeding import get_rng

__all__ = ["Sequential"]


def _shape_str(shape) -> str:
    dims = ["None", *(str(d) for d in shape)]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _readable_size(n_bytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n_bytes < 1024 or unit == "GB":
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024
    return f"{n_bytes:.2f} GB"


def _check_verbose(verbose) -> int:
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2) or isinstance(verbose, bool):
        raise invalid("verbose", "one of 0, 1, 2 or 'auto'", verbose)
    return int(verbose)


class Sequential:
    """A linear stack of layers, with the Keras 3 API.

    >>> model = Sequential([Input(shape=(20,)), Dense(32, activation="relu"),
    ...                     Dense(1, activation="sigmoid")])
    >>> model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    >>> history = model.fit(x, y, epochs=10, batch_size=32, validation_split=0.2, verbose=0)
    """

    def __init__(self, layers=None, name: str | None = None):
        self.name = name or unique_name("sequential")
        self._layers: list[Layer] = []
        self._input_shape: tuple[int, ...] | None = None
        self._input_layer: InputLayer | None = None
        self.built = False
        self.compiled = False
        self.dtype = np.dtype(np.float32)
        self.optimizer = None
        self.loss = None
        self._metric_specs: list = []
        self._metrics: list | None = None
        self._loss_total, self._loss_count = 0.0, 0
        self._loss_weight = 1.0
        self.stop_training = False
        self.history: History | None = None
        self._flat_params = np.zeros(0, self.dtype)
        self._flat_grads = np.zeros(0, self.dtype)
        self._regularized: list[Layer] = []
        if layers is not None:
            if isinstance(layers, Layer) or not hasattr(layers, "__iter__"):
                raise TypeError(
                    "Received an invalid value for `layers`, expected a list of layers. "
                    f"Received: layers={layers!r}"
                )
            for layer in layers:
                self.add(layer)

    # ------------------------------------------------------------------ building -----------
    def add(self, layer: Layer) -> None:
        """Append a layer (an ``Input(...)`` may only come first)."""
        if not isinstance(layer, Layer):
            raise TypeError(
                "Received an invalid value for `layer`, expected a course_lib.nn layer such as "
                f"Dense(...). Received: layer={layer!r} of type {type(layer).__name__}"
            )
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError(
                    "Received an invalid value for `layer`, expected `Input(...)` only as the "
                    f"first layer of the model. Received: {layer.name} after other layers"
                )
            self._input_layer = layer
            self._input_shape = layer.input_shape
            return
        if not self._layers and self._input_shape is None and layer.input_shape is not None:
            self._input_shape = layer.input_shape
        self._layers.append(layer)
        if self._input_shape is not None:
            self._build(self._input_shape)

    def build(self, input_shape) -> None:
        """Create the weights for inputs of shape ``input_shape`` = (None, features...)."""
        shape = tuple(input_shape)
        if len(shape) < 2:
            raise invalid(
                "input_shape", "a shape with a batch axis such as (None, 20)", input_shape
            )
        self._input_shape = tuple(int(d) for d in shape[1:])
        self._build(self._input_shape)

    def _build(self, input_shape: tuple[int, ...]) -> None:
        shape = tuple(input_shape)
        for layer in self._layers:
            if not layer.built:
                layer.dtype = self.dtype
                layer.build(shape)
            elif layer.input_shape is not None and tuple(layer.input_shape) != shape:
                raise ValueError(
                    f"Received an invalid value for `layer`, expected layer `{layer.name}` to "
                    f"take inputs of shape {_shape_str(shape)}. Received: a layer already built "
                    f"for {_shape_str(layer.input_shape)}"
                )
            shape = layer.output_shape
        self._input_shape = tuple(input_shape)
        self.built = bool(self._layers)
        self._allocate_buffers()

    def _allocate_buffers(self) -> None:
        """Put every trainable array (and gradient) in one vector; layers keep views."""
        self._flat = _fast.FlatWeights(self._layers, self.dtype)
        self._flat_params, self._flat_grads = self._flat.params, self._flat.grads

    def set_dtype(self, dtype) -> None:
        """Convert all weights to ``dtype`` (``gradcheck`` checks a float64 copy)."""
        self.dtype = np.dtype(dtype)
        for layer in self._layers:
            layer.set_dtype(dtype)
        if self.built:
            self._allocate_buffers()

    _cast = set_dtype

    # ------------------------------------------------------------------ structure ----------
    @property
    def layers(self) -> list[Layer]:
        """The computing layers (an ``Input`` is not listed, as in Keras 3)."""
        return list(self._layers)

    @property
    def input_shape(self) -> tuple | None:
        return None if self._input_shape is None else (None, *self._input_shape)

    @property
    def output_shape(self) -> tuple | None:
        if not self.built:
            return None
        return (None, *self._layers[-1].output_shape)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        if index is not None:
            return self._layers[index]
        for layer in self._layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"Received an invalid value for `name`, expected one of "
            f"{[layer.name for layer in self._layers]}. Received: name={name!r}"
        )

    def _require_built(self, what: str) -> None:
        if not self.built:
            raise ValueError(
                f"This model has not yet been built, so `{what}` cannot run. Build it first: "
                "start it with `Input(shape=...)`, call `build((None, n_features))`, or fit it "
                "on data."
            )

    @property
    def weights(self) -> list[np.ndarray]:
        """All weight arrays (not copies), layer by layer in Keras's order (kernel, bias; a
        BatchNormalization's gamma, beta, moving_mean, moving_variance)."""
        return [w for layer in self._layers for w in layer.weights]

    @property
    def trainable_weights(self) -> list[np.ndarray]:
        """The arrays the optimizer updates, lined up with ``gradients``."""
        return [p for layer in self._layers for p in layer.params]

    @property
    def non_trainable_weights(self) -> list[np.ndarray]:
        return [w for layer in self._layers for w in layer.non_trainable_weights]

    @property
    def losses(self) -> list[float]:
        """The weight penalties (``kernel_regularizer``) at the current weights, as Keras's
        ``model.losses``: ``fit`` adds their sum to the compiled loss."""
        return [penalty for layer in self._layers for penalty in layer.losses]

    @property
    def gradients(self) -> list[np.ndarray]:
        """The gradients of the last ``backward``/training step, lined up with ``weights``."""
        return [g for layer in self._layers for g in layer.grads]

    def get_weights(self) -> list[np.ndarray]:
        """Copies of all weights in Keras's order: for each layer, kernel (in, out), bias."""
        self._require_built("get_weights")
        return [w.copy() for w in self.weights]

    def set_weights(self, weights) -> None:
        """Load weights in ``get_weights`` order, e.g. ``set_weights(keras_model.get_weights())``."""
        self._require_built("set_weights")
        current = self.weights
        shapes = [w.shape for w in current]
        if not isinstance(weights, (list, tuple)) or len(weights) != len(current):
            received = f"{len(weights)} arrays" if isinstance(weights, (list, tuple)) else weights
            raise ValueError(
                f"Received an invalid value for `weights`, expected a list of {len(current)} "
                f"arrays with shapes {shapes}. Received: {received}"
            )
        arrays = [np.asarray(w) for w in weights]
        for i, (w, shape) in enumerate(zip(arrays, shapes, strict=False)):
            if w.shape != shape:
                raise ValueError(
                    f"Received an invalid value for `weights`, expected weights[{i}] of shape "
                    f"{shape}. Received: weights[{i}].shape={w.shape}"
                )
        for target, w in zip(current, arrays, strict=False):
            target[...] = w

    def save_weights(self, filepath) -> None:
        """Write every weight to a ``.npz`` file, one array per weight in ``get_weights`` order,
        named ``"<index>/<layer name>/<weight name>"`` (e.g. ``"000/dense/kernel"``)."""
        self._require_built("save_weights")
        path = _check_weights_path(filepath)
        arrays = {
            f"{i:03d}/{layer.name}/{name}": np.asarray(weight)
            for i, layer in enumerate(self._layers)
            for name, weight in zip(layer.weight_names, layer.weights, strict=True)
        }
        with open(path, "wb") as f:
            np.savez(f, **arrays)

    def load_weights(self, filepath) -> None:
        """Read weights written by ``save_weights`` into this model (same architecture: the
        weights are matched by position and checked by name and shape)."""
        self._require_built("load_weights")
        path = _check_weights_path(filepath)
        with np.load(path) as data:
            stored = {key: data[key] for key in data.files}
        expected = [
            (layer, name, weight)
            for layer in self._layers
            for name, weight in zip(layer.weight_names, layer.weights, strict=True)
        ]
        keys = list(stored)  # in the order written (a .npz keeps it)
        if len(keys) != len(expected):
            raise ValueError(
                f"Received an invalid value for `filepath`, expected a file of "
                f"{len(expected)} weights for model `{self.name}`. Received: {path} holds "
                f"{len(keys)} arrays"
            )
        for key, (layer, name, weight) in zip(keys, expected, strict=True):
            if key.rsplit("/", 1)[-1] != name or stored[key].shape != weight.shape:
                raise ValueError(
                    f"Received an invalid value for `filepath`, expected {name} of shape "
                    f"{weight.shape} for layer `{layer.name}`. Received: {key} of shape "
                    f"{stored[key].shape} in {path}"
                )
        for key, (_, _, weight) in zip(keys, expected, strict=True):
            weight[...] = stored[key]

    def count_params(self) -> int:
        self._require_built("count_params")
        return int(sum(w.size for w in self.weights))

    def summary(self, print_fn=None) -> None:
        """Print a table of layers, output shapes and parameter counts (totals as Keras)."""
        self._require_built("summary")
        print_fn = print_fn or print
        widths = (33, 24, 15)
        rows = [
            (
                f"{layer.name} ({type(layer).__name__})",
                _shape_str(layer.output_shape),
                f"{layer.count_params():,}",
            )
            for layer in self._layers
        ]

        def line(left, mid, right, fill):
            return left + mid.join(fill * w for w in widths) + right

        def cells(a, b, c, bar):
            return (
                f"{bar} {a:<{widths[0] - 2}} {bar} {b:<{widths[1] - 2}} {bar} "
                f"{c:>{widths[2] - 2}} {bar}"
            )

        out = [
            f'Model: "{self.name}"',
            line("┏", "┳", "┓", "━"),
            cells("Layer (type)", "Output Shape", "Param #", "┃"),
            line("┡", "╇", "┩", "━"),
        ]
        for i, row in enumerate(rows):
            out.append(cells(*row, "│"))
            if i < len(rows) - 1:
                out.append(line("├", "┼", "┤", "─"))
        out.append(line("└", "┴", "┘", "─"))
        total = self.count_params()
        frozen = int(sum(w.size for w in self.non_trainable_weights))
        item = self.dtype.itemsize
        out += [
            f" Total params: {total:,} ({_readable_size(total * item)})",
            f" Trainable params: {total - frozen:,} ({_readable_size((total - frozen) * item)})",
            f" Non-trainable params: {frozen:,} ({_readable_size(frozen * item)})",
        ]
        for text in out:
            print_fn(text)

    # ------------------------------------------------------------------ compute ------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Run every layer's ``forward``: (N, *input_shape) -> (N, *output_shape)."""
        for layer in self._layers:
            x = layer.forward(x, training=training)
        return x

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Run every layer's ``backward`` from dL/d(output); fills all parameter gradients."""
        for layer in reversed(self._layers):
            grad = layer.backward(grad)
        return grad

    def __call__(self, x, training: bool = False) -> np.ndarray:
        x = self._check_x(x, "x")
        return self.forward(x, training=training)

    def compute_gradients(self, x, y, training: bool = True) -> list[np.ndarray]:
        """dL/dw for every trainable weight on the batch (x, y), without updating anything.

        L is the loss ``fit`` minimises (``compute_loss``), differentiated as ``fit`` does.
        Returns copies lined up with ``trainable_weights``; handy to look at per-layer gradient
        norms (vanishing gradients) or to check a hand-written backward.
        """
        self._require_compiled("compute_gradients")
        x, y_loss, _ = self._prepare(x, y)
        self._claim()
        with _fast.blas_limit(), _fast.quiet_floating_point(), self._frozen_state():
            y_pred = self.forward(x, training=training)
            self._backward_from_loss(self._loss_and_output_gradient(y_loss, y_pred)[1])
            if self._regularized:
                self._add_penalties(0.0)
        return [g.copy() for g in self.gradients]

    def compute_loss(self, x, y, training: bool = True) -> float:
        """The loss ``fit`` minimises on the batch (x, y): the compiled loss of the model's
        output plus every weight penalty (Keras's ``compute_loss``). Changes nothing."""
        self._require_compiled("compute_loss")
        x, y_loss, _ = self._prepare(x, y)
        self._claim()
        with _fast.blas_limit(), _fast.quiet_floating_point(), self._frozen_state():
            value = self._loss_and_output_gradient(y_loss, self.forward(x, training=training))[0]
        return value + sum(self.losses)

    @contextlib.contextmanager
    def _frozen_state(self):
        """Restore the non-trainable weights (moving statistics) after a training-mode pass."""
        saved = [w.copy() for w in self.non_trainable_weights]
        try:
            yield
        finally:
            for w, old in zip(self.non_trainable_weights, saved, strict=True):
                w[...] = old

    # ------------------------------------------------------------------ compile ------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None) -> None:
        """Choose the optimizer, the loss and the metrics, by name or object (as Keras).

        The argument order is Keras 3's: pass ``metrics`` by keyword. ``loss_weights``
        (a number, or a list of one number for this single-output model) scales the loss.
        """
        optimizer = optimizers_module.get(optimizer)
        weight = loss_weights
        if isinstance(weight, (list, tuple)) and len(weight) == 1:
            weight = weight[0]
        if weight is None:
            weight = 1.0
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise invalid("loss_weights", "a number (or a list of one number)", loss_weights)
        if loss is None:
            raise ValueError(
                "Received an invalid value for `loss`, expected a loss name such as "
                f"'binary_crossentropy' (one of {', '.join(losses_module.ALL_LOSSES)}) or a "
                "Loss object. Received: loss=None"
            )
        loss = losses_module.get(loss)
        if metrics is None:
            metrics = []
        elif isinstance(metrics, (str, metrics_module.Metric)):
            metrics = [metrics]
        elif not isinstance(metrics, (list, tuple)):
            raise TypeError(
                "Received an invalid value for `metrics`, expected a list such as ['accuracy']. "
                f"Received: metrics={metrics!r}"
            )
        for spec in metrics:  # unknown names fail here, "accuracy" is resolved on data
            metrics_module.get(spec, (None, 1), (None, 1))
        self.optimizer, self.loss = optimizer, loss
        self._loss_weight = float(weight)
        self._metric_specs = list(metrics)
        self._metrics = None
        self._loss_total, self._loss_count = 0.0, 0
        self.compiled = True

    def _require_compiled(self, method: str) -> None:
        if not self.compiled:
            raise ValueError(
                f"You must call `compile(optimizer, loss, metrics)` before `{method}()`. "
                f"Received: model `{self.name}`, which was never compiled."
            )

    @property
    def metrics_names(self) -> list[str]:
        names = [m.name if isinstance(m, metrics_module.Metric) else m for m in self._metric_specs]
        return ["loss", *names]

    def reset_metrics(self) -> None:
        """Start the running means of ``train_on_batch``/``test_on_batch`` again."""
        self._loss_total, self._loss_count = 0.0, 0
        for metric in self._metrics or []:
            metric.reset_state()

    # ------------------------------------------------------------------ data checks --------
    def _check_x(self, x, name: str) -> np.ndarray:
        if x is None:
            raise ValueError(
                f"Received an invalid value for `{name}`, expected an array of inputs. "
                f"Received: {name}=None"
            )
        try:
            arr = np.asarray(x)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"Received an invalid value for `{name}`, expected a numeric array. "
                f"Received: {name} of type {type(x).__name__} ({error})"
            ) from None
        if arr.dtype.kind not in "biuf":
            raise TypeError(
                f"Received an invalid value for `{name}`, expected a numeric array. "
                f"Received: {name} with dtype {arr.dtype}"
            )
        if arr.ndim < 2:
            raise ValueError(
                f"Received an invalid value for `{name}`, expected an array of shape "
                f"{_shape_str(self._input_shape or ('n_features',))} with one row per sample. "
                f"Received: {name}.shape={arr.shape}. Hint: a single feature needs "
                f"{name}.reshape(-1, 1)."
            )
        if not self._layers:
            raise ValueError("This model has no layers yet: add some with `model.add(Dense(...))`.")
        if not self.built:
            self._build(arr.shape[1:])
        elif arr.shape[1:] != self._input_shape:
            first = self._layers[0]
            raise ValueError(
                f"Received an invalid value for `{name}`, expected an array of shape "
                f"{_shape_str(self._input_shape)}: the model's first layer `{first.name}` takes "
                f"{self._input_shape[-1]} features. Received: {name}.shape={arr.shape}"
            )
        dtype = self._layers[0].input_dtype or self.dtype
        if dtype.kind in "iu" and arr.dtype.kind == "f":  # indices given as floats: 3.0 is 3
            if not np.all(np.mod(arr, 1) == 0):
                raise ValueError(
                    f"Received an invalid value for `{name}`, expected integer indices for the "
                    f"first layer `{self._layers[0].name}`. Received: {name} with non-integer "
                    "values"
                )
        arr = np.ascontiguousarray(arr, dtype=dtype)
        check_finite(name, arr)
        return arr

    def _check_y(self, y, n: int, name: str) -> np.ndarray:
        if y is None:
            raise ValueError(
                f"Received an invalid value for `{name}`, expected an array of labels. "
                f"Received: {name}=None"
            )
        arr = np.asarray(y)
        if arr.dtype.kind not in "biuf":
            raise TypeError(
                f"Received an invalid value for `{name}`, expected numeric labels. "
                f"Received: {name} with dtype {arr.dtype}"
            )
        if arr.ndim == 0 or len(arr) != n:
            raise ValueError(
                f"Received an invalid value for `{name}`, expected one label per sample "
                f"({n} samples in the inputs). Received: {name}.shape={arr.shape}"
            )
        check_finite(name, arr)
        return arr

    def _prepare(self, x, y, x_name="x", y_name="y"):
        """Checked float32 inputs, labels for the loss and labels for each metric."""
        x = self._check_x(x, x_name)
        y = self._check_y(y, len(x), y_name)
        out_shape = (len(x), *self._layers[-1].output_shape)
        if self._metrics is None:
            self._metrics = [
                metrics_module.get(spec, y.shape, out_shape) for spec in self._metric_specs
            ]
        y_loss = self.loss.prepare_targets(y, out_shape)
        y_metrics = [m.prepare_targets(y, out_shape) for m in self._metrics]
        return x, y_loss, y_metrics

    def _claim(self) -> None:
        """Before training: make sure the optimizer updates the arrays the layers hold now
        (see ``_fast.FlatWeights.claim``), note which layers carry a weight penalty and whether
        the fused output gradient applies."""
        self._require_built("fit")
        self._flat.claim()
        self._regularized = [layer for layer in self._layers if layer.regularizers]
        last = self._layers[-1]
        activation = getattr(last, "activation", None)
        self._fused = (
            self.loss.supports_logits
            and not self.loss.from_logits
            and getattr(activation, "produces_probabilities", False)
            and hasattr(last, "backward_from_logits")
        )

    # ------------------------------------------------------------------ fit ----------------
    def fit(
        self,
        x=None,
        y=None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose="auto",
        callbacks=None,
        validation_split: float = 0.0,
        validation_data=None,
        shuffle: bool = True,
    ) -> History:
        """Train for ``epochs`` passes over the data; returns a ``History``.

        Keras semantics: ``validation_split`` keeps the *last* fraction of the samples for
        validation (taken before shuffling); each epoch's ``loss``/metrics are means over all
        training samples as they were trained; ``val_*`` are an evaluation after the epoch.
        verbose: 0 silent, 1 progress bar, 2 one line per epoch (rounded, no timings).
        """
        self._require_compiled("fit")
        epochs = check_positive_int("epochs", epochs)
        train, val = self._fit_batches(x, y, batch_size, validation_split, validation_data, shuffle)
        callbacks = CallbackList(
            callbacks, model=self, verbose=_check_verbose(verbose), epochs=epochs, steps=train.steps
        )
        self.history, self.stop_training = callbacks.history, False
        callbacks.on_train_begin()
        with _fast.blas_limit(), _fast.quiet_floating_point():
            for epoch in range(epochs):
                self._claim()
                callbacks.on_epoch_begin(epoch)
                means = _EpochMeans(self._metrics)
                for step, x_batch, y_batch, y_metrics in train:
                    callbacks.on_train_batch_begin(step)
                    loss, y_pred = self.train_step(x_batch, y_batch)
                    means.update(loss, y_pred, y_metrics)
                    if not math.isfinite(loss):
                        _warn_diverged(loss, epoch, step, train.steps)
                        self.stop_training = True
                        break
                    if callbacks.wants_batch_logs:
                        callbacks.on_train_batch_end(step, means.result())
                    if self.stop_training:  # set by a callback
                        break
                logs = means.result()
                if val is not None and not self.stop_training:
                    logs.update({f"val_{k}": v for k, v in self._evaluate_batches(val).items()})
                callbacks.on_epoch_end(epoch, dict(sorted(logs.items())))  # Keras sorts by name
                if self.stop_training:
                    break
        callbacks.on_train_end()
        return self.history

    def _fit_batches(self, x, y, batch_size, validation_split, validation_data, shuffle):
        """The checked training data and validation data, as batch iterators."""
        batch_size = 32 if batch_size is None else check_positive_int("batch_size", batch_size)
        validation_split = check_float_range("validation_split", validation_split, 0.0, 1.0)
        if not isinstance(shuffle, bool):
            raise invalid("shuffle", "True or False", shuffle)
        x, y_loss, y_metrics = self._prepare(x, y)
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise invalid("validation_data", "a tuple (x_val, y_val)", validation_data)
            val = self._prepare(
                *validation_data, x_name="validation_data[0]", y_name="validation_data[1]"
            )
        elif validation_split > 0:
            split_at = int(math.floor(len(x) * (1.0 - validation_split)))
            if split_at == 0 or split_at == len(x):
                raise ValueError(
                    "Received an invalid value for `validation_split`, expected a fraction that "
                    f"leaves samples on both sides of the split ({len(x)} samples). "
                    f"Received: validation_split={validation_split}"
                )
            val = (x[split_at:], y_loss[split_at:], [t[split_at:] for t in y_metrics])
            x, y_loss, y_metrics = (
                x[:split_at],
                y_loss[:split_at],
                [t[:split_at] for t in y_metrics],
            )
        train = _Batches(x, y_loss, y_metrics, batch_size, shuffle)
        return train, None if val is None else _Batches(*val, batch_size, shuffle=False)

    # ------------------------------------------------------------------ one step -----------
    def train_step(self, x, y):
        """One training step on a batch, as Keras's ``train_step``: forward, loss, backward,
        one optimizer update. ``y``: the batch's labels as the loss takes them. Returns the
        batch's loss and the predictions made before the update."""
        y_pred = self.forward(x, training=True)
        loss, grad = self._loss_and_output_gradient(y, y_pred)
        self._backward_from_loss(grad)
        if self._regularized:
            loss = self._add_penalties(loss)
        self.optimizer.apply([self._flat.grads], [self._flat.params])
        return loss, y_pred

    def test_step(self, x, y):
        """The loss (with the weight penalties) and the predictions, in inference mode."""
        y_pred = self.forward(x, training=False)
        loss = self._loss_and_output_gradient(y, y_pred)[0]
        if self._regularized:
            loss += sum(self.losses)
        return loss, y_pred

    def _loss_and_output_gradient(self, y, y_pred):
        """The batch loss and the gradient that backward starts from.

        The one shortcut of the engine: after a final sigmoid or softmax, a crossentropy is
        computed from the logits z (the activation's input), and its gradient with respect to
        z is simply (P - y) / N. Keras's TensorFlow backend does the same (no clipping, exact
        gradients where the probabilities saturate). Backward then starts below the activation,
        at ``backward_from_logits``. Any other loss gives dL/dy_pred for ``backward``.
        """
        if self._fused:
            logits = self._layers[-1].logits
            value, grad = self.loss.value_and_gradient_from_logits(y, logits, probabilities=y_pred)
        elif self.loss.from_logits:  # the model's output *is* the logits
            value, grad = self.loss.value_and_gradient_from_logits(y, y_pred)
        else:
            value, grad = self.loss.value_and_gradient(y, y_pred)
        if self._loss_weight != 1.0:
            value, grad = value * self._loss_weight, grad * grad.dtype.type(self._loss_weight)
        return float(value), grad

    def _backward_from_loss(self, grad) -> None:
        """Every layer's ``backward``, last to first, from the gradient that
        ``_loss_and_output_gradient`` gave; the first layer's ``backward_params`` skips the
        gradient with respect to the data (for the seed model at batch 1024 that product is a
        fifth of the step's matrix work)."""
        layers = self._layers
        last = layers[-1]
        if len(layers) == 1:  # nothing below: only the weights' gradients are needed
            if self._fused:
                last.backward_from_logits(grad)
            else:
                last.backward_params(grad)
            return
        grad = last.backward_from_logits(grad) if self._fused else last.backward(grad)
        for layer in layers[-2:0:-1]:
            grad = layer.backward(grad)
        layers[0].backward_params(grad)  # the data's own gradient is not needed

    def _add_penalties(self, value: float) -> float:
        """Add each kernel_regularizer's penalty to the loss and its gradient to the kernel's."""
        for layer in self._regularized:
            for name, regularizer in layer.regularizers.items():
                weight = getattr(layer, name)
                value += regularizer(weight)
                grad = getattr(layer, layer.grad_names[layer.param_names.index(name)])
                grad += regularizer.gradient(weight)
        return value

    # ------------------------------------------------------------------ evaluate/predict ---
    def _evaluate_batches(self, batches: _Batches) -> dict:
        means = _EpochMeans(self._metrics)
        for _, x_batch, y_batch, y_metrics in batches:
            loss, y_pred = self.test_step(x_batch, y_batch)
            means.update(loss, y_pred, y_metrics)
        return means.result()

    def evaluate(
        self,
        x=None,
        y=None,
        batch_size: int | None = None,
        verbose="auto",
        return_dict: bool = False,
    ):
        """Loss (a float) or [loss, *metrics] on the data, as Keras returns them."""
        self._require_compiled("evaluate")
        batch_size = 32 if batch_size is None else check_positive_int("batch_size", batch_size)
        verbose = _check_verbose(verbose)
        x, y_loss, y_metrics = self._prepare(x, y)
        self._claim()
        batches = _Batches(x, y_loss, y_metrics, batch_size, shuffle=False)
        with _fast.blas_limit(), _fast.quiet_floating_point():
            logs = self._evaluate_batches(batches)
        if verbose:
            print(f"{batches.steps}/{batches.steps} - " + format_logs(logs), flush=True)
        return self._return_logs(logs, return_dict)

    def _return_logs(self, logs: dict, return_dict: bool):
        if return_dict:
            return dict(sorted(logs.items()))  # Keras 3 orders the logs by name
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size: int | None = None, verbose="auto") -> np.ndarray:
        """Outputs for ``x`` (N, ...) in float32, batch by batch, without dropout."""
        batch_size = 32 if batch_size is None else check_positive_int("batch_size", batch_size)
        if verbose != "auto":
            _check_verbose(verbose)
        x = self._check_x(x, "x")
        with _fast.blas_limit(), _fast.quiet_floating_point():
            parts = [
                self.forward(x[lo : lo + batch_size], training=False)
                for lo in range(0, len(x), batch_size)
            ]
        if not parts:
            return np.zeros((0, *self._layers[-1].output_shape), dtype=self.dtype)
        return np.concatenate(parts, axis=0)

    def predict_on_batch(self, x) -> np.ndarray:
        return self.forward(self._check_x(x, "x"), training=False).copy()

    def train_on_batch(self, x, y, return_dict: bool = False):
        """One update on one batch; returns the running loss (and metrics) since the last
        ``reset_metrics()``, as Keras 3 does."""
        self._require_compiled("train_on_batch")
        x, y_loss, y_metrics = self._prepare(x, y)
        self._claim()
        with _fast.blas_limit(), _fast.quiet_floating_point():
            value, y_pred = self.train_step(x, y_loss)
        return self._update_running(value, y_pred, y_metrics, len(x), return_dict)

    def test_on_batch(self, x, y, return_dict: bool = False):
        self._require_compiled("test_on_batch")
        x, y_loss, y_metrics = self._prepare(x, y)
        self._claim()
        with _fast.blas_limit(), _fast.quiet_floating_point():
            value, y_pred = self.test_step(x, y_loss)
        return self._update_running(value, y_pred, y_metrics, len(x), return_dict)

    def _update_running(self, value, y_pred, y_metrics, n, return_dict):
        self._loss_total += value * n
        self._loss_count += n
        logs = {"loss": self._loss_total / self._loss_count}
        for metric, target in zip(self._metrics, y_metrics, strict=False):
            metric.update_prepared(target, y_pred)
            logs[metric.name] = metric.result()
        return self._return_logs(logs, return_dict)

    def __repr__(self) -> str:
        return f"<Sequential name={self.name}, layers={[layer.name for layer in self._layers]}>"


def _check_weights_path(filepath):
    import os

    if not isinstance(filepath, (str, os.PathLike)) or not os.fspath(filepath).endswith(".npz"):
        raise ValueError(
            "Received an invalid value for `filepath`, expected a path ending in '.npz' such as "
            f"'model.weights.npz'. Received: filepath={filepath!r}"
        )
    return os.fspath(filepath)


def _warn_diverged(loss: float, epoch: int, step: int, steps: int) -> None:
    warnings.warn(
        f"The loss became {loss} at epoch {epoch + 1}, batch {step + 1} (of {steps}): training "
        "stopped. Try a smaller learning_rate, scaled inputs, or check the labels.",
        RuntimeWarning,
        stacklevel=3,
    )


class _Batches:
    """The batches of one epoch, as Keras's epoch iterator: ``for step, x, y, y_metrics in
    batches``. With ``shuffle`` the samples are put in a new random order (``get_rng()``) each
    time the iteration starts; the last batch may be smaller."""

    def __init__(self, x, y, y_metrics, batch_size: int, shuffle: bool):
        self.x, self.y, self.y_metrics = x, y, y_metrics
        self.batch_size, self.shuffle = batch_size, shuffle
        self.steps = math.ceil(len(x) / batch_size)

    def __iter__(self):
        x, y, y_metrics = self.x, self.y, self.y_metrics
        if self.shuffle:
            order = get_rng().permutation(len(x))
            x, y = x.take(order, axis=0), y.take(order, axis=0)
            y_metrics = [t.take(order, axis=0) for t in y_metrics]
        size = self.batch_size
        for step in range(self.steps):
            lo, hi = step * size, (step + 1) * size
            yield step, x[lo:hi], y[lo:hi], [t[lo:hi] for t in y_metrics]


class _EpochMeans:
    """The loss and metrics of an epoch so far: means over every sample seen, each batch
    counted for its size (Keras's epoch logs)."""

    def __init__(self, metrics):
        self.metrics = metrics
        self.names = ["loss", *(m.name for m in metrics)]
        self.sums = [0.0] * len(self.names)
        self.seen = 0

    def update(self, loss: float, y_pred, y_metrics) -> None:
        n = len(y_pred)
        sums = self.sums
        sums[0] += loss * n
        for j, metric in enumerate(self.metrics, 1):
            sums[j] += metric.batch_sum(y_metrics[j - 1], y_pred)
        self.seen += n

    def result(self) -> dict:
        return {k: float(s / self.seen) for k, s in zip(self.names, self.sums, strict=True)}
