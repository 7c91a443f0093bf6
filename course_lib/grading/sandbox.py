"""Where a submission runs: an OS-level sandbox (bubblewrap) or, when the instructor allows it, a
plain process with resource limits.

``bwrap`` mode (Linux, the Debian/Ubuntu package ``bubblewrap``): the child gets its own mount
namespace in which only the Python environment (the venv and the interpreter it links to) and
course_lib's code are visible, read-only, plus an empty size-limited tmpfs (``/submission``, its
working folder and home) and ``/tmp``; not the repository, ``solutions/``, other submissions, the
gradebook, the instructor's home or other temporary folders. It also gets its own PID namespace
(it cannot see or signal the grader; every process it starts dies with it), no network, uid 65534,
a minimal environment, a new terminal session, and is killed with the grader
(``--die-with-parent``). Nothing of a run is left on the host's disk.

``process`` mode: a fresh process in its own session with the same resource limits and a minimal
environment, as the instructor's user. See :data:`PROCESS_MODE_WARNING` for what it can read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from functools import lru_cache
from pathlib import Path

__all__ = [
    "MODES",
    "INSTALL_HINT",
    "PROCESS_MODE_WARNING",
    "SandboxUnavailable",
    "bwrap_path",
    "bwrap_works",
    "child_env",
    "describe",
    "resolve_mode",
    "sandbox_command",
    "WORKDIR",
]

MODES = ("auto", "bwrap", "process")
WORKDIR = "/submission"
TMPFS_BYTES = 256 * 1024 * 1024
INSTALL_HINT = (
    "install bubblewrap: `sudo apt-get install bubblewrap` (Debian/Ubuntu), "
    "`sudo dnf install bubblewrap` (Fedora); it needs unprivileged user namespaces "
    "(`sysctl kernel.unprivileged_userns_clone=1` on some kernels)"
)
PROCESS_MODE_WARNING = (
    "warning: grading WITHOUT the sandbox (--sandbox process). Each notebook runs as your user, "
    "in its own session with memory and time limits and a minimal environment, but it can read "
    "every file you can read (this repository, solutions/ and hidden_tests/ on disk, other "
    "submissions, your home), write where you can write (including the course_lib code of an "
    "editable install), use the network, and signal your processes. Use it only for trusted "
    "notebooks; install bubblewrap for students'."
)


class SandboxUnavailable(RuntimeError):
    """The requested sandbox cannot run on this machine."""


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def _python_roots() -> list[Path]:
    """The folders the child's interpreter needs: the venv and the interpreter it links to, and
    the course_lib package (an editable install points outside site-packages)."""
    import course_lib

    roots = {
        Path(sys.prefix).resolve(),
        Path(sys.base_prefix).resolve(),
        Path(sys.executable).resolve().parent.parent,
        Path(course_lib.__file__).resolve().parent,
    }
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(Path(path).resolve())
    # Drop roots inside other roots, and the system folder mounted anyway.
    ordered = sorted(roots, key=lambda p: len(p.parts))
    kept: list[Path] = []
    for root in ordered:
        if root == Path("/usr") or any(root.is_relative_to(k) for k in kept):
            continue
        if root.is_relative_to("/usr") or not root.exists():
            continue
        kept.append(root)
    return kept


def sandbox_command(argv: list[str], memory_mb: int = 0) -> list[str]:
    """The ``bwrap`` command line that runs ``argv`` in the sandbox (working folder WORKDIR)."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise SandboxUnavailable(f"bwrap is not installed: {INSTALL_HINT}")
    cmd = [
        bwrap,
        "--unshare-all",
        "--unshare-user",
        "--uid",
        "65534",
        "--gid",
        "65534",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        top = Path("/") / name
        if top.is_symlink():
            cmd += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            cmd += ["--ro-bind", str(top), str(top)]
    for etc in (
        "/etc/ld.so.cache",
        "/etc/ld.so.conf",
        "/etc/ld.so.conf.d",
        "/etc/localtime",
        "/etc/alternatives",
    ):
        if os.path.exists(etc):
            cmd += ["--ro-bind", etc, etc]
    # bwrap applies these in order: /tmp first, so that a Python environment (or a checkout)
    # that lives under /tmp is bound on top of the empty tmpfs instead of hidden by it.
    cmd += [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(TMPFS_BYTES),
        "--tmpfs",
        "/tmp",
    ]
    for root in _python_roots():
        cmd += ["--ro-bind", str(root), str(root)]
    cmd += [
        "--size",
        str(TMPFS_BYTES),
        "--tmpfs",
        WORKDIR,
        "--chdir",
        WORKDIR,
        "--remount-ro",
        "/",
    ]
    for key, value in child_env(WORKDIR).items():
        cmd += ["--setenv", key, value]
    return [*cmd, "--", *argv]


def child_env(home: str) -> dict[str, str]:
    """The whole environment of a child: nothing of the grader's (no tokens, no paths)."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": "/tmp" if home == WORKDIR else home,
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{home}/.matplotlib",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "TF_NUM_INTRAOP_THREADS": "1",
        "TF_NUM_INTEROP_THREADS": "1",
        "KERAS_HOME": f"{home}/.keras",
        "COURSE_GRADING": "1",
    }


@lru_cache(maxsize=1)
def bwrap_works() -> tuple[bool, str]:
    """(works, why not): runs the interpreter once inside the sandbox."""
    if bwrap_path() is None:
        return False, "bwrap is not installed"
    try:
        out = subprocess.run(
            sandbox_command([sys.executable, "-c", "import os, course_lib; print(os.getuid())"]),
            capture_output=True,
            text=True,
            timeout=60,
            env=child_env(WORKDIR),
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bwrap failed to start ({type(exc).__name__}: {exc})"
    if out.returncode != 0 or out.stdout.strip() != "65534":
        return False, f"bwrap could not start Python: {(out.stderr or out.stdout).strip()[:300]}"
    return True, ""


def resolve_mode(mode: str) -> str:
    """``"bwrap"`` or ``"process"`` for ``mode`` in :data:`MODES`; ``auto`` is bwrap where it
    works and raises :class:`SandboxUnavailable` otherwise (process mode must be asked for)."""
    if mode not in MODES:
        raise ValueError(
            f"Received an invalid value for `sandbox`, expected one of "
            f"{', '.join(MODES)}. Received: sandbox={mode!r}"
        )
    if mode == "process":
        return "process"
    ok, why = bwrap_works()
    if not ok:
        raise SandboxUnavailable(
            f"the grading sandbox is not available ({why}): {INSTALL_HINT}; or pass "
            "`--sandbox process` to grade trusted notebooks without it"
        )
    return "bwrap"


def describe() -> tuple[bool, str]:
    """For ``course doctor``: (available, one line saying so or how to install it)."""
    ok, why = bwrap_works()
    if ok:
        return True, f"bubblewrap ({bwrap_path()}): `course grade` runs each notebook sandboxed"
    return False, (
        f"not available ({why}); {INSTALL_HINT}. Without it `course grade` needs "
        "`--sandbox process` (trusted notebooks only)"
    )
