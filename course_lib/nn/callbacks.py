"""Callbacks as in Keras: ``History`` (returned by ``fit``) and ``EarlyStopping``."""

from __future__ import annotations

import warnings

import numpy as np

from course_lib.nn._validation import invalid

__all__ = ["Callback", "History", "EarlyStopping", "LambdaCallback"]


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
