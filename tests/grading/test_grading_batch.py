"""The autograder end to end: solutions score full marks, exercises zero, and a suite of broken
and hostile submissions scores exactly what it earned, with a reason, without stopping the batch.

Each batch runs once per module (fixtures below); the tests only read its results.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from course_lib.grading.cases import load_suite
from course_lib.grading.grader import grade
from course_lib.grading.report import Gradebook, feedback_text, write_feedback, write_report
from course_lib.grading.sandbox import bwrap_works

REPO = Path(__file__).resolve().parents[2]
SOLUTIONS = REPO / "solutions"
EXERCISES = REPO / "exercises"
CH1 = "01_introduction.ipynb"
SUITE1 = load_suite("ch1", SOLUTIONS / "hidden_tests")
MAX1 = SUITE1.max_points


def q_max(question: str) -> float:
    return SUITE1.questions[question].max_points


def cases_of(questions: list[str], names: list[str]) -> float:
    return sum(c.points for q in questions for c in SUITE1.questions[q].cases if c.name in names)


def ch1(folder: str = "solutions") -> nbformat.NotebookNode:
    return nbformat.read((SOLUTIONS if folder == "solutions" else EXERCISES) / CH1, as_version=4)


def cell_index(nb, cell_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.id == cell_id)


def insert_after(nb, cell_id: str, source: str):
    nb.cells.insert(cell_index(nb, cell_id) + 1, new_code_cell(source))
    return nb


def replace(nb, cell_id: str, old: str, new: str):
    cell = nb.cells[cell_index(nb, cell_id)]
    assert old in cell.source
    cell.source = cell.source.replace(old, new)
    return nb


def append(nb, source: str):
    nb.cells.append(new_code_cell(source))
    return nb


def all_checks(nb, source: str):
    for cell in nb.cells:
        if "check" in cell.metadata.get("tags", []):
            cell.source = source
    return nb


# Forged result lines, written into every pipe the notebook's process holds (the channel to the
# grader is one of them), with the published public answers, while the cells run.
_PIPES = """
import fcntl, json, os, pathlib, stat
import course_lib.grading as g
expected = json.loads(pathlib.Path(g.__file__).with_name("expected.json").read_text())["values"]
pipes = []
for fd in map(int, os.listdir("/proc/self/fd")):
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode) and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE:
            pipes.append(fd)
    except OSError:
        pass
def forge(first=True):
    lines = [{"event": "cells_done"}] if first else []
    lines += [{"event": "case", "case": cid, "value": v, "passed": True}
              for cid, v in expected.items() if cid.startswith("ch1.")]
    for fd in pipes:
        for line in lines:
            os.write(fd, (json.dumps(line) + "\\n").encode())
"""

FAKE_RESULTS = (
    _PIPES
    + """
forge()
print("ch1.q1 Activation functions: 3/3 public points\\nAll public checks pass.\\nScore: 13/13")
"""
)

# The same lines from a thread, while the grader's tests run (after the cells are done).
FORGE_DURING_TESTS = (
    _PIPES
    + """
import threading, time
def later():
    time.sleep(0.3)
    forge(first=False)
threading.Thread(target=later, daemon=True).start()
"""
)

MONKEYPATCH = """
import builtins, numpy as np, numpy.testing, course_lib.grading as g
import course_lib.grading.values as v, course_lib.grading.grader as gr
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
v.compare_values = lambda *a, **k: (True, "")
gr.judge = lambda *a, **k: (True, "")
g.check = check = lambda *a, **k: print("All public checks pass.")
def relu(z): return z
def sigmoid(z): return z
def dense_forward(x, kernel, bias, activation="linear"): return x
def count_params(layer_sizes): return 0
"""

# Sorted first, so that it runs before most others: the hidden tests on disk are not visible in
# the sandbox (HIDDEN_DIR is replaced by the batch's copy of solutions/).
REWRITE_HIDDEN = """
import pathlib
for name in ("ch1.py", "ch2.py"):
    pathlib.Path("HIDDEN_DIR", name).write_text("def add_hidden(suite):\\n    pass\\n")
"""

# A process in its own session, outside the notebook's process group; the grader must kill it.
ESCAPE = """
import subprocess, time
sleeper = subprocess.Popen(["sleep", "613"], start_new_session=True)
time.sleep(1.0)
"""

# Double fork + setsid, then rewrite the gradebook once the grader is done.
DOUBLE_FORK = """
import os
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sh", ["sh", "-c", "sleep 614; echo '{}' > GRADEBOOK"])
    os._exit(0)
os.wait()
"""

# The solution notebook, found on disk through the package, run inside an untouched exercise.
READ_SOLUTION = """
import json, pathlib, course_lib
root = pathlib.Path(course_lib.__file__).resolve().parents[1]
for nb in sorted((root / "solutions").glob("01_*.ipynb")):
    for cell in json.loads(nb.read_text())["cells"]:
        if cell["cell_type"] == "code" and "check(" not in "".join(cell["source"]):
            exec("".join(cell["source"]), globals())
"""

# A classmate's notebook (graded in the same batch), found under the temp folder and run.
COPYCAT = """
import glob, json
for nb in glob.glob("/tmp/**/zz_victim/*.ipynb", recursive=True)[:1]:
    for cell in json.loads(open(nb).read())["cells"]:
        if cell["cell_type"] == "code" and "check(" not in "".join(cell["source"]):
            exec("".join(cell["source"]), globals())
"""

# Every process's folder and command line, searched for classmates' notebooks to overwrite, and
# every results file in the shared temp folder replaced.
CLASSMATES = """
import glob, os, time
places = set(glob.glob("/tmp/*/"))
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        places.add(os.readlink(f"/proc/{pid}/cwd"))
        places.update(open(f"/proc/{pid}/cmdline").read().split("\\0"))
    except OSError:
        pass
for place in places:
    if os.path.isdir(place):
        for nb in glob.glob(os.path.join(place, "**", "zz_victim", "*.ipynb"), recursive=True):
            try:
                open(nb, "w").write("{}")
            except OSError:
                pass
for _ in range(15):
    for results in glob.glob("/tmp/course-grade-*/results.jsonl"):
        try:
            open(results, "w").write(\'{"event": "done"}\\n\')
        except OSError:
            pass
    time.sleep(0.1)
"""

# What a notebook can find of the grader's secrets: its environment, the hidden tests' source.
LEAK = """
import os, pathlib
found = [v for v in os.environ.values() if "tok-4242" in v]
for proc in ("/proc/1/environ", "/proc/self/environ"):
    try:
        found += [v for v in open(proc, "rb").read().decode().split("\\0") if "tok-4242" in v]
    except OSError:
        pass
for base in ("/tmp", os.getcwd(), os.path.expanduser("~")):
    for p in pathlib.Path(base).rglob("*"):
        try:
            if "def add_" + "hidden(" in p.read_text():  # only hidden-test files define it
                found.append(p.read_text()[:200])
        except Exception:
            pass
raise RuntimeError("LEAKED " + repr(found))
"""

# A function that reports what the grader passed it, raising the text on hidden tests only.
HIDDEN_SNOOP = """
import inspect, sys
def relu(z):
    caller = sys._getframe(1)
    if caller.f_code.co_filename.startswith("<hidden"):
        raise RuntimeError("HIDDENLEAK " + repr(caller.f_locals)[:200] + repr(z)[:200])
    return np.maximum(0.0, z) + 1e4
"""

WRITE_PACKAGE = """
import pathlib, course_lib.grading as g
pathlib.Path(g.__file__).with_name("_pwned_by_a_notebook.py").write_text("PWNED = True\\n")
"""

# Fill its folder and /tmp: both are size-limited tmpfs in the sandbox, not the host's disk.
FILL_DISK = """
import os
block = b"x" * (32 * 1024 * 1024)
for folder in (os.getcwd(), "/tmp"):
    try:
        for i in range(64):
            with open(os.path.join(folder, f"fill{i}"), "wb") as f:
                f.write(block)
    except OSError as exc:
        print(exc)
"""

FIFOS = """
import os
for path in ("results.jsonl", "job.json", "/tmp/results.jsonl"):
    try:
        os.mkfifo(path)
    except OSError:
        pass
"""

FLOOD = """
import os, stat
line = b\'{"event": "case", "case": "ch1.q1/relu_hand_worked", "value": 0.0}\' + b" " * 950 + b"\\n"
for fd in map(int, os.listdir("/proc/self/fd")):
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            for _ in range(64 * 1024):
                os.write(fd, line)
    except OSError:
        pass
"""

# name -> (builder returning bytes, expected score, words the report must contain)
HOSTILE = {
    "invalid_json": (lambda: b"{ this is not a notebook", 0.0, ["not a valid notebook"]),
    "json_not_notebook": (lambda: b'{"cells": 5, "metadata": []}', 0.0, ["not a valid notebook"]),
    "malformed_cells": (
        lambda: json.dumps(
            {
                "nbformat": 4,
                "nbformat_minor": 5,
                "metadata": {"course": {"exercise": "ch1"}},
                "cells": [
                    5,
                    "text",
                    {
                        "cell_type": "code",
                        "id": ["not", "a", "string"],
                        "source": ["def relu(z):\n", "    return z * (z > 0)\n"],
                    },
                    {"cell_type": "code"},
                    {"cell_type": "code", "source": 7},
                ],
            }
        ).encode(),
        cases_of(["ch1.q1"], ["relu_hand_worked", "relu_batch", "relu_random", "relu_large_batch"]),
        ["`sigmoid` is not defined"],
    ),
    "escaping_process": (lambda: insert_after(ch1(), "ch1-code-1", ESCAPE), MAX1, []),
    "double_fork_setsid": (lambda: insert_after(ch1(), "ch1-code-1", DOUBLE_FORK), MAX1, []),
    "solution_from_disk": (
        lambda: append(ch1("exercises"), READ_SOLUTION),
        0.0,
        ["not answered yet"],
    ),
    "copycat": (lambda: append(ch1("exercises"), COPYCAT), 0.0, ["not answered yet"]),
    "classmates": (lambda: insert_after(ch1("exercises"), "ch1-code-1", CLASSMATES), 0.0, []),
    "zz_victim": (lambda: ch1(), MAX1, []),
    "leaks_secrets": (lambda: insert_after(ch1(), "ch1-code-1", LEAK), MAX1, ["LEAKED []"]),
    "hidden_snoop": (
        lambda: insert_after(ch1(), "ch1-code-2", HIDDEN_SNOOP),
        MAX1
        - cases_of(
            ["ch1.q1", "ch1.q2"],
            [
                "relu_hand_worked",
                "relu_batch",
                "relu_random",
                "relu_large_batch",
                "relu_layer_batch",
                "stacked",
            ],
        ),
        ["your code raised RuntimeError", "values differ"],
    ),
    "writes_the_package": (
        lambda: insert_after(ch1(), "ch1-code-1", WRITE_PACKAGE),
        MAX1,
        ["Read-only file system"],
    ),
    "kills_the_parent": (
        lambda: insert_after(
            ch1(), "ch1-code-1", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"
        ),
        MAX1,
        [],
    ),
    "fills_the_disk": (lambda: insert_after(ch1(), "ch1-code-1", FILL_DISK), MAX1, []),
    "fifo_results": (lambda: insert_after(ch1(), "ch1-code-1", FIFOS), MAX1, []),
    "flood_results": (lambda: insert_after(ch1(), "ch1-code-1", FLOOD), 0.0, ["more than 8 MB"]),
    "removes_its_folder": (
        lambda: append(ch1(), "import os, shutil\nshutil.rmtree(os.getcwd(), ignore_errors=True)"),
        MAX1,
        [],
    ),
    "forges_during_tests": (
        lambda: insert_after(ch1("exercises"), "ch1-code-1", FORGE_DURING_TESTS),
        0.0,
        [],
    ),
    "wrong_exercise": (
        lambda: (SOLUTIONS / "02_training.ipynb").read_bytes(),
        0.0,
        ["Wrong exercise", "'ch2'", "'ch1'"],
    ),
    "missing_function": (
        lambda: replace(ch1(), "ch1-code-5", "def count_params(", "def count_parameters("),
        MAX1 - q_max("ch1.q3"),
        ["`count_params` is not defined"],
    ),
    "cell_raises": (
        lambda: replace(
            ch1(),
            "ch1-code-3",
            "def dense_forward(",
            'raise ValueError("oops")\n\n\ndef dense_forward(',
        ),
        MAX1 - q_max("ch1.q2"),
        ["ValueError: oops", "`dense_forward` is not defined"],
    ),
    "infinite_loop_cell": (
        lambda: insert_after(ch1(), "ch1-code-2", "while True:\n    pass"),
        MAX1,
        ["time limit", "run again without that cell"],
    ),
    "infinite_loop_function": (
        lambda: replace(
            ch1(), "ch1-code-2", "    return np.maximum(0.0, z)", "    while True:\n        pass"
        ),
        MAX1
        - cases_of(
            ["ch1.q1", "ch1.q2"],
            [
                "relu_hand_worked",
                "relu_batch",
                "relu_random",
                "relu_large_batch",
                "relu_layer_batch",
                "stacked",
            ],
        ),
        ["did not return within"],
    ),
    "alarm_disabled_loop": (
        lambda: insert_after(
            replace(
                ch1(),
                "ch1-code-5",
                "    ### BEGIN SOLUTION",
                "    while len(layer_sizes) == 2:\n        pass\n    ### BEGIN SOLUTION",
            ),
            "ch1-code-1",
            "import signal\nsignal.signal = lambda *a, **k: None\n"
            "signal.setitimer = lambda *a, **k: None",
        ),
        MAX1 - cases_of(["ch1.q3"], ["single_layer", "mnist_linear"]),
        ["While testing ch1.q3/single_layer", "stopped the process"],
    ),
    "memory_bomb": (
        lambda: insert_after(ch1(), "ch1-code-2", "huge = np.ones((200_000, 200_000))  # 320 GB"),
        MAX1,
        ["MemoryError"],
    ),
    "memory_bomb_function": (
        lambda: replace(
            ch1(),
            "ch1-code-2",
            "    return np.maximum(0.0, z)",
            "    blocks = []\n    while True:\n        blocks.append(bytearray(10**8))",
        ),
        MAX1
        - cases_of(
            ["ch1.q1", "ch1.q2"],
            [
                "relu_hand_worked",
                "relu_batch",
                "relu_random",
                "relu_large_batch",
                "relu_layer_batch",
                "stacked",
            ],
        ),
        ["MemoryError"],
    ),
    "sys_exit": (
        lambda: insert_after(ch1(), "ch1-code-2", "import sys\nsys.exit('bye')"),
        MAX1,
        ["SystemExit"],
    ),
    "os_exit": (
        lambda: insert_after(ch1(), "ch1-code-2", "import os\nos._exit(0)"),
        MAX1,
        ["exited early", "os._exit"],
    ),
    "kernel_dies": (
        lambda: insert_after(
            ch1(), "ch1-code-3", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
        ),
        MAX1,
        ["SIGKILL"],
    ),
    "segfault_in_function": (
        lambda: replace(
            ch1(),
            "ch1-code-2",
            "    z = np.asarray(z, dtype=float)",
            "    import ctypes\n    ctypes.string_at(0)",
        ),
        MAX1
        - cases_of(
            ["ch1.q1", "ch1.q2"],
            [
                "sigmoid_hand_worked",
                "sigmoid_no_overflow",
                "sigmoid_after_bias",
                "sigmoid_extreme",
                "sigmoid_batch",
                "stacked",
            ],
        ),
        ["SIGSEGV"],
    ),
    "fake_output_and_results": (
        lambda: insert_after(ch1("exercises"), "ch1-code-1", FAKE_RESULTS),
        0.0,
        ["not answered yet"],
    ),
    "monkeypatched_checks": (
        lambda: insert_after(ch1("exercises"), "ch1-code-6", MONKEYPATCH),
        0.0,
        ["values differ"],
    ),
    "edited_check_cells": (
        lambda: all_checks(ch1("exercises"), 'check = lambda *a: "passed"\nprint("✔ all passed")'),
        0.0,
        ["was edited"],
    ),
    "aaa_rewrites_hidden_tests": (
        lambda: insert_after(ch1(), "ch1-code-1", REWRITE_HIDDEN),
        MAX1,
        ["No such file"],
    ),
    "edited_check_cells_solution": (
        lambda: all_checks(ch1(), 'print("✔ all passed")'),
        MAX1,
        ["was edited"],
    ),
}


def to_bytes(value) -> bytes:
    return value if isinstance(value, bytes) else nbformat.writes(value).encode()


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def needs_sandbox() -> None:
    ok, why = bwrap_works()
    if not ok:
        pytest.skip(f"the grading sandbox is not available here: {why}")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    needs_sandbox()
    root = tmp_path_factory.mktemp("hostile")
    solutions = tmp_path_factory.mktemp("instructor") / "solutions"
    shutil.copytree(SOLUTIONS, solutions)
    report = tmp_path_factory.mktemp("gradebook") / "grades.json"
    for name, (build, _, _) in HOSTILE.items():
        (root / name).mkdir()
        text = to_bytes(build()).replace(b"HIDDEN_DIR", str(solutions / "hidden_tests").encode())
        text = text.replace(b"GRADEBOOK", str(report).encode())
        (root / name / CH1).write_bytes(text)
    before = digest(root)
    hidden_before = (solutions / "hidden_tests" / "ch1.py").read_text()
    temp_before = set(Path(tempfile.gettempdir()).glob("course-grade-*"))
    old = os.environ.get("COURSE_TEST_SECRET")
    os.environ["COURSE_TEST_SECRET"] = "tok-4242"  # an instructor's token, in the grader's env
    try:
        results = grade(
            [root],
            jobs=2,
            timeout=12,
            case_timeout=3.0,
            memory_mb=1024,
            solutions_dir=solutions,
            progress=False,
            gradebook=Gradebook(report),
        )
    finally:
        if old is None:
            os.environ.pop("COURSE_TEST_SECRET")
        else:
            os.environ["COURSE_TEST_SECRET"] = old
    assert (solutions / "hidden_tests" / "ch1.py").read_text() == hidden_before
    assert set(Path(tempfile.gettempdir()).glob("course-grade-*")) == temp_before
    return root, before, {r.student: r for r in results}, report


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    for folder, name in [(SOLUTIONS, "full_marks"), (EXERCISES, "untouched")]:
        shutil.copytree(folder, root / name, ignore=shutil.ignore_patterns("hidden_tests"))
    before = digest(root)
    # The course's own notebooks: where bubblewrap is missing they run unsandboxed.
    results = grade(
        [root], jobs=2, progress=False, sandbox="auto" if bwrap_works()[0] else "process"
    )
    return root, before, results


def test_batch_covers_every_submission_and_leaves_files_byte_identical(hostile):
    root, before, results, _ = hostile
    assert set(results) == set(HOSTILE)
    assert digest(root) == before


def test_processes_the_notebook_started_do_not_outlive_it(hostile):
    psutil = pytest.importorskip("psutil")
    alive = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if ("sleep 613" in cmd or "sleep 614" in cmd) and proc.info["status"] != "zombie":
            alive.append((proc.pid, cmd))
    assert not alive, f"processes the notebooks started are still running: {alive}"


def test_the_gradebook_holds_every_submission_and_nothing_rewrote_it(hostile):
    _, _, results, report = hostile
    data = json.loads(report.read_text())
    assert {Path(s["path"]).parent.name for s in data["submissions"]} == set(HOSTILE)
    assert len(list(report.with_name("grades.records").glob("*.json"))) == len(HOSTILE)


def test_no_secret_or_hidden_material_reaches_any_feedback(hostile):
    _, _, results, _ = hostile
    hidden_source = (SOLUTIONS / "hidden_tests" / "ch1.py").read_text()
    snippets = [line.strip() for line in hidden_source.splitlines() if len(line.strip()) > 25]
    for r in results.values():
        text = json.dumps(r.to_dict())
        assert "tok-4242" not in text and "HIDDENLEAK" not in text and "add_hidden" not in text
        assert not any(s in text for s in snippets), r.student
        for q in r.questions:
            for c in q.cases:
                if c.hidden and not c.passed:
                    assert "difference" not in c.message and "index" not in c.message, c.message


def test_the_package_is_untouched(hostile):
    import course_lib.grading as g

    pwned = Path(g.__file__).with_name("_pwned_by_a_notebook.py")
    try:
        assert not pwned.exists()
    finally:
        pwned.unlink(missing_ok=True)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_submission_scores_what_it_earned(hostile, name):
    _, _, results, _ = hostile
    _, expected, words = HOSTILE[name]
    result = results[name]
    assert result.max_score == MAX1
    report = json.dumps(result.to_dict())
    assert result.score == pytest.approx(expected), feedback_text(result)
    for word in words:
        assert word in report, feedback_text(result)


def test_every_solution_scores_full_marks_and_every_exercise_zero(course):
    root, before, results = course
    assert digest(root) == before
    assert len(results) == 8
    for r in results:
        assert r.status == "graded", r.notes
        assert r.max_score >= 9 and len(r.questions) >= 3
        if r.student == "full_marks":
            assert r.score == r.max_score, feedback_text(r)
            assert all(c.passed for q in r.questions for c in q.cases)
        else:
            assert r.score == 0, feedback_text(r)
    assert {r.exercise for r in results} == {"ch1", "ch2", "ch3", "ch4"}


def test_gradebook_csv_json_and_feedback(course, tmp_path):
    _, _, results = course
    write_report(results, tmp_path / "grades.csv")
    write_report(results, tmp_path / "grades.json")
    written = write_feedback(results, tmp_path / "feedback")
    with open(tmp_path / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 8
    assert list(rows[0])[:8] == [
        "student",
        "name",
        "path",
        "exercise",
        "status",
        "score",
        "max_score",
        "percentage",
    ]
    assert {"ch1.q1", "ch2.q3", "ch3.q2", "ch4.q3", "ch4.q3 max"} <= set(rows[0])
    full = next(r for r in rows if r["student"] == "full_marks" and r["exercise"] == "ch2")
    assert full["score"] == full["max_score"] and full["ch1.q1"] == ""
    assert full["percentage"] == "100.0" and full["ch2.q1"] == full["ch2.q1 max"] != ""
    data = json.loads((tmp_path / "grades.json").read_text())
    case = data["submissions"][0]["questions"][0]["cases"][0]
    assert set(case) == {"case", "points", "earned", "hidden", "passed", "message"}
    assert any(c["hidden"] for s in data["submissions"] for q in s["questions"] for c in q["cases"])
    assert len(written) == 8 and len({p.name for p in written}) == 8
    text = next(p for p in written if p.name.startswith("untouched__02")).read_text()
    assert "Score: 0 / " in text and "[FAIL]" in text and "NotImplementedError" in text
    page = next(p for p in written if p.name.startswith("untouched__02")).with_suffix(".html")
    assert "<h1>Feedback for untouched</h1>" in page.read_text() and "✘" in page.read_text()


def test_bad_report_extension_is_refused(course, tmp_path):
    with pytest.raises(ValueError, match=r"\.csv or \.json"):
        write_report(course[2], tmp_path / "grades.xlsx")
