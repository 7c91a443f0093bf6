"""Calling a test case and scoring it: the one place where a case becomes points and a message.

:func:`call_case` runs a case against a learner's namespace and returns plain data (it runs where
the learner's code lives: in ``check()`` and in the grader's sandboxed child). :func:`score_case`
turns that plain data and the reference value into ``(passed, message)`` (in ``check()`` and in
the grader's own, trusted process). Failure messages of hidden cases never carry numbers or text
that came from the hidden inputs or the reference: only what kind of thing is wrong.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from course_lib.grading.cases import Case, MissingName, Namespace, Suite
from course_lib.grading.values import DecodeError, compare_values, decode, encode

__all__ = [
    "CaseResult",
    "QuestionResult",
    "SubmissionResult",
    "call_case",
    "error_text",
    "is_unanswered",
    "score_case",
    "score_suite",
    "zero_questions",
]

NOT_ANSWERED = "not answered yet (the code still raises NotImplementedError)"
NOT_ANSWERED_PREDICTION = "not answered yet (the prediction is still None)"
NOT_DEFINED = "not answered yet, or the cell that defines it has not run (check the spelling)"


def is_unanswered(outcome: dict | None, message: str) -> bool:
    """Whether a case failed only because the question has not been answered yet."""
    if outcome is None:
        return False
    return bool(outcome.get("not_implemented") or outcome.get("missing")) or (
        "value" in outcome and NOT_ANSWERED_PREDICTION in message
    )


@dataclass
class CaseResult:
    case: str
    points: float
    earned: float
    hidden: bool
    passed: bool
    message: str


@dataclass
class QuestionResult:
    question: str
    title: str
    score: float
    max_score: float
    cases: list[CaseResult] = field(default_factory=list)


@dataclass
class SubmissionResult:
    path: str
    student: str
    exercise: str
    score: float
    max_score: float
    status: str  # "graded", "invalid", "wrong exercise", "error"
    notes: list[str] = field(default_factory=list)
    questions: list[QuestionResult] = field(default_factory=list)
    seconds: float = 0.0
    student_name: str = ""
    digest: str = ""  # sha256 of the notebook file, to tell when --resume may skip it
    cell_errors: dict[str, str] = field(default_factory=dict)  # cell number -> error

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SubmissionResult:
        questions = [
            QuestionResult(
                q["question"],
                q["title"],
                q["score"],
                q["max_score"],
                [CaseResult(**c) for c in q["cases"]],
            )
            for q in data.get("questions", [])
        ]
        fields = {k: v for k, v in data.items() if k != "questions"}
        return cls(**fields, questions=questions)


def error_text(exc: BaseException) -> str:
    """``Type: message`` (message cut to 300 characters), safe against a hostile ``__str__``."""
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001
        text = ""
    name = type(exc).__name__
    return f"{name}: {text[:300]}" if text else name


def call_case(case: Case, ns: Namespace) -> dict:
    """Call one case on the learner's namespace: ``{"value": plain data}`` or ``{"error": text}``
    (plus ``"missing"`` / ``"not_implemented"`` / ``"type"``). Never raises for learner code."""
    try:
        return {"value": encode(case.fn(ns))}
    except MissingName as exc:
        return {"error": str(exc), "missing": exc.name, "type": "MissingName"}
    except NotImplementedError:
        return {
            "error": "NotImplementedError",
            "not_implemented": True,
            "type": "NotImplementedError",
        }
    except BaseException as exc:  # noqa: BLE001 - the learner's error is the feedback
        return {"error": error_text(exc), "type": type(exc).__name__}


def _message(case: Case, reason: str) -> str:
    label = case.message or case.name
    text = f"{label}: {reason}".rstrip(".")
    return f"{text}. Hint: {case.hint}" if case.hint else text


def score_case(case: Case, outcome: dict | None, want: Any) -> tuple[bool, str]:
    """``(passed, message)`` for one case, from what :func:`call_case` returned and the reference.

    ``outcome`` None means the case never ran. For a hidden case, a wrong value or an error is
    described without numbers or text (the learner never sees hidden inputs or expected values).
    """
    label = case.message or case.name
    if outcome is None:
        return False, _message(case, "this test did not run")
    if outcome.get("forged"):
        return False, _message(
            case,
            "more than one answer came back for this test (the notebook "
            "wrote result lines of its own), so none counts",
        )
    if "value" not in outcome:
        if outcome.get("not_implemented"):
            return False, _message(case, NOT_ANSWERED)
        if outcome.get("missing"):
            missing = str(outcome.get("error", "a name is missing"))[:300].rstrip(". ")
            return False, _message(case, f"{missing}: {NOT_DEFINED}")
        error = str(outcome.get("error", "error"))
        if case.hidden:
            kind = str(outcome.get("type") or error.split(":")[0])[:60]
            return False, _message(case, f"your code raised {kind}")
        return False, _message(case, f"your code raised {error[:400]}")
    try:
        got = decode(outcome["value"])
    except (DecodeError, RecursionError, TypeError, ValueError):
        return False, _message(case, "your code returned a value the grader cannot read")
    try:
        if case.compare is not None:
            ok, why = case.compare(got, want)
        else:
            ok, why = compare_values(got, want, case.rtol, case.atol)
    except Exception as exc:  # noqa: BLE001 - a malformed value is a failed case, not a crash
        return False, _message(case, f"your result could not be compared ({type(exc).__name__})")
    if ok:
        return True, label
    if case.hidden:
        return False, _message(case, "the result is not the expected one")
    return False, _message(case, str(why))


def score_suite(
    suite: Suite, refs: dict[str, Any], outcomes: dict[str, dict]
) -> list[QuestionResult]:
    """Score every case of ``suite``: ``outcomes`` maps case id -> :func:`call_case` output."""
    questions = []
    for q in suite.questions.values():
        results = []
        for case in q.cases:
            ok, message = score_case(case, outcomes.get(case.id), refs.get(case.id))
            results.append(
                CaseResult(
                    case.id, case.points, case.points if ok else 0.0, case.hidden, ok, message
                )
            )
        questions.append(
            QuestionResult(q.id, q.title, sum(r.earned for r in results), q.max_points, results)
        )
    return questions


def zero_questions(suite: Suite | None, reason: str) -> list[QuestionResult]:
    """Every case of ``suite`` at zero with the same reason."""
    if suite is None:
        return []
    return [
        QuestionResult(
            q.id,
            q.title,
            0.0,
            q.max_points,
            [CaseResult(c.id, c.points, 0.0, c.hidden, False, reason) for c in q.cases],
        )
        for q in suite.questions.values()
    ]
