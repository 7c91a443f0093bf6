"""The site's static checks (tests/browser/check_site.py) and what they rely on in myst-nb."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.browser.check_site import cells_without_alt, check_page, check_site

ROOT = Path(__file__).resolve().parents[1]
PAGE = """<html><head>
<script src="../_static/mathjax/tex-chtml.js"></script>
<link rel="stylesheet" href="../_static/theme.css">
</head><body>{body}</body></html>"""


def _problems(body: str, head: str = "") -> list[str]:
    text = PAGE.format(body=body).replace("<head>", "<head>" + head)
    return check_page(Path("page.html"), text).problems


def test_an_image_needs_real_alt_text():
    assert _problems('<img src="../_images/a.png" alt="Loss falls with the epochs">') == []
    for body in (
        '<img src="../_images/a.png">',
        '<img src="../_images/a.png" alt="">',
        '<img src="../_images/a.png" alt="../_images/a.png">',
        '<img src="../_images/a.png" alt="a.png">',
    ):
        (problem,) = _problems(body)
        assert "mystnb" in problem and "a.png" in problem


def test_nothing_loads_from_another_machine():
    assert _problems('<a href="https://keras.io">Keras</a>') == []  # a link to follow is fine
    assert _problems('<img src="data:image/png;base64,AAAA" alt="a dot">') == []
    for head in (
        '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>',
        '<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Lato">',
        '<link rel="preconnect" href="https://fonts.gstatic.com">',
    ):
        (problem,) = _problems("", head)
        assert "another machine" in problem


def test_math_needs_the_local_mathjax():
    page = '<html><body><div class="math notranslate nohighlight">\\[x\\]</div></body></html>'
    report = check_page(Path("p.html"), page)
    assert report.math == 1
    assert report.problems == ["1 math element(s) but no local MathJax script"]


def test_check_site_wants_a_built_site(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"expected a built site .*Received: site="):
        check_site(tmp_path)


def _png() -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1, 1))
    ax.plot([0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def test_cells_without_alt_names_the_figure_cells(tmp_path):
    nb = nbformat.v4.new_notebook()
    image = nbformat.v4.new_output("display_data", {"image/png": _png(), "text/plain": "<Fig>"})
    nb.cells = [
        nbformat.v4.new_markdown_cell("# t"),
        nbformat.v4.new_code_cell("plot()"),
        nbformat.v4.new_code_cell("plot()"),
    ]
    nb.cells[1].outputs = [image]
    nb.cells[2].outputs = [image]
    nb.cells[2].metadata["mystnb"] = {"image": {"alt": "A line rising"}}
    nbformat.write(nb, tmp_path / "n.ipynb")
    assert cells_without_alt(tmp_path / "n.ipynb") == [1]


def test_myst_nb_honours_the_cells_alt_metadata(tmp_path):
    """The installed myst-nb puts `mystnb.image.alt` on the <img> (the chapters rely on it), and
    the site's configuration builds a notebook with math, an image and a link to another."""
    pytest.importorskip("myst_nb")
    source = tmp_path / "src"
    (source / "notebooks").mkdir(parents=True)
    (source / "exercises").mkdir()
    (source / "docs").mkdir()
    (source / "docs" / "index.md").write_text(
        "# Course\n\n```{toctree}\n../notebooks/01_a\n../exercises/01_a\n```\n"
    )
    chapter = nbformat.v4.new_notebook()
    chapter.metadata["language_info"] = {"name": "python"}
    chapter.cells = [
        nbformat.v4.new_markdown_cell(
            "# Chapter\n\nThe loss $L = (y - \\hat y)^2$.\n\n"
            "Practise: [exercises/01_a.ipynb](../exercises/01_a.ipynb)"
        ),
        nbformat.v4.new_code_cell("plot()"),
    ]
    chapter.cells[1].outputs = [
        nbformat.v4.new_output("display_data", {"image/png": _png(), "text/plain": "<Figure>"})
    ]
    chapter.cells[1].metadata["mystnb"] = {"image": {"alt": "A line rising to the right"}}
    nbformat.write(chapter, source / "notebooks" / "01_a.ipynb")
    exercise = nbformat.v4.new_notebook()
    exercise.cells = [nbformat.v4.new_markdown_cell("# Exercise 1")]
    nbformat.write(exercise, source / "exercises" / "01_a.ipynb")
    out = tmp_path / "site"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "-q",
            "-c",
            str(ROOT / "docs"),
            str(source),
            str(out),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    html = (out / "notebooks" / "01_a.html").read_text()
    assert 'alt="A line rising to the right"' in html
    assert 'href="../exercises/01_a.html"' in html
    assert check_site(out) == []
