"""The learner's JupyterLab: a work folder of their own, Jupyter's files kept inside the venv.

- :func:`prepare_work_folder` copies the chapters (``notebooks/``) and the exercises
  (``exercises/``) into a git-ignored work folder (``work/`` by default) with the same layout, so
  that the chapters' links (``../exercises/01_introduction.ipynb``) work there too. It never
  overwrites a file that is already there: the stored notebooks stay pristine for nbval and for
  ``git pull``, and the learner's copies are theirs.
- :func:`reset_notebook` puts a fresh copy of one notebook back, keeping the learner's old one
  under a backup name.
- :func:`jupyter_environment` and :func:`write_lab_settings` keep Jupyter's configuration, data,
  IPython's profile and matplotlib's cache inside the environment (``sys.prefix``), and switch
  off JupyterLab's news prompt.
- :func:`lab_command` is the command line ``course lab`` runs.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import nbformat

from course_lib.notebooks import (
    _SET_ENV,
    _UNSET_ENV,
    COURSE_KERNEL,
    COURSE_KERNELSPEC,
    chapter_notebooks,
    find_notebooks_dir,
    set_course_kernelspec,
)

__all__ = [
    "FOLDERS",
    "WORK_DIR",
    "course_root",
    "ensure_course_kernel",
    "install_course_kernel",
    "jupyter_environment",
    "lab_command",
    "prepare_work_folder",
    "runtime_dir",
    "reset_notebook",
    "write_lab_settings",
]

#: The learner's work folder, relative to the course's root (git-ignored).
WORK_DIR = "work"
#: The folders copied into the work folder, each to a folder of the same name.
FOLDERS = ("notebooks", "exercises")

#: JupyterLab settings applied for every learner (``overrides.json``): no "Would you like to get
#: notified about official Jupyter news?" prompt, no update check (both would go online).
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def course_root(start: Path | None = None) -> Path:
    """The course's root folder: the one holding ``notebooks/``."""
    return find_notebooks_dir(start).resolve().parent


def _sources(root: Path) -> list[tuple[Path, Path]]:
    """(stored notebook, its path relative to the work folder) for every chapter and exercise."""
    pairs = []
    for folder in FOLDERS:
        for notebook in chapter_notebooks(root / folder) if (root / folder).is_dir() else []:
            pairs.append((notebook, Path(folder) / notebook.name))
    return pairs


def _write_copy(source: Path, destination: Path) -> None:
    """A fresh copy of a stored notebook that opens on the course kernel."""
    nb = nbformat.read(source, as_version=4)
    set_course_kernelspec(nb)
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(destination.name + ".tmp")
    nbformat.write(nb, tmp)
    os.replace(tmp, destination)


def prepare_work_folder(root: Path | None = None, work: Path | None = None) -> list[Path]:
    """Copy every chapter and exercise that the work folder lacks; return the copies made.

    A notebook already in the work folder is never touched, whatever its content.
    """
    root = course_root() if root is None else Path(root)
    work = root / WORK_DIR if work is None else Path(work)
    if work.exists() and not work.is_dir():
        raise ValueError(
            f"Received an invalid value for `work`, expected a folder (or a path that does not "
            f"exist yet). Received: work={str(work)!r}, which is a file"
        )
    copied = []
    for source, relative in _sources(root):
        destination = work / relative
        if destination.exists():
            continue
        _write_copy(source, destination)
        copied.append(destination)
    return copied


def _backup_name(path: Path) -> Path:
    """``02_training.ipynb`` -> ``02_training.backup-20260101-120000.ipynb`` (never existing)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    number = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.backup-{stamp}-{number}{path.suffix}")
        number += 1
    return candidate


def _match(chapter: str, pairs: Sequence[tuple[Path, Path]], folder: str) -> Path:
    """The work-folder path of the notebook ``chapter`` names (in ``folder`` unless a path)."""
    text = chapter.strip()
    as_path = Path(text)
    if as_path.suffix == ".ipynb":
        wanted = Path(as_path.parent.name or folder) / as_path.name
        for _, relative in pairs:
            if relative == wanted:
                return relative
    else:
        key = text.lower()
        candidates = [r for _, r in pairs if r.parts[0] == folder]
        found = [
            r
            for r in candidates
            if key in (r.stem, r.stem[:2], r.stem[3:])
            or (key.isdigit() and int(key) == int(r.stem[:2]))
        ]
        if len(found) == 1:
            return found[0]
    names = ", ".join(r.stem for _, r in pairs if r.parts[0] == folder) or "none"
    raise ValueError(
        f"Received an invalid value for `chapter`, expected a chapter number or name ({names}) "
        f"or a notebook path such as exercises/02_training.ipynb. Received: chapter={chapter!r}"
    )


def reset_notebook(
    chapter: str, exercise: bool = False, root: Path | None = None, work: Path | None = None
) -> tuple[Path, Path | None]:
    """Put a fresh copy of one chapter (or, with ``exercise``, its exercise) in the work folder.

    ``chapter`` is a number (``2``, ``02``), a name (``training``) or a path such as
    ``exercises/02_training.ipynb``. The learner's old copy is renamed to a backup name first.
    Returns (the fresh copy, the backup or None when there was no old copy).
    """
    root = course_root() if root is None else Path(root)
    work = root / WORK_DIR if work is None else Path(work)
    pairs = _sources(root)
    relative = _match(chapter, pairs, "exercises" if exercise else "notebooks")
    source = root / relative
    destination = work / relative
    backup = None
    if destination.exists():
        backup = _backup_name(destination)
        os.replace(destination, backup)
    _write_copy(source, destination)
    return destination, backup


def install_course_kernel(prefix: Path | str | None = None) -> Path:
    """Register (or re-register) the course kernel inside ``prefix`` (``sys.prefix``), with the
    environment the chapters run in (TensorFlow quiet, oneDNN off: the stored results), so that
    any JupyterLab, Binder's included, starts it the same way. Returns the kernelspec's folder."""
    from ipykernel.kernelspec import install

    prefix = Path(sys.prefix if prefix is None else prefix)
    return Path(
        install(
            prefix=str(prefix),
            kernel_name=COURSE_KERNEL,
            display_name=COURSE_KERNELSPEC["display_name"],
            env=dict(_SET_ENV),
        )
    )


def ensure_course_kernel(prefix: Path | str | None = None) -> Path | None:
    """Register the course kernel inside ``prefix`` (``sys.prefix``) unless it is there already,
    (conda users' first ``course lab``). Returns the new kernelspec's folder, or None."""
    from jupyter_client.kernelspec import KernelSpecManager

    prefix = Path(sys.prefix if prefix is None else prefix)
    if (prefix / "share" / "jupyter" / "kernels" / COURSE_KERNEL / "kernel.json").is_file():
        return None
    if COURSE_KERNEL in KernelSpecManager().find_kernel_specs() and prefix == Path(sys.prefix):
        return None
    return install_course_kernel(prefix)


def jupyter_environment(
    prefix: Path | str | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment JupyterLab runs in: its configuration, data and runtime files, IPython's
    profile, matplotlib's cache and Keras's ``keras.json`` inside ``prefix`` (the venv;
    ``sys.prefix`` by default)."""
    prefix = Path(sys.prefix if prefix is None else prefix)
    env = dict(os.environ if environ is None else environ)
    env.update(
        {
            "JUPYTER_CONFIG_DIR": str(prefix / "etc" / "jupyter"),
            "JUPYTER_DATA_DIR": str(prefix / "share" / "jupyter"),
            "IPYTHONDIR": str(prefix / "etc" / "ipython"),
            "MPLCONFIGDIR": str(prefix / "etc" / "matplotlib"),
            "KERAS_HOME": str(prefix / "etc" / "keras"),
            "JUPYTER_PLATFORM_DIRS": "0",
        }
    )
    runtime = runtime_dir(prefix)
    if runtime == prefix / "share" / "jupyter" / "runtime":
        env.pop("JUPYTER_RUNTIME_DIR", None)  # under JUPYTER_DATA_DIR, inside the venv
    else:
        env["JUPYTER_RUNTIME_DIR"] = str(runtime)
    # The kernels inherit the environment in which `course run`, `course outputs` and nbval
    # execute the chapters (TensorFlow quiet, oneDNN off, no COLUMNS): the learner sees the
    # stored results.
    for key in _UNSET_ENV:
        env.pop(key, None)
    env.update(_SET_ENV)
    return env


def write_lab_settings(prefix: Path | str | None = None) -> Path:
    """Write JupyterLab's settings overrides (no news prompt) into ``prefix``; return the file.

    Settings the learner has in ``overrides.json`` already are kept; only ours are set.
    """
    prefix = Path(sys.prefix if prefix is None else prefix)
    path = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    settings: dict = {}
    if path.is_file():
        try:
            settings = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            settings = {}
    for plugin, values in LAB_OVERRIDES.items():
        settings.setdefault(plugin, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return path


def runtime_dir(prefix: Path | str | None = None) -> Path:
    """Where the lab's kernels put their connection files and IPC sockets: inside the venv, or,
    where that path is too long for a Unix socket, a private folder in the temporary folder."""
    prefix = Path(sys.prefix if prefix is None else prefix)
    inside = prefix / "share" / "jupyter" / "runtime"
    if os.name == "nt" or _ipc_fits(inside):
        return inside
    import tempfile

    folder = Path(tempfile.gettempdir()) / f"course-nn-runtime-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.lstat()
    if folder.is_symlink() or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return Path(tempfile.mkdtemp(prefix="course-nn-"))  # someone else's: a fresh private one
    return folder


def _ipc_fits(runtime_dir: Path) -> bool:
    """A Unix socket's path has at most 103 bytes on macOS (107 on Linux): IPC only where the
    runtime folder leaves room for ``/kernel-<uuid>-ipc-N`` (50 bytes)."""
    return os.name != "nt" and len(os.fsencode(runtime_dir)) + 50 <= 103


def lab_command(
    work: Path,
    extra: Sequence[str] = (),
    as_root: bool | None = None,
    prefix: Path | str | None = None,
) -> list[str]:
    """The JupyterLab command line: opened on ``work``, only the course kernel offered."""
    prefix = Path(sys.prefix if prefix is None else prefix)
    as_root = (hasattr(os, "geteuid") and os.geteuid() == 0) if as_root is None else as_root
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={work}",
        f"--KernelSpecManager.allowed_kernelspecs={COURSE_KERNEL}",
        f"--MappingKernelManager.default_kernel_name={COURSE_KERNEL}",
        # jupyter_lsp would run `npm prefix -g` (which logs into ~/.npm) to look for servers.
        "--LanguageServerManager.autodetect=False",
    ]
    if _ipc_fits(runtime_dir(prefix)):
        command.append("--KernelManager.transport=ipc")
    if as_root:
        command.append("--allow-root")
    return command + list(extra)
