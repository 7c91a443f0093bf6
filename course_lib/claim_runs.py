"""``course claims``: run every chapter at other parameters and fail on any raised claim.

Each chapter lists, in its notebook metadata, the runs that prove its guaranteed range::

    "metadata": {"course": {"claims_runs": [{"seed": 1}, {"seed": 2, "kind": "xor"}]}}

(seeds other than the stored one, each documented choice of every categorical parameter, sizes
inside the range). :func:`run_claims` executes each run in its own ``course run`` process (so two
can share the machine's cores), collects the claims every run checked (through
:data:`course_lib.claims.LOG_ENV`), and writes ``report.md`` and ``claims.json`` into the output
folder: for each claim, the values measured in every run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_lib.claims import LOG_ENV

__all__ = ["ClaimRun", "claims_runs", "run_claims", "write_report"]


@dataclass
class ClaimRun:
    """One chapter run at one set of parameters, and what its claims measured."""

    notebook: Path
    parameters: dict
    output_dir: Path
    seconds: float = 0.0
    returncode: int | None = None
    message: str = ""
    records: list[dict] = field(default_factory=list)

    @property
    def label(self) -> str:
        return "_".join(f"{k}-{v}" for k, v in self.parameters.items()) or "defaults"

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def claims_runs(notebook: Path) -> list[dict]:
    """The parameter sets a chapter declares in ``metadata.course.claims_runs``."""
    nb = nbformat.read(notebook, as_version=4)
    runs = nb.metadata.get("course", {}).get("claims_runs", [])
    if not isinstance(runs, list) or not all(isinstance(r, Mapping) for r in runs):
        raise ValueError(
            f"Received an invalid `claims_runs` in {notebook.name}'s metadata, expected a list of "
            f"parameter mappings. Received: claims_runs={runs!r}"
        )
    return [dict(r) for r in runs]


def _run_one(run: ClaimRun) -> ClaimRun:
    run.output_dir.mkdir(parents=True, exist_ok=True)
    log = run.output_dir / "claims.jsonl"
    log.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "course_lib.cli",
        "run",
        str(run.notebook),
        "--output-dir",
        str(run.output_dir),
    ]
    for name, value in run.parameters.items():
        command += ["-p", name, json.dumps(value) if not isinstance(value, str) else value]
    env = {**os.environ, LOG_ENV: str(log.resolve())}
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    run.seconds = time.perf_counter() - started
    run.returncode = done.returncode
    if done.returncode:
        lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        run.message = " ".join(lines[-3:])[-1500:]
    if log.exists():
        run.records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    return run


def run_claims(
    notebooks: Sequence[Path],
    output_dir: Path | str = "build/claims",
    jobs: int = 2,
    progress: bool = True,
) -> list[ClaimRun]:
    """Execute every declared claims run of ``notebooks``, ``jobs`` at a time."""
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ValueError(
            f"Received an invalid value for `jobs`, expected a positive integer. "
            f"Received: jobs={jobs!r}"
        )
    output_dir = Path(output_dir)
    runs = []
    for notebook in notebooks:
        for parameters in claims_runs(Path(notebook)):
            run = ClaimRun(Path(notebook), parameters, output_dir / Path(notebook).stem)
            run.output_dir = run.output_dir / run.label
            runs.append(run)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for run in pool.map(_run_one, runs):
            if progress:
                status = "ok    " if run.ok else "FAILED"
                print(
                    f"  {status} {run.notebook.stem:<20} {run.label:<36} {run.seconds:6.1f} s"
                    f"  {len(run.records)} claims checked",
                    flush=True,
                )
                if not run.ok:
                    print(f"         {run.message}", file=sys.stderr, flush=True)
    write_report(runs, output_dir)
    return runs


def write_report(runs: Sequence[ClaimRun], output_dir: Path) -> Path:
    """``report.md`` (a table per chapter: each claim, its values in every run) and
    ``claims.json`` (every record) in ``output_dir``."""
    output_dir.mkdir(parents=True, exist_ok=True)
    lines = ["# Claims checked at other parameters", ""]
    for notebook in dict.fromkeys(run.notebook for run in runs):
        chapter_runs = [run for run in runs if run.notebook == notebook]
        lines += [f"## {notebook.stem}", "", "| run | result | seconds |", "|---|---|---:|"]
        for run in chapter_runs:
            result = "ok" if run.ok else f"FAILED: {run.message[:300]}"
            lines.append(f"| {run.label} | {result} | {run.seconds:.1f} |")
        claims = dict.fromkeys(r["claim"] for run in chapter_runs for r in run.records)
        lines += ["", "| claim | run | held | measured |", "|---|---|---|---|"]
        for claim in claims:
            for run in chapter_runs:
                for record in (r for r in run.records if r["claim"] == claim):
                    measured = ", ".join(
                        f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}"
                        for k, v in record["measured"].items()
                    )
                    lines.append(f"| {claim} | {run.label} | {record['holds']} | {measured} |")
        lines.append("")
    report = output_dir / "report.md"
    report.write_text("\n".join(lines))
    (output_dir / "claims.json").write_text(
        json.dumps(
            [
                {
                    "notebook": run.notebook.name,
                    "parameters": run.parameters,
                    "ok": run.ok,
                    "seconds": round(run.seconds, 1),
                    "message": run.message,
                    "claims": run.records,
                }
                for run in runs
            ],
            indent=1,
        )
    )
    return report
