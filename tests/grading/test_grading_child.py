"""The grader's child process on its own: cells run in order, errors end only their cell, memory
from a failed cell is released, and results are plain JSON lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def run_child(
    tmp_path: Path, sources: list[str], memory_mb: int = 1024, hidden_source: str | None = None
) -> list[dict]:
    """The child as a plain process: the job on stdin, then the hidden tests, results on stdout."""
    job = {
        "cells": [{"index": i, "source": s} for i, s in enumerate(sources, start=1)],
        "exercise": "ch1",
        "memory_mb": memory_mb,
        "case_timeout": 5,
    }
    stdin = json.dumps(job) + "\n" + json.dumps({"hidden_source": hidden_source}) + "\n"
    out = subprocess.run(
        [sys.executable, "-m", "course_lib.grading._child"],
        cwd=tmp_path,
        input=stdin.encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    return [json.loads(line) for line in out.stdout.decode().splitlines()]


def cell_errors(events: list[dict]) -> dict[int, str | None]:
    return {e["cell"]: e["error"] for e in events if e["event"] == "cell"}


def test_errors_end_only_their_cell_and_cases_still_run(tmp_path):
    events = run_child(
        tmp_path,
        [
            "import numpy as np",
            "raise ValueError('nope')",
            "import sys\nsys.exit(3)",
            "def relu(z):\n    return np.maximum(0.0, z)",
            "%time x = 1",  # IPython magics work
        ],
    )
    errors = cell_errors(events)
    assert errors[1] is None and errors[4] is None and errors[5] is None
    assert errors[2] == "ValueError: nope" and errors[3].startswith("SystemExit")
    kinds = [e["event"] for e in events]
    assert kinds[0] == "ready" and kinds[-1] == "done"
    assert kinds.index("cells_done") < kinds.index("public_done")
    relu = {e["case"]: e for e in events if e["event"] == "case"}["ch1.q1/relu_hand_worked"]
    assert relu["value"]["__ndarray__"]["data"] == [0.0, 0.0, 0.0, 0.5, 3.0]
    missing = {e["case"]: e for e in events if e["event"] == "case"}["ch1.q1/sigmoid_hand_worked"]
    assert missing["missing"] == "sigmoid"


def test_memory_of_a_failed_cell_is_released(tmp_path):
    events = run_child(
        tmp_path,
        [
            "import numpy as np\n\n\ndef bomb():\n    blocks = []\n    while True:\n"
            "        blocks.append(bytearray(10**8))\n\n\nbomb()",
            "x = np.ones(60_000_000)  # 480 MB: fits only if the bomb's blocks were freed",
        ],
        memory_mb=1024,
    )
    errors = cell_errors(events)
    assert errors[1] == "MemoryError"
    assert errors[2] is None


def test_hidden_cases_run_only_after_the_public_ones_and_prints_do_not_reach_the_channel(tmp_path):
    hidden = (
        "def add_hidden(suite):\n"
        "    @suite.case('q1', hidden=True)\n"
        "    def secret(ns):\n"
        "        return ns.relu(-1.0)\n"
    )
    events = run_child(
        tmp_path,
        ['print(\'{"event": "done"}\')', "def relu(z):\n    return max(0.0, z)"],
        hidden_source=hidden,
    )
    kinds = [e["event"] for e in events]
    assert kinds.count("done") == 1  # the printed line went to /dev/null
    secret = kinds.index("public_done") + 2
    assert events[secret] == {"event": "case", "case": "ch1.q1/secret", "value": 0.0}
