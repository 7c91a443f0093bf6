"""Sphinx configuration of the rendered course (``make site``).

The sources are the repository itself: this folder's pages, the chapters in ``notebooks/`` and
the exercise notebooks in ``exercises/``, rendered from their stored outputs (never executed).
Run from the repository root: ``sphinx-build -W -c docs . build/site`` (``make site``).
Everything a page needs is served from the build: MathJax 3 comes from the PyPI package
``django-static-mathjax``, nothing is loaded from a CDN.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import mathjax  # django-static-mathjax: MathJax 3's files, nothing else

project = "Neural networks and deep learning, from scratch and in Keras 3"
author = "The course's authors"
copyright = "the course's authors, MIT licence"

extensions = ["myst_nb"]

root_doc = "docs/index"
include_patterns = [
    "docs/*.md",
    "notebooks/[0-9][0-9]_*.ipynb",
    "exercises/[0-9][0-9]_*.ipynb",
]
exclude_patterns = ["build", ".venv*", "work", "**/.ipynb_checkpoints"]

# The stored outputs are the course: never re-execute (nbval checks that they reproduce).
nb_execution_mode = "off"
# No widget JavaScript from a CDN (the stored notebooks hold no widget state).
nb_ipywidgets_js: dict = {}
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type"]

# MathJax 3, copied into the build by `_copy_mathjax`; relative paths are relative to _static.
MATHJAX_SOURCE = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
mathjax_path = "mathjax/tex-chtml.js"

html_theme = "sphinx_book_theme"
html_title = "Neural networks and deep learning"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "navigation_with_keys": False,
}
html_static_path: list[str] = []
html_last_updated_fmt = None
html_copy_source = False


_REDIRECT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Neural networks and deep learning</title>
<meta http-equiv="refresh" content="0; url=docs/index.html">
</head><body><p><a href="docs/index.html">The course map</a></p></body></html>
"""


def _finish(app, exception) -> None:
    """Copy MathJax into the build; the site's own index.html leads to the course map."""
    if exception is None and app.builder.format == "html":
        outdir = Path(app.outdir)
        shutil.copytree(MATHJAX_SOURCE, outdir / "_static" / "mathjax", dirs_exist_ok=True)
        (outdir / "index.html").write_text(_REDIRECT, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _finish)
