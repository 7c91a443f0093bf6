"""Grading a batch: references from the solutions, one sandboxed run per submission (here, in
threads, or as Dask tasks on a cluster), and a gradebook that is written as results arrive.

For each submission the grader reads the file (never writes it), decides which exercise it is,
and runs its code cells in the sandbox (:mod:`course_lib.grading.runner`). The values that come
back are scored (:mod:`course_lib.grading.scoring`) against reference values from a trusted run
of the instructor's solution notebook, in this process.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import nbformat

from course_lib.grading.cases import Suite, load_suite, read_hidden
from course_lib.grading.runner import Run, execute
from course_lib.grading.sandbox import PROCESS_MODE_WARNING, resolve_mode
from course_lib.grading.scoring import (
    QuestionResult,
    SubmissionResult,
    score_suite,
    zero_questions,
)
from course_lib.grading.values import DecodeError, decode

__all__ = [
    "GradingError",
    "grade",
    "grade_submission",
    "collect_submissions",
    "default_solutions_dir",
    "reference_values",
    "identify",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MEMORY_MB",
]

DEFAULT_TIMEOUT = 180.0
DEFAULT_MEMORY_MB = 4096
_MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
_FILE_RE = re.compile(r"(?:^|_)(\d\d)_")
_STUDENT_FILE_RE = re.compile(r"^(?P<student>.+?)_\d\d_.*\.ipynb$")
_IDENT_RE = re.compile(r"[^A-Za-z0-9_.]")


class GradingError(RuntimeError):
    """A problem on the instructor's side (missing solutions, a reference that fails)."""


# --------------------------------------------------------------------------- locating things


def default_solutions_dir() -> Path:
    """``solutions/`` next to the installed package (the repository), else in the working dir."""
    repo = Path(__file__).resolve().parents[2] / "solutions"
    return repo if repo.is_dir() else Path.cwd() / "solutions"


def _solution_notebooks(solutions_dir: Path) -> dict[str, Path]:
    found = {}
    for path in sorted(Path(solutions_dir).glob("*.ipynb")):
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


def identify(
    path: str | Path, student_from: str = "auto", roster: dict[str, tuple[str, str]] | None = None
) -> tuple[str, str]:
    """(student id, name) of a submission.

    ``student_from``: ``folder`` (the folder's name), ``filename`` (``alice_01_intro.ipynb`` ->
    ``alice``) or ``auto`` (the file name when it has that pattern, else the folder). With a
    ``roster`` ({key: (id, name)}, see :func:`read_roster`) the key found is mapped to the
    roster's id and name.
    """
    path = Path(path)
    if student_from not in ("auto", "folder", "filename"):
        raise ValueError(
            f"Received an invalid value for `student_from`, expected 'auto', "
            f"'folder' or 'filename'. Received: student_from={student_from!r}"
        )
    match = _STUDENT_FILE_RE.match(path.name)
    if student_from == "filename" or (student_from == "auto" and match):
        key = match.group("student") if match else path.stem
    else:
        key = path.parent.name or path.stem
    if roster and key in roster:
        return roster[key]
    return key, ""


def read_roster(path: str | Path) -> dict[str, tuple[str, str]]:
    """A roster CSV with columns ``id`` and ``name`` (and optionally ``key``: the folder or
    file-name prefix that identifies the student, default the id) -> {key: (id, name)}."""
    import csv

    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        if "id" not in columns:
            raise ValueError(
                f"Received an invalid roster {str(path)!r}: expected a CSV with an "
                f"'id' column (and 'name', optionally 'key'). Received columns: "
                f"{reader.fieldnames}"
            )
        roster = {}
        for row in reader:
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            roster[row.get("key") or row["id"]] = (row["id"], row.get("name", ""))
    return roster


def _expected_exercise(path: Path, forced: str | None) -> str | None:
    if forced:
        return forced
    match = _FILE_RE.search(path.name)
    return f"ch{int(match.group(1))}" if match else None


def _peek_exercise(path: Path) -> str | None:
    try:
        return _metadata_exercise(json.loads(path.read_text(encoding="utf-8")))
    except Exception:  # noqa: BLE001
        return None


# --------------------------------------------------------------------------- notebook cells


def _source(cell: Any) -> str:
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    if isinstance(source, list):
        source = "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def _code_cells(nb: Any) -> list[dict]:
    """[{"index": 1-based position in the notebook, "source": text}] for every code cell (the
    cell numbers JupyterLab's status bar shows: every cell counts, Markdown too)."""
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


# --------------------------------------------------------------------------- what came back


def _ident(value: Any) -> str:
    return _IDENT_RE.sub("", str(value))[:60]


def outcomes_of(run: Run, suite: Suite) -> dict[str, dict]:
    """Case id -> outcome, from the events the parent trusts.

    Public cases: the answers sent after the last ``cells_done`` and before the hidden tests were
    sent. Hidden cases: only after; and of those only the value and identifiers are kept (no
    text the child wrote can reach the feedback once it has seen the hidden inputs). A case
    with more than one answer (lines the notebook wrote itself) counts as failed.
    """
    before = run.before_hidden()
    ends = [i for i, e in enumerate(before) if e.get("event") == "cells_done"]
    public = {c.id for c in suite.cases if not c.hidden}
    hidden = {c.id for c in suite.cases if c.hidden}
    answers: dict[str, list[dict]] = {}
    for e in before[ends[-1] + 1 :] if ends else []:
        if e.get("event") == "case" and e.get("case") in public:
            answers.setdefault(e["case"], []).append(e)
    for e in run.after_hidden():
        if e.get("event") == "case" and e.get("case") in hidden:
            kept = {k: e[k] for k in ("value", "not_implemented") if k in e}
            if "missing" in e:
                kept["missing"] = _ident(e["missing"])
                kept["error"] = f"`{kept['missing']}` is not defined"
            if "value" not in kept:
                kept["type"] = _ident(e.get("type", "")) or "an error"
            answers.setdefault(e["case"], []).append(kept)
    out = {}
    for cid, lines in answers.items():
        if len(lines) > 1:
            out[cid] = {"forged": True}
        else:
            out[cid] = lines[0]
    return out


def _cell_errors(run: Run, code_indices: set[int]) -> dict[int, str]:
    errors: dict[int, str] = {}
    for e in run.before_hidden():
        if e.get("event") == "cells_done":
            break
        index = e.get("cell")
        if e.get("event") == "cell" and e.get("error") and index in code_indices:
            errors.setdefault(index, str(e["error"])[:300])
    return errors


# --------------------------------------------------------------------------- references


def reference_values(
    exercise: str,
    solutions_dir: Path,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    hidden: bool = True,
    hidden_source: str | None = None,
    sandbox: str = "auto",
) -> dict[str, Any]:
    """Case id -> decoded reference value, from a trusted run of the exercise's solution notebook.

    Cases with an ``expected`` callable are computed here, in this process, instead.
    """
    solutions = _solution_notebooks(solutions_dir)
    if exercise not in solutions:
        raise GradingError(f"No solution notebook for exercise {exercise!r} in {solutions_dir}.")
    if hidden and hidden_source is None:
        hidden_source = read_hidden(Path(solutions_dir) / "hidden_tests", exercise)
    elif not hidden:
        hidden_source = None
    mode = _mode_or_process(sandbox)
    key = _reference_key(exercise, solutions[exercise], hidden_source, mode)
    if key in _REFERENCES:
        return dict(_REFERENCES[key])
    nb = nbformat.read(solutions[exercise], as_version=4)
    cells = _code_cells(nb)
    suite = load_suite(exercise, hidden_source=hidden_source)
    run, notes, killed = execute(
        cells,
        exercise,
        hidden_source,
        _check_cells(nb),
        timeout,
        memory_mb,
        len(suite.cases),
        sandbox=mode,
        known_cases=[c.id for c in suite.cases],
    )
    outcomes = outcomes_of(run, suite)
    refs: dict[str, Any] = {}
    problems = list(notes)
    for case in suite.cases:
        got = outcomes.get(case.id, {})
        if case.expected is not None:
            refs[case.id] = case.expected()
        elif "value" in got:
            try:
                refs[case.id] = decode(got["value"])
            except (DecodeError, TypeError, ValueError):
                problems.append(f"{case.id}: a value the grader cannot read")
        else:
            problems.append(
                f"{case.id}: {got.get('error') or got.get('type') or killed.get(case.id) or 'no value'}"
            )
    cell_errors = [
        f"cell {i}: {text}"
        for i, text in sorted(_cell_errors(run, {c["index"] for c in cells}).items())
    ]
    if run.overflow:
        problems.append("it sent more results than the grader reads")
    if problems or cell_errors:
        raise GradingError(
            f"The solution notebook {solutions[exercise]} does not pass its own tests: "
            + "; ".join(cell_errors + problems)
        )
    _REFERENCES[key] = refs
    return dict(refs)


# Reference values already computed in this process, by what determines them: the solution
# notebook's bytes, the hidden and public test sources and the sandbox mode (the solutions are
# trusted and seeded, so the same inputs give the same values).
_REFERENCES: dict[str, dict[str, Any]] = {}


def _reference_key(exercise: str, solution: Path, hidden_source: str | None, mode: str) -> str:
    import importlib.util

    spec = importlib.util.find_spec(f"course_lib.grading.public.{exercise}")
    public = Path(spec.origin).read_bytes() if spec and spec.origin else b""
    h = hashlib.sha256()
    for part in (
        exercise.encode(),
        solution.read_bytes(),
        (hidden_source or "").encode(),
        b"hidden" if hidden_source is not None else b"none",
        public,
        mode.encode(),
    ):
        h.update(len(part).to_bytes(8, "little") + part)
    return h.hexdigest()


def _mode_or_process(sandbox: str) -> str:
    """The solutions are trusted: where no sandbox is available they run as a process."""
    from course_lib.grading.sandbox import SandboxUnavailable

    try:
        return resolve_mode(sandbox)
    except SandboxUnavailable:
        return "process"


# --------------------------------------------------------------------------- one submission


def grade_submission(
    path: str | Path,
    refs_by_exercise: dict[str, dict[str, Any] | Exception],
    solutions_dir: Path | None = None,
    exercise: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    originals: dict[str, Any] | None = None,
    case_timeout: float | None = None,
    hidden_sources: dict[str, str | None] | None = None,
    sandbox: str = "bwrap",
    data: bytes | None = None,
    student: tuple[str, str] | None = None,
) -> SubmissionResult:
    """Grade one notebook file (or its bytes ``data``, shown as ``path``). Never raises for
    anything the file contains.

    ``hidden_sources`` (exercise -> hidden-test source) is what :func:`grade` read before any
    submission ran; without it the hidden tests are read from ``solutions_dir/hidden_tests``.
    """
    start = time.monotonic()
    path = Path(path)
    student_id, student_name = student or identify(path)

    def hidden_source(ex: str) -> str | None:
        if hidden_sources is not None:
            return hidden_sources.get(ex)
        return read_hidden(Path(solutions_dir) / "hidden_tests", ex) if solutions_dir else None

    expected = _expected_exercise(path, exercise)
    digest = ""

    def finish(
        ex: str,
        status: str,
        notes: list[str],
        questions: list[QuestionResult],
        suite: Suite | None,
        cell_errors: dict[int, str] | None = None,
    ) -> SubmissionResult:
        max_score = suite.max_points if suite is not None else 0.0
        return SubmissionResult(
            str(path),
            student_id,
            ex,
            sum(q.score for q in questions),
            max_score,
            status,
            notes,
            questions,
            time.monotonic() - start,
            student_name,
            digest,
            {str(k): v for k, v in (cell_errors or {}).items()},
        )

    def suite_for(ex: str | None) -> Suite | None:
        if ex is None or ex not in refs_by_exercise:
            return None
        return load_suite(ex, hidden_source=hidden_source(ex))

    try:
        if data is None:
            if path.stat().st_size > _MAX_NOTEBOOK_BYTES:
                raise OverflowError
            data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if len(data) > _MAX_NOTEBOOK_BYTES:
            raise OverflowError
        # Parsed without nbformat's validation (it warns on stderr for every small defect).
        nb = nbformat.from_dict(json.loads(data.decode("utf-8")))
        if not isinstance(nb, dict) or nb.get("nbformat") != 4:
            raise ValueError("not an nbformat-4 notebook")
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no list of cells")
        cells = _code_cells(nb)
    except OverflowError:
        suite = suite_for(expected)
        reason = f"too large to be graded (over {_MAX_NOTEBOOK_BYTES // 2**20} MB)"
        return finish(
            expected or "?",
            "invalid",
            [f"The file is {reason}."],
            zero_questions(suite, reason),
            suite,
        )
    except Exception as exc:  # noqa: BLE001 - any unreadable file is scored, not fatal
        suite = suite_for(expected)
        reason = f"not a valid notebook file ({type(exc).__name__})"
        return finish(
            expected or "?",
            "invalid",
            [f"The file is {reason}."],
            zero_questions(suite, reason),
            suite,
        )

    actual = _metadata_exercise(nb)
    if expected is None:
        expected = actual
    if expected is None or expected not in refs_by_exercise:
        note = (
            f"Unknown exercise {expected!r}."
            if expected
            else "Cannot tell which exercise this is (no metadata, no NN_ file name)."
        )
        return finish(expected or "?", "invalid", [note], [], None)
    suite = load_suite(expected, hidden_source=hidden_source(expected))
    notes: list[str] = []
    if actual is None:
        notes.append(
            f"The notebook has no exercise metadata; graded as {expected} from its file name."
        )
    elif actual != expected:
        reason = f"wrong exercise: this notebook is {actual!r}, expected {expected!r}"
        return finish(
            expected, "wrong exercise", [f"W{reason[1:]}."], zero_questions(suite, reason), suite
        )
    refs = refs_by_exercise[expected]
    if isinstance(refs, Exception):
        return finish(
            expected, "error", [f"Not graded: {refs}"], zero_questions(suite, "not graded"), suite
        )

    skip = _unchanged_check_cells(nb, originals.get(expected) if originals else None, notes)
    run, run_notes, killed = execute(
        cells,
        expected,
        hidden_source(expected),
        skip,
        timeout,
        memory_mb,
        len(suite.cases),
        case_timeout,
        sandbox,
        known_cases=[c.id for c in suite.cases],
    )
    notes += run_notes
    if run.overflow:
        from course_lib.grading.runner import MAX_RESULTS_BYTES

        reason = (
            f"the notebook sent more than {MAX_RESULTS_BYTES // 2**20} MB of results to the grader"
        )
        notes.append(f"Scored zero: {reason}.")
        return finish(expected, "graded", notes, zero_questions(suite, reason), suite)
    cell_errors = _cell_errors(run, {c["index"] for c in cells})
    notes += [f"Cell {i} raised {text}" for i, text in sorted(cell_errors.items())]
    outcomes = outcomes_of(run, suite)
    for cid, why in killed.items():
        outcomes.setdefault(cid, {"error": why, "type": "the process stopping"})
    if not run.done and not killed and not run_notes:
        notes.append("The tests did not finish.")
    questions = score_suite(suite, refs, outcomes)
    return finish(expected, "graded", notes, questions, suite, cell_errors)


# --------------------------------------------------------------------------- a batch


def _check_args(jobs: int | None, timeout: float) -> None:
    if jobs is not None and (isinstance(jobs, bool) or int(jobs) < 1):
        raise ValueError(
            f"Received an invalid value for `jobs`, expected a positive integer. "
            f"Received: jobs={jobs!r}"
        )
    if timeout <= 0:
        raise ValueError(
            f"Received an invalid value for `timeout`, expected a positive number "
            f"of seconds. Received: timeout={timeout!r}"
        )


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
    sandbox: str = "auto",
    scheduler: str | None = None,
    gradebook: Any = None,
    resume: bool = False,
    student_from: str = "auto",
    roster: dict[str, tuple[str, str]] | None = None,
    on_result: Callable[[SubmissionResult], None] | None = None,
) -> list[SubmissionResult]:
    """Grade every notebook in ``submissions`` (files or folders); results in input order.

    ``timeout`` limits the time a notebook's cells may take in one run; each test case then gets
    ``case_timeout`` seconds (default ``min(timeout, 30)``). ``memory_mb`` is the address-space
    limit of the notebook's process. ``exercise`` forces the exercise (default: from the file
    name ``NN_*.ipynb``, else from the notebook's metadata). ``sandbox`` is ``auto``/``bwrap``
    (the OS-level sandbox; an error where it is missing) or ``process`` (trusted notebooks only).
    ``scheduler`` runs the submissions as Dask tasks: ``"local"`` (a LocalCluster) or
    ``"tcp://host:port"``. ``gradebook`` (a :class:`course_lib.grading.report.Gradebook`)
    records each result as it arrives; with ``resume`` the submissions it already holds
    unchanged are not graded again.
    """
    _check_args(jobs, timeout)
    if (
        scheduler is not None
        and scheduler != "local"
        and not scheduler.startswith(("tcp://", "tls://"))
    ):
        raise ValueError(
            f"Received an invalid value for `scheduler`, expected 'local' or an address like "
            f"'tcp://HOST:PORT'. Received: scheduler={scheduler!r}"
        )
    mode = resolve_mode(sandbox)
    if mode == "process":
        print(PROCESS_MODE_WARNING, file=sys.stderr)
    jobs = int(jobs or os.cpu_count() or 1)
    solutions_dir = Path(solutions_dir) if solutions_dir else default_solutions_dir()
    files = collect_submissions(submissions)
    solutions = _solution_notebooks(solutions_dir)
    if not solutions:
        raise GradingError(f"No solution notebooks found in {solutions_dir}.")

    results: list[SubmissionResult | None] = [None] * len(files)
    todo = []
    for i, f in enumerate(files):
        done = gradebook.finished(f) if (gradebook is not None and resume) else None
        if done is not None:
            results[i] = done
        else:
            todo.append(i)

    needed = set()
    for i in todo:
        ex = exercise or _expected_exercise(files[i], None) or _peek_exercise(files[i])
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

    bar = tqdm(total=len(todo) + len(needed), desc="grading", unit="nb", disable=not progress)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        ref_futures = {
            pool.submit(
                reference_values,
                ex,
                solutions_dir,
                max(timeout, DEFAULT_TIMEOUT),
                max(memory_mb, DEFAULT_MEMORY_MB),
                True,
                hidden[ex],
                mode,
            ): ex
            for ex in sorted(needed)
        }
        for fut in as_completed(ref_futures):
            ex = ref_futures[fut]
            try:
                refs[ex] = fut.result()
            except Exception as exc:  # noqa: BLE001 - reported on each affected submission
                refs[ex] = exc
            bar.update()

    def done(i: int, result: SubmissionResult) -> None:
        results[i] = result
        if gradebook is not None:
            gradebook.add(result)
        if on_result is not None:
            on_result(result)
        bar.update()

    def failed(i: int, exc: BaseException) -> SubmissionResult:
        sid, name = identify(files[i], student_from, roster)
        return SubmissionResult(
            str(files[i]),
            sid,
            exercise or "?",
            0.0,
            0.0,
            "error",
            [f"Internal grader error ({type(exc).__name__}: {exc}); please report it."],
            student_name=name,
        )

    args = dict(
        exercise=exercise,
        timeout=timeout,
        memory_mb=memory_mb,
        originals=originals,
        case_timeout=case_timeout,
        hidden_sources=hidden,
        sandbox=mode,
    )
    if scheduler:
        from course_lib.grading.distributed import grade_on_dask

        grade_on_dask(
            scheduler, files, todo, refs, args, student_from, roster, done, failed, n_workers=jobs
        )
    else:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {
                pool.submit(
                    grade_submission,
                    files[i],
                    refs,
                    solutions_dir,
                    student=identify(files[i], student_from, roster),
                    **args,
                ): i
                for i in todo
            }
            for fut in as_completed(futures):
                i = futures[fut]
                try:
                    result = fut.result()
                except Exception as exc:  # noqa: BLE001 - a grader bug must not end the batch
                    result = failed(i, exc)
                done(i, result)
    bar.close()
    return [r for r in results if r is not None]
