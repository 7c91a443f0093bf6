"""Handwritten digits: 8x8 grey-level images shipped inside scikit-learn (no download)."""

from __future__ import annotations

import numpy as np

from course_lib.datasets._common import SplitDataset, import_optional
from course_lib.datasets.tabular import _split_and_scale

__all__ = ["load_digits", "DIGIT_SHAPE"]

DIGIT_SHAPE = (8, 8)
DIGITS_SOURCE = (
    "Optical Recognition of Handwritten Digits (Alpaydin & Kaynak, UCI, 1998), 8x8 images with "
    "pixel values 0..16, shipped with scikit-learn: sklearn.datasets.load_digits"
)


def load_digits(
    seed: int = 0,
    val_fraction: float = 0.2,
    test_fraction: float = 0.2,
    standardize: bool = False,
) -> SplitDataset:
    """1,797 handwritten digits 0-9 as flattened 8x8 images.

    By default pixels are divided by 16, so they lie in [0, 1] and ``X.reshape(-1, 8, 8)`` is
    still a picture. With ``standardize=True`` each pixel is standardised with statistics of the
    training part instead. The split is stratified (every digit in every part) and fixed by
    ``seed``.

    Returns:
        a :class:`SplitDataset`: ``X_*`` float32 of shape (n_part, 64), ``y_*`` int64 of shape
        (n_part,) with the digit. Default sizes: 1,079 / 359 / 359.
    """
    sk_datasets = import_optional("sklearn.datasets", "scikit-learn", "load_digits()")
    bunch = sk_datasets.load_digits()
    X = np.asarray(bunch.data, dtype=np.float64)  # (1797, 64), values 0..16
    y = np.asarray(bunch.target, dtype=np.int64)  # (1797,)
    return _split_and_scale(
        X,
        y,
        seed=seed,
        val_fraction=val_fraction,
        test_fraction=test_fraction,
        standardize=standardize,
        feature_names=tuple(f"pixel_{row}_{col}" for row in range(8) for col in range(8)),
        target_names=tuple(str(digit) for digit in range(10)),
        source=DIGITS_SOURCE,
        unscaled_divisor=16.0,
    )
