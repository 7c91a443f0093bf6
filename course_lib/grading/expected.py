"""``expected.json``: the public cases' expected values, computed from the solution notebooks.

Each exercise's entry is tagged with a digest of its solution notebook and public-case module, so
a stale file is detected without running anything (:func:`stale_expected`) and ``course
exercises`` re-runs only the solutions that changed.
"""

from __future__ import annotations

import importlib.util
import json
from contextlib import contextmanager
from pathlib import Path

from course_lib.grading.cases import public_suite, source_digest
from course_lib.grading.grader import (
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT,
    _solution_notebooks,
    reference_values,
)
from course_lib.grading.values import encode

__all__ = ["EXPECTED_PATH", "digest", "stale_expected", "update_expected"]

EXPECTED_PATH = Path(__file__).with_name("expected.json")


def digest(exercise: str, solution: Path) -> str:
    spec = importlib.util.find_spec(f"course_lib.grading.public.{exercise}")
    module_source = Path(spec.origin).read_bytes() if spec and spec.origin else b""
    return source_digest(solution.read_bytes(), module_source)


def _load(path: Path) -> dict:
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"digests": {}, "values": {}}


def stale_expected(solutions_dir: Path, path: Path = EXPECTED_PATH) -> list[str]:
    """Exercises whose stored expected values no longer match their solution or cases."""
    stored = _load(path)
    solutions = _solution_notebooks(Path(solutions_dir))
    stale = [ex for ex, nb in solutions.items() if stored["digests"].get(ex) != digest(ex, nb)]
    stale += [ex for ex in stored["digests"] if ex not in solutions]
    return sorted(stale)


def update_expected(
    solutions_dir: Path,
    path: Path = EXPECTED_PATH,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    only: str | None = None,
) -> list[str]:
    """Recompute the stale entries (all with ``force``; only exercise ``only`` when given);
    return the exercises recomputed."""
    solutions_dir = Path(solutions_dir)
    solutions = _solution_notebooks(solutions_dir)
    todo = sorted(solutions) if force else stale_expected(solutions_dir, path)
    if only is not None:
        todo = [ex for ex in todo if ex == only]
    refs = {
        ex: reference_values(ex, solutions_dir, timeout, memory_mb, hidden=False)
        for ex in todo
        if ex in solutions
    }
    with _locked(path):  # read-modify-write: two `course exercises --exercise` runs at once
        _store(path, solutions, todo, refs)
    return todo


@contextmanager
def _locked(path: Path):
    import fcntl

    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _store(path: Path, solutions: dict, todo: list[str], refs: dict) -> None:
    stored = _load(path)
    for ex in todo:
        values = {k: v for k, v in stored["values"].items() if not k.startswith(f"{ex}.")}
        stored["digests"].pop(ex, None)
        if ex in solutions:
            public = {c.id for c in public_suite(ex).cases if c.expected is None}
            values.update({cid: encode(v) for cid, v in refs[ex].items() if cid in public})
            stored["digests"][ex] = digest(ex, solutions[ex])
        stored["values"] = values
    if todo:
        stored["digests"] = dict(sorted(stored["digests"].items()))
        stored["values"] = dict(sorted(stored["values"].items()))
        path.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n", encoding="utf-8")
