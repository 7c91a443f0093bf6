"""Pieces shared by the offline loaders: optional imports, seeded splits, standardisation.

Nothing here imports scikit-learn, statsmodels or TensorFlow; loaders import what they need
inside the function through :func:`import_optional`, so ``import course_lib.datasets`` stays light.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

__all__ = [
    "MissingPackageError",
    "import_optional",
    "train_val_test_split",
    "Standardizer",
    "SplitDataset",
]


class MissingPackageError(ImportError):
    """An optional package needed by a loader is not installed."""


def import_optional(module: str, package: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise an error that says which package to install and how.

    Args:
        module: the dotted module to import, e.g. ``"sklearn.datasets"``.
        package: the name to ``pip install``, e.g. ``"scikit-learn"``.
        purpose: who needs it, e.g. ``"load_digits()"``; starts the error message.
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingPackageError(
            f"{purpose} needs the optional package `{package}` (module `{module}`), which is not "
            f"installed. Install it with `pip install {package}`, or install the course with its "
            f"notebook extra: `pip install -e '.[notebooks]'`.",
            name=module,
        ) from error


def _check_fraction(name: str, value: float) -> float:
    ok = isinstance(value, (int, float, np.floating)) and not isinstance(value, bool)
    if not (ok and 0 < value < 1):
        raise ValueError(
            f"Received an invalid value for `{name}`, expected a number in (0, 1). "
            f"Received: {name}={value!r}"
        )
    return float(value)


def _check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(
            f"Received an invalid value for `seed`, expected a non-negative integer. "
            f"Received: seed={seed!r}"
        )
    return int(seed)


def train_val_test_split(
    n_samples: int,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
    seed: int = 0,
    stratify: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split ``range(n_samples)`` into disjoint train, validation and test index arrays.

    The split depends only on the arguments (its own ``np.random.default_rng(seed)``), never on
    global random state. With ``stratify`` (labels, shape (n_samples,)) each class is split
    separately, so the three parts keep the class proportions.

    Returns:
        ``(train_idx, val_idx, test_idx)``, each sorted, together a partition of ``range(n)``.
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 3:
        raise ValueError(
            f"Received an invalid value for `n_samples`, expected an integer >= 3. "
            f"Received: n_samples={n_samples!r}"
        )
    val_fraction = _check_fraction("val_fraction", val_fraction)
    test_fraction = _check_fraction("test_fraction", test_fraction)
    if val_fraction + test_fraction >= 1:
        raise ValueError(
            "Received invalid values for `val_fraction` and `test_fraction`, expected their sum "
            f"to be below 1. Received: val_fraction={val_fraction}, test_fraction={test_fraction}"
        )
    rng = np.random.default_rng(_check_seed(seed))
    if stratify is None:
        groups = [np.arange(n_samples)]
    else:
        stratify = np.asarray(stratify)
        if stratify.shape != (n_samples,):
            raise ValueError(
                f"Received an invalid value for `stratify`, expected labels of shape "
                f"({n_samples},). Received: stratify.shape={stratify.shape}"
            )
        groups = [np.flatnonzero(stratify == label) for label in np.unique(stratify)]
    parts: tuple[list, list, list] = ([], [], [])
    for group in groups:
        shuffled = rng.permutation(group)
        n_test = int(round(test_fraction * len(group)))
        n_val = int(round(val_fraction * len(group)))
        parts[2].append(shuffled[:n_test])
        parts[1].append(shuffled[n_test : n_test + n_val])
        parts[0].append(shuffled[n_test + n_val :])
    train, val, test = (np.sort(np.concatenate(p)).astype(np.int64) for p in parts)
    return train, val, test


class Standardizer:
    """Shift and scale each column to mean 0 and standard deviation 1 *on the training set*.

    ``fit`` sees only training data; the same ``mean_`` and ``scale_`` are then applied to
    validation and test data, so nothing about them leaks into the model. Columns that are
    constant in the training set get ``scale_ = 1`` (they become 0, not NaN).

    >>> s = Standardizer().fit(np.array([[0.0, 5.0], [2.0, 5.0]]))
    >>> s.transform(np.array([[1.0, 5.0], [4.0, 6.0]])).tolist()
    [[0.0, 0.0], [3.0, 1.0]]
    """

    def __init__(self) -> None:
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def fit(self, X: np.ndarray) -> Standardizer:
        """Learn per-column mean and standard deviation from ``X``, shape (n, ...)."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim < 1 or X.shape[0] < 1:
            raise ValueError(
                f"Received an invalid value for `X`, expected at least one row. "
                f"Received: X.shape={X.shape}"
            )
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        return self

    def _check_fitted(self) -> None:
        if self.mean_ is None:
            raise RuntimeError("This Standardizer is not fitted yet: call fit(X_train) first.")

    def transform(self, X: np.ndarray) -> np.ndarray:
        """``(X - mean_) / scale_``, same shape as ``X``, dtype float32."""
        self._check_fitted()
        return ((np.asarray(X, dtype=np.float64) - self.mean_) / self.scale_).astype(np.float32)

    def inverse_transform(self, Z: np.ndarray) -> np.ndarray:
        """``Z * scale_ + mean_``: back to the original units (float64)."""
        self._check_fitted()
        return np.asarray(Z, dtype=np.float64) * self.scale_ + self.mean_

    def __repr__(self) -> str:
        fitted = "unfitted" if self.mean_ is None else f"fitted on {self.mean_.shape} columns"
        return f"Standardizer({fitted})"


@dataclass(frozen=True, repr=False)
class SplitDataset:
    """A labelled dataset split into train, validation and test parts.

    Attributes:
        X_train, X_val, X_test: features, shape (n_part, n_features), float32 (standardised
            with statistics of the training part when the loader says so).
        y_train, y_val, y_test: integer labels, shape (n_part,).
        feature_names: one name per column.
        target_names: one name per class (index = label).
        source: where the data comes from (package, function, original reference).
        scaler: the fitted :class:`Standardizer`, or None when the features were not standardised.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...] = field(default=())
    target_names: tuple[str, ...] = field(default=())
    source: str = ""
    scaler: Standardizer | None = None

    @property
    def n_features(self) -> int:
        return int(self.X_train.shape[1])

    @property
    def n_classes(self) -> int:
        return len(self.target_names)

    def summary(self) -> str:
        """Shapes and class counts of the three parts, one line each."""
        lines = [self.source] if self.source else []
        for part in ("train", "val", "test"):
            X, y = getattr(self, f"X_{part}"), getattr(self, f"y_{part}")
            counts = np.bincount(y, minlength=self.n_classes).tolist()
            lines.append(f"{part:>5}: X {X.shape}, y {y.shape}, samples per class {counts}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"SplitDataset(train {self.X_train.shape}, val {self.X_val.shape}, "
            f"test {self.X_test.shape}, {self.n_classes} classes)"
        )
