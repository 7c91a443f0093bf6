"""Grading throughput: ``python -m course_lib.grading.benchmark [--chapter N ...] [--copies 20]
[--jobs 2] [--scheduler local] [--sandbox process]``.

Grades a temporary folder of copies of each chapter's solution notebook and prints submissions
per minute (the one reference run of the solution included in the wall time).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from course_lib.grading.batch import _solution_notebooks, default_solutions_dir, grade


def measure(
    chapter: int = 1,
    copies: int = 20,
    jobs: int = 2,
    solutions_dir: Path | None = None,
    scheduler: str | None = None,
    sandbox: str = "auto",
) -> dict:
    solutions_dir = Path(solutions_dir) if solutions_dir else default_solutions_dir()
    solution = _solution_notebooks(solutions_dir)[f"ch{chapter}"]
    with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp:
        for i in range(copies):
            folder = Path(tmp) / f"student_{i + 1:02d}"
            folder.mkdir()
            shutil.copy(solution, folder / solution.name)
        start = time.perf_counter()
        results = grade(
            [tmp],
            jobs=jobs,
            solutions_dir=solutions_dir,
            progress=False,
            scheduler=scheduler,
            sandbox=sandbox,
        )
        seconds = time.perf_counter() - start
    full = sum(r.score == r.max_score for r in results)
    return {
        "chapter": chapter,
        "copies": copies,
        "jobs": jobs,
        "scheduler": scheduler or "threads",
        "seconds": seconds,
        "per_minute": 60.0 * copies / seconds,
        "mean_seconds_per_submission": sum(r.seconds for r in results) / len(results),
        "full_marks": full,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.grading.benchmark")
    parser.add_argument("--chapter", type=int, nargs="+", default=[1], choices=[1, 2, 3, 4])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--scheduler", help="'local' (a LocalCluster) or tcp://HOST:PORT")
    parser.add_argument("--sandbox", default="auto", choices=["auto", "bwrap", "process"])
    args = parser.parse_args(argv)
    ok = True
    for chapter in args.chapter:
        r = measure(chapter, args.copies, args.jobs, scheduler=args.scheduler, sandbox=args.sandbox)
        print(
            f"chapter {r['chapter']}: {r['copies']} copies, --jobs {r['jobs']}, "
            f"{r['scheduler']}: {r['seconds']:.1f} s wall, {r['per_minute']:.0f} submissions/min "
            f"({r['mean_seconds_per_submission']:.2f} s per submission in its process; "
            f"{r['full_marks']}/{r['copies']} full marks)",
            flush=True,
        )
        ok = ok and r["full_marks"] == r["copies"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
