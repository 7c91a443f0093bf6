"""The course's figure style: an opaque white background, so that figures stay readable in a
dark theme (JupyterLab's dark mode, the site's dark mode) and in any viewer.

Applied once when :mod:`course_lib.plots` is imported, after pyplot (and with it the notebook's
inline backend) is set up, so every chapter gets it from one place. Older matplotlib-inline
versions set a transparent ``figure.facecolor``; this overrides that too.
"""

from __future__ import annotations

import matplotlib

__all__ = ["COURSE_RC", "apply_course_style"]

#: rcParams the course sets: opaque white figures, saved and shown alike.
COURSE_RC = {
    "figure.facecolor": "white",
    "figure.edgecolor": "white",
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
}


def apply_course_style() -> None:
    """Set :data:`COURSE_RC` in matplotlib's rcParams (idempotent)."""
    matplotlib.rcParams.update(COURSE_RC)
