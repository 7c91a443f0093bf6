"""Plain-data encoding of test-case results, and the comparisons the grader makes.

A test case calls the learner's code and returns raw values (numbers, arrays, tuples, dicts). In
the grader those values are produced inside the learner's process, so they are untrusted: they
cross to the grader as JSON of plain numbers only (:func:`encode`), are rebuilt with the grader's
own code (:func:`decode`), and compared there with values the learner's process never sees
(:func:`compare_values`). Failure messages say what is wrong (shape, type, size of the error),
never the expected value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["encode", "decode", "compare_values", "DecodeError", "MAX_ELEMENTS"]

MAX_ELEMENTS = 1_000_000
_MAX_DEPTH = 20
_ARRAY_KINDS = {"b": bool, "i": np.int64, "u": np.int64, "f": np.float64}


class DecodeError(ValueError):
    """A result that is not one of the plain shapes :func:`encode` writes."""


def _float(x: float) -> float | dict:
    x = float(x)
    if math.isfinite(x):
        return x
    return {"__float__": repr(x)}  # 'nan', 'inf', '-inf': JSON has no literal for them


def encode(value: Any, _depth: int = 0) -> Any:
    """Turn a returned value into JSON-able plain data (called where the value was produced).

    Supported: None, bool, int, float, str, NumPy scalars and numeric arrays (any object with
    ``__array__``, such as a TensorFlow tensor), lists, tuples and dicts with string keys.
    Anything else raises ``TypeError`` naming the type that came back.
    """
    if _depth > _MAX_DEPTH:
        raise TypeError("The returned value is nested too deeply.")
    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _float(value)
    if isinstance(value, str):
        return str(value)[:10_000]
    if isinstance(value, (list, tuple)):
        return {"__seq__": [encode(v, _depth + 1) for v in value]}
    if isinstance(value, Mapping):
        return {"__dict__": {str(k): encode(v, _depth + 1) for k, v in value.items()}}
    if isinstance(value, np.ndarray) or hasattr(value, "__array__"):
        array = np.asarray(value)
        if array.dtype.kind not in _ARRAY_KINDS:
            raise TypeError(f"Expected a numeric array. Received: an array of dtype {array.dtype}")
        if array.size > MAX_ELEMENTS:
            raise TypeError(f"The returned array is too large ({array.size} elements).")
        data = (
            [_float(x) for x in array.ravel().tolist()]
            if array.dtype.kind == "f"
            else (array.ravel().tolist())
        )
        return {"__ndarray__": {"kind": array.dtype.kind, "shape": list(array.shape), "data": data}}
    raise TypeError(f"Expected numbers, arrays, tuples or dicts. Received: {type(value).__name__}")


def decode(data: Any, _depth: int = 0) -> Any:
    """Rebuild a value from :func:`encode`'s output, trusting nothing about it."""
    if _depth > _MAX_DEPTH:
        raise DecodeError("nested too deeply")
    if data is None or isinstance(data, (bool, str)):
        return data
    if isinstance(data, int):
        return data
    if isinstance(data, float):
        return data
    if isinstance(data, dict) and len(data) == 1:
        ((tag, body),) = data.items()
        if tag == "__float__" and body in ("nan", "inf", "-inf"):
            return float(body)
        if tag == "__seq__" and isinstance(body, list):
            return tuple(decode(v, _depth + 1) for v in body)
        if tag == "__dict__" and isinstance(body, dict):
            return {str(k): decode(v, _depth + 1) for k, v in body.items()}
        if tag == "__ndarray__" and isinstance(body, dict):
            return _decode_array(body)
    raise DecodeError("not a value the grader can read")


def _decode_array(body: dict) -> np.ndarray:
    kind, shape, data = body.get("kind"), body.get("shape"), body.get("data")
    if kind not in _ARRAY_KINDS or not isinstance(shape, list) or not isinstance(data, list):
        raise DecodeError("malformed array")
    if not all(isinstance(s, int) and 0 <= s <= MAX_ELEMENTS for s in shape):
        raise DecodeError("malformed array shape")
    if math.prod(shape) != len(data) or len(data) > MAX_ELEMENTS:
        raise DecodeError("array data does not match its shape")
    if kind == "f":
        flat = []
        for x in data:
            if isinstance(x, dict):
                x = decode(x)
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                raise DecodeError("non-numeric array element")
            flat.append(float(x))
    else:
        flat = data
        if not all(isinstance(x, (int, bool)) for x in flat):
            raise DecodeError("non-integer array element")
    try:
        return np.array(flat, dtype=_ARRAY_KINDS[kind]).reshape(shape)
    except (OverflowError, ValueError) as exc:
        raise DecodeError("array values out of range") from exc


_KIND_WORDS = {"f": "floats", "i": "integers", "u": "integers", "b": "booleans"}


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        kind = _KIND_WORDS.get(value.dtype.kind, str(value.dtype))
        return f"an array of shape {value.shape} of {kind}"
    if isinstance(value, tuple):
        return f"a sequence of length {len(value)}"
    if isinstance(value, dict):
        return "a dict"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _kind_of(value: Any) -> str:
    """'floats', 'integers' or 'booleans': what a number, a sequence of numbers or an array holds."""
    if isinstance(value, np.ndarray):
        return _KIND_WORDS.get(value.dtype.kind, str(value.dtype))
    if isinstance(value, tuple):
        kinds = {_kind_of(v) for v in value}
        return kinds.pop() if len(kinds) == 1 else "numbers"
    if isinstance(value, bool):
        return "booleans"
    return "integers" if isinstance(value, int) else "floats"


def _child(where: str, key: Any) -> str:
    """How an item is named in messages: a top-level dict key by its name (``dW1``)."""
    if isinstance(key, str):
        return f"{where}[{key!r}]" if where else key
    return f"{where}[{key}]" if where else f"item {key}"


def compare_values(
    got: Any, want: Any, rtol: float = 1e-6, atol: float = 1e-8, where: str = ""
) -> tuple[bool, str]:
    """Compare a decoded learner value with the reference; return (ok, what is wrong).

    Numbers and arrays are compared with ``|got - want| <= atol + rtol * |want|``; a 0-d array and
    a number are interchangeable, and so are a shape-(n,) array and a sequence of n numbers.
    Every wrong item of a dict or a sequence is listed (by its key: ``dW1: ...; db1: ...``), not
    only the first one. Messages name shapes and kinds of numbers, never expected values.
    """
    problems: list[str] = []
    _compare(got, want, rtol, atol, where, problems)
    return not problems, "; ".join(problems)


def _compare(got: Any, want: Any, rtol: float, atol: float, where: str, problems: list) -> None:
    prefix = f"{where}: " if where else ""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            problems.append(f"{prefix}expected a dict, got {_describe(got)}")
            return
        missing = [k for k in want if k not in got]
        if missing:
            problems.append(
                f"{prefix}the dict is missing the key(s) {', '.join(map(repr, missing))}"
            )
        for key in want:
            if key in got:
                _compare(got[key], want[key], rtol, atol, _child(where, key), problems)
        return
    if isinstance(want, str) or want is None or isinstance(want, bool):
        if type(got) is not type(want) or got != want:
            shown = repr(got)[:80] if isinstance(got, (str, bool)) or got is None else None
            problems.append(f"{prefix}got {shown}" if shown else f"{prefix}got {_describe(got)}")
        return
    if isinstance(want, tuple) and not all(_is_number(w) for w in want):
        if not isinstance(got, tuple):
            problems.append(
                f"{prefix}expected a sequence of {len(want)} items, got {_describe(got)}"
            )
            return
        if len(got) != len(want):
            problems.append(f"{prefix}expected {len(want)} items, got {len(got)}")
            return
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _compare(g, w, rtol, atol, _child(where, i), problems)
        return
    # Numbers, arrays and sequences of numbers.
    try:
        want_arr = np.asarray(want, dtype=np.float64)
        if isinstance(got, tuple) and not all(_is_number(g) for g in got):
            problems.append(f"{prefix}expected numbers, got a sequence holding non-numbers")
            return
        if isinstance(got, (str, dict)) or got is None:
            problems.append(f"{prefix}expected {_describe(want)}, got {_describe(got)}")
            return
        got_arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        problems.append(f"{prefix}expected numbers, got {_describe(got)}")
        return
    if got_arr.shape != want_arr.shape:
        if got_arr.size == want_arr.size == 1:
            got_arr = got_arr.reshape(want_arr.shape)
        else:
            problems.append(
                f"{prefix}wrong shape: got {got_arr.shape} ({_kind_of(got)}), "
                f"expected {want_arr.shape} ({_kind_of(want)})"
            )
            return
    bad = ~np.isfinite(got_arr) & np.isfinite(want_arr)
    if bad.any():
        problems.append(f"{prefix}contains NaN or inf where a finite number was expected")
        return
    close = np.isclose(got_arr, want_arr, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        diff = np.abs(np.nan_to_num(got_arr - want_arr, nan=np.inf))
        worst = np.unravel_index(int(np.argmax(np.where(close, 0, diff))), diff.shape)
        at = f" at index {tuple(int(i) for i in worst)}" if got_arr.ndim else ""
        integral = _kind_of(want) == "integers" and _kind_of(got) == "floats"
        kinds = " (expected integers, got floats)" if integral else ""
        problems.append(
            f"{prefix}values differ from the reference: {int((~close).sum())} of "
            f"{close.size} wrong, largest difference {float(diff[worst]):.3g}{at}{kinds}"
        )
