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


def wrong_answer_tests(exercise: str, wrong: dict, named: dict) -> tuple:
    """The four tests every ``test_wrong_answers_chN.py`` runs on its ``WRONG`` and ``NAMED``.

    ``wrong[question][label]`` maps names to a wrong answer's replacements; ``named[question,
    label]`` is an item (or a tuple of items) the failure messages must name. Assign the result
    to four ``test_*`` names at module level so pytest collects them there.
    """
    import numpy as np
    import pytest

    cases = [(q, label) for q, answers in wrong.items() for label in answers]

    @pytest.mark.parametrize(("question", "label"), cases, ids=[f"{q}: {lb}" for q, lb in cases])
    def test_wrong_answer_fails_a_public_check(question, label):
        np.random.seed(0)
        with np.errstate(all="ignore"):  # a case sets its own errstate where it tests overflow
            result = public_result(question, **wrong[question][label])
        assert not result.passed, f"{label} passes every public check of {question}"
        items = named.get((question, label), ())
        messages = failed_messages(result)
        for item in (items,) if isinstance(items, str) else items:
            assert any(item in m for m in messages), (item, messages)

    @pytest.mark.parametrize("question", questions_of(exercise))
    def test_solution_passes_every_public_check(question):
        result = public_result(question)
        assert result.passed and result.score == result.max_score > 0, repr(result)

    def test_every_question_has_at_least_two_wrong_answers():
        questions = questions_of(exercise)
        assert set(wrong) == set(questions)
        for question in questions:
            assert len(wrong[question]) >= 2, question

    def test_every_named_item_belongs_to_a_listed_wrong_answer():
        assert set(named) <= set(cases)

    return (
        test_wrong_answer_fails_a_public_check,
        test_solution_passes_every_public_check,
        test_every_question_has_at_least_two_wrong_answers,
        test_every_named_item_belongs_to_a_listed_wrong_answer,
    )
