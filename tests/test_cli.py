"""The `course` command and the package's import-time promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from course_lib.cli import build_parser, main

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("module", ["course_lib", "course_lib.nn", "course_lib.datasets",
                                    "course_lib.plots", "course_lib.notebooks", "course_lib.cli"])
def test_import_does_not_load_tensorflow(module):
    code = (f"import sys, {module}; "
            "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, f"importing {module} loaded {done.stdout.strip()}"


def test_parser_has_every_command():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001
    for name in ("doctor", "run", "outputs", "exercises", "grade"):
        assert name in commands


def test_run_unknown_chapter_exits_2_with_a_message(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    assert main(["run", "nonexistent-chapter"]) == 2
    assert "Received an invalid value for `chapter`" in capsys.readouterr().err


def test_run_parameter_must_be_declared(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(REPO)
    notebooks = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        pytest.skip("no chapter notebooks yet")
    code = main(["run", str(notebooks[0]), "-p", "no_such_parameter", "1",
                 "--output-dir", str(tmp_path)])
    assert code == 2
    assert "invalid parameter" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_doctor_reports_versions_and_kernel():
    done = subprocess.run([sys.executable, "-m", "course_lib.cli", "doctor", "--fast"],
                          capture_output=True, text=True, cwd=REPO)
    for label in ("Python", "numpy", "TensorFlow", "Keras", "papermill", "nbval", "course kernel"):
        assert label in done.stdout
    from jupyter_client.kernelspec import KernelSpecManager

    if "course-nn" in KernelSpecManager().find_kernel_specs():  # set up as `make test` does
        assert done.returncode == 0, done.stderr
        assert "Everything the course needs is here." in done.stdout
    else:
        assert done.returncode == 1 and "ipykernel install --sys-prefix" in done.stderr


def test_doctor_says_how_to_register_a_missing_kernel(monkeypatch, capsys):
    import jupyter_client.kernelspec as kernelspec

    monkeypatch.setattr(kernelspec.KernelSpecManager, "find_kernel_specs", lambda self: {})
    assert main(["doctor", "--fast"]) == 1
    err = capsys.readouterr().err
    assert "ipykernel install --sys-prefix --name course-nn" in err
