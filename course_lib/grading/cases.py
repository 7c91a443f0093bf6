"""Questions and test cases: small decorated functions with points, a hidden flag and a message.

Each exercise ("ch1", ...) has a :class:`Suite`. Its public cases ship in
``course_lib/grading/public/chN.py``; its hidden cases live with the instructor in
``solutions/hidden_tests/chN.py``. Both are written the same way::

    suite = Suite("ch2")
    q1 = suite.question("q1", "Binary cross-entropy", names=("binary_crossentropy",))

    @q1.case(points=1, message="a hand-worked batch of two", hint="Average over the batch.")
    def hand_worked(ns):
        return ns.binary_crossentropy(np.array([1.0, 0.0]), np.array([0.9, 0.2]))

A case receives the learner's namespace and returns raw values; the comparison with the reference
happens elsewhere (see :mod:`course_lib.grading.values`). ``ns.name`` raises :class:`MissingName`
when the learner has not defined ``name``.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Case",
    "Question",
    "Suite",
    "Namespace",
    "MissingName",
    "load_suite",
    "read_hidden",
    "public_suite",
    "EXERCISES",
]

EXERCISES = ("ch1", "ch2", "ch3", "ch4")
_EXERCISE_RE = re.compile(r"^ch[1-9][0-9]?$")

Compare = Callable[[Any, Any], "tuple[bool, str]"]


class MissingName(LookupError):
    """The learner's namespace has no object of this name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"`{name}` is not defined")
        self.name = name


class Namespace:
    """Attribute access to the learner's variables: ``ns.relu`` is ``globals()['relu']``."""

    def __init__(self, mapping: Mapping[str, Any]) -> None:
        self._mapping = mapping

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._mapping[name]
        except KeyError:
            raise MissingName(name) from None

    def __contains__(self, name: str) -> bool:
        return name in self._mapping


@dataclass
class Case:
    """One test case. ``fn(ns)`` returns raw values; ``compare(got, want)`` judges them."""

    question: str
    name: str
    fn: Callable[[Namespace], Any]
    points: float = 1.0
    hidden: bool = False
    message: str = ""
    hint: str = ""
    rtol: float = 1e-6
    atol: float = 1e-8
    compare: Compare | None = None
    expected: Callable[[], Any] | None = None

    @property
    def id(self) -> str:
        return f"{self.question}/{self.name}"


@dataclass
class Question:
    """A graded question: an id such as ``"ch2.q1"``, a title and the names it asks for.

    ``kind`` is ``"code"`` (the learner writes code) or ``"prediction"`` (the learner writes down
    a choice or a number before running a cell; see :mod:`course_lib.grading.predict`).
    """

    id: str
    title: str
    names: tuple[str, ...] = ()
    cases: list[Case] = field(default_factory=list)
    kind: str = "code"

    @property
    def max_points(self) -> float:
        return float(sum(c.points for c in self.cases))

    def case(
        self,
        points: float = 1.0,
        *,
        hidden: bool = False,
        message: str = "",
        hint: str = "",
        rtol: float = 1e-6,
        atol: float = 1e-8,
        compare: Compare | None = None,
        expected: Callable[[], Any] | None = None,
    ) -> Callable[[Callable], Callable]:
        """Decorator registering ``fn(ns)`` as a test case of this question."""
        if points <= 0:
            raise ValueError(
                f"Received an invalid value for `points`, expected a positive number. "
                f"Received: points={points!r}"
            )

        def register(fn: Callable) -> Callable:
            if any(c.name == fn.__name__ for c in self.cases):
                raise ValueError(f"Question {self.id} already has a case named {fn.__name__!r}.")
            self.cases.append(
                Case(
                    self.id,
                    fn.__name__,
                    fn,
                    float(points),
                    hidden,
                    message,
                    hint,
                    rtol,
                    atol,
                    compare,
                    expected,
                )
            )
            return fn

        return register


class Suite:
    """The questions of one exercise, in order."""

    def __init__(self, exercise: str) -> None:
        if not isinstance(exercise, str) or not _EXERCISE_RE.match(exercise):
            raise ValueError(
                f"Received an invalid value for `exercise`, expected a name like 'ch2'. "
                f"Received: exercise={exercise!r}"
            )
        self.exercise = exercise
        self.questions: dict[str, Question] = {}

    def question(
        self, key: str, title: str, names: tuple[str, ...] = (), kind: str = "code"
    ) -> Question:
        if kind not in ("code", "prediction"):
            raise ValueError(
                f"Received an invalid value for `kind`, expected 'code' or 'prediction'. "
                f"Received: kind={kind!r}"
            )
        qid = f"{self.exercise}.{key}"
        if qid not in self.questions:
            self.questions[qid] = Question(qid, title, tuple(names), kind=kind)
        return self.questions[qid]

    def case(self, key: str, points: float = 1.0, **kwargs: Any) -> Callable[[Callable], Callable]:
        """Decorator for a case of an existing question (used by the hidden-test files)."""
        qid = f"{self.exercise}.{key}"
        if qid not in self.questions:
            raise ValueError(f"Unknown question {qid!r}; known: {', '.join(self.questions)}")
        return self.questions[qid].case(points, **kwargs)

    @property
    def cases(self) -> list[Case]:
        return [c for q in self.questions.values() for c in q.cases]

    @property
    def max_points(self) -> float:
        return float(sum(q.max_points for q in self.questions.values()))


def public_suite(exercise: str) -> Suite:
    """A fresh copy of the shipped public cases of ``exercise`` (no hidden cases)."""
    if not isinstance(exercise, str) or not _EXERCISE_RE.match(exercise):
        raise ValueError(
            f"Received an invalid value for `exercise`, expected one of {EXERCISES}. "
            f"Received: exercise={exercise!r}"
        )
    name = f"course_lib.grading.public.{exercise}"
    module = importlib.import_module(name)
    return module.build_suite()


def read_hidden(hidden_dir: str | Path | None, exercise: str) -> str | None:
    """The source of ``hidden_dir/<exercise>.py``, or None when there is none."""
    if hidden_dir is None:
        return None
    path = Path(hidden_dir) / f"{exercise}.py"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def load_suite(
    exercise: str, hidden_dir: str | Path | None = None, hidden_source: str | None = None
) -> Suite:
    """The public cases of ``exercise`` plus its hidden ones.

    The hidden cases come from ``hidden_source`` (the text of a hidden-test file, as the grader
    reads it once per batch) or else from ``hidden_dir/<exercise>.py``. A hidden-test file defines
    ``add_hidden(suite)``, which registers more cases on the suite.
    """
    suite = public_suite(exercise)
    if hidden_source is None:
        hidden_source = read_hidden(hidden_dir, exercise)
    if hidden_source is not None:
        name = f"_course_hidden_{exercise}"
        module = types.ModuleType(name)
        module.__file__ = f"<hidden tests of {exercise}>"
        exec(compile(hidden_source, module.__file__, "exec"), module.__dict__)  # noqa: S102
        module.add_hidden(suite)
    return suite


def source_digest(*parts: bytes) -> str:
    """sha256 over the given byte strings (used to tell when stored expectations are stale)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()
