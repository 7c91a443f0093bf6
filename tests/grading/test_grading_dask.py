"""Grading on Dask: a scheduler and two workers started here on loopback grade a small batch with
the same sandbox, and every case scores exactly as in a local run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from course_lib.grading.batch import grade
from course_lib.grading.sandbox import bwrap_works

pytest.importorskip("distributed")

REPO = Path(__file__).resolve().parents[2]
CH1 = "01_introduction.ipynb"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    ok, why = bwrap_works()
    if not ok:
        pytest.skip(f"the grading sandbox is not available here: {why}")
    folder = tmp_path_factory.mktemp("dask")
    info = folder / "scheduler.json"
    common = ["--no-dashboard"]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--scheduler-file",
                str(info),
                *common,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "distributed.cli.dask_worker",
                        address,
                        "--nthreads",
                        "1",
                        "--host",
                        "127.0.0.1",
                        *common,
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=90)
        yield address
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_two_workers_grade_a_batch_exactly_as_locally(cluster, tmp_path):
    subs = tmp_path / "subs"
    for name, folder in (("full", "solutions"),):
        (subs / name).mkdir(parents=True)
        shutil.copy(REPO / folder / CH1, subs / name / CH1)
    broken = nbformat.read(REPO / "solutions" / CH1, as_version=4)
    broken.cells.append(new_code_cell("def relu(z):\n    return z"))
    (subs / "broken").mkdir()
    nbformat.write(broken, subs / "broken" / CH1)
    remote = grade([subs], scheduler=cluster, timeout=30, progress=False)
    local = grade([subs], jobs=2, timeout=30, progress=False)

    def scores(results):
        return {
            (r.student, c.case): c.earned for r in results for q in r.questions for c in q.cases
        }

    assert scores(remote) == scores(local)
    by_student = {r.student: r.score for r in remote}
    assert by_student["full"] == next(r.max_score for r in remote)
    assert 0 < by_student["broken"] < by_student["full"]
    with pytest.raises(ValueError, match="expected 'local' or an address like 'tcp://HOST:PORT'"):
        grade([subs / "full"], scheduler="127.0.0.1:8786", progress=False)


def test_scheduler_local_grades_through_the_command(tmp_path, capsys):
    from course_lib.grading.cli import main

    for name in ("ada", "bo"):
        (tmp_path / "subs" / name).mkdir(parents=True)
        (tmp_path / "subs" / name / CH1).write_text("not json")
    report = tmp_path / "grades.json"
    sandbox = "bwrap" if bwrap_works()[0] else "process"
    code = main(
        [
            "grade",
            str(tmp_path / "subs"),
            "--scheduler",
            "local",
            "--jobs",
            "2",
            "-q",
            "--sandbox",
            sandbox,
            "--report",
            str(report),
        ]
    )
    assert code == 0 and "2 submission(s) graded." in capsys.readouterr().out
    subs = json.loads(report.read_text())["submissions"]
    assert [(s["student"], s["status"]) for s in subs] == [("ada", "invalid"), ("bo", "invalid")]
