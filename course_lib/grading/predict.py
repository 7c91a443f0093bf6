"""Predict-before-run questions: the learner writes down a choice or a number, then runs a cell.

A prediction question's case returns the learner's variable (``return ns.prediction_q6``); its
comparison is :func:`choice` or :func:`number`, which grade it against the solution's value::

    q6 = suite.question("q6", "Predict: ...", names=("prediction_q6",), kind="prediction")

    @q6.case(message="your prediction", compare=choice("a", "b", "c"))
    def prediction(ns):
        return ns.prediction_q6

The exercise leaves the variable at ``None`` (outside the solution fence), which is reported as
"not answered yet". The check cell says whether the prediction was right; the cell after it shows
what really happens. Nothing can tell whether the learner ran that cell first: the question is as
honest as the learner, like a quiz in a textbook.
"""

from __future__ import annotations

import math
from typing import Any

from course_lib.grading.scoring import NOT_ANSWERED_PREDICTION

__all__ = ["choice", "number"]


def choice(*choices: str):
    """A comparison for a prediction that must be one of ``choices`` (strings, such as "a")."""
    if not choices or not all(isinstance(c, str) for c in choices):
        raise ValueError(
            f"Received an invalid value for `choices`, expected one or more strings. "
            f"Received: choices={choices!r}"
        )
    listed = ", ".join(repr(c) for c in choices)

    def compare(got: Any, want: Any) -> tuple[bool, str]:
        if got is None:
            return False, f"{NOT_ANSWERED_PREDICTION}: set it to one of {listed}"
        if isinstance(got, str) and got.strip().lower() in choices:
            got = got.strip().lower()
        if got not in choices:
            shown = repr(got)[:40] if isinstance(got, (str, int, float)) else type(got).__name__
            return False, f"expected one of {listed}, got {shown}"
        if got != want:
            return False, "not this one: run the next cell to see what happens, and why"
        return True, ""

    return compare


def number(rtol: float = 0.1, atol: float = 0.0):
    """A comparison for a predicted number: right when within ``rtol`` (relative) or ``atol``."""
    if not (rtol >= 0 and atol >= 0) or (rtol == 0 and atol == 0):
        raise ValueError(
            f"Received an invalid value for `rtol`/`atol`, expected non-negative numbers, not "
            f"both 0. Received: rtol={rtol!r}, atol={atol!r}"
        )
    if atol:
        band = f"within {atol:g}" + (f" or {rtol:.0%}" if rtol else "")
    else:
        band = f"within {rtol:.0%}"

    def compare(got: Any, want: Any) -> tuple[bool, str]:
        if got is None:
            return False, f"{NOT_ANSWERED_PREDICTION}: set it to a number"
        if isinstance(got, bool) or not isinstance(got, (int, float)) or not math.isfinite(got):
            return False, f"expected a finite number, got {type(got).__name__}"
        if abs(got - want) <= max(atol, rtol * abs(want)):
            return True, ""
        return (
            False,
            f"not close enough (a prediction counts {band} of the answer): run the next cell",
        )

    return compare
