"""Callbacks as in Keras: ``History`` (returned by ``fit``), ``EarlyStopping``, and the
``CallbackList`` through which ``fit`` calls them."""

from __future__ import annotations

import sys
import warnings

import numpy as np

from course_lib.nn._validation import invalid

__all__ = [
    "Callback",
    "History",
    "EarlyStopping",
    "LambdaCallback",
    "ProgbarLogger",
    "CallbackList",
]


class Callback:
    """Base class; ``fit`` calls these hooks. ``self.model`` is the model being trained."""

    def __init__(self):
        self.model = None
        self.params: dict = {}

    def set_model(self, model) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs=None) -> None: ...

    def on_train_end(self, logs=None) -> None: ...

    def on_epoch_begin(self, epoch: int, logs=None) -> None: ...

    def on_epoch_end(self, epoch: int, logs=None) -> None: ...

    def on_train_batch_begin(self, batch: int, logs=None) -> None: ...

    def on_train_batch_end(self, batch: int, logs=None) -> None: ...


class History(Callback):
    """Records each epoch's logs: ``history.history["loss"]`` is the list of epoch losses."""

    def __init__(self):
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self) -> str:
        return f"<History epochs={len(self.epoch)} keys={list(self.history)}>"


class LambdaCallback(Callback):
    """A callback from functions, e.g. ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``."""

    def __init__(
        self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None
    ):
        super().__init__()
        for name, fn in [
            ("on_epoch_begin", on_epoch_begin),
            ("on_epoch_end", on_epoch_end),
            ("on_train_begin", on_train_begin),
            ("on_train_end", on_train_end),
        ]:
            if fn is not None:
                setattr(self, name, fn)


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs (Keras 3 logic).

    ``mode="auto"`` minimises losses and errors and maximises accuracies. With
    ``restore_best_weights=True`` the weights of the best epoch are put back at the end.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0.0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ):
        super().__init__()
        if not isinstance(monitor, str):
            raise invalid("monitor", "a metric name such as 'val_loss'", monitor)
        if mode not in ("auto", "min", "max"):
            raise invalid("mode", "one of 'auto', 'min', 'max'", mode)
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise invalid("patience", "a non-negative integer", patience)
        self.monitor = monitor
        self.min_delta = abs(float(min_delta))
        self.patience = patience
        self.verbose = verbose
        self.mode = mode
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self._reset()

    def _reset(self):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def _maximise(self) -> bool:
        if self.mode != "auto":
            return self.mode == "max"
        name = self.monitor.removeprefix("val_")
        return "acc" in name or name.startswith("auc")

    def _is_improvement(self, value: float, reference: float | None) -> bool:
        if reference is None:
            return True
        if self._maximise():
            return value - self.min_delta > reference
        return value + self.min_delta < reference

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {', '.join(logs or {})}",
                stacklevel=2,
            )
            return
        if epoch < self.start_from_epoch or not np.isfinite(current):
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(
                    f"Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)


def format_logs(logs: dict) -> str:
    """``"accuracy: 0.8125 - loss: 0.4211"``: the logs by name, four decimals."""
    return " - ".join(f"{k}: {v:.4f}" for k, v in sorted(logs.items()))


class ProgbarLogger(Callback):
    """``verbose=1``: "Epoch 1/10", then a Keras-like bar with the running loss and metrics.

    Redrawn each time the bar grows by one segment (at most ``width`` times an epoch), never by
    the clock, and without timings: the same run prints the same text, so a notebook's stored
    output stays stable.
    """

    def __init__(self, width: int = 20):
        super().__init__()
        self.width = width
        self.drawn = -1

    def on_epoch_begin(self, epoch, logs=None):
        self.drawn = -1
        print(f"Epoch {epoch + 1}/{self.params['epochs']}", flush=True)

    def _draw(self, step: int, logs: dict, end: str) -> None:
        steps = self.params["steps"]
        done = self.width * step // steps
        bar = "━" * done + " " * (self.width - done)
        sys.stdout.write(f"\r{step:>{len(str(steps))}}/{steps} {bar} - {format_logs(logs)}{end}")
        sys.stdout.flush()

    def on_train_batch_end(self, batch, logs=None):
        step = batch + 1
        done = self.width * step // self.params["steps"]
        if done > self.drawn and step < self.params["steps"]:
            self.drawn = done
            self._draw(step, logs or {}, "")

    def on_epoch_end(self, epoch, logs=None):
        self._draw(self.params["steps"], logs or {}, "\n")


class _EpochLine(Callback):
    """``verbose=2``: one line per epoch, "Epoch 3/10 - accuracy: 0.8125 - loss: 0.4211"."""

    def on_epoch_end(self, epoch, logs=None):
        print(f"Epoch {epoch + 1}/{self.params['epochs']} - " + format_logs(logs or {}), flush=True)


def _overrides(callback: Callback, method: str) -> bool:
    return getattr(type(callback), method) is not getattr(Callback, method)


class CallbackList:
    """The callbacks of one ``fit``, called in order: the progress display (``verbose``), the
    ``History`` (also set as ``model.history``), then the user's callbacks.

    ``wants_batch_logs`` is False when no callback looks at single batches: ``fit`` then skips
    computing the running logs after every batch.
    """

    def __init__(self, callbacks, *, model, verbose: int, epochs: int, steps: int):
        user = _check_callbacks(callbacks)
        self.history = History()
        display = {0: [], 1: [ProgbarLogger()], 2: [_EpochLine()]}[verbose]
        self.callbacks = [*display, self.history, *user]
        params = {"epochs": epochs, "steps": steps, "verbose": verbose}
        for cb in self.callbacks:
            cb.set_model(model)
            cb.set_params(params)
        self._batch_callbacks = [
            cb
            for cb in self.callbacks
            if _overrides(cb, "on_train_batch_end") or _overrides(cb, "on_train_batch_begin")
        ]
        self.wants_batch_logs = bool(self._batch_callbacks)

    def on_train_begin(self) -> None:
        for cb in self.callbacks:
            cb.on_train_begin()

    def on_train_end(self) -> None:
        for cb in self.callbacks:
            cb.on_train_end()

    def on_epoch_begin(self, epoch: int) -> None:
        for cb in self.callbacks:
            cb.on_epoch_begin(epoch)

    def on_epoch_end(self, epoch: int, logs: dict) -> None:
        for cb in self.callbacks:
            cb.on_epoch_end(epoch, logs)

    def on_train_batch_begin(self, batch: int) -> None:
        for cb in self._batch_callbacks:
            cb.on_train_batch_begin(batch)

    def on_train_batch_end(self, batch: int, logs: dict) -> None:
        for cb in self._batch_callbacks:
            cb.on_train_batch_end(batch, logs)


def _check_callbacks(callbacks) -> list[Callback]:
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        callbacks = [callbacks]
    if not isinstance(callbacks, (list, tuple)) or not all(
        isinstance(cb, Callback) for cb in callbacks
    ):
        raise TypeError(
            "Received an invalid value for `callbacks`, expected a list of callbacks such as "
            f"[EarlyStopping(patience=3)]. Received: callbacks={callbacks!r}"
        )
    return list(callbacks)
