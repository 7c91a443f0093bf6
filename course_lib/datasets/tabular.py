"""Breast-cancer diagnosis: a real tabular binary task shipped inside scikit-learn (no download)."""

from __future__ import annotations

import numpy as np

from course_lib.datasets._common import (
    SplitDataset,
    Standardizer,
    import_optional,
    train_val_test_split,
)

__all__ = ["load_breast_cancer"]

BREAST_CANCER_SOURCE = (
    "Wisconsin Diagnostic Breast Cancer (Wolberg, Street & Mangasarian, UCI, 1995), "
    "shipped with scikit-learn: sklearn.datasets.load_breast_cancer"
)


def load_breast_cancer(
    seed: int = 0,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
    standardize: bool = True,
) -> SplitDataset:
    """569 tumours, 30 measurements each (radius, texture, ... of cell nuclei), label 1 = benign.

    The split is stratified and fixed by ``seed``; with ``standardize`` every column is scaled
    with the mean and standard deviation of the *training* part only.

    Returns:
        a :class:`SplitDataset`: ``X_*`` float32 of shape (n_part, 30), ``y_*`` int64 of shape
        (n_part,) with 0 = malignant, 1 = benign. Default sizes: 343 / 113 / 113.
    """
    sk_datasets = import_optional("sklearn.datasets", "scikit-learn", "load_breast_cancer()")
    bunch = sk_datasets.load_breast_cancer()
    X = np.asarray(bunch.data, dtype=np.float64)  # (569, 30)
    y = np.asarray(bunch.target, dtype=np.int64)  # (569,)
    return _split_and_scale(
        X,
        y,
        seed=seed,
        val_fraction=val_fraction,
        test_fraction=test_fraction,
        standardize=standardize,
        feature_names=tuple(str(name) for name in bunch.feature_names),
        target_names=tuple(str(name) for name in bunch.target_names),
        source=BREAST_CANCER_SOURCE,
    )


def _split_and_scale(
    X: np.ndarray,
    y: np.ndarray,
    *,
    seed: int,
    val_fraction: float,
    test_fraction: float,
    standardize: bool,
    feature_names: tuple[str, ...],
    target_names: tuple[str, ...],
    source: str,
    unscaled_divisor: float = 1.0,
) -> SplitDataset:
    """Stratified seeded split; standardise on train, or divide by ``unscaled_divisor``."""
    train, val, test = train_val_test_split(
        len(y), val_fraction=val_fraction, test_fraction=test_fraction, seed=seed, stratify=y
    )
    scaler = Standardizer().fit(X[train]) if standardize else None

    def features(index: np.ndarray) -> np.ndarray:
        if scaler is not None:
            return scaler.transform(X[index])
        return (X[index] / unscaled_divisor).astype(np.float32)

    return SplitDataset(
        X_train=features(train),
        y_train=y[train],
        X_val=features(val),
        y_val=y[val],
        X_test=features(test),
        y_test=y[test],
        feature_names=feature_names,
        target_names=target_names,
        source=source,
        scaler=scaler,
    )
