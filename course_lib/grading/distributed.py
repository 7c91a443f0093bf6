"""Grading on a Dask cluster: ``course grade --scheduler local`` or ``--scheduler tcp://HOST:PORT``.

Each submission is one task. The notebook's bytes, the reference values and the hidden tests'
source travel with the task (workers need no shared folder, no ``solutions/``); the worker runs
the notebook in the same sandbox as a local run (:mod:`course_lib.grading.runner`), so the scores
are the same. Every worker needs this package (and its dependencies, TensorFlow for chapter 3)
and bubblewrap installed; a worker without the sandbox reports an error for its submissions
instead of running them unsandboxed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["grade_on_dask", "worker_task"]


def worker_task(data: bytes, path: str, student: tuple[str, str], refs: dict, args: dict) -> dict:
    """Runs on a worker: grade one notebook's bytes; returns the result as plain data."""
    from course_lib.grading.batch import grade_submission
    from course_lib.grading.sandbox import resolve_mode

    if args.get("sandbox") == "bwrap":
        resolve_mode("bwrap")  # raises on a worker without the sandbox: never run unsandboxed
    return grade_submission(path, refs, None, data=data, student=student, **args).to_dict()


def _client(scheduler: str, n_workers: int = 2) -> tuple[Any, Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ImportError(
            "grading on Dask needs the `grading` extra: pip install -e '.[grading]'"
        ) from exc
    if scheduler == "local":
        # Workers as threads of this process: a task only starts a sandbox and waits for it, so
        # worker processes would add their start-up time (and nothing else).
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=False,  # in-process transport: no port is opened
            dashboard_address=None,
        )
        return Client(cluster), cluster
    if not scheduler.startswith(("tcp://", "tls://")):
        raise ValueError(
            f"Received an invalid value for `scheduler`, expected 'local' or an "
            f"address like 'tcp://HOST:PORT'. Received: scheduler={scheduler!r}"
        )
    return Client(scheduler), None


def grade_on_dask(
    scheduler: str,
    files: list[Path],
    todo: list[int],
    refs: dict,
    args: dict,
    student_from: str,
    roster: dict | None,
    done: Callable[[int, Any], None],
    failed: Callable[[int, BaseException], Any],
    n_workers: int = 2,
) -> None:
    from distributed import as_completed

    from course_lib.grading.batch import identify
    from course_lib.grading.scoring import SubmissionResult

    client, cluster = _client(scheduler, n_workers)
    try:
        shared_refs = client.scatter(refs, broadcast=True)
        shared_args = client.scatter(args, broadcast=True)
        futures = {}
        for i in todo:
            try:
                data = files[i].read_bytes()
            except OSError as exc:
                done(i, failed(i, exc))
                continue
            fut = client.submit(
                worker_task,
                data,
                str(files[i]),
                identify(files[i], student_from, roster),
                shared_refs,
                shared_args,
                pure=False,
                retries=1,
            )
            futures[fut] = i
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                result = SubmissionResult.from_dict(fut.result())
            except Exception as exc:  # noqa: BLE001 - a worker failure must not end the batch
                result = failed(i, exc)
            done(i, result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
