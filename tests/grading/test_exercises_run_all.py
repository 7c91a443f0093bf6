"""An untouched exercise notebook survives "Restart and run all", as its first cell tells learners
to do: no cell raises, every check cell reports "not answered yet" with 0 points, and every demo
cell that needs an answer says which question to answer first."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest

from course_lib.notebooks import _ipc_kernel_manager_class, course_environment

REPO = Path(__file__).resolve().parents[2]
EXERCISES = sorted((REPO / "exercises").glob("[0-9][0-9]_*.ipynb"))


def text_of(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.get("data", {}).get("text/plain", ""))
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
    return "".join(parts)


@pytest.fixture(scope="module", params=EXERCISES, ids=lambda p: p.stem)
def executed(request, tmp_path_factory):
    from nbclient import NotebookClient

    folder = tmp_path_factory.mktemp(request.param.stem)
    path = folder / request.param.name
    shutil.copy(request.param, path)
    nb = nbformat.read(path, as_version=4)
    with course_environment(), tempfile.TemporaryDirectory(prefix="course-kernel-") as sockets:
        manager = _ipc_kernel_manager_class(sockets)
        options = {} if manager is None else {"kernel_manager_class": manager}
        client = NotebookClient(
            nb,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
            allow_errors=True,
            **options,
        )
        client.execute()
    return nb


def test_no_cell_raises(executed):
    errors = [
        f"cell {i}: {text_of(c)}"
        for i, c in enumerate(executed.cells)
        if any(o.output_type == "error" for o in c.get("outputs", []))
    ]
    assert not errors, errors


def test_every_check_cell_says_not_answered_yet_with_zero_points(executed):
    checks = [c for c in executed.cells if "check" in c.metadata.get("tags", [])]
    assert len(checks) >= 5
    for cell in checks:
        text = text_of(cell)
        assert "not answered yet" in text, text
        assert re.search(r"\b0/\d+ public points", text), text


def test_demo_cells_name_the_question_to_answer_first(executed):
    demos = [c for c in executed.cells if "requires(" in c.source and c.cell_type == "code"]
    for cell in demos:
        assert "not answered yet: answer it first" in text_of(cell), cell.source
