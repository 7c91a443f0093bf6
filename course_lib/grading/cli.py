"""``course exercises`` and ``course grade``: registered into the ``course`` command by the lead's
``course_lib.cli`` through :func:`register`; also runnable as ``python -m course_lib.grading.cli``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["register", "main", "cmd_exercises", "cmd_grade"]


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, received {text!r}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, received {text!r}")
    return value


def cmd_exercises(args: argparse.Namespace) -> int:
    from course_lib.grading.expected import stale_expected, update_expected
    from course_lib.grading.fences import FenceError, stale_exercises, write_exercises
    from course_lib.grading.grader import GradingError, default_solutions_dir
    from course_lib.grading.table import stale_readme, update_readme

    solutions = Path(args.solutions) if args.solutions else default_solutions_dir()
    exercises = Path(args.output) if args.output else solutions.parent / "exercises"
    try:
        if args.check:
            stale = stale_exercises(solutions, exercises)
            stale_values = stale_expected(solutions)
            for name in stale:
                print(f"out of date: {exercises / name}")
            for ex in stale_values:
                print(f"out of date: expected values of {ex} (course_lib/grading/expected.json)")
            table = stale_readme(solutions)
            if table:
                print(f"out of date: the question table of {solutions / 'README.md'}")
            if stale or stale_values or table:
                print("Run `course exercises` to regenerate.")
                return 1
            print("exercises/, expected values and the question table are up to date.")
            return 0
        if args.exercise:
            return _one_exercise(args.exercise, solutions, exercises, args.force)
        changed = write_exercises(solutions, exercises)
        for path in changed:
            print(f"wrote {path}")
        recomputed = update_expected(solutions, force=args.force)
        for ex in recomputed:
            print(f"recomputed the public expected values of {ex}")
        table = update_readme(solutions)
        if table:
            print(f"wrote the question table of {solutions / 'README.md'}")
        if not changed and not recomputed and not table:
            print("exercises/ is up to date.")
        return 0
    except (FenceError, GradingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _one_exercise(exercise: str, solutions: Path, exercises: Path, force: bool) -> int:
    """``course exercises --exercise chN``: that exercise's notebook and expected values only
    (the question table is left for a full run, which needs every exercise's cases)."""
    import nbformat

    from course_lib.grading.expected import update_expected
    from course_lib.grading.fences import make_exercise, render_notebook
    from course_lib.grading.grader import _solution_notebooks

    notebooks = _solution_notebooks(solutions)
    if exercise not in notebooks:
        print(
            f"error: Received an invalid value for `--exercise`, expected one of "
            f"{', '.join(sorted(notebooks))}. Received: {exercise!r}",
            file=sys.stderr,
        )
        return 1
    source = notebooks[exercise]
    text = render_notebook(make_exercise(nbformat.read(source, as_version=4), str(source)))
    target = exercises / source.name
    exercises.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    for ex in update_expected(solutions, force=force, only=exercise):
        print(f"recomputed the public expected values of {ex}")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from course_lib.grading.batch import GradingError, grade, read_roster
    from course_lib.grading.report import Gradebook, write_feedback
    from course_lib.grading.sandbox import SandboxUnavailable

    if args.report and Path(args.report).suffix.lower() not in (".csv", ".json"):
        print("error: --report must end in .csv or .json", file=sys.stderr)
        return 2
    if args.resume and not args.report:
        print("error: --resume needs --report (the gradebook to resume)", file=sys.stderr)
        return 2
    missing = [p for p in args.submissions if not Path(p).exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        roster = read_roster(args.roster) if args.roster else None
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    gradebook = Gradebook(args.report) if args.report else None
    try:
        results = grade(
            args.submissions,
            jobs=args.jobs,
            timeout=args.timeout,
            memory_mb=args.memory_mb,
            exercise=args.exercise,
            solutions_dir=args.solutions,
            progress=not args.quiet,
            case_timeout=args.case_timeout,
            sandbox=args.sandbox,
            scheduler=args.scheduler,
            gradebook=gradebook,
            resume=args.resume,
            student_from=args.student_from,
            roster=roster,
        )
    except SandboxUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (GradingError, ImportError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if gradebook is not None:
        gradebook.write()
    if args.feedback:
        write_feedback(results, args.feedback)
    width = max((len(r.student) for r in results), default=7)
    for r in results:
        print(
            f"{r.student:<{width}}  {Path(r.path).name:<28} {r.exercise:<4} "
            f"{r.score:>5g} / {r.max_score:<4g} {r.status}"
        )
    print(f"{len(results)} submission(s) graded.")
    return 1 if any(r.status == "error" for r in results) else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``exercises`` and ``grade`` subcommands to the ``course`` command."""
    ex = subparsers.add_parser(
        "exercises",
        help="write exercises/ from solutions/ (fences replaced, outputs cleared)",
        description="Write exercises/NN_*.ipynb from solutions/NN_*.ipynb: each "
        "### BEGIN SOLUTION / ### END SOLUTION block becomes `# YOUR CODE HERE` + "
        "`raise NotImplementedError()`, outputs are cleared. Also refreshes the public expected "
        "values used by check() when a solution changed.",
    )
    ex.add_argument("--solutions", help="folder of solution notebooks (default: solutions/)")
    ex.add_argument("--output", help="folder to write (default: exercises/ next to solutions/)")
    ex.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if exercises/ or expected values are out of date",
    )
    ex.add_argument(
        "--force",
        action="store_true",
        help="recompute every public expected value, even if none changed",
    )
    ex.add_argument(
        "--exercise",
        metavar="chN",
        help="only this exercise's notebook and expected values (not the question table)",
    )
    ex.set_defaults(func=cmd_exercises)

    gr = subparsers.add_parser(
        "grade",
        help="grade submitted notebooks into a gradebook",
        description="Grade notebooks (files or folders, searched recursively). Each runs in its "
        "own process on a temporary copy, with time and memory limits; public and hidden tests "
        "are compared with the solutions' values outside the submission's reach.",
    )
    gr.add_argument(
        "submissions",
        nargs="+",
        metavar="SUBMISSION",
        help="notebook files or folders of them (student = the file's folder name)",
    )
    gr.add_argument(
        "--jobs",
        "-j",
        type=_positive_int,
        default=os.cpu_count() or 1,
        help="submissions graded at once (default: number of cores)",
    )
    gr.add_argument(
        "--timeout",
        type=_positive_float,
        default=180.0,
        help="seconds allowed for running a notebook's cells (default 180); a run "
        "stopped by it is repeated without the cell that hung",
    )
    gr.add_argument(
        "--case-timeout",
        type=_positive_float,
        default=None,
        help="seconds allowed for each test case (default: min(timeout, 30))",
    )
    gr.add_argument(
        "--memory-mb",
        type=_positive_int,
        default=4096,
        help="address-space limit of each notebook's process in MB (default 4096)",
    )
    gr.add_argument(
        "--report",
        metavar="FILE",
        help="the gradebook: .csv (one row per submission) or .json (every case), "
        "merged with earlier runs, plus NAME.lms.csv and NAME.summary.csv",
    )
    gr.add_argument(
        "--feedback", metavar="DIR", help="write one feedback .txt and .html per submission"
    )
    gr.add_argument(
        "--exercise",
        choices=["ch1", "ch2", "ch3", "ch4"],
        help="grade every submission as this exercise (default: from the file name "
        "NN_*.ipynb, else the notebook's metadata)",
    )
    gr.add_argument("--solutions", help="folder of solution notebooks and hidden_tests/")
    gr.add_argument(
        "--sandbox",
        choices=["auto", "bwrap", "process"],
        default="auto",
        help="auto/bwrap: each notebook in a bubblewrap sandbox (refuses to run "
        "without it); process: no sandbox, for trusted notebooks only",
    )
    gr.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade on Dask: 'local' (a LocalCluster) or tcp://HOST:PORT "
        "(needs the `grading` extra)",
    )
    gr.add_argument(
        "--resume",
        action="store_true",
        help="skip submissions the --report gradebook already holds unchanged",
    )
    gr.add_argument(
        "--student-from",
        choices=["auto", "folder", "filename"],
        default="auto",
        help="the student: the folder's name, the file-name prefix "
        "(alice_01_introduction.ipynb), or auto (the prefix where there is one)",
    )
    gr.add_argument(
        "--roster",
        metavar="CSV",
        help="roster CSV with columns id, name (and key: the folder or prefix)",
    )
    gr.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    gr.set_defaults(func=cmd_grade)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.grading.cli")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
