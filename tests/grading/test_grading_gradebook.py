"""The instructor's gradebook: who a submission is, per-question points and maxima, the LMS CSV,
the pass-rate summary, HTML feedback, and records that survive a killed grader and merge when a
few students are regraded."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from course_lib.grading.batch import identify, read_roster
from course_lib.grading.cli import main
from course_lib.grading.report import Gradebook, feedback_html, feedback_text
from course_lib.grading.scoring import CaseResult, QuestionResult, SubmissionResult


def result(student: str, path: str, passed: tuple[bool, bool], name: str = "") -> SubmissionResult:
    cases = [
        CaseResult("ch1.q1/a", 1.0, 1.0 if passed[0] else 0.0, False, passed[0], "a <b>"),
        CaseResult("ch1.q1/h", 2.0, 2.0 if passed[1] else 0.0, True, passed[1], "hidden"),
    ]
    score = sum(c.earned for c in cases)
    return SubmissionResult(
        path,
        student,
        "ch1",
        score,
        3.0,
        "graded",
        ["Cell 4 raised ValueError: x"],
        [QuestionResult("ch1.q1", "Relu", score, 3.0, cases)],
        student_name=name,
    )


def rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize(
    "path, how, expected",
    [
        ("subs/alice/01_introduction.ipynb", "auto", "alice"),
        ("subs/all/alice_01_introduction.ipynb", "auto", "alice"),
        ("subs/all/bob_smith_02_training.ipynb", "filename", "bob_smith"),
        ("subs/carol/dave_01_introduction.ipynb", "folder", "carol"),
        ("subs/erin/notes.ipynb", "filename", "notes"),
    ],
)
def test_the_student_comes_from_the_folder_or_the_file_name(path, how, expected):
    assert identify(path, how) == (expected, "")


def test_a_roster_maps_keys_to_ids_and_names(tmp_path):
    roster_csv = tmp_path / "roster.csv"
    roster_csv.write_text("id,name,key\ns001,Alice Martin,alice\ns002,Bob Li,\n")
    roster = read_roster(roster_csv)
    assert identify("x/alice_01_introduction.ipynb", roster=roster) == ("s001", "Alice Martin")
    assert identify("s002/01_introduction.ipynb", roster=roster) == ("s002", "Bob Li")
    assert identify("zed/01_introduction.ipynb", roster=roster) == ("zed", "")
    (tmp_path / "bad.csv").write_text("student,name\nx,y\n")
    with pytest.raises(ValueError, match="expected a CSV with an 'id' column"):
        read_roster(tmp_path / "bad.csv")
    with pytest.raises(ValueError, match="expected 'auto', 'folder' or 'filename'"):
        identify("a/b.ipynb", "email")


def test_lms_csv_summary_and_feedback_pages(tmp_path):
    book = Gradebook(tmp_path / "grades.csv")
    book.add(result("s1", str(tmp_path / "a.ipynb"), (True, True), "Ann"))
    book.add(result("s2", str(tmp_path / "b.ipynb"), (True, False), "Ben"))
    grades = rows(tmp_path / "grades.csv")
    assert [
        (r["student"], r["name"], r["score"], r["percentage"], r["ch1.q1"], r["ch1.q1 max"])
        for r in grades
    ] == [("s1", "Ann", "3", "100.0", "3", "3"), ("s2", "Ben", "1", "33.3", "1", "3")]
    lms = rows(tmp_path / "grades.lms.csv")
    assert list(lms[1].items())[:4] == [
        ("student_id", "s2"),
        ("name", "Ben"),
        ("exercise", "ch1"),
        ("score", "1"),
    ]
    summary = {(r["question"], r["case"]): r for r in rows(tmp_path / "grades.summary.csv")}
    assert summary[("ch1.q1", "ch1.q1/a")]["pass_rate"] == "1.000"
    assert summary[("ch1.q1", "ch1.q1/h")]["pass_rate"] == "0.500"
    assert summary[("ch1.q1", "ch1.q1/h")]["hidden"] == "yes"
    assert summary[("ch1.q1", "")]["passed"] == "1"
    r = result("s2", "b.ipynb", (True, False), "Ben")
    page, text = feedback_html(r), feedback_text(r)
    assert "a &lt;b&gt;" in page and "<b>" not in page.split("</b>", 1)[1].replace("</b>", "")
    assert "Cell 4 raised" in text and "as JupyterLab's status bar shows them" in text
    assert text.startswith("Feedback for Ben (s2)")


def test_records_merge_and_resume_skips_only_unchanged_finished_files(tmp_path):
    nb = tmp_path / "a" / "01_introduction.ipynb"
    nb.parent.mkdir()
    nb.write_text("{}")
    book = Gradebook(tmp_path / "grades.json")
    done = result("a", str(nb), (True, True))
    import hashlib

    done.digest = hashlib.sha256(b"{}").hexdigest()
    book.add(done)
    book.add(result("b", str(tmp_path / "b.ipynb"), (False, False)))
    assert book.finished(nb).score == 3.0
    assert book.finished(tmp_path / "b.ipynb") is None  # no digest: graded again
    nb.write_text('{"changed": 1}')
    assert book.finished(nb) is None  # the file changed since
    again = Gradebook(tmp_path / "grades.json")
    again.add(result("b", str(tmp_path / "b.ipynb"), (True, False)))
    data = json.loads((tmp_path / "grades.json").read_text())["submissions"]
    assert [(s["student"], s["score"]) for s in data] == [("a", 3.0), ("b", 1.0)]
    with pytest.raises(ValueError, match=r"\.csv or \.json"):
        Gradebook(tmp_path / "grades.xlsx")


def test_regrading_one_student_merges_into_the_gradebook(tmp_path, capsys):
    subs = tmp_path / "subs"
    for name in ("ada", "bo", "cy", "erin"):
        (subs / name).mkdir(parents=True)
        (subs / name / "01_introduction.ipynb").write_text("not json")
    report = tmp_path / "gradebook.csv"
    args = ["--report", str(report), "--quiet", "--jobs", "1", "--sandbox", "process"]
    assert main(["grade", str(subs), *args]) == 0
    assert len(rows(report)) == 4
    assert main(["grade", str(subs / "erin" / "01_introduction.ipynb"), *args]) == 0
    assert [r["student"] for r in rows(report)] == ["ada", "bo", "cy", "erin"]
    assert main(["grade", str(subs), "--resume", *args]) == 0
    assert "4 submission(s) graded." in capsys.readouterr().out
    assert main(["grade", str(subs), "--resume", "--quiet"]) == 2
    assert "--resume needs --report" in capsys.readouterr().err
