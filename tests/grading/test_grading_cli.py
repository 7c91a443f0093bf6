"""`course exercises` and `course grade` as the `course` command registers them."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from course_lib.grading.cli import main as cli_main
from course_lib.grading.sandbox import bwrap_works

# These notebooks are the course's own: where bubblewrap is missing they run unsandboxed.
SANDBOX = "bwrap" if bwrap_works()[0] else "process"


def main(argv: list[str]) -> int:
    return cli_main([*argv, "--sandbox", SANDBOX] if argv[:1] == ["grade"] else argv)


REPO = Path(__file__).resolve().parents[2]


def test_register_adds_both_subcommands_with_a_func():
    import argparse

    from course_lib.grading.cli import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        [
            "grade",
            "x.ipynb",
            "--jobs",
            "3",
            "--timeout",
            "5",
            "--memory-mb",
            "512",
            "--report",
            "r.csv",
            "--feedback",
            "fb",
        ]
    )
    assert callable(args.func) and args.jobs == 3 and args.timeout == 5 and args.memory_mb == 512
    assert callable(parser.parse_args(["exercises", "--check"]).func)


def test_course_command_has_grade_and_exercises():
    from course_lib.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["grade", "a.ipynb"]).func.__name__ == "cmd_grade"
    assert parser.parse_args(["exercises"]).func.__name__ == "cmd_exercises"


def test_exercises_check_passes_on_the_committed_tree(capsys):
    assert main(["exercises", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_exercises_reports_a_bad_fence_and_fails(tmp_path, capsys):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    shutil.copy(REPO / "solutions" / "01_introduction.ipynb", solutions)
    text = (solutions / "01_introduction.ipynb").read_text()
    (solutions / "01_introduction.ipynb").write_text(text.replace("### END SOLUTION", "", 1))
    assert main(["exercises", "--solutions", str(solutions), "--output", str(tmp_path / "ex")]) == 1
    err = capsys.readouterr().err
    assert "01_introduction.ipynb, cell 5: nested" in err


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_grade_writes_report_and_feedback(tmp_path, suffix, capsys):
    (tmp_path / "subs" / "ada").mkdir(parents=True)
    (tmp_path / "subs" / "ada" / "01_introduction.ipynb").write_text("not json")
    report = tmp_path / f"grades{suffix}"
    code = main(
        [
            "grade",
            str(tmp_path / "subs"),
            "--jobs",
            "1",
            "--report",
            str(report),
            "--feedback",
            str(tmp_path / "fb"),
            "--quiet",
        ]
    )
    assert code == 0
    assert "1 submission(s) graded." in capsys.readouterr().out
    if suffix == ".csv":
        row = next(csv.DictReader(report.open()))
        assert (row["student"], row["exercise"], row["score"], row["status"]) == (
            "ada",
            "ch1",
            "0",
            "invalid",
        )
    else:
        sub = json.loads(report.read_text())["submissions"][0]
        assert sub["status"] == "invalid" and "not a valid notebook" in sub["notes"][0]
    assert (tmp_path / "fb" / "ada__01_introduction.txt").read_text().startswith("Feedback for ada")


def test_grade_refuses_bad_arguments(tmp_path, capsys):
    assert main(["grade", str(tmp_path / "missing.ipynb")]) == 2
    assert main(["grade", str(tmp_path), "--report", str(tmp_path / "g.xlsx")]) == 2
    with pytest.raises(SystemExit):
        main(["grade", str(tmp_path), "--jobs", "0"])


def test_exercise_comes_from_metadata_or_the_exercise_option(tmp_path, capsys):
    (tmp_path / "bo").mkdir()
    shutil.copy(REPO / "solutions" / "01_introduction.ipynb", tmp_path / "bo" / "submission.ipynb")
    report = tmp_path / "g.json"
    assert main(["grade", str(tmp_path / "bo"), "-q", "--jobs", "1", "--report", str(report)]) == 0
    sub = json.loads(report.read_text())["submissions"][0]
    assert (sub["exercise"], sub["status"], sub["score"]) == ("ch1", "graded", sub["max_score"])
    assert (
        main(["grade", str(tmp_path / "bo"), "-q", "--exercise", "ch2", "--report", str(report)])
        == 0
    )
    sub = json.loads(report.read_text())["submissions"][0]
    assert (sub["exercise"], sub["status"], sub["score"]) == ("ch2", "wrong exercise", 0)


def test_a_broken_solution_is_reported_and_the_exit_code_says_so(tmp_path, capsys):
    solutions = tmp_path / "solutions"
    shutil.copytree(REPO / "solutions", solutions)
    path = solutions / "01_introduction.ipynb"
    path.write_text(path.read_text().replace("import numpy as np", "import numpy as np\\n1 / 0", 1))
    (tmp_path / "cy").mkdir()
    shutil.copy(REPO / "solutions" / "01_introduction.ipynb", tmp_path / "cy")
    report = tmp_path / "g.json"
    code = main(
        [
            "grade",
            str(tmp_path / "cy"),
            "-q",
            "--solutions",
            str(solutions),
            "--report",
            str(report),
        ]
    )
    assert code == 1
    sub = json.loads(report.read_text())["submissions"][0]
    assert sub["status"] == "error" and sub["score"] == 0
    assert (
        "does not pass its own tests" in sub["notes"][0] and "ZeroDivisionError" in sub["notes"][0]
    )


def test_exercises_for_one_unknown_exercise_names_the_choices(capsys):
    assert main(["exercises", "--exercise", "ch9"]) == 1
    err = capsys.readouterr().err
    assert "`--exercise`" in err and "ch1, ch2, ch3, ch4" in err and "'ch9'" in err
