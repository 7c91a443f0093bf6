"""One seeding call for the whole course: NumPy engine, NumPy's global state, Python and Keras."""

from __future__ import annotations

import random
import sys

import numpy as np

__all__ = ["set_seed", "get_rng"]

_rng: np.random.Generator = np.random.default_rng()


def set_seed(seed: int) -> None:
    """Make initialisation, shuffling and dropout repeatable from run to run.

    Seeds the generator that ``course_lib.nn`` draws from (see :func:`get_rng`), Python's
    ``random``, NumPy's legacy global state and, when Keras has already been imported, Keras
    (``keras.utils.set_random_seed``). Importing Keras is never triggered from here.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(
            f"Received an invalid value for `seed`, expected a non-negative integer. "
            f"Received: seed={seed!r}"
        )
    global _rng
    seed = int(seed)
    _rng = np.random.default_rng(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)


def get_rng() -> np.random.Generator:
    """The generator the NumPy engine draws weights, shuffles and dropout masks from."""
    return _rng
