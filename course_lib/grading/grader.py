"""The autograder's public names, kept in one place (the code lives in the modules below).

- :mod:`course_lib.grading.sandbox`: where a notebook runs (bubblewrap, or a plain process).
- :mod:`course_lib.grading.runner`: one sandboxed run of a notebook, re-run past what killed it.
- :mod:`course_lib.grading.scoring`: one case's points and message (shared with ``check()``).
- :mod:`course_lib.grading.batch`: references, one submission, a batch (threads or Dask).
"""

from __future__ import annotations

from course_lib.grading.batch import (
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT,
    GradingError,
    _solution_notebooks,
    collect_submissions,
    default_solutions_dir,
    grade,
    grade_submission,
    identify,
    read_roster,
    reference_values,
)
from course_lib.grading.scoring import CaseResult, QuestionResult, SubmissionResult

__all__ = [
    "CaseResult",
    "QuestionResult",
    "SubmissionResult",
    "GradingError",
    "grade",
    "grade_submission",
    "collect_submissions",
    "default_solutions_dir",
    "identify",
    "read_roster",
    "reference_values",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MEMORY_MB",
    "_solution_notebooks",
]
