"""Grading throughput: ``python -m course_lib.grading.benchmark [--chapter N] [--copies 20] [--jobs 2]``.

Grades a temporary folder of copies of one chapter's solution notebook and prints submissions
per minute (the one reference run of the solution included in the wall time).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from course_lib.grading.grader import _solution_notebooks, default_solutions_dir, grade


def measure(chapter: int = 1, copies: int = 20, jobs: int = 2,
            solutions_dir: Path | None = None) -> dict:
    solutions_dir = Path(solutions_dir) if solutions_dir else default_solutions_dir()
    solution = _solution_notebooks(solutions_dir)[f"ch{chapter}"]
    with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp:
        for i in range(copies):
            folder = Path(tmp) / f"student_{i + 1:02d}"
            folder.mkdir()
            shutil.copy(solution, folder / solution.name)
        start = time.perf_counter()
        results = grade([tmp], jobs=jobs, solutions_dir=solutions_dir, progress=False)
        seconds = time.perf_counter() - start
    full = sum(r.score == r.max_score for r in results)
    return {
        "chapter": chapter,
        "copies": copies,
        "jobs": jobs,
        "seconds": seconds,
        "per_minute": 60.0 * copies / seconds,
        "mean_seconds_per_submission": sum(r.seconds for r in results) / len(results),
        "full_marks": full,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib.grading.benchmark")
    parser.add_argument("--chapter", type=int, default=1, choices=[1, 2, 3, 4])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    r = measure(args.chapter, args.copies, args.jobs)
    print(f"chapter {r['chapter']}: {r['copies']} copies, --jobs {r['jobs']}: "
          f"{r['seconds']:.1f} s wall, {r['per_minute']:.0f} submissions/min "
          f"({r['mean_seconds_per_submission']:.2f} s per submission in its process; "
          f"{r['full_marks']}/{r['copies']} full marks)")
    return 0 if r["full_marks"] == r["copies"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
