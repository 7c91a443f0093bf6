"""Helpers for the per-question wrong-answer tests (``test_wrong_answers_chN.py``).

Each of those files lists, per question, a few plausible wrong answers written by hand (a naive
sigmoid, a mean instead of a sum, returning the labels, ...). The tests prove that every one of
them fails at least one *public* check, so a learner hears about every requirement the question
states before handing in, and that the solution's own code passes every public check.

The solution's code is the solution notebook's code cells (check cells left out), run once per
exercise in a fresh namespace inside a temporary folder.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import nbformat

from course_lib.grading import check
from course_lib.grading.cases import public_suite

REPO = Path(__file__).resolve().parents[2]
SOLUTIONS = REPO / "solutions"


def _notebook(exercise: str) -> Path:
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        meta = nbformat.read(path, as_version=4).metadata.get("course", {})
        if meta.get("exercise") == exercise:
            return path
    raise LookupError(f"no solution notebook for {exercise}")


@cache
def _solution_namespace(exercise: str) -> dict[str, Any]:
    nb = nbformat.read(_notebook(exercise), as_version=4)
    ns: dict[str, Any] = {"__name__": "__main__"}
    old = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
        os.chdir(tmp)
        try:
            for cell in nb.cells:
                if cell.cell_type == "code" and "check" not in cell.metadata.get("tags", []):
                    exec(compile(cell.source, f"<{exercise} {cell.id}>", "exec"), ns)  # noqa: S102
        finally:
            os.chdir(old)
    return ns


def solution_namespace(exercise: str) -> dict[str, Any]:
    """A shallow copy of the namespace the solution notebook leaves (safe to override names in)."""
    return dict(_solution_namespace(exercise))


def public_result(question: str, **overrides: Any):
    """``check(question, ...)`` on the solution's namespace with some names replaced."""
    ns = solution_namespace(question.split(".")[0])
    ns.update(overrides)
    return check(question, ns)


def failed_messages(result) -> list[str]:
    return [o.message for o in result.outcomes if not o.passed]


def questions_of(exercise: str) -> list[str]:
    return list(public_suite(exercise).questions)
