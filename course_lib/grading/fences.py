"""Solutions -> exercises: strip ``### BEGIN SOLUTION`` / ``### END SOLUTION`` fences.

In a code cell each fenced block (fence lines included) becomes, at the indentation of its
``### BEGIN SOLUTION`` line::

    # YOUR CODE HERE
    raise NotImplementedError()

except at the top level of a cell (no indentation), where it becomes ``# YOUR CODE HERE`` alone:
a top-level ``raise`` would stop "Restart and run all" at that cell, and the names the block would
have defined are reported as "not answered yet" by the check cells (and by ``requires``).

In a Markdown cell the block becomes ``YOUR ANSWER HERE``. Outputs and execution counts are
cleared. A nested, unclosed or unopened fence is a :class:`FenceError` naming the notebook and the
cell. Stripping is idempotent: a notebook without fences comes back unchanged.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

__all__ = [
    "FenceError",
    "strip_fences",
    "make_exercise",
    "render_notebook",
    "build_exercises",
    "write_exercises",
    "stale_exercises",
]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_BEGIN_RE = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION\s*$")
_END_RE = re.compile(r"^[ \t]*### END SOLUTION\s*$")


class FenceError(ValueError):
    """A solution fence that is nested, unclosed, or closed without being opened."""


def strip_fences(source: str, cell_type: str = "code", where: str = "cell") -> str:
    """Replace every fenced block of ``source`` with the placeholder for ``cell_type``.

    ``where`` names the cell in error messages, for example ``"solutions/02_training.ipynb,
    cell 7"``.
    """
    lines = source.split("\n")
    out: list[str] = []
    opened_at: int | None = None
    for number, line in enumerate(lines, start=1):
        begin, end = _BEGIN_RE.match(line), _END_RE.match(line)
        if begin:
            if opened_at is not None:
                raise FenceError(
                    f"{where}: nested `{BEGIN}` on line {number} (the fence opened on line "
                    f"{opened_at} is not closed yet)."
                )
            opened_at = number
            indent = begin.group("indent")
            if cell_type == "code" and indent:
                out += [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError()"]
            elif cell_type == "code":
                out.append("# YOUR CODE HERE")
            else:
                out.append(f"{indent}YOUR ANSWER HERE")
        elif end:
            if opened_at is None:
                raise FenceError(
                    f"{where}: `{END}` on line {number} without a `{BEGIN}` before it."
                )
            opened_at = None
        elif opened_at is None:
            out.append(line)
    if opened_at is not None:
        raise FenceError(f"{where}: `{BEGIN}` on line {opened_at} is never closed by `{END}`.")
    return "\n".join(out)


def make_exercise(nb: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """The exercise version of solution notebook ``nb`` (a new object; ``nb`` is untouched)."""
    exercise = copy.deepcopy(nb)
    for index, cell in enumerate(exercise.cells, start=1):
        where = f"{name}, cell {index}"
        if cell.cell_type in ("code", "markdown"):
            cell.source = strip_fences(cell.source, cell.cell_type, where)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    return exercise


def render_notebook(nb: nbformat.NotebookNode) -> str:
    """The exact text written to disk for ``nb`` (nbformat's layout plus a final newline)."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def build_exercises(solutions_dir: str | Path) -> dict[str, str]:
    """File name -> exercise notebook text, for every ``solutions_dir/*.ipynb``, in memory."""
    result = {}
    for path in sorted(Path(solutions_dir).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        result[path.name] = render_notebook(make_exercise(nb, str(path)))
    return result


def write_exercises(solutions_dir: str | Path, exercises_dir: str | Path) -> list[Path]:
    """Write ``exercises_dir/NN_*.ipynb`` from the solutions; return the files that changed.

    Files in ``exercises_dir`` without a solution are removed, so the folder mirrors the solutions.
    """
    built = build_exercises(solutions_dir)
    out_dir = Path(exercises_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in built.items():
        target = out_dir / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(target)
    for old in out_dir.glob("*.ipynb"):
        if old.name not in built:
            old.unlink()
            changed.append(old)
    return changed


def stale_exercises(solutions_dir: str | Path, exercises_dir: str | Path) -> list[str]:
    """Names of exercise files that differ from what the solutions would generate now."""
    built = build_exercises(solutions_dir)
    out_dir = Path(exercises_dir)
    present = {p.name for p in out_dir.glob("*.ipynb")} if out_dir.is_dir() else set()
    stale = [
        name
        for name, text in built.items()
        if name not in present or (out_dir / name).read_text(encoding="utf-8") != text
    ]
    return sorted(stale + sorted(present - set(built)))
