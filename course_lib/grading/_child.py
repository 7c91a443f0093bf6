"""The grader's child process: run one notebook's code, then call its functions on test inputs.

Started by :mod:`course_lib.grading.grader` as ``python -m course_lib.grading._child JOB.json`` in
a fresh process (its own session, so the whole group can be killed), in a temporary folder holding
only the job. It first limits its own memory (RLIMIT_AS), file size and core dumps, then runs each
code cell in an IPython shell (magics work; an exception, ``sys.exit()`` or a ``KeyboardInterrupt``
ends only that cell), then calls every test case and appends one JSON line per event to the
results file. Only raw values go back (see :func:`course_lib.grading.values.encode`); the grader
compares them with references this process never sees, so nothing the notebook prints, patches or
writes here can raise its score.
"""

from __future__ import annotations

import gc
import json
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


def _error_text(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # a hostile __str__
        text = ""
    name = type(exc).__name__
    return f"{name}: {text[:300]}" if text else name


def main(argv: list[str]) -> int:
    with open(argv[0], encoding="utf-8") as f:
        job = json.load(f)
    _limit(int(job["memory_mb"]))
    out = open(job["results"], "a", encoding="utf-8", buffering=1)  # noqa: SIM115

    def emit(**event: object) -> None:
        out.write(json.dumps(event, allow_nan=False) + "\n")
        out.flush()

    # Everything the grader needs is imported before the notebook's code runs.
    from IPython.core.interactiveshell import InteractiveShell

    from course_lib.grading.cases import MissingName, Namespace, load_suite
    from course_lib.grading.values import encode

    suite = load_suite(job["exercise"], hidden_source=job.get("hidden_source"))
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
        emit(event="cell", cell=index, error=_error_text(error) if error is not None else None)
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

    for case in suite.cases:
        if case.id in skip_cases:
            continue
        emit(event="case_start", case=case.id)
        try:
            signal.signal(signal.SIGALRM, on_alarm)  # again for each case: the notebook may reset it
            signal.setitimer(signal.ITIMER_REAL, limit)
            try:
                value = encode(case.fn(ns))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            line = {"event": "case", "case": case.id, "value": value}
        except MissingName as exc:
            line = {"event": "case", "case": case.id, "error": str(exc), "missing": exc.name}
        except NotImplementedError:
            line = {"event": "case", "case": case.id, "error": "NotImplementedError",
                    "not_implemented": True}
        except BaseException as exc:  # noqa: BLE001
            line = {"event": "case", "case": case.id, "error": _error_text(exc)}
        try:
            emit(**line)
        except (TypeError, ValueError) as exc:
            emit(event="case", case=case.id, error=_error_text(exc))
    emit(event="done")
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
