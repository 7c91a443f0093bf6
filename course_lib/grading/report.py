"""Gradebook files: CSV (one row per submission), JSON (every case), one feedback file each."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from pathlib import Path

from course_lib.grading.grader import SubmissionResult

__all__ = ["write_report", "write_csv", "write_json", "write_feedback", "feedback_text"]


def _fmt(x: float) -> str:
    return f"{x:g}"


def write_csv(results: Sequence[SubmissionResult], path: str | Path) -> None:
    """student, path, exercise, status, score, max_score, then one column per question id."""
    question_ids = sorted({q.question for r in results for q in r.questions},
                          key=lambda s: tuple(int(n) for n in re.findall(r"\d+", s)) or (0,))
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "path", "exercise", "status", "score", "max_score",
                         *question_ids])
        for r in results:
            scores = {q.question: _fmt(q.score) for q in r.questions}
            writer.writerow([r.student, r.path, r.exercise, r.status, _fmt(r.score),
                             _fmt(r.max_score), *(scores.get(q, "") for q in question_ids)])


def write_json(results: Sequence[SubmissionResult], path: str | Path) -> None:
    """Every submission with its notes and every case's points, result and message."""
    data = {"submissions": [r.to_dict() for r in results]}
    Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def write_report(results: Sequence[SubmissionResult], path: str | Path) -> None:
    """CSV or JSON gradebook, chosen by the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        write_csv(results, path)
    elif suffix == ".json":
        write_json(results, path)
    else:
        raise ValueError(
            f"Received an invalid value for `report`, expected a file name ending in .csv or "
            f".json. Received: report={str(path)!r}"
        )


def feedback_text(r: SubmissionResult) -> str:
    """The readable feedback for one submission."""
    lines = [
        f"Feedback for {r.student}: {Path(r.path).name} (exercise {r.exercise})",
        f"Score: {_fmt(r.score)} / {_fmt(r.max_score)}  [{r.status}]",
        "",
    ]
    if r.notes:
        lines.append("Notes:")
        lines += [f"  - {n}" for n in r.notes]
        lines.append("")
    for q in r.questions:
        lines.append(f"{q.question} {q.title}: {_fmt(q.score)} / {_fmt(q.max_score)}")
        for c in q.cases:
            mark = "PASS" if c.passed else "FAIL"
            kind = " (hidden)" if c.hidden else ""
            lines.append(f"  [{mark}] {_fmt(c.earned)}/{_fmt(c.points)}{kind} {c.message}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_feedback(results: Sequence[SubmissionResult], folder: str | Path) -> list[Path]:
    """One ``<student>__<notebook>.txt`` per submission in ``folder``; returns the paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    used: set[str] = set()
    for r in results:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{r.student}__{Path(r.path).stem}")
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base}_{n}"
        used.add(name)
        target = out / f"{name}.txt"
        target.write_text(feedback_text(r), encoding="utf-8")
        written.append(target)
    return written
