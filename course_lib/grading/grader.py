"""The autograder: score notebooks in isolated processes, in parallel, whatever they contain.

For each submission the grader reads the file (never writes it), decides which exercise it is,
copies its code cells into a temporary folder and runs them in a fresh Python process
(:mod:`course_lib.grading._child`) under a memory limit and a wall-clock limit, killing the whole
process group when time is up. The child then calls the public and hidden test cases and sends back
raw values as plain JSON. The grader rebuilds those values with its own code and compares them with
reference values computed from the instructor's solution notebook in a separate, trusted run.
Nothing the submission prints, patches or fakes inside its own process reaches the comparison.

When the process dies (time limit, ``os._exit``, a crash), the cell or case it was running is
recorded, skipped, and the notebook is run again (at most ``MAX_ATTEMPTS`` runs), so questions
answered elsewhere in the notebook still get the points they earned.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from course_lib.grading.cases import Case, Suite, load_suite, read_hidden
from course_lib.grading.values import DecodeError, compare_values, decode

__all__ = [
    "CaseResult",
    "QuestionResult",
    "SubmissionResult",
    "GradingError",
    "grade",
    "grade_submission",
    "collect_submissions",
    "default_solutions_dir",
    "reference_values",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MEMORY_MB",
]

DEFAULT_TIMEOUT = 180.0
DEFAULT_MEMORY_MB = 4096
DEFAULT_CASE_TIMEOUT = 30.0
MAX_ATTEMPTS = 8
_MAX_RESULTS_BYTES = 64 * 1024 * 1024
_MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
_FILE_RE = re.compile(r"^(\d\d)_")


class GradingError(RuntimeError):
    """A problem on the instructor's side (missing solutions, a reference that fails)."""


@dataclass
class CaseResult:
    case: str
    points: float
    earned: float
    hidden: bool
    passed: bool
    message: str


@dataclass
class QuestionResult:
    question: str
    title: str
    score: float
    max_score: float
    cases: list[CaseResult] = field(default_factory=list)


@dataclass
class SubmissionResult:
    path: str
    student: str
    exercise: str
    score: float
    max_score: float
    status: str  # "graded", "invalid", "wrong exercise", "error"
    notes: list[str] = field(default_factory=list)
    questions: list[QuestionResult] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------- locating things


def default_solutions_dir() -> Path:
    """``solutions/`` next to the installed package (the repository), else in the working dir."""
    repo = Path(__file__).resolve().parents[2] / "solutions"
    return repo if repo.is_dir() else Path.cwd() / "solutions"


def _solution_notebooks(solutions_dir: Path) -> dict[str, Path]:
    found = {}
    for path in sorted(solutions_dir.glob("*.ipynb")):
        exercise = _metadata_exercise(json.loads(path.read_text(encoding="utf-8")))
        if exercise:
            found[exercise] = path
    return found


def _metadata_exercise(nb: Any) -> str | None:
    try:
        value = nb["metadata"]["course"]["exercise"]
    except (KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None


def collect_submissions(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into the ``*.ipynb`` files under them (checkpoints skipped), sorted."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(
                f for f in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in f.parts and f.is_file()
            )
        else:
            files.append(p)
    return files


def _student(path: Path) -> str:
    return path.parent.name or path.stem


# --------------------------------------------------------------------------- running the child


@dataclass
class _Run:
    events: list[dict]
    returncode: int | None
    timed_out: bool
    seconds: float
    limit: str = ""  # which time limit stopped it, in words

    @property
    def done(self) -> bool:
        return any(e.get("event") == "done" for e in self.events)

    def running(self) -> tuple[str, Any] | None:
        """The cell or case that was in progress when the process stopped."""
        current = None
        for e in self.events:
            kind = e.get("event")
            if kind == "start":
                current = ("cell", e.get("cell"))
            elif kind == "cell":
                current = None
            elif kind == "case_start":
                current = ("case", e.get("case"))
            elif kind == "case":
                current = None
        return current


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    env.update(
        MPLBACKEND="Agg",
        PYTHONHASHSEED="0",
        PYTHONDONTWRITEBYTECODE="1",
        TF_CPP_MIN_LOG_LEVEL="3",
        TF_ENABLE_ONEDNN_OPTS="0",
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        TF_NUM_INTRAOP_THREADS="1",
        TF_NUM_INTEROP_THREADS="1",
        COURSE_GRADING="1",
    )
    for key in ("PYTEST_CURRENT_TEST", "COLUMNS", "JUPYTER_COLUMNS"):
        env.pop(key, None)
    return env


def _descendants(pid: int) -> list[Any]:
    """The processes started under ``pid``, even in their own session (needs psutil)."""
    try:
        import psutil
    except ImportError:
        return []
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _kill_group(proc: subprocess.Popen, seen: dict[int, Any] | None = None) -> None:
    """Kill the child, its process group, and descendants that left the group (``setsid``):
    those alive now and those ``seen`` while it ran (best effort, with psutil)."""
    escaped = list((seen or {}).values())
    if proc.poll() is None:
        escaped += _descendants(proc.pid)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for child in escaped:
        try:
            child.kill()
        except Exception:  # noqa: BLE001 - already gone
            pass
    try:
        proc.kill()
    except ProcessLookupError:
        pass


class _EventReader:
    """Reads the child's JSON lines as they arrive (bounded; malformed lines are skipped)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.pending = b""
        self.events: list[dict] = []

    def poll(self) -> list[dict]:
        if self.offset >= _MAX_RESULTS_BYTES:
            return []
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                chunk = f.read(_MAX_RESULTS_BYTES - self.offset)
        except OSError:
            return []
        self.offset += len(chunk)
        lines = (self.pending + chunk).split(b"\n")
        self.pending = lines.pop()
        new = []
        for raw in lines:
            try:
                event = json.loads(raw)
            except (ValueError, RecursionError):
                continue
            if isinstance(event, dict):
                new.append(event)
        self.events += new
        return new


def _run_child(
    cells: list[dict],
    exercise: str,
    hidden_source: str | None,
    skip_cells: Sequence[int],
    skip_cases: Sequence[str],
    timeout: float,
    memory_mb: int,
    n_cases: int,
    case_timeout: float,
) -> _Run:
    """One run of the child. Killed when the cells take longer than ``timeout`` in all, when one
    test case runs past its own limit, or past an overall cap (which fake progress cannot lift)."""
    workdir = Path(tempfile.mkdtemp(prefix="course-grade-"))
    try:
        results = workdir / "results.jsonl"
        case_limit = case_timeout
        job = {
            "cells": cells,
            "exercise": exercise,
            "hidden_source": hidden_source,
            "skip_cells": list(skip_cells),
            "skip_cases": list(skip_cases),
            "memory_mb": memory_mb,
            "case_timeout": case_limit,
            "results": str(results),
        }
        job_path = workdir / "job.json"
        job_path.write_text(json.dumps(job), encoding="utf-8")
        reader = _EventReader(results)
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "course_lib.grading._child", str(job_path)],
            cwd=workdir,
            env=_child_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        hard_cap = start + timeout + n_cases * (case_limit + 1.0) + 10.0
        cells_deadline = start + timeout
        case_started: float | None = None
        cells_done = False
        timed_out = False
        limit = ""
        seen: dict[int, Any] = {}  # descendants met while it ran, killed at the end
        next_scan = start
        while True:
            try:
                proc.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if now >= next_scan:
                seen.update((c.pid, c) for c in _descendants(proc.pid))
                next_scan = now + 0.5
            for event in reader.poll():
                kind = event.get("event")
                if kind == "cells_done":
                    cells_done = True
                elif kind == "case_start":
                    case_started = now
                elif kind == "case":
                    case_started = None
            limit = ""
            if not cells_done and now > cells_deadline:
                limit = f"the time limit for running the cells ({timeout:g} s)"
            elif case_started is not None and now - case_started > case_limit + 2.0:
                limit = f"the time limit of one test ({case_limit:g} s)"
            elif now > hard_cap:
                limit = "the overall time limit"
            if limit:
                timed_out = True
                break
        _kill_group(proc, seen)  # and whatever the notebook left running
        proc.wait()
        reader.poll()
        return _Run(reader.events, proc.returncode, timed_out, time.monotonic() - start, limit)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _death_reason(run: _Run, timeout: float, memory_mb: int) -> str:
    if run.timed_out:
        return f"it ran past {run.limit or 'its time limit'} and was stopped"
    rc = run.returncode
    if rc is not None and rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = f"signal {-rc}"
        extra = (f" (a crash, or the memory limit of {memory_mb} MB)"
                 if name in ("SIGSEGV", "SIGABRT", "SIGBUS") else "")
        return f"the process was killed by {name}{extra}"
    return f"the process exited early (exit code {rc}), for example through os._exit()"


def _execute(
    cells: list[dict],
    exercise: str,
    hidden_source: str | None,
    skip_cells: set[int],
    timeout: float,
    memory_mb: int,
    n_cases: int,
    case_timeout: float | None = None,
) -> tuple[_Run, list[str], dict[str, str]]:
    """Run until the child finishes, skipping whatever stopped it. Returns (run, notes, killed).

    Each re-run skips the cell or test case that was running when the process stopped; re-runs
    stop after ``MAX_ATTEMPTS`` runs or when the runs so far took three times ``timeout``.
    """
    notes: list[str] = []
    killed_cases: dict[str, str] = {}
    skip = set(skip_cells)
    run = _Run([], None, False, 0.0)
    spent = 0.0
    case_timeout = case_timeout or min(timeout, DEFAULT_CASE_TIMEOUT)
    for _attempt in range(MAX_ATTEMPTS):
        run = _run_child(cells, exercise, hidden_source, sorted(skip), sorted(killed_cases),
                         timeout, memory_mb, n_cases, case_timeout)
        spent += run.seconds
        if run.done:
            break
        culprit = run.running()
        reason = _death_reason(run, timeout, memory_mb)
        if culprit is None:
            notes.append(f"The notebook's process stopped before the tests ran: {reason}.")
            break
        kind, what = culprit
        if kind == "cell" and isinstance(what, int) and what not in skip:
            notes.append(f"While running cell {what}, {reason}; the notebook was run again "
                         "without that cell.")
            skip.add(what)
        elif kind == "case" and isinstance(what, str) and what not in killed_cases:
            killed_cases[what] = f"calling your code stopped the process: {reason}"
            notes.append(f"While testing {what}, {reason}; the other tests were run again.")
        else:
            notes.append(f"The notebook's process stopped: {reason}.")
            break
        if spent > 3 * timeout:
            notes.append("No further re-runs: the time budget of this submission is spent.")
            break
    return run, notes, killed_cases


# --------------------------------------------------------------------------- references


def reference_values(
    exercise: str,
    solutions_dir: Path,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    hidden: bool = True,
    hidden_source: str | None = None,
) -> dict[str, Any]:
    """Case id -> decoded reference value, from a trusted run of the exercise's solution notebook.

    Cases with an ``expected`` callable are computed here, in this process, instead.
    """
    solutions = _solution_notebooks(solutions_dir)
    if exercise not in solutions:
        raise GradingError(f"No solution notebook for exercise {exercise!r} in {solutions_dir}.")
    if hidden and hidden_source is None:
        hidden_source = read_hidden(solutions_dir / "hidden_tests", exercise)
    elif not hidden:
        hidden_source = None
    nb = nbformat.read(solutions[exercise], as_version=4)
    cells = _code_cells(nb)
    suite = load_suite(exercise, hidden_source=hidden_source)
    run, notes, killed = _execute(cells, exercise, hidden_source, _check_cells(nb), timeout, memory_mb,
                                  len(suite.cases))
    values, errors = _case_values(run.events)
    refs: dict[str, Any] = {}
    problems = list(notes)
    for case in suite.cases:
        if case.expected is not None:
            refs[case.id] = case.expected()
        elif case.id in values:
            refs[case.id] = values[case.id]
        else:
            problems.append(f"{case.id}: {errors.get(case.id) or killed.get(case.id) or 'no value'}")
    cell_errors = [
        f"cell {e['cell']}: {e['error']}" for e in run.events if e.get("event") == "cell" and e.get("error")
    ]
    if problems or cell_errors:
        raise GradingError(
            f"The solution notebook {solutions[exercise]} does not pass its own tests: "
            + "; ".join(cell_errors + problems)
        )
    return refs


# --------------------------------------------------------------------------- one submission


def _source(cell: Any) -> str:
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    if isinstance(source, list):
        source = "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def _code_cells(nb: Any) -> list[dict]:
    """[{"index": 1-based position in the notebook, "source": text}] for every code cell."""
    return [
        {"index": i, "source": _source(cell)}
        for i, cell in enumerate(nb["cells"], start=1)
        if isinstance(cell, dict) and cell.get("cell_type") == "code"
    ]


def _check_cells(nb: Any) -> set[int]:
    """Indices of the provided ``check(...)`` cells, as they stand in ``nb``."""
    return {
        i
        for i, cell in enumerate(nb.cells, start=1)
        if cell.cell_type == "code" and "check" in cell.get("metadata", {}).get("tags", [])
    }


def _case_values(events: list[dict]) -> tuple[dict[str, Any], dict[str, str]]:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    # Only answers written after the (last) end of the cells count: lines the notebook's own code
    # wrote into the results file while its cells ran are ignored.
    ends = [i for i, e in enumerate(events) if e.get("event") == "cells_done"]
    for e in events[ends[-1] + 1:] if ends else []:
        if e.get("event") != "case" or not isinstance(e.get("case"), str):
            continue
        cid = e["case"]
        if cid in values or cid in errors:
            continue  # the first answer counts
        if "value" in e:
            try:
                values[cid] = decode(e["value"])
            except (DecodeError, RecursionError, TypeError, ValueError):
                errors[cid] = "your code returned a value the grader cannot read"
        else:
            errors[cid] = str(e.get("error", "error"))[:400]
    return values, errors


def judge(case: Case, got: Any, want: Any) -> tuple[bool, str]:
    """Compare one decoded learner value with its reference, in this (trusted) process."""
    try:
        if case.compare is not None:
            ok, msg = case.compare(got, want)
        else:
            ok, msg = compare_values(got, want, case.rtol, case.atol)
    except Exception as exc:  # noqa: BLE001 - a malformed value is a failed case, not a crash
        return False, f"your result could not be compared ({type(exc).__name__})"
    return bool(ok), str(msg)


def _failure_message(case: Case, reason: str) -> str:
    text = f"{case.message}: {reason}" if case.message else reason
    return f"{text.rstrip('.')}. Hint: {case.hint}" if case.hint else text


def _score(suite: Suite, refs: dict[str, Any], values: dict[str, Any],
           errors: dict[str, str]) -> list[QuestionResult]:
    questions = []
    for q in suite.questions.values():
        results = []
        for case in q.cases:
            if case.id in values:
                ok, why = judge(case, values[case.id], refs[case.id])
            else:
                ok, why = False, errors.get(case.id, "this test did not run")
                if why == "NotImplementedError":
                    why = "not answered yet (the code still raises NotImplementedError)"
            message = case.message or case.name
            results.append(CaseResult(case.id, case.points, case.points if ok else 0.0, case.hidden,
                                      ok, message if ok else _failure_message(case, why)))
        questions.append(QuestionResult(q.id, q.title, sum(r.earned for r in results),
                                        q.max_points, results))
    return questions


def _zero(suite: Suite | None, reason: str) -> list[QuestionResult]:
    if suite is None:
        return []
    return [
        QuestionResult(q.id, q.title, 0.0, q.max_points, [
            CaseResult(c.id, c.points, 0.0, c.hidden, False, reason) for c in q.cases
        ])
        for q in suite.questions.values()
    ]


def _expected_exercise(path: Path, forced: str | None) -> str | None:
    if forced:
        return forced
    match = _FILE_RE.match(path.name)
    return f"ch{int(match.group(1))}" if match else None


def grade_submission(
    path: str | Path,
    refs_by_exercise: dict[str, dict[str, Any] | Exception],
    solutions_dir: Path,
    exercise: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    originals: dict[str, Any] | None = None,
    case_timeout: float | None = None,
    hidden_sources: dict[str, str | None] | None = None,
) -> SubmissionResult:
    """Grade one notebook file. Never raises for anything the file contains.

    ``hidden_sources`` (exercise -> hidden-test source) is what :func:`grade` read before any
    submission ran, so a submission that rewrites files on disk cannot change the tests of later
    ones; without it the hidden tests are read from ``solutions_dir/hidden_tests`` now.
    """
    start = time.monotonic()
    path = Path(path)

    def hidden_source(ex: str) -> str | None:
        if hidden_sources is not None:
            return hidden_sources.get(ex)
        return read_hidden(solutions_dir / "hidden_tests", ex)
    expected = _expected_exercise(path, exercise)

    def finish(ex: str, status: str, notes: list[str], questions: list[QuestionResult],
               suite: Suite | None) -> SubmissionResult:
        max_score = suite.max_points if suite is not None else 0.0
        return SubmissionResult(str(path), _student(path), ex, sum(q.score for q in questions),
                                max_score, status, notes, questions, time.monotonic() - start)

    def suite_for(ex: str | None) -> Suite | None:
        if ex is None or ex not in refs_by_exercise:
            return None
        return load_suite(ex, hidden_source=hidden_source(ex))

    try:
        if path.stat().st_size > _MAX_NOTEBOOK_BYTES:
            suite = suite_for(expected)
            reason = f"too large to be graded (over {_MAX_NOTEBOOK_BYTES // 2**20} MB)"
            return finish(expected or "?", "invalid", [f"The file is {reason}."],
                          _zero(suite, reason), suite)
        # Parsed without nbformat's validation (it warns on stderr for every small defect).
        nb = nbformat.from_dict(json.loads(path.read_bytes().decode("utf-8")))
        if not isinstance(nb, dict) or nb.get("nbformat") != 4:
            raise ValueError("not an nbformat-4 notebook")
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no list of cells")
        cells = _code_cells(nb)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is scored, not fatal
        suite = suite_for(expected)
        reason = f"not a valid notebook file ({type(exc).__name__})"
        return finish(expected or "?", "invalid", [f"The file is {reason}."], _zero(suite, reason),
                      suite)

    actual = _metadata_exercise(nb)
    if expected is None:
        expected = actual
    if expected is None or expected not in refs_by_exercise:
        note = (f"Unknown exercise {expected!r}." if expected else
                "Cannot tell which exercise this is (no metadata, no NN_ file name).")
        return finish(expected or "?", "invalid", [note], [], None)
    suite = load_suite(expected, hidden_source=hidden_source(expected))
    notes: list[str] = []
    if actual is None:
        notes.append(f"The notebook has no exercise metadata; graded as {expected} from its "
                     "file name.")
    elif actual != expected:
        reason = f"wrong exercise: this notebook is {actual!r}, expected {expected!r}"
        return finish(expected, "wrong exercise", [f"W{reason[1:]}."], _zero(suite, reason), suite)
    refs = refs_by_exercise[expected]
    if isinstance(refs, Exception):
        return finish(expected, "error", [f"Not graded: {refs}"], _zero(suite, "not graded"), suite)

    skip = _unchanged_check_cells(nb, originals.get(expected) if originals else None, notes)
    run, run_notes, killed = _execute(cells, expected, hidden_source(expected), skip, timeout,
                                      memory_mb,
                                      len(suite.cases), case_timeout)
    notes += run_notes
    code_indices = {c["index"] for c in cells}
    cell_errors: dict[int, str] = {}
    for e in run.events:
        if e.get("event") == "cells_done":
            break
        index = e.get("cell")
        if e.get("event") == "cell" and e.get("error") and index in code_indices:
            cell_errors.setdefault(index, str(e["error"])[:300])
    notes += [f"Cell {i} raised {text}" for i, text in sorted(cell_errors.items())]
    values, errors = _case_values(run.events)
    errors.update(killed)
    if not run.done and not killed and not run_notes:
        notes.append("The tests did not finish.")
    questions = _score(suite, refs, values, errors)
    return finish(expected, "graded", notes, questions, suite)


def _unchanged_check_cells(nb: Any, original: Any, notes: list[str]) -> set[int]:
    """Provided check cells left as they were (skipped: they only print feedback).

    Edited ones are run like any other cell and noted; they cannot change the score.
    """
    if original is None:
        return set()
    by_id = {c.get("id"): c for c in original.cells if "check" in c.metadata.get("tags", [])}
    sources = {_source(c).strip() for c in by_id.values()}
    skip = set()
    for cell in _code_cells(nb):
        i = cell["index"]
        if cell["source"].strip() in sources:
            skip.add(i)
        elif isinstance(cid := nb["cells"][i - 1].get("id"), str) and cid in by_id:
            notes.append(
                f"The provided check cell {i} was edited; it was run as written and does not "
                "affect the score (the grader runs its own tests)."
            )
    return skip


# --------------------------------------------------------------------------- a batch


def grade(
    submissions: Iterable[str | Path],
    *,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    exercise: str | None = None,
    solutions_dir: str | Path | None = None,
    progress: bool = True,
    case_timeout: float | None = None,
) -> list[SubmissionResult]:
    """Grade every notebook in ``submissions`` (files or folders); results in input order.

    ``timeout`` limits the time a notebook's cells may take in one run; each test case then gets
    ``case_timeout`` seconds (default ``min(timeout, 30)``). ``memory_mb`` is the address-space
    limit of the notebook's process. ``exercise`` forces the exercise (default: from the file
    name ``NN_*.ipynb``, else from the notebook's metadata).
    """
    if jobs is not None and (isinstance(jobs, bool) or int(jobs) < 1):
        raise ValueError(f"Received an invalid value for `jobs`, expected a positive integer. "
                         f"Received: jobs={jobs!r}")
    if timeout <= 0:
        raise ValueError(f"Received an invalid value for `timeout`, expected a positive number "
                         f"of seconds. Received: timeout={timeout!r}")
    jobs = int(jobs or os.cpu_count() or 1)
    solutions_dir = Path(solutions_dir) if solutions_dir else default_solutions_dir()
    files = collect_submissions(submissions)
    solutions = _solution_notebooks(solutions_dir)
    if not solutions:
        raise GradingError(f"No solution notebooks found in {solutions_dir}.")

    needed = set()
    for f in files:
        ex = exercise or _expected_exercise(f, None) or _peek_exercise(f)
        if ex in solutions:
            needed.add(ex)
    originals = {ex: nbformat.read(p, as_version=4) for ex, p in solutions.items()}
    # Read once, before any submission runs: what a submission writes to disk cannot change them.
    hidden = {ex: read_hidden(solutions_dir / "hidden_tests", ex) for ex in solutions}
    for ex in solutions:
        load_suite(ex, hidden_source=hidden[ex])  # a broken hidden-test file fails here, early
    refs: dict[str, dict[str, Any] | Exception] = {
        ex: GradingError(f"no reference run for {ex}") for ex in solutions
    }

    from tqdm.auto import tqdm

    bar = tqdm(total=len(files) + len(needed), desc="grading", unit="nb", disable=not progress)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        ref_futures = {
            pool.submit(reference_values, ex, solutions_dir, max(timeout, DEFAULT_TIMEOUT),
                        max(memory_mb, DEFAULT_MEMORY_MB), True, hidden[ex]): ex
            for ex in sorted(needed)
        }
        for fut in as_completed(ref_futures):
            ex = ref_futures[fut]
            try:
                refs[ex] = fut.result()
            except Exception as exc:  # noqa: BLE001 - reported on each affected submission
                refs[ex] = exc
            bar.update()
        futures = {
            pool.submit(grade_submission, f, refs, solutions_dir, exercise, timeout, memory_mb,
                        originals, case_timeout, hidden): i
            for i, f in enumerate(files)
        }
        results: list[SubmissionResult | None] = [None] * len(files)
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                results[i] = fut.result()
            except Exception as exc:  # noqa: BLE001 - a grader bug must not end the batch
                results[i] = SubmissionResult(
                    str(files[i]), _student(files[i]), exercise or "?", 0.0, 0.0, "error",
                    [f"Internal grader error ({type(exc).__name__}: {exc}); please report it."])
            bar.update()
    bar.close()
    return [r for r in results if r is not None]


def _peek_exercise(path: Path) -> str | None:
    try:
        return _metadata_exercise(json.loads(path.read_text(encoding="utf-8")))
    except Exception:  # noqa: BLE001
        return None
