"""Gradebook files: CSV (one row per submission), JSON (every case), an LMS CSV, a pass-rate
summary, and per-student feedback (text and HTML).

:class:`Gradebook` keeps one small JSON record per submission next to the report, written
atomically as each result arrives, and rewrites the report from all records: a killed grader
loses nothing finished (``course grade --resume`` skips those), and regrading a few students
merges into the existing gradebook instead of replacing it.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from course_lib.grading.scoring import SubmissionResult

__all__ = [
    "Gradebook",
    "write_report",
    "write_csv",
    "write_json",
    "write_lms_csv",
    "write_summary",
    "write_feedback",
    "feedback_text",
    "feedback_html",
    "atomic_write",
]

CELL_NUMBERS = (
    "Cell numbers count every cell from the top of the notebook, Markdown cells "
    "too, as JupyterLab's status bar shows them."
)


def _fmt(x: float) -> str:
    return f"{x:g}"


def _pct(r: SubmissionResult) -> str:
    return f"{100.0 * r.score / r.max_score:.1f}" if r.max_score else "0.0"


def atomic_write(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (never half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _question_ids(results: Sequence[SubmissionResult]) -> list[str]:
    return sorted(
        {q.question for r in results for q in r.questions},
        key=lambda s: tuple(int(n) for n in re.findall(r"\d+", s)) or (0,),
    )


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def write_csv(results: Sequence[SubmissionResult], path: str | Path) -> None:
    """student, name, path, exercise, status, score, max_score, percentage, then per question
    its points and (in ``<id> max``) its maximum."""
    qids = _question_ids(results)
    rows = [
        [
            "student",
            "name",
            "path",
            "exercise",
            "status",
            "score",
            "max_score",
            "percentage",
            *qids,
            *(f"{q} max" for q in qids),
        ]
    ]
    for r in results:
        scores = {q.question: q for q in r.questions}
        rows.append(
            [
                r.student,
                r.student_name,
                r.path,
                r.exercise,
                r.status,
                _fmt(r.score),
                _fmt(r.max_score),
                _pct(r),
                *(_fmt(scores[q].score) if q in scores else "" for q in qids),
                *(_fmt(scores[q].max_score) if q in scores else "" for q in qids),
            ]
        )
    atomic_write(path, _csv_text(rows))


def write_lms_csv(results: Sequence[SubmissionResult], path: str | Path) -> None:
    """For a learning-management system: student id, name, exercise, score, max, percentage."""
    rows = [["student_id", "name", "exercise", "score", "max_score", "percentage"]]
    rows += [
        [r.student, r.student_name, r.exercise, _fmt(r.score), _fmt(r.max_score), _pct(r)]
        for r in results
    ]
    atomic_write(path, _csv_text(rows))


def write_summary(results: Sequence[SubmissionResult], path: str | Path) -> None:
    """Pass rates: one row per question (``case`` empty) and per case, over graded submissions."""
    stats: dict[tuple[str, str], list] = {}
    for r in results:
        if r.status != "graded":
            continue
        for q in r.questions:
            row = stats.setdefault((q.question, ""), [r.exercise, False, 0, 0, 0.0, q.max_score])
            row[2] += 1
            row[3] += q.score == q.max_score
            row[4] += q.score
            for c in q.cases:
                crow = stats.setdefault(
                    (q.question, c.case), [r.exercise, c.hidden, 0, 0, 0.0, c.points]
                )
                crow[2] += 1
                crow[3] += c.passed
                crow[4] += c.earned
    rows = [
        [
            "exercise",
            "question",
            "case",
            "hidden",
            "submissions",
            "passed",
            "pass_rate",
            "mean_points",
            "max_points",
        ]
    ]
    for (qid, case), (ex, hidden, n, passed, points, most) in sorted(stats.items()):
        rows.append(
            [
                ex,
                qid,
                case,
                "yes" if hidden else "",
                str(n),
                str(passed),
                f"{passed / n:.3f}",
                f"{points / n:.3g}",
                _fmt(most),
            ]
        )
    atomic_write(path, _csv_text(rows))


def write_json(results: Sequence[SubmissionResult], path: str | Path) -> None:
    """Every submission with its notes and every case's points, result and message."""
    atomic_write(path, json.dumps({"submissions": [r.to_dict() for r in results]}, indent=2) + "\n")


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
    who = f"{r.student_name} ({r.student})" if r.student_name else r.student
    lines = [
        f"Feedback for {who}: {Path(r.path).name} (exercise {r.exercise})",
        f"Score: {_fmt(r.score)} / {_fmt(r.max_score)}  [{r.status}]",
        "",
    ]
    if r.notes:
        lines.append("Notes:")
        lines += [f"  - {n}" for n in r.notes]
        lines.append(f"  ({CELL_NUMBERS})")
        lines.append("")
    for q in r.questions:
        lines.append(f"{q.question} {q.title}: {_fmt(q.score)} / {_fmt(q.max_score)}")
        for c in q.cases:
            mark = "PASS" if c.passed else "FAIL"
            kind = " (hidden)" if c.hidden else ""
            lines.append(f"  [{mark}] {_fmt(c.earned)}/{_fmt(c.points)}{kind} {c.message}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def feedback_html(r: SubmissionResult) -> str:
    """The same feedback as a standalone HTML page."""
    e = html.escape
    who = f"{r.student_name} ({r.student})" if r.student_name else r.student
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>Feedback: {e(who)}"
        f"</title></head><body><h1>Feedback for {e(who)}</h1>",
        f"<p>{e(Path(r.path).name)} (exercise {e(r.exercise)}): <b>{_fmt(r.score)} / "
        f"{_fmt(r.max_score)}</b> [{e(r.status)}]</p>",
    ]
    if r.notes:
        parts.append(
            "<h2>Notes</h2><ul>"
            + "".join(f"<li>{e(n)}</li>" for n in r.notes)
            + f"</ul><p><small>{e(CELL_NUMBERS)}</small></p>"
        )
    for q in r.questions:
        parts.append(
            f"<h2>{e(q.question)} {e(q.title)}: {_fmt(q.score)} / {_fmt(q.max_score)}</h2><ul>"
        )
        for c in q.cases:
            color = "#1a7f37" if c.passed else "#b42318"
            mark = "✔" if c.passed else "✘"
            kind = " (hidden)" if c.hidden else ""
            parts.append(
                f"<li style='color:{color}'>{mark} {_fmt(c.earned)}/{_fmt(c.points)}"
                f"{kind} {e(c.message)}</li>"
            )
        parts.append("</ul>")
    parts.append("</body></html>\n")
    return "".join(parts)


def write_feedback(results: Sequence[SubmissionResult], folder: str | Path) -> list[Path]:
    """``<student>__<notebook>.txt`` and ``.html`` per submission in ``folder``; returns the
    text files' paths."""
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
        atomic_write(out / f"{name}.html", feedback_html(r))
        target = out / f"{name}.txt"
        atomic_write(target, feedback_text(r))
        written.append(target)
    return written


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class Gradebook:
    """The records behind a report file (``grades.csv`` -> ``grades.records/``), one JSON file
    per submission, keyed by the submission's absolute path."""

    def __init__(self, report: str | Path) -> None:
        self.report = Path(report)
        if self.report.suffix.lower() not in (".csv", ".json"):
            raise ValueError(
                f"Received an invalid value for `report`, expected a file name ending in .csv or "
                f".json. Received: report={str(report)!r}"
            )
        self.records = self.report.with_name(self.report.stem + ".records")
        self.records.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()

    def _record(self, path: str | Path) -> Path:
        key = hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:24]
        return self.records / f"{key}.json"

    def finished(self, path: str | Path) -> SubmissionResult | None:
        """The stored result of ``path`` if it was graded and the file has not changed since."""
        try:
            data = json.loads(self._record(path).read_text(encoding="utf-8"))
            result = SubmissionResult.from_dict(data)
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if result.status == "error" or not result.digest or result.digest != _sha256(Path(path)):
            return None
        return result

    def add(self, result: SubmissionResult) -> None:
        with self.lock:
            atomic_write(self._record(result.path), json.dumps(result.to_dict()))
            self.write()

    def results(self) -> list[SubmissionResult]:
        out = []
        for file in sorted(self.records.glob("*.json")):
            try:
                out.append(SubmissionResult.from_dict(json.loads(file.read_text("utf-8"))))
            except (OSError, ValueError, TypeError, KeyError):
                continue
        return sorted(out, key=lambda r: (r.student, r.exercise, r.path))

    def write(self, feedback: str | Path | None = None) -> list[SubmissionResult]:
        """Rewrite the report, ``<stem>.lms.csv`` and ``<stem>.summary.csv`` from all records."""
        results = self.results()
        write_report(results, self.report)
        write_lms_csv(results, self.report.with_name(self.report.stem + ".lms.csv"))
        write_summary(results, self.report.with_name(self.report.stem + ".summary.csv"))
        if feedback is not None:
            write_feedback(results, feedback)
        return results
