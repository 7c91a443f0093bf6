"""Graded exercises: solution fences -> exercises, in-notebook checks, the isolated autograder.

- ``check("ch2.q1", binary_crossentropy)``: the public checks, inside the learner's notebook.
- :mod:`course_lib.grading.fences`: ``solutions/`` -> ``exercises/`` (``course exercises``).
- :mod:`course_lib.grading.grader`: ``course grade`` (isolated runs, hidden tests, gradebook).

Importing this package is light (NumPy and nbformat only; never TensorFlow).
"""

from course_lib.grading.cases import Case, Question, Suite
from course_lib.grading.check import CheckResult, check, requires

__all__ = ["check", "requires", "CheckResult", "Case", "Question", "Suite"]
