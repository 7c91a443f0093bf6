"""The grader's child process: run one notebook's code, then call its functions on test inputs.

Started by :mod:`course_lib.grading.runner` as ``python -m course_lib.grading._child`` inside the
sandbox. The protocol (one JSON object per line):

1. stdin: the job (the notebook's code cells, the exercise, what to skip, the limits). It holds
   no hidden test and no expected value.
2. stdout (the results channel, read by the parent up to a size cap): ``ready``, then per cell
   ``start`` / ``cell``, then ``cells_done``, then per public case ``case_start`` / ``case``,
   then ``public_done``.
3. stdin: only now the parent sends the hidden tests' source; the child runs them (``case_start``
   / ``case``) and writes ``done``.

The notebook's own prints go to /dev/null. Only raw values go back (see
:func:`course_lib.grading.scoring.call_case`); the parent compares them with references this
process never sees, and ignores any text the child sends after the hidden tests arrived.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import signal
import sys


def _limit(memory_mb: int, file_mb: int = 256) -> None:
    """Address space (memory), core dumps and file size. A platform that refuses a limit
    (macOS does not enforce RLIMIT_AS) runs without it; the wall-clock limit still applies."""
    limits = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_FSIZE, file_mb * 1024 * 1024)]
    if memory_mb > 0:
        limits.append((resource.RLIMIT_AS, memory_mb * 1024 * 1024))
    for kind, value in limits:
        try:
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            pass


def main() -> int:
    control = os.fdopen(os.dup(0), "rb", buffering=0)
    out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the notebook's prints, input() and tracebacks go nowhere
        os.dup2(devnull, fd)

    def read_line() -> dict:
        chunks = []
        while not chunks or not chunks[-1].endswith(b"\n"):
            chunk = control.readline()
            if not chunk:
                break
            chunks.append(chunk)
        return json.loads(b"".join(chunks) or b"{}")

    def emit(**event: object) -> None:
        out.write(json.dumps(event, allow_nan=False) + "\n")
        out.flush()

    job = read_line()
    _limit(int(job["memory_mb"]))

    # Everything the grader needs is imported before the notebook's code runs.
    from IPython.core.interactiveshell import InteractiveShell

    from course_lib.grading.cases import Namespace, load_suite
    from course_lib.grading.scoring import call_case, error_text

    public = load_suite(job["exercise"])
    shell = InteractiveShell.instance()
    emit(event="ready")

    skip = set(job.get("skip_cells", []))
    for cell in job["cells"]:
        index = cell["index"]
        if index in skip:
            continue
        emit(event="start", cell=index)
        result = None
        try:
            result = shell.run_cell(cell["source"], store_history=False)
            error = result.error_before_exec or result.error_in_exec
        except BaseException as exc:  # noqa: BLE001 - anything a cell does ends only that cell
            error = exc
        emit(event="cell", cell=index, error=error_text(error) if error is not None else None)
        if error is not None:
            # A kept traceback keeps the failed cell's frames, and whatever they allocated, alive.
            error = result = shell.last_execution_result = None
            for formatter in (shell.InteractiveTB, shell.SyntaxTB):
                if hasattr(formatter, "tb"):
                    formatter.tb = None
            sys.last_type = sys.last_value = sys.last_traceback = None
            if hasattr(sys, "last_exc"):
                sys.last_exc = None
            gc.collect()
    emit(event="cells_done")

    ns = Namespace(shell.user_ns)
    skip_cases = set(job.get("skip_cases", []))
    limit = float(job.get("case_timeout", 30.0))

    def on_alarm(signum: int, frame: object) -> None:
        raise TimeoutError(f"your code did not return within {limit:g} s")

    def run_cases(cases: list) -> None:
        for case in cases:
            if case.id in skip_cases:
                continue
            emit(event="case_start", case=case.id)
            signal.signal(
                signal.SIGALRM, on_alarm
            )  # again for each case: the notebook may reset it
            signal.setitimer(signal.ITIMER_REAL, limit)
            try:
                outcome = call_case(case, ns)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            try:
                emit(event="case", case=case.id, **outcome)
            except (TypeError, ValueError) as exc:
                emit(event="case", case=case.id, error=error_text(exc), type=type(exc).__name__)

    run_cases(public.cases)
    emit(event="public_done")
    hidden_source = read_line().get("hidden_source")
    if hidden_source:
        suite = load_suite(job["exercise"], hidden_source=hidden_source)
        run_cases([c for c in suite.cases if c.hidden])
    emit(event="done")
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
