"""Run the chapter notebooks with papermill, and regenerate their stored outputs.

Two entry points, both used by the ``course`` command:

- :func:`run_notebooks` executes chapters with parameters into an output folder (``build/`` by
  default), never touching ``notebooks/``. A failing notebook is reported with its cell and
  exception, and its partial output notebook is kept for inspection.
- :func:`regenerate_outputs` executes chapters with their default parameters and writes the
  outputs back into the notebooks themselves, cleaned so that a regeneration gives no git diff:
  no timestamps, no papermill metadata, consecutive stream outputs merged. It records a hash of
  the code it ran, so a test can tell when a notebook's stored outputs are stale.

Papermill is imported lazily: ``import course_lib`` stays light.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat

__all__ = [
    "COURSE_KERNEL",
    "COURSE_KERNELSPEC",
    "NotebookRunError",
    "RunResult",
    "chapter_notebooks",
    "find_notebooks_dir",
    "notebook_parameters",
    "parse_parameter_value",
    "regenerate_outputs",
    "resolve_chapters",
    "run_notebooks",
    "set_course_kernelspec",
    "source_hash",
    "stored_source_hash",
]

#: Name of the Jupyter kernel that ``make`` registers inside the course's virtual environment.
COURSE_KERNEL = "course-nn"
#: The ``kernelspec`` metadata every course notebook carries, so that JupyterLab picks the course
#: kernel without asking.
COURSE_KERNELSPEC = {
    "name": COURSE_KERNEL,
    "display_name": "Python 3 (course)",
    "language": "python",
}

#: Environment variables removed before a notebook runs (they change ``model.summary()``).
_UNSET_ENV = ("COLUMNS", "LINES", "JUPYTER_COLUMNS", "JUPYTER_LINES", "NO_COLOR", "FORCE_COLOR")
#: Environment variables set before a notebook runs: TensorFlow quiet and repeatable on CPU.
_SET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}

_CHAPTER_PATTERN = re.compile(r"^\d\d_[A-Za-z0-9_]+\.ipynb$")


class NotebookRunError(RuntimeError):
    """A notebook failed: carries the notebook, the failing cell and the exception."""

    def __init__(
        self,
        notebook: Path,
        cell_index: int | None,
        ename: str,
        evalue: str,
        output: Path | None = None,
        cell_source: str = "",
    ) -> None:
        self.notebook = Path(notebook)
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        self.output = output
        self.cell_source = cell_source
        where = f"cell {cell_index}" if cell_index is not None else "before any cell ran"
        if cell_source:
            where += f" (`{cell_source}`)"
        kept = f" (partial output kept in {output})" if output is not None else ""
        super().__init__(f"{self.notebook.name} failed in {where}: {ename}: {evalue}{kept}")


@dataclass(frozen=True)
class RunResult:
    """One executed notebook: where it came from, where its output went, how long it took."""

    notebook: Path
    output: Path
    seconds: float
    error: NotebookRunError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def find_notebooks_dir(start: Path | None = None) -> Path:
    """The course's ``notebooks/`` folder: under the current directory or one of its parents,
    else next to this package's source checkout."""
    start = Path.cwd() if start is None else Path(start)
    for folder in (start, *start.resolve().parents):
        candidate = folder / "notebooks"
        if candidate.is_dir():
            return candidate
    candidate = Path(__file__).resolve().parents[1] / "notebooks"
    if candidate.is_dir():
        return candidate
    raise FileNotFoundError(
        f"Could not find the course's `notebooks/` folder under {start} or its parents. "
        "Run `course` from the course repository, or pass notebook paths explicitly."
    )


def chapter_notebooks(notebooks_dir: Path | None = None) -> list[Path]:
    """The chapter notebooks (``NN_name.ipynb``) in order."""
    folder = find_notebooks_dir() if notebooks_dir is None else Path(notebooks_dir)
    return sorted(p for p in folder.glob("*.ipynb") if _CHAPTER_PATTERN.match(p.name))


def resolve_chapters(chapters: Sequence[str], notebooks_dir: Path | None = None) -> list[Path]:
    """Turn chapter names into notebook paths.

    A chapter is a path to a notebook, a number (``2`` or ``02``), a full stem
    (``02_training``) or a name (``training``). No chapters means every chapter.
    """
    if not chapters:
        return chapter_notebooks(notebooks_dir)
    available: list[Path] | None = None
    resolved = []
    for chapter in chapters:
        path = Path(chapter)
        if path.suffix == ".ipynb":
            if not path.is_file():
                raise FileNotFoundError(f"Notebook not found: {chapter}")
            resolved.append(path)
            continue
        if available is None:
            available = chapter_notebooks(notebooks_dir)
        key = chapter.strip().lower()
        matches = [
            p
            for p in available
            if key in (p.stem, p.stem[:2], p.stem[3:])
            or (key.isdigit() and int(key) == int(p.stem[:2]))
        ]
        if len(matches) != 1:
            names = ", ".join(p.stem for p in available) or "none yet"
            raise ValueError(
                f"Received an invalid value for `chapter`, expected one of the chapters "
                f"({names}), a chapter number or a notebook path. Received: chapter={chapter!r}"
            )
        resolved.append(matches[0])
    return resolved


def parse_parameter_value(text: str) -> object:
    """Read a ``-p NAME VALUE`` value: a Python/JSON literal (``3``, ``0.5``, ``true``,
    ``[1, 2]``, ``None``), else the string itself."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def notebook_parameters(notebook: Path) -> dict[str, dict]:
    """The parameters a notebook declares in its ``parameters`` cell (papermill's view)."""
    import papermill

    return dict(papermill.inspect_notebook(str(notebook)))


def _check_parameters(notebook: Path, parameters: Mapping[str, object]) -> None:
    if not parameters:
        return
    declared = notebook_parameters(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        valid = ", ".join(sorted(declared)) or "none (no cell is tagged `parameters`)"
        raise ValueError(
            f"Received an invalid parameter for {notebook.name}: {', '.join(unknown)}. "
            f"Expected one of its parameters: {valid}."
        )


@contextlib.contextmanager
def course_environment() -> Iterator[None]:
    """Environment in which notebooks run: the same for papermill runs, regeneration and nbval."""
    saved = {key: os.environ.get(key) for key in (*_UNSET_ENV, *_SET_ENV)}
    try:
        for key in _UNSET_ENV:
            os.environ.pop(key, None)
        os.environ.update(_SET_ENV)
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def set_course_kernelspec(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Point a notebook at the course kernel (``course-nn``, "Python 3 (course)"), in place."""
    nb.metadata["kernelspec"] = dict(COURSE_KERNELSPEC)
    return nb


def _ipc_kernel_manager_class(socket_dir: str) -> type | None:
    """A kernel manager that talks to its kernel over local IPC sockets instead of TCP.

    ipykernel 7 warns "Kernel is running over TCP without encryption" on every start over TCP;
    IPC sockets are files only this user can open, so the warning has no reason to be. Windows
    has no IPC transport: None there (nbclient's default, TCP). The sockets go into
    ``socket_dir``, one folder per run: jupyter_client's default is "kernel-ipc" in the working
    directory, with ports counted up from the files it finds there, so two kernels starting at
    once in one notebook folder (``course claims --jobs 2``) would bind the same sockets
    ("Invalid Signature"). Socket paths are limited to about 100 characters: keep it short.
    """
    if os.name == "nt":
        return None
    from jupyter_core.paths import jupyter_runtime_dir

    # A Unix socket's path has at most 103 bytes (macOS): "/kernel-<uuid>-ipc-N" takes 50.
    if len(os.fsencode(jupyter_runtime_dir())) + 50 > 103:
        return None
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @default("ip")
        def _default_ip(self) -> str:
            return os.path.join(socket_dir, "kernel")

    return IPCKernelManager


def _kernel_name() -> str:
    """The course kernel when registered in this environment, else the default ``python3``."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return COURSE_KERNEL if COURSE_KERNEL in specs else "python3"


def _first_line(notebook: Path, cell_index: int | None) -> str:
    """First non-empty line of a cell's source, to name the failing cell in messages."""
    try:
        cells = [
            c
            for c in nbformat.read(notebook, as_version=4).cells
            if "papermill-error-cell-tag" not in c.metadata.get("tags", [])
        ]
        cell = cells[cell_index]
    except (OSError, IndexError, TypeError, ValueError):
        return ""
    lines = [line.strip() for line in cell.source.splitlines() if line.strip()]
    return lines[0][:60] if lines else ""


def _execute(notebook: Path, output: Path, parameters: Mapping[str, object]) -> float:
    """Execute one notebook with papermill; raise :class:`NotebookRunError` on failure."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    started = time.perf_counter()
    with course_environment(), tempfile.TemporaryDirectory(prefix="course-kernel-") as sockets:
        manager = _ipc_kernel_manager_class(sockets)
        engine_options = {} if manager is None else {"kernel_manager_class": manager}
        try:
            papermill.execute_notebook(
                str(notebook),
                str(output),
                parameters=dict(parameters),
                cwd=str(notebook.resolve().parent),
                kernel_name=_kernel_name(),
                progress_bar=False,
                log_output=False,
                report_mode=False,
                **engine_options,
            )
        except PapermillExecutionError as error:
            raise NotebookRunError(
                notebook,
                error.cell_index,
                error.ename,
                error.evalue,
                output if output.exists() else None,
                _first_line(output, error.cell_index),
            ) from error
    return time.perf_counter() - started


def run_notebooks(
    notebooks: Sequence[Path],
    output_dir: Path | str = "build",
    parameters: Mapping[str, object] | None = None,
    smoke: bool = False,
    progress: bool = True,
) -> list[RunResult]:
    """Execute notebooks with papermill into ``output_dir`` (created if needed).

    ``parameters`` go to every notebook (each must declare them), plus ``smoke=True`` when
    ``smoke``. Every notebook runs even if an earlier one failed; check ``RunResult.ok``.
    """
    from tqdm.auto import tqdm

    output_dir = Path(output_dir)
    parameters = dict(parameters or {})
    if smoke:
        parameters["smoke"] = True
    notebooks = [Path(nb) for nb in notebooks]
    for notebook in notebooks:
        _check_parameters(notebook, parameters)
        if output_dir.resolve() == notebook.resolve().parent:
            raise ValueError(
                f"Received an invalid value for `output_dir`, expected a folder other than the "
                f"notebooks' own (their stored outputs would be overwritten). "
                f"Received: output_dir={str(output_dir)!r}"
            )
    output_dir.mkdir(parents=True, exist_ok=True)

    results = []
    bar = tqdm(notebooks, desc="notebooks", unit="nb", disable=not progress)
    for notebook in bar:
        bar.set_postfix_str(notebook.name)
        output = output_dir / notebook.name
        started = time.perf_counter()
        try:
            seconds = _execute(notebook, output, parameters)
            results.append(RunResult(notebook, output, seconds))
        except NotebookRunError as error:
            results.append(RunResult(notebook, output, time.perf_counter() - started, error))
    bar.close()
    return results


# --- stored outputs ---------------------------------------------------------------------------


def source_hash(nb: nbformat.NotebookNode) -> str:
    """Hash of what determines a notebook's outputs: its code cells' sources and tags."""
    digest = hashlib.sha256()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = ",".join(sorted(cell.get("metadata", {}).get("tags", [])))
        digest.update(tags.encode() + b"\x00" + cell.source.encode() + b"\x01")
    return digest.hexdigest()[:16]


def stored_source_hash(nb: nbformat.NotebookNode) -> str | None:
    """The hash recorded when the stored outputs were last regenerated (None if never)."""
    return nb.metadata.get("course", {}).get("outputs_source_hash")


def _merge_streams(outputs: list) -> list:
    merged: list = []
    for output in outputs:
        if (
            output.get("output_type") == "stream"
            and merged
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == output.get("name")
        ):
            merged[-1]["text"] += output["text"]
        else:
            merged.append(output)
    return merged


def clean_executed(
    executed: nbformat.NotebookNode, original: nbformat.NotebookNode
) -> nbformat.NotebookNode:
    """Copy the executed outputs into the original notebook, without run-specific metadata,
    and point it at the course kernel."""
    if len(executed.cells) != len(original.cells):
        raise ValueError(
            f"Executed notebook has {len(executed.cells)} cells but the source has "
            f"{len(original.cells)}: was a parameters cell injected?"
        )
    for source_cell, run_cell in zip(original.cells, executed.cells, strict=True):
        if source_cell.cell_type != "code":
            continue
        source_cell.outputs = _merge_streams(run_cell.get("outputs", []))
        source_cell.execution_count = run_cell.get("execution_count")
        source_cell.metadata.pop("papermill", None)
        source_cell.metadata.pop("execution", None)
    original.metadata.pop("papermill", None)
    set_course_kernelspec(original)
    original.metadata.setdefault("course", {})["outputs_source_hash"] = source_hash(original)
    return original


def regenerate_outputs(notebooks: Sequence[Path], progress: bool = True) -> list[RunResult]:
    """Re-execute notebooks with their default parameters and store the outputs in place.

    A notebook that fails is left exactly as it was; its partial run is kept in a temporary
    folder named in the error.
    """
    from tqdm.auto import tqdm

    results = []
    keep_dir = Path(tempfile.mkdtemp(prefix="course-outputs-"))
    bar = tqdm([Path(nb) for nb in notebooks], desc="regenerating", unit="nb", disable=not progress)
    for notebook in bar:
        bar.set_postfix_str(notebook.name)
        output = keep_dir / notebook.name
        started = time.perf_counter()
        try:
            seconds = _execute(notebook, output, {})
        except NotebookRunError as error:
            results.append(RunResult(notebook, output, time.perf_counter() - started, error))
            continue
        original = nbformat.read(notebook, as_version=4)
        executed = nbformat.read(output, as_version=4)
        cleaned = clean_executed(executed, original)
        tmp = notebook.with_suffix(".ipynb.tmp")
        nbformat.write(cleaned, tmp)
        os.replace(tmp, notebook)
        output.unlink()
        results.append(RunResult(notebook, notebook, seconds))
    bar.close()
    if not any(keep_dir.iterdir()):
        shutil.rmtree(keep_dir, ignore_errors=True)
    return results
