"""The ``course`` command: run the chapters, regenerate stored outputs, check the set-up,
write exercises and grade submissions.

    course doctor                        versions and whether the course kernel is registered
    course lab [--work-dir DIR] [JUPYTER-ARGS...]   JupyterLab on the learner's work folder
    course reset CHAPTER [--exercise]    a fresh copy of one notebook in the work folder
    course run [CHAPTER...] [-p NAME VALUE ...] [--smoke] [--output-dir DIR]
    course outputs [CHAPTER...]          re-execute notebooks in place (stored outputs)
    course exercises                     write exercises/ from solutions/
    course grade SUBMISSION... [...]     grade student notebooks into a gradebook
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import os
import platform
import re
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main", "build_parser"]


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _first_version(*distributions: str) -> str | None:
    for name in distributions:
        version = _version(name)
        if version is not None:
            return version
    return None


#: The Pythons the course supports (pyproject's requires-python, the README, environment.yml).
SUPPORTED_PYTHONS = ((3, 11), (3, 13))


def _python_range() -> str:
    (low_major, low_minor), (high_major, high_minor) = SUPPORTED_PYTHONS
    return f"Python {low_major}.{low_minor} to {high_major}.{high_minor}"


def _setup_kind() -> str:
    """How this Python was set up: Binder, conda or a venv (or a system Python)."""
    if any(
        os.environ.get(name)
        for name in ("BINDER_LAUNCH_HOST", "BINDER_REPO_URL", "BINDER_SERVICE_HOST")
    ):
        return "Binder"
    if (Path(sys.prefix) / "conda-meta").is_dir():
        return "conda"
    if sys.prefix != sys.base_prefix:
        return "venv"
    return "system Python"


def _environment_yml_python(root: Path) -> str | None:
    """The Python version environment.yml pins (``python=3.11``), or None."""
    path = root / "environment.yml"
    if not path.is_file():
        return None
    match = re.search(
        r"^\s*-\s*python\s*=\s*([0-9.]+)", path.read_text(encoding="utf-8"), re.MULTILINE
    )
    return match.group(1) if match else None


def _doctor_setup(problems: list[str]) -> None:
    """The set-up's own checks: venv (the Makefile), conda and Binder (environment.yml)."""
    kind = _setup_kind()
    print(f"{'set-up':<22}{kind} ({sys.prefix})")
    root = Path(__file__).resolve().parents[1]
    pinned = _environment_yml_python(root)
    if pinned is not None:
        version = tuple(int(part) for part in pinned.split(".")[:2])
        in_range = SUPPORTED_PYTHONS[0] <= version <= SUPPORTED_PYTHONS[1]
        print(
            f"{'environment.yml':<22}python={pinned}"
            + ("" if in_range else f" (outside {_python_range()})")
        )
        if not in_range:
            problems.append(
                f"environment.yml pins python={pinned}: pin a version from {_python_range()}."
            )
    if kind in ("Binder", "conda") and (root / "binder" / "postBuild").is_file():
        print(f"{'binder/postBuild':<22}registers the course kernel and the JupyterLab settings")


def cmd_doctor(args: argparse.Namespace) -> int:
    """Print the versions the course depends on; exit 1 with a fix for whatever is missing."""
    from course_lib.notebooks import COURSE_KERNEL

    problems: list[str] = []
    install_hint = "install the course with `make test` (or `pip install -e '.[dev]'`)"
    print(f"{'Python':<22}{platform.python_version()} ({sys.executable})")
    if not SUPPORTED_PYTHONS[0] <= sys.version_info[:2] <= SUPPORTED_PYTHONS[1]:
        problems.append(
            f"{_python_range()} is required (found {platform.python_version()}): "
            "create the venv with one of those, e.g. `make test PYTHON=python3.12`."
        )
    _doctor_setup(problems)

    rows = [
        ("numpy", ("numpy",)),
        ("TensorFlow", ("tensorflow-cpu", "tensorflow", "tensorflow-macos")),
        ("Keras", ("keras",)),
        ("papermill", ("papermill",)),
        ("nbval", ("nbval",)),
        ("scikit-learn", ("scikit-learn",)),
        ("matplotlib", ("matplotlib",)),
    ]
    for label, distributions in rows:
        version = _first_version(*distributions)
        print(f"{label:<22}{version or 'MISSING'}")
        if version is None:
            problems.append(f"{label} is not installed: {install_hint}.")

    from course_lib.grading.sandbox import describe as describe_sandbox

    print(f"{'Grading sandbox':<22}{describe_sandbox()[1]}")  # for instructors; not a problem

    keras_version = _version("keras")
    if keras_version is not None:
        major = int(keras_version.split(".")[0])
        backend = "unknown"
        if not args.fast:
            try:
                from course_lib.keras_models import setup_keras

                backend = setup_keras(0).backend.backend()
            except Exception as error:  # noqa: BLE001 - doctor reports, never crashes
                backend = f"failed to import: {type(error).__name__}: {error}"
                problems.append(f"Keras could not be imported ({error}): {install_hint}.")
        print(f"{'Keras backend':<22}{backend}")
        if major < 3:
            problems.append(f"Keras 3 is required, found {keras_version}: {install_hint}.")

    try:
        from jupyter_client.kernelspec import KernelSpecManager

        specs = KernelSpecManager().find_kernel_specs()
    except ImportError:
        specs = {}
    registered = COURSE_KERNEL in specs
    where = specs.get(COURSE_KERNEL, "not registered")
    print(f"{'course kernel':<22}{COURSE_KERNEL}: {where}")
    if not registered:
        problems.append(
            f"The Jupyter kernel `{COURSE_KERNEL}` is not registered in this environment: run "
            f"`{sys.executable} -m ipykernel install --sys-prefix --name {COURSE_KERNEL} "
            f"--display-name 'Python 3 (course)'` (the Makefile does this)."
        )

    from course_lib.lab import LAB_OVERRIDES

    overrides = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    news_off = False
    if overrides.is_file():
        try:
            settings = json.loads(overrides.read_text(encoding="utf-8"))
            news_off = all(
                settings.get(plugin, {}).get(key) == value
                for plugin, values in LAB_OVERRIDES.items()
                for key, value in values.items()
            )
        except ValueError:
            news_off = False
    # Not a problem: `course lab` (make lab, binder/postBuild) writes them before JupyterLab starts.
    print(
        f"{'JupyterLab settings':<22}"
        + (
            f"news prompt off ({overrides})"
            if news_off
            else "default: `course lab` switches the news prompt off on first use"
        )
    )

    if problems:
        print("\nProblems found:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print("\nEverything the course needs is here.")
    return 0


def _parameters(pairs: Sequence[Sequence[str]] | None) -> dict[str, object]:
    from course_lib.notebooks import parse_parameter_value

    return {name: parse_parameter_value(value) for name, value in (pairs or [])}


def cmd_run(args: argparse.Namespace) -> int:
    """Execute chapters through papermill into an output folder."""
    from course_lib.notebooks import resolve_chapters, run_notebooks

    notebooks = resolve_chapters(args.chapters)
    if not notebooks:
        print("No chapter notebooks exist yet (notebooks/NN_*.ipynb): nothing to run.")
        return 0
    if not args.chapters:
        print(
            f"Running the {len(notebooks)} chapter(s) that exist: "
            + ", ".join(nb.stem for nb in notebooks)
        )
    results = run_notebooks(
        notebooks,
        output_dir=args.output_dir,
        parameters=_parameters(args.parameter),
        smoke=args.smoke,
    )
    failed = 0
    for result in results:
        if result.ok:
            print(f"  ok      {result.notebook.name:<28}{result.seconds:7.1f} s -> {result.output}")
        else:
            failed += 1
            print(
                f"  FAILED  {result.notebook.name:<28}{result.seconds:7.1f} s: {result.error}",
                file=sys.stderr,
            )
    total = sum(r.seconds for r in results)
    print(f"{len(results) - failed} of {len(results)} notebooks ran in {total:.1f} s.")
    return 1 if failed else 0


def cmd_outputs(args: argparse.Namespace) -> int:
    """Regenerate the stored outputs of chapters in place, with default parameters."""
    from course_lib.notebooks import regenerate_outputs, resolve_chapters

    notebooks = resolve_chapters(args.chapters)
    if not notebooks:
        print("No chapter notebooks exist yet: nothing to regenerate.")
        return 0
    results = regenerate_outputs(notebooks)
    failed = [r for r in results if not r.ok]
    for result in results:
        status = "stored" if result.ok else f"FAILED, left unchanged: {result.error}"
        print(f"  {result.notebook.name:<28}{result.seconds:7.1f} s  {status}")
    return 1 if failed else 0


def cmd_claims(args: argparse.Namespace) -> int:
    """Run every chapter at the parameters its metadata declares; fail on any raised claim."""
    from course_lib.claim_runs import run_claims
    from course_lib.notebooks import resolve_chapters

    runs = run_claims(resolve_chapters(args.chapters), output_dir=args.output_dir, jobs=args.jobs)
    failed = [run for run in runs if not run.ok]
    checked = sum(len(run.records) for run in runs)
    print(
        f"{len(runs) - len(failed)} of {len(runs)} runs passed, {checked} claims checked; "
        f"report: {args.output_dir / 'report.md'}"
    )
    return 1 if failed or not runs else 0


def cmd_lab(args: argparse.Namespace) -> int:
    """Fill the learner's work folder (never overwriting), then open JupyterLab on it."""
    import subprocess

    from course_lib.lab import (
        WORK_DIR,
        course_root,
        ensure_course_kernel,
        jupyter_environment,
        lab_command,
        prepare_work_folder,
        write_lab_settings,
    )

    root = course_root()
    work = (args.work_dir or root / WORK_DIR).resolve()
    copied = prepare_work_folder(root, work)
    if copied:
        print(f"Copied {len(copied)} notebook(s) into your work folder {work}:")
        for path in copied:
            print(f"  {path.relative_to(work)}")
    else:
        print(f"Your work folder is {work} (nothing new to copy; your files are untouched).")
    print(
        "The stored notebooks in notebooks/ and exercises/ stay as they are; "
        "`course reset CHAPTER` gives you a fresh copy of one."
    )
    try:
        write_lab_settings()
        registered = ensure_course_kernel()
    except OSError as error:  # an environment this user may not write to (a shared install)
        print(
            f"Could not write into the environment {sys.prefix} ({error}); JupyterLab starts "
            "with its settings as they are.",
            file=sys.stderr,
        )
        registered = None
    if registered is not None:
        print(f'Registered the course kernel "Python 3 (course)" in {registered}.')
    extra = list(args.jupyter_args or [])
    if extra[:1] == ["--"]:
        extra = extra[1:]
    command = lab_command(work, extra)
    env = jupyter_environment()
    if args.dry_run:
        print(" ".join(command))
        return 0
    if os.name == "posix":
        os.execve(command[0], command, env)  # Ctrl-C goes to JupyterLab alone
    return subprocess.call(command, env=env)


def cmd_reset(args: argparse.Namespace) -> int:
    """Restore a fresh copy of one notebook in the work folder, keeping the old one as a backup."""
    from course_lib.lab import WORK_DIR, course_root, reset_notebook

    root = course_root()
    work = (args.work_dir or root / WORK_DIR).resolve()
    fresh, backup = reset_notebook(args.chapter, exercise=args.exercise, root=root, work=work)
    if backup is not None:
        print(f"Your previous copy is kept as {backup}.")
    print(f"Fresh copy: {fresh}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course",
        description="Neural networks and deep learning: run the course, grade exercises.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    doctor = sub.add_parser("doctor", help="check the set-up and print versions")
    doctor.add_argument(
        "--fast", action="store_true", help="do not import Keras to report its backend"
    )
    doctor.set_defaults(func=cmd_doctor)

    lab = sub.add_parser(
        "lab",
        help="open JupyterLab on your work folder (work/), filled on first use",
        description="Copy the chapters and exercises that your work folder lacks (never "
        "overwriting your files), then open JupyterLab on it. Arguments after `--` "
        "go to JupyterLab, e.g. `course lab -- --no-browser --port 8890`.",
    )
    lab.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="your work folder (default: work/ in the course's root)",
    )
    lab.add_argument(
        "--dry-run",
        action="store_true",
        help="fill the work folder and print the JupyterLab command, do not start it",
    )
    lab.add_argument(
        "jupyter_args",
        nargs=argparse.REMAINDER,
        metavar="JUPYTER-ARGS",
        help="passed on to `jupyter lab`",
    )
    lab.set_defaults(func=cmd_lab)

    reset = sub.add_parser(
        "reset", help="a fresh copy of one notebook in your work folder (the old one is kept)"
    )
    reset.add_argument(
        "chapter",
        metavar="CHAPTER",
        help="chapter number or name (02, training) or a path such as exercises/02_training.ipynb",
    )
    reset.add_argument(
        "--exercise",
        action="store_true",
        help="reset the chapter's exercise notebook instead of the chapter",
    )
    reset.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="your work folder (default: work/ in the course's root)",
    )
    reset.set_defaults(func=cmd_reset)

    run = sub.add_parser("run", help="execute chapters with papermill into build/")
    run.add_argument(
        "chapters",
        nargs="*",
        metavar="CHAPTER",
        help="chapter number, name or notebook path (default: all)",
    )
    run.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter, e.g. -p epochs 20 (repeatable)",
    )
    run.add_argument(
        "--smoke", action="store_true", help="the quick configuration (smoke=True), as CI runs it"
    )
    run.add_argument(
        "--output-dir",
        default="build",
        type=Path,
        help="where executed notebooks go (default: build)",
    )
    run.set_defaults(func=cmd_run)

    outputs = sub.add_parser("outputs", help="regenerate the stored outputs of notebooks/ in place")
    outputs.add_argument(
        "chapters",
        nargs="*",
        metavar="CHAPTER",
        help="chapter number, name or notebook path (default: all)",
    )
    outputs.set_defaults(func=cmd_outputs)

    claims = sub.add_parser("claims", help="run chapters at other parameters; fail on any claim")
    claims.add_argument(
        "chapters",
        nargs="*",
        metavar="CHAPTER",
        help="chapter number, name or notebook path (default: all)",
    )
    claims.add_argument("--jobs", type=int, default=2, help="runs at a time (default: 2)")
    claims.add_argument(
        "--output-dir",
        default=Path("build/claims"),
        type=Path,
        help="where executed notebooks and report.md go (default: build/claims)",
    )
    claims.set_defaults(func=cmd_claims)

    try:
        grading_cli = importlib.import_module("course_lib.grading.cli")
    except ModuleNotFoundError as error:
        if error.name not in ("course_lib.grading", "course_lib.grading.cli"):
            raise
    else:
        grading_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError) as error:
        print(f"course {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
