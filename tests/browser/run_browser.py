"""The real-browser test (``make browser-test``): JupyterLab and the built site in Chromium.

    python -m tests.browser.run_browser [--site build/site] [--out build/browser] [--only NAME]

It drives Debian's ``chromium`` (``/usr/bin/chromium``, or ``$CHROMIUM``) through the PyPI
``playwright`` package, never a browser that ``playwright install`` downloads. It fails on:

JupyterLab (started by ``course lab`` on a temporary work folder, never on the repository's files)
- any chapter or exercise notebook that does not open on the course kernel without a dialog,
  that has an error output or a code cell left unrun after "Run All", or whose chapter ->
  exercise link points at a file that is not there;
- JupyterLab's news prompt; a kernel warning about TCP in the server's log;
- a repository notebook (notebooks/, exercises/, solutions/) changed by the run.

The exercise notebooks are opened under their own names, but with the solution notebook's cells
(``solutions/NN_*.ipynb``, fences and all): an untouched exercise stops at its first
``# YOUR CODE HERE`` on purpose, so the run checks that the checks pass for the answers.

The site (served from ``build/site`` on 127.0.0.1)
- any request that leaves 127.0.0.1; math not typeset by MathJax (or a MathJax error); an
  image without alt text; a search that finds nothing.

Screenshots of every page and a JSON report with the timings go to ``build/browser/``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import http.server
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = [
    "--no-sandbox",  # root in a container: Chromium's sandbox needs user namespaces
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--disable-translate",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--metrics-recording-only",
    "--no-default-browser-check",
    "--no-first-run",
    "--no-pings",
    "--mute-audio",
]
#: Seconds a notebook's "Run All" may take (chapter 4 is expected to grow to about 4 minutes).
#: Measured with the machine shared (load 10 on 2 cores): chapter 3 226 s, chapter 4 234 s.
NOTEBOOK_TIMEOUT = int(os.environ.get("BROWSER_NOTEBOOK_TIMEOUT", "600"))
LOCAL_PREFIXES = ("http://127.0.0.1", "data:", "blob:", "about:", "chrome-error:")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tree_hashes() -> dict[str, str]:
    hashes = {}
    for folder in ("notebooks", "exercises", "solutions"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and ".ipynb_checkpoints" not in path.parts:
                hashes[str(path.relative_to(ROOT))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        raise FileNotFoundError(
            f"Chromium not found at {path}: install Debian's `chromium` "
            "(`apt-get install chromium`, which `make browser-test` does as root) or set CHROMIUM."
        )
    return path


class Problems(list):
    def add(self, where: str, what: str) -> None:
        self.append(f"{where}: {what}")
        print(f"  PROBLEM {where}: {what}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- JupyterLab

_STATE_JS = """() => {
  const app = window.jupyterapp;
  const widget = app && app.shell.currentWidget;
  if (!widget || !widget.content || !widget.sessionContext) return null;
  const ctx = widget.sessionContext;
  const kernel = ctx.session && ctx.session.kernel;
  const cells = widget.content.widgets.map((cell, index) => {
    const model = cell.model;
    if (model.type !== 'code') return null;
    const outputs = model.outputs.toJSON();
    return {
      index: index,
      count: model.executionCount,
      empty: model.sharedModel.getSource().trim() === '',
      errors: outputs.filter(o => o.output_type === 'error')
                     .map(o => o.ename + ': ' + o.evalue),
      stderr: outputs.filter(o => o.output_type === 'stream' && o.name === 'stderr')
                     .map(o => (Array.isArray(o.text) ? o.text.join('') : o.text)),
    };
  });
  return {
    path: widget.context.path,
    kernel: kernel ? kernel.name : null,
    status: kernel ? kernel.status : null,
    dialogs: document.querySelectorAll('.jp-Dialog').length,
    cells: cells,
  };
}"""

_RUN_ALL_JS = """async (timeoutMs) => {
  const app = window.jupyterapp;
  const widget = app.shell.currentWidget;
  await widget.sessionContext.ready;
  const run = app.commands.execute('notebook:run-all-cells');
  const timer = new Promise((_, reject) =>
      setTimeout(() => reject(new Error('Run All timed out')), timeoutMs));
  return await Promise.race([run, timer]);
}"""

_SHUTDOWN_JS = """async () => {
  const app = window.jupyterapp;
  await app.serviceManager.sessions.shutdownAll();
  return true;
}"""


def _wait_for_notebook(page, path: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = page.evaluate(_STATE_JS)
        if state and state["path"] == path and state["status"] == "idle":
            return state
        time.sleep(0.5)
    raise TimeoutError(
        f"{path} did not open on an idle kernel within {timeout:.0f} s "
        f"(last state: {json.dumps(state)[:300]})"
    )


_MARKDOWN_JS = """() => window.jupyterapp.shell.currentWidget.content.model.sharedModel.cells
    .filter(cell => cell.cell_type === 'markdown').map(cell => cell.getSource())"""
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _check_links(page, base: str, path: str, problems: Problems) -> int:
    """Every relative .ipynb link in the notebook's markdown points at a file in the work folder
    (resolved as JupyterLab resolves it: from the notebook's folder)."""
    checked = 0
    folder = Path(path).parent
    for source in page.evaluate(_MARKDOWN_JS):
        for href in _LINK.findall(source):
            target = href.split("#")[0]
            if "://" in href or not target.endswith(".ipynb"):
                continue
            resolved = os.path.normpath(folder / target)
            response = page.request.get(f"{base}/api/contents/{resolved}?content=0")
            checked += 1
            if response.status != 200:
                problems.add(path, f"link {href!r} -> {resolved}: HTTP {response.status}")
    return checked


def run_lab(out: Path, only: str | None, problems: Problems, timings: dict) -> None:
    import nbformat
    from playwright.sync_api import sync_playwright

    from course_lib.lab import prepare_work_folder
    from course_lib.notebooks import set_course_kernelspec

    tmp = Path(tempfile.mkdtemp(prefix="course-browser-"))
    work = tmp / "work"
    home = tmp / "home"
    home.mkdir()
    prepare_work_folder(ROOT, work)
    # The exercises run with their answers: the solution's cells under the exercise's name.
    for solution in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        nb = set_course_kernelspec(nbformat.read(solution, as_version=4))
        nbformat.write(nb, work / "exercises" / solution.name)
    notebooks = sorted(str(p.relative_to(work)) for p in work.glob("*/[0-9][0-9]_*.ipynb"))
    notebooks.sort(key=lambda p: (p.startswith("exercises"), p))
    if only:
        notebooks = [p for p in notebooks if only in p]

    port, token = _free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    log_path = out / "jupyterlab.log"
    env = dict(os.environ, HOME=str(home))  # anything written to $HOME shows up here
    command = [
        sys.executable,
        "-m",
        "course_lib.cli",
        "lab",
        "--work-dir",
        str(work),
        "--",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True",
        "--ServerApp.open_browser=False",
    ]
    started = time.monotonic()
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start: see {log_path}") from None
                time.sleep(0.5)
        timings["lab_start_s"] = round(time.monotonic() - started, 1)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            remote: list[str] = []
            context.on(
                "request",
                lambda r: None if r.url.startswith(LOCAL_PREFIXES) else remote.append(r.url),
            )
            page = context.new_page()
            page.goto(f"{base}/lab?token={token}&reset")
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.shell", timeout=60_000
            )
            time.sleep(3)  # the news prompt, when enabled, appears within a second or two
            if page.get_by_text("official Jupyter news").count():
                problems.add("JupyterLab", "the news prompt is shown")
            page.screenshot(path=str(out / "lab-start.png"))
            for path in notebooks:
                started = time.monotonic()
                print(f"  lab: {path} ...", flush=True)
                page.goto(f"{base}/lab/tree/{path}?reset")
                try:
                    state = _wait_for_notebook(page, path)
                except TimeoutError as error:
                    problems.add(path, str(error))
                    page.screenshot(path=str(out / f"lab-{path.replace('/', '-')}.png"))
                    continue
                if state["dialogs"]:
                    problems.add(path, "a dialog opened with the notebook (kernel chooser?)")
                if state["kernel"] != "course-nn":
                    problems.add(path, f"opened on kernel {state['kernel']!r}, not course-nn")
                links = _check_links(page, base, path, problems)
                try:
                    page.evaluate(_RUN_ALL_JS, NOTEBOOK_TIMEOUT * 1000)
                except Exception as error:  # noqa: BLE001 - reported, the next notebook runs
                    problems.add(path, f"Run All failed: {error}")
                state = _wait_for_notebook(page, path, timeout=60)
                seconds = time.monotonic() - started
                for cell in state["cells"]:
                    if cell is None:
                        continue
                    for error in cell["errors"]:
                        problems.add(path, f"cell {cell['index']}: error output {error[:200]}")
                    if cell["count"] is None and not cell["empty"]:
                        problems.add(path, f"cell {cell['index']} was not run")
                    for text in cell["stderr"]:
                        if "without encryption" in text:
                            problems.add(path, f"cell {cell['index']}: TCP warning in stderr")
                code = sum(1 for c in state["cells"] if c is not None)
                timings[path] = round(seconds, 1)
                print(
                    f"  lab: {path}: {code} code cells run in {seconds:.1f} s, "
                    f"{links} link(s) checked",
                    flush=True,
                )
                page.screenshot(path=str(out / f"lab-{path.replace('/', '-')}.png"))
                page.evaluate(_SHUTDOWN_JS)
            for url in sorted(set(remote)):
                problems.add("JupyterLab", f"request to another machine: {url}")
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        written = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
        timings["written_to_home"] = written
        shutil.rmtree(tmp, ignore_errors=True)
    lab_log = log_path.read_text(errors="replace")
    if "without encryption" in lab_log:
        problems.add("JupyterLab log", "a kernel ran over TCP without encryption")


# --------------------------------------------------------------------------- the site


@contextlib.contextmanager
def _serve(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # the browser moved on
            super().handle_error(request, client_address)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


_MATH_JS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  return {
    math: document.querySelectorAll('.math').length,
    typeset: document.querySelectorAll('mjx-container').length,
    errors: Array.from(document.querySelectorAll('mjx-merror'))
                 .map(e => e.getAttribute('data-mjx-error') || e.textContent).slice(0, 5),
    images: Array.from(document.images).map(i => ({src: i.getAttribute('src'),
                                                  alt: i.getAttribute('alt')})),
    mathjax: !!window.MathJax,
  };
}"""


def run_site(site: Path, out: Path, problems: Problems, timings: dict) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.check_site import _meaningful_alt

    if not (site / "index.html").is_file():
        problems.add("site", f"{site}/index.html is missing: run `make site` first")
        return
    pages = ["index.html"] + sorted(
        str(p.relative_to(site))
        for p in site.rglob("*.html")
        if p.parts[-2] in ("docs", "notebooks", "exercises")
    )
    started = time.monotonic()
    with _serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        remote: list[str] = []
        failed: list[str] = []
        context.on(
            "request", lambda r: None if r.url.startswith(LOCAL_PREFIXES) else remote.append(r.url)
        )
        context.on("requestfailed", lambda r: failed.append(r.url))
        page = context.new_page()
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        for name in pages:
            page.goto(f"{base}/{name}", wait_until="networkidle")
            try:  # MathJax loads deferred: wait for it wherever the page has math
                page.wait_for_function(
                    "() => !document.querySelector('.math') || (window.MathJax &&"
                    " MathJax.startup && MathJax.startup.promise)",
                    timeout=60_000,
                )
            except Exception:  # noqa: BLE001 - reported below as math not typeset
                pass
            info = page.evaluate(_MATH_JS)
            where = f"site {name}"
            if info["math"] and info["typeset"] < info["math"]:
                problems.add(where, f"{info['math']} math elements, {info['typeset']} typeset")
            if name.startswith("notebooks/") and not info["typeset"]:
                problems.add(where, "a chapter page without typeset math")
            for error in info["errors"]:
                problems.add(where, f"MathJax error: {error}")
            for image in info["images"]:
                if not _meaningful_alt(image["alt"], image["src"] or ""):
                    problems.add(where, f"<img src={image['src'][:60]!r}> without alt text")
            page.screenshot(path=str(out / f"site-{name.replace('/', '-')}.png"))
        page.goto(f"{base}/search.html?q=backpropagation", wait_until="networkidle")
        page.wait_for_timeout(2000)
        hits = page.locator("#search-results li").count()
        page.screenshot(path=str(out / "site-search.png"))
        if not hits:
            problems.add("site search", "searching 'backpropagation' found nothing")
        browser.close()
    for url in sorted(set(remote)):
        problems.add("site", f"request to another machine: {url}")
    for url in sorted(set(failed)):
        problems.add("site", f"request failed: {url}")
    timings["site_pages"] = len(pages)
    timings["site_s"] = round(time.monotonic() - started, 1)
    timings["site_search_hits"] = hits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "browser")
    parser.add_argument("--only", help="only the notebooks whose path contains this")
    parser.add_argument("--skip-lab", action="store_true")
    parser.add_argument("--skip-site", action="store_true")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    problems = Problems()
    timings: dict = {}
    before = _tree_hashes()
    started = time.monotonic()
    if not args.skip_lab:
        run_lab(args.out, args.only, problems, timings)
    if not args.skip_site:
        run_site(args.site, args.out, problems, timings)
    after = _tree_hashes()
    for path in sorted(set(before) | set(after)):
        if before.get(path) != after.get(path):
            problems.add(path, "changed in the repository by the browser test")
    timings["total_s"] = round(time.monotonic() - started, 1)
    (args.out / "report.json").write_text(
        json.dumps({"timings": timings, "problems": problems}, indent=2) + "\n"
    )
    print(json.dumps(timings, indent=2))
    if problems:
        print(f"\n{len(problems)} problem(s); screenshots in {args.out}.", file=sys.stderr)
        return 1
    print(f"Browser test passed; screenshots in {args.out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
