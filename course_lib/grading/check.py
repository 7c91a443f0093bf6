"""In-notebook feedback: ``check("ch2.q1", binary_crossentropy)`` or ``check("ch2.q1", globals())``.

Runs the question's public test cases against the learner's code and shows, per case, whether it
passed or what is wrong with a hint. Expected values come from ``expected.json`` (generated from
the solution notebooks by ``course exercises``); they are never printed. Hidden cases are run only
by the grader.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from course_lib.grading.cases import Namespace, Question, public_suite
from course_lib.grading.scoring import call_case, is_unanswered, score_case
from course_lib.grading.values import DecodeError, decode

__all__ = ["check", "requires", "CheckResult", "CaseOutcome", "load_expected"]


@dataclass
class CaseOutcome:
    name: str
    points: float
    passed: bool
    message: str
    unanswered: bool = False


@dataclass
class CheckResult:
    """What :func:`check` found; shows itself as a short report in a notebook."""

    question: str
    title: str
    outcomes: list[CaseOutcome] = field(default_factory=list)

    @property
    def score(self) -> float:
        return float(sum(o.points for o in self.outcomes if o.passed))

    @property
    def max_score(self) -> float:
        return float(sum(o.points for o in self.outcomes))

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outcomes)

    @property
    def answered(self) -> bool:
        """False while every case fails only because the question is not answered yet."""
        return not all(o.unanswered for o in self.outcomes)

    def _points(self) -> str:
        points = f"{self.score:g}/{self.max_score:g} public points"
        return points if self.answered else f"not answered yet, {points}"

    def _verdict(self) -> str:
        if self.passed:
            return "All public checks pass. The grader also runs hidden checks."
        if not self.answered:
            return "Answer the question above, then run this cell again."
        return "Not there yet: read the messages above and try again."

    def _repr_html_(self) -> str:
        if self.answered:
            rows = "".join(
                f"<li style='color:{'#1a7f37' if o.passed else '#b42318'}'>"
                f"{'✔' if o.passed else '✘'} {html.escape(o.message)}</li>"
                for o in self.outcomes
            )
            rows = f"<ul style='list-style:none;padding-left:1em'>{rows}</ul>"
        else:
            rows = " "
        return (
            f"<div><b>{html.escape(self.question)} {html.escape(self.title)}</b>: "
            f"{self._points()}{rows}{self._verdict()}</div>"
        )

    def __repr__(self) -> str:
        lines = [f"{self.question} {self.title}: {self._points()}"]
        if self.answered:
            lines += [f"  {'✔' if o.passed else '✘'} {o.message}" for o in self.outcomes]
        lines.append(self._verdict())
        return "\n".join(lines)


@lru_cache(maxsize=1)
def load_expected() -> dict:
    """The stored public expected values (``course_lib/grading/expected.json``)."""
    try:
        text = resources.files("course_lib.grading").joinpath("expected.json").read_text("utf-8")
    except FileNotFoundError:
        return {"digests": {}, "values": {}}
    return json.loads(text)


def _as_namespace(question: Question, answer: Any) -> Namespace:
    if isinstance(answer, Mapping):
        return Namespace(answer)
    if len(question.names) == 1:
        return Namespace({question.names[0]: answer})
    names = ", ".join(f"`{n}`" for n in question.names)
    raise TypeError(
        f"Question {question.id} needs {names}: pass `globals()` as the second argument, "
        f'as in check("{question.id}", globals()).'
    )


def check(question: str, answer: Any) -> CheckResult:
    """Run the public test cases of ``question`` (e.g. ``"ch2.q1"``) against ``answer``.

    ``answer`` is the function the question asks for, or ``globals()`` for questions that ask for
    several names.
    """
    if not isinstance(question, str) or "." not in question:
        raise ValueError(
            f"Received an invalid value for `question`, expected an id like 'ch2.q1'. "
            f"Received: question={question!r}"
        )
    suite = public_suite(question.split(".")[0])
    if question not in suite.questions:
        raise ValueError(
            f"Received an invalid value for `question`, expected one of "
            f"{', '.join(suite.questions)}. Received: question={question!r}"
        )
    q = suite.questions[question]
    ns = _as_namespace(q, answer)
    stored = load_expected()["values"]
    result = CheckResult(q.id, q.title)
    for case in q.cases:
        outcome = call_case(case, ns)
        want = None
        if "value" in outcome:
            try:
                want = case.expected() if case.expected is not None else decode(stored[case.id])
            except (KeyError, DecodeError):
                label = case.message or case.name
                result.outcomes.append(
                    CaseOutcome(
                        case.name,
                        case.points,
                        False,
                        f"{label}: no stored expected value (run `course exercises`)",
                    )
                )
                continue
        ok, message = score_case(case, outcome, want)
        result.outcomes.append(
            CaseOutcome(
                case.name, case.points, ok, message, not ok and is_unanswered(outcome, message)
            )
        )
    return result


class requires:  # noqa: N801 - used as a statement, like a function: `with requires("ch1.q2"):`
    """For a demo cell that uses a learner's answers: ``with requires("ch1.q2"): ...``.

    While a question it names is unanswered (its function still raises ``NotImplementedError``,
    or a name it asks for is not defined yet), the cell prints which question to answer first
    instead of stopping "Restart and run all" with a traceback. Any other error is raised as usual.
    """

    def __init__(self, *questions: str) -> None:
        if not questions:
            raise ValueError("Received no question: pass one or more ids such as 'ch1.q2'.")
        self.questions = []
        for question in questions:
            if not isinstance(question, str) or "." not in question:
                raise ValueError(
                    f"Received an invalid value for `questions`, expected ids like 'ch1.q2'. "
                    f"Received: {question!r}"
                )
            suite = public_suite(question.split(".")[0])
            if question not in suite.questions:
                raise ValueError(
                    f"Received an invalid value for `questions`, expected one of "
                    f"{', '.join(suite.questions)}. Received: {question!r}"
                )
            self.questions.append(suite.questions[question])
        self.names = [n for q in self.questions for n in q.names]

    def __enter__(self) -> requires:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            return False
        missing = issubclass(exc_type, NameError) and getattr(exc, "name", None) in self.names
        if not (issubclass(exc_type, NotImplementedError) or missing):
            return False
        ids = " and ".join(q.id for q in self.questions)
        names = ", ".join(f"`{n}`" for n in self.names)
        print(
            f"This cell uses your answer to {ids} ({names}), which is not answered yet: "
            f"answer it first, then run this cell again."
        )
        return True
