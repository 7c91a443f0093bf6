"""Static checks of the built course site (``make site`` runs them after Sphinx).

    python -m tests.browser.check_site build/site

Fails (exit 1, one line per problem) on:

- an ``<img>`` without alt text: missing, empty, or Sphinx's fallback (the image's own path).
  Chapter authors give a figure its alt text in the cell's metadata,
  ``{"mystnb": {"image": {"alt": "..."}}}``;
- a resource loaded from another machine (``<script src>``, ``<link href>``, ``<img src>``,
  ``<iframe src>``, ... with a scheme other than ``data:``), so that the site works offline and
  tells nobody who reads it;
- a page with math that does not load the MathJax copied into the build, or a chapter page
  without any math (the chapters all have some: a sign that math was not parsed).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

__all__ = ["PageReport", "cells_without_alt", "check_page", "check_site", "main"]

#: Attributes through which a page loads something (not links a reader may follow).
_LOADING = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "source": ("src", "srcset"),
    "embed": ("src",),
    "object": ("data",),
}
_LINK_LOADS = {
    "stylesheet",
    "preload",
    "prefetch",
    "icon",
    "modulepreload",
    "manifest",
    "preconnect",
    "dns-prefetch",
}


@dataclass
class PageReport:
    path: Path
    images: int = 0
    math: int = 0
    mathjax_local: bool = False
    problems: list[str] = field(default_factory=list)


def _is_remote(url: str) -> bool:
    url = url.strip()
    if url.startswith("//"):
        return True
    scheme = urlparse(url).scheme.lower()
    return scheme not in ("", "data", "blob", "about", "javascript")


def _meaningful_alt(alt: str | None, src: str) -> bool:
    if alt is None or not alt.strip():
        return False
    alt = alt.strip()
    name = src.rsplit("/", 1)[-1]
    return alt != src and alt.rsplit("/", 1)[-1] != name


class _Parser(HTMLParser):
    def __init__(self, report: PageReport) -> None:
        super().__init__(convert_charrefs=True)
        self.report = report

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        line = self.getpos()[0]
        for name in _LOADING.get(tag, ()):
            for url in values.get(name, "").split(","):
                url = url.strip().split(" ")[0]
                if url and _is_remote(url):
                    self.report.problems.append(
                        f"line {line}: <{tag} {name}={url!r}> loads from another machine"
                    )
        if tag == "link" and values.get("href"):
            rels = set(values.get("rel", "").lower().split())
            if rels & _LINK_LOADS and _is_remote(values["href"]):
                self.report.problems.append(
                    f"line {line}: <link rel={values.get('rel')!r} href={values['href']!r}> "
                    "loads from another machine"
                )
        if (
            tag == "script"
            and "mathjax" in values.get("src", "").lower()
            and not _is_remote(values["src"])
        ):
            self.report.mathjax_local = True
        if tag == "img":
            self.report.images += 1
            src = values.get("src", "")
            alt = dict(attrs).get("alt")
            if not _meaningful_alt(alt, src):
                shown = "no alt" if alt is None else f"alt={alt!r}"
                self.report.problems.append(
                    f"line {line}: <img src={src[:80]!r}> has {shown}: give the figure's cell "
                    '{"mystnb": {"image": {"alt": "..."}}} metadata'
                )
        classes = values.get("class", "").split()
        if "math" in classes or ("nohighlight" in classes and "math" in classes):
            self.report.math += 1


def check_page(path: Path, text: str | None = None) -> PageReport:
    """Check one HTML page (``text`` given: its content, for tests)."""
    report = PageReport(Path(path))
    parser = _Parser(report)
    parser.feed(Path(path).read_text(encoding="utf-8") if text is None else text)
    parser.close()
    if report.math and not report.mathjax_local:
        report.problems.append(f"{report.math} math element(s) but no local MathJax script")
    return report


def check_site(site: Path) -> list[str]:
    """Every problem in the built site, as ``page: problem`` lines (empty: all good)."""
    site = Path(site)
    if not (site / "index.html").is_file():
        raise FileNotFoundError(
            f"Received an invalid value for `site`, expected a built site with an index.html "
            f"(run `make site`). Received: site={str(site)!r}"
        )
    problems = []
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.relative_to(site).parts:
            continue
        report = check_page(page)
        relative = page.relative_to(site)
        problems += [f"{relative}: {problem}" for problem in report.problems]
        if relative.parts[0] == "notebooks" and report.math == 0:
            problems.append(
                f"{relative}: a chapter page without typeset math (was $...$ "
                "parsed? myst_enable_extensions needs dollarmath)"
            )
    if not (site / "_static" / "mathjax" / "tex-chtml.js").is_file():
        problems.append("_static/mathjax/tex-chtml.js is missing: MathJax was not copied")
    return problems


def cells_without_alt(notebook: Path) -> list[int]:
    """Indices of the code cells whose image outputs have no alt text in their metadata."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    missing = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        has_image = any(
            key.startswith("image/")
            for output in cell.get("outputs", [])
            for key in output.get("data", {})
        )
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
        if has_image and not str(alt).strip():
            missing.append(index)
    return missing


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    site = Path(args[0] if args else "build/site")
    problems = check_site(site)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"\n{len(problems)} problem(s) in the site at {site}.", file=sys.stderr)
        root = Path(__file__).resolve().parents[2]
        for notebook in sorted(root.glob("notebooks/[0-9][0-9]_*.ipynb")):
            missing = cells_without_alt(notebook)
            if missing:
                print(
                    f"  {notebook.relative_to(root)}: figure cells without "
                    f"mystnb.image.alt: {', '.join(map(str, missing))} (0-based cell index)",
                    file=sys.stderr,
                )
        return 1
    pages = sum(1 for p in site.rglob("*.html") if "_static" not in p.parts)
    print(f"Site at {site}: {pages} pages, every image has alt text, everything loads locally.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
