"""Argument checks shared by the engine: every message names the argument, the expectation and
what was received, in the Keras style."""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np

__all__ = [
    "invalid",
    "check_positive_int",
    "check_float_range",
    "check_finite",
    "lookup",
]


def invalid(name: str, expected: str, received: object) -> ValueError:
    """The engine's standard `ValueError` for argument ``name``."""
    return ValueError(
        f"Received an invalid value for `{name}`, expected {expected}. "
        f"Received: {name}={received!r}"
    )


def check_positive_int(name: str, value: object) -> int:
    """``value`` as an int when it is a positive integer, else a `TypeError`/`ValueError`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"Received an invalid value for `{name}`, expected a positive integer. "
            f"Received: {name}={value!r} of type {type(value).__name__}"
        )
    if value <= 0:
        raise invalid(name, "a positive integer", value)
    return int(value)


def check_float_range(
    name: str, value: object, low: float, high: float, *, include_high: bool = False
) -> float:
    """``value`` as a float in ``[low, high)`` (or ``[low, high]``)."""
    interval = f"[{low:g}, {high:g}]" if include_high else f"[{low:g}, {high:g})"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"Received an invalid value for `{name}`, expected a float in {interval}. "
            f"Received: {name}={value!r} of type {type(value).__name__}"
        )
    value = float(value)
    if not (low <= value < high or (include_high and value == high)):
        raise invalid(name, f"a float in {interval}", value)
    return value


def check_finite(name: str, array: np.ndarray) -> None:
    """Raise when ``array`` holds NaN or inf, counting each."""
    if array.dtype.kind not in "fc":
        return
    if np.isfinite(array).all():
        return
    n_nan = int(np.isnan(array).sum())
    n_inf = int(np.isinf(array).sum())
    raise ValueError(
        f"Received an invalid value for `{name}`, expected finite numbers (no NaN or inf). "
        f"Received: {name} with {n_nan} NaN and {n_inf} inf values (shape {array.shape})"
    )


def lookup(
    kind: str,
    identifier: str,
    table: dict,
    *,
    argument: str | None = None,
    names: Iterable[str] | None = None,
):
    """``table[identifier]``, or a `ValueError` listing the valid ``names``."""
    key = identifier.lower() if isinstance(identifier, str) else identifier
    if key in table:
        return table[key]
    names = ", ".join(repr(k) for k in sorted(names if names is not None else _str_keys(table)))
    argument = argument or kind
    raise ValueError(
        f"Unknown {kind} {identifier!r} for `{argument}`, expected one of {names}. "
        f"Received: {argument}={identifier!r}"
    )


def _str_keys(table: dict) -> Iterable[str]:
    return (k for k in table if isinstance(k, str))
