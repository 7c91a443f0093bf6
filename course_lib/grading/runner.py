"""Running one notebook: start the child in the sandbox, talk to it over pipes, stop it at its
limits, and run it again without whatever killed it.

The child's results come back on its stdout, a pipe the parent reads without blocking and up to
:data:`MAX_RESULTS_BYTES` (a submission that sends more scores zero, with the reason). No file is
shared with the child, so nothing it puts in its folder (a named pipe, a symlink, a huge file) can
block or fool the parent. The hidden tests' source is written to the child's stdin only after the
child reported that its cells and the public cases are done; whatever text the child sends after
that point is never shown to anyone (see :func:`course_lib.grading.batch`).
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course_lib.grading.sandbox import WORKDIR, child_env, sandbox_command

__all__ = ["Run", "run_child", "execute", "death_reason", "MAX_ATTEMPTS", "MAX_RESULTS_BYTES"]

MAX_ATTEMPTS = 8
MAX_RESULTS_BYTES = 8 * 1024 * 1024
DEFAULT_CASE_TIMEOUT = 30.0


@dataclass
class Run:
    events: list[dict]
    returncode: int | None
    timed_out: bool
    seconds: float
    limit: str = ""  # which time limit stopped it, in words
    overflow: bool = False  # it sent more than MAX_RESULTS_BYTES
    hidden_at: int | None = None  # index in events at which the hidden tests were sent
    notes: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return any(e.get("event") == "done" for e in self.after_hidden())

    def before_hidden(self) -> list[dict]:
        return self.events if self.hidden_at is None else self.events[: self.hidden_at]

    def after_hidden(self) -> list[dict]:
        return [] if self.hidden_at is None else self.events[self.hidden_at :]

    def running(self) -> tuple[str, Any] | None:
        """The cell or case that was in progress when the process stopped."""
        current = None
        for e in self.events:
            kind = e.get("event")
            if kind == "start":
                current = ("cell", e.get("cell"))
            elif kind in ("cell", "case"):
                current = None
            elif kind == "case_start":
                current = ("case", e.get("case"))
        return current


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


def _kill(proc: subprocess.Popen, seen: dict[int, Any]) -> None:
    """Kill the child, its process group and descendants that left it. In the sandbox, killing
    bwrap ends its PID namespace, and with it everything the notebook started."""
    escaped = list(seen.values())
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


class _Writer:
    """Writes lines to the child's stdin from a thread (a child that never reads cannot block
    the parent)."""

    def __init__(self, pipe: Any) -> None:
        self.pipe = pipe
        self.lock = threading.Lock()

    def send(self, data: dict, close: bool = False) -> None:
        line = (json.dumps(data) + "\n").encode()

        def write() -> None:
            with self.lock:
                try:
                    self.pipe.write(line)
                    self.pipe.flush()
                    if close:
                        self.pipe.close()
                except (OSError, ValueError):
                    pass

        threading.Thread(target=write, daemon=True).start()


def run_child(
    cells: list[dict],
    exercise: str,
    hidden_source: str | None,
    skip_cells: Sequence[int],
    skip_cases: Sequence[str],
    timeout: float,
    memory_mb: int,
    n_cases: int,
    case_timeout: float,
    sandbox: str = "bwrap",
) -> Run:
    """One run of the child. Killed when the cells take longer than ``timeout`` in all, when one
    test case runs past its own limit, past an overall cap (which fake progress cannot lift), or
    when it sends more than :data:`MAX_RESULTS_BYTES`."""
    import course_lib

    argv = [sys.executable, "-m", "course_lib.grading._child"]
    package_parent = str(Path(course_lib.__file__).resolve().parents[1])
    workdir = None
    if sandbox == "bwrap":
        env = child_env(WORKDIR)
        env["PYTHONPATH"] = package_parent
        cmd = sandbox_command(argv, memory_mb)
        cwd = None
    else:
        workdir = tempfile.mkdtemp(prefix="course-grade-")
        env = child_env(workdir)
        env["PYTHONPATH"] = package_parent
        cmd, cwd = argv, workdir
    start = time.monotonic()
    events: list[dict] = []
    timed_out = overflow = False
    limit = ""
    hidden_at: int | None = None
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    seen: dict[int, Any] = {}
    try:
        writer = _Writer(proc.stdin)
        writer.send(
            {
                "cells": cells,
                "exercise": exercise,
                "skip_cells": list(skip_cells),
                "skip_cases": list(skip_cases),
                "memory_mb": memory_mb,
                "case_timeout": case_timeout,
            }
        )
        fd = proc.stdout.fileno()
        os.set_blocking(fd, False)
        selector = selectors.DefaultSelector()
        selector.register(fd, selectors.EVENT_READ)
        received = 0
        pending = b""
        hard_cap = start + timeout + n_cases * (case_timeout + 1.0) + 15.0
        cells_deadline = start + timeout
        case_started: float | None = None
        cells_done = False
        next_scan = start
        eof = False
        while True:
            for _key, _mask in selector.select(timeout=0.05):
                try:
                    chunk = os.read(fd, 1 << 16)
                except BlockingIOError:
                    continue
                if not chunk:
                    eof = True
                    break
                received += len(chunk)
                if received > MAX_RESULTS_BYTES:
                    overflow = True
                    break
                lines = (pending + chunk).split(b"\n")
                pending = lines.pop()
                for raw in lines:
                    try:
                        event = json.loads(raw)
                    except (ValueError, RecursionError):
                        continue
                    if not isinstance(event, dict):
                        continue
                    events.append(event)
                    kind = event.get("event")
                    if kind == "cells_done":
                        cells_done = True
                    elif kind == "case_start":
                        case_started = time.monotonic()
                    elif kind == "case":
                        case_started = None
                    elif kind == "public_done" and cells_done and hidden_at is None:
                        hidden_at = len(events)
                        writer.send({"hidden_source": hidden_source}, close=True)
            now = time.monotonic()
            if sandbox != "bwrap" and now >= next_scan:
                seen.update((c.pid, c) for c in _descendants(proc.pid))
                next_scan = now + 0.5
            if overflow or eof:
                break
            if proc.poll() is not None and not selector.select(timeout=0):
                break
            if not cells_done and now > cells_deadline:
                limit = f"the time limit for running the cells ({timeout:g} s)"
            elif case_started is not None and now - case_started > case_timeout + 2.0:
                limit = f"the time limit of one test ({case_timeout:g} s)"
            elif now > hard_cap:
                limit = "the overall time limit"
            if limit:
                timed_out = True
                break
        selector.close()
    finally:
        _kill(proc, seen)
        proc.wait()
        for pipe in (proc.stdout, proc.stdin):
            try:
                pipe.close()
            except OSError:
                pass
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    rc = proc.returncode
    if sandbox == "bwrap" and rc is not None and 128 < rc < 128 + 65:
        rc = 128 - rc  # bwrap exits with 128 + N when the child was killed by signal N
    return Run(events, rc, timed_out, time.monotonic() - start, limit, overflow, hidden_at)


def death_reason(run: Run, memory_mb: int) -> str:
    if run.timed_out:
        return f"it ran past {run.limit or 'its time limit'} and was stopped"
    rc = run.returncode
    if rc is not None and rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = f"signal {-rc}"
        extra = (
            f" (a crash, or the memory limit of {memory_mb} MB)"
            if name in ("SIGSEGV", "SIGABRT", "SIGBUS")
            else ""
        )
        return f"the process was killed by {name}{extra}"
    return f"the process exited early (exit code {rc}), for example through os._exit()"


def execute(
    cells: list[dict],
    exercise: str,
    hidden_source: str | None,
    skip_cells: set[int],
    timeout: float,
    memory_mb: int,
    n_cases: int,
    case_timeout: float | None = None,
    sandbox: str = "bwrap",
    known_cases: Sequence[str] = (),
) -> tuple[Run, list[str], dict[str, str]]:
    """Run until the child finishes, skipping whatever stopped it. Returns (run, notes, killed).

    Each re-run skips the cell or test case that was running when the process stopped; re-runs
    stop after ``MAX_ATTEMPTS`` runs or when the runs so far took three times ``timeout``.
    """
    notes: list[str] = []
    killed_cases: dict[str, str] = {}
    skip = set(skip_cells)
    run = Run([], None, False, 0.0)
    spent = 0.0
    case_timeout = case_timeout or min(timeout, DEFAULT_CASE_TIMEOUT)
    for _attempt in range(MAX_ATTEMPTS):
        run = run_child(
            cells,
            exercise,
            hidden_source,
            sorted(skip),
            sorted(killed_cases),
            timeout,
            memory_mb,
            n_cases,
            case_timeout,
            sandbox,
        )
        spent += run.seconds
        if run.done or run.overflow:
            break
        culprit = run.running()
        reason = death_reason(run, memory_mb)
        if culprit is None:
            notes.append(f"The notebook's process stopped before the tests ran: {reason}.")
            break
        kind, what = culprit
        if kind == "cell" and isinstance(what, int) and what not in skip:
            notes.append(
                f"While running cell {what}, {reason}; the notebook was run again "
                "without that cell."
            )
            skip.add(what)
        elif (
            kind == "case"
            and isinstance(what, str)
            and what not in killed_cases
            and (not known_cases or what in known_cases)
        ):
            killed_cases[what] = f"calling your code stopped the process: {reason}"
            notes.append(f"While testing {what}, {reason}; the other tests were run again.")
        else:
            notes.append(f"The notebook's process stopped: {reason}.")
            break
        if spent > 3 * timeout:
            notes.append("No further re-runs: the time budget of this submission is spent.")
            break
    return run, notes, killed_cases
