"""Shared pytest set-up, for the unit tests and for nbval on the stored notebooks.

The notebooks run under nbval in the same environment as `course outputs` stored them in:
terminal-size variables removed (they change `model.summary()`), TensorFlow quiet and repeatable.
"""

from __future__ import annotations

import os

from course_lib.notebooks import _SET_ENV, _UNSET_ENV

for _key in _UNSET_ENV:
    os.environ.pop(_key, None)
os.environ.update(_SET_ENV)


def pytest_collectstart(collector):
    # nbval's documented hook, guarded: pytest 8+ collects `Dir` nodes without `skip_compare`.
    if collector.fspath and collector.fspath.ext == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("application/javascript", "text/html", "image/svg+xml")
