"""The sandbox itself: refused when missing unless asked for, what doctor says, and a grader that
is killed in the middle of a batch: no process, no hidden test and no finished result is lost or
left behind, and ``--resume`` grades only what was not finished."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from course_lib.grading import sandbox
from course_lib.grading.batch import grade
from course_lib.grading.cli import main
from course_lib.grading.report import Gradebook

REPO = Path(__file__).resolve().parents[2]
CH1 = REPO / "solutions" / "01_introduction.ipynb"


@pytest.fixture
def no_bwrap(monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    sandbox.bwrap_works.cache_clear()
    yield
    sandbox.bwrap_works.cache_clear()


def test_without_bwrap_untrusted_batches_are_refused(no_bwrap, tmp_path, capsys):
    ok, line = sandbox.describe()
    assert not ok and "apt-get install bubblewrap" in line and "--sandbox process" in line
    with pytest.raises(sandbox.SandboxUnavailable, match="pass `--sandbox process`"):
        grade([tmp_path], progress=False)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "01_introduction.ipynb").write_text("x")
    assert main(["grade", str(tmp_path), "-q"]) == 2
    assert "the grading sandbox is not available" in capsys.readouterr().err


def test_process_mode_says_once_what_a_student_can_read(tmp_path, capsys):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "01_introduction.ipynb").write_text("x")
    assert main(["grade", str(tmp_path), "-q", "--sandbox", "process"]) == 0
    err = capsys.readouterr().err
    assert err.count("WITHOUT the sandbox") == 1 and "can read every file you can read" in err
    with pytest.raises(ValueError, match="expected one of auto, bwrap, process"):
        sandbox.resolve_mode("docker")


def test_doctor_says_whether_the_sandbox_is_available(capsys):
    from course_lib.cli import main as course

    ok, line = sandbox.describe()
    assert ok == (sandbox.bwrap_works()[0])
    assert ("runs each notebook sandboxed" in line) if ok else ("install" in line)
    course(["doctor", "--fast"])
    assert f"Grading sandbox       {line}" in capsys.readouterr().out


def sleepers(marker: str) -> list[int]:
    psutil = pytest.importorskip("psutil")
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        if marker in " ".join(proc.info["cmdline"] or []) and proc.info["status"] != "zombie":
            found.append(proc.pid)
    return found


def test_a_killed_grader_loses_nothing_and_resume_grades_the_rest(tmp_path):
    ok, why = sandbox.bwrap_works()
    if not ok:
        pytest.skip(f"the grading sandbox is not available here: {why}")
    subs = tmp_path / "subs"
    for name in ("a", "b"):
        (subs / name).mkdir(parents=True)
        (subs / name / CH1.name).write_bytes(CH1.read_bytes())
    slow = nbformat.read(CH1, as_version=4)
    slow.cells.insert(
        1,
        new_code_cell(
            "import subprocess, time\nsubprocess.Popen(['sleep', '615'], start_new_session=True)\n"
            "time.sleep(100)"
        ),
    )
    (subs / "zz_slow").mkdir()
    nbformat.write(slow, subs / "zz_slow" / CH1.name)
    report = tmp_path / "grades.json"
    records = tmp_path / "grades.records"
    before = set(Path(tempfile.gettempdir()).glob("course-grade-*"))
    grader = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "course_lib.grading.cli",
            "grade",
            str(subs),
            "--report",
            str(report),
            "--jobs",
            "1",
            "--timeout",
            "150",
            "-q",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (
            len(list(records.glob("*.json"))) == 2 and sleepers("sleep 615")
        ):
            time.sleep(0.2)
        assert sleepers("sleep 615"), "the slow notebook never started"
    finally:
        os.kill(grader.pid, signal.SIGKILL)
        grader.wait()
    for _ in range(50):
        if not sleepers("sleep 615"):
            break
        time.sleep(0.1)
    assert not sleepers("sleep 615"), "a process of the notebook outlived the grader"
    assert set(Path(tempfile.gettempdir()).glob("course-grade-*")) == before
    assert len(json.loads(report.read_text())["submissions"]) == 2  # whole, never half-written
    nbformat.write(nbformat.read(CH1, as_version=4), subs / "zz_slow" / CH1.name)
    graded = []
    results = grade(
        [subs],
        jobs=1,
        progress=False,
        gradebook=Gradebook(report),
        resume=True,
        on_result=graded.append,
    )
    assert [Path(r.path).parent.name for r in graded] == ["zz_slow"]
    assert [r.score == r.max_score for r in results] == [True, True, True]
    assert len(json.loads(report.read_text())["submissions"]) == 3


@pytest.mark.skipif(sandbox.bwrap_path() is None, reason="needs bubblewrap")
def test_a_python_environment_under_tmp_stays_visible(monkeypatch):
    # The sandbox mounts an empty /tmp; a checkout or venv under /tmp (a CI clone) must be bound
    # on top of it, not hidden by it.
    folder = Path(tempfile.mkdtemp(prefix="course-root-"))
    (folder / "marker.txt").write_text("visible")
    roots = sandbox._python_roots()
    monkeypatch.setattr(sandbox, "_python_roots", lambda: [*roots, folder])
    command = sandbox.sandbox_command(["/bin/cat", str(folder / "marker.txt")])
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "visible"), done.stderr
    (folder / "marker.txt").unlink()
    folder.rmdir()
