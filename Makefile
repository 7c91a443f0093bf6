# Every main target sets itself up first: on a fresh machine with only Python 3,
# `make run` and `make test` are all you need.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KERNEL := course-nn
# Re-install only when pyproject.toml changes (the stamp is older than it).
STAMP  := $(VENV)/.installed-stamp
KERNEL_SPEC := $(VENV)/share/jupyter/kernels/$(KERNEL)/kernel.json
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg -p no:cacheprovider

.PHONY: help setup run smoke test unit nbval nbval-other-cpu claims lint lab site site-build chromium \
	browser-test test-pythons outputs exercises doctor bench clean

help:
	@echo "make run        set up, then run every chapter through papermill into build/"
	@echo "make test       set up, then ruff, the unit tests and nbval on the stored notebooks"
	@echo "make smoke      run every chapter in its quick configuration into build/smoke/"
	@echo "make nbval-other-cpu  nbval as on an older CPU (other BLAS and NumPy kernels; x86-64)"
	@echo "make claims     run every chapter at other seeds and parameters; fail on any claim"
	@echo "make lab        copy the course into work/ (first time), open JupyterLab there"
	@echo "make site       build the course's website into build/site (stored outputs)"
	@echo "make browser-test  JupyterLab and the site in a real Chromium (screenshots: build/browser)"
	@echo "make test-pythons  unit tests and nbval on the lowest and highest supported Python"
	@echo "make outputs    regenerate the stored outputs of notebooks/ (default parameters)"
	@echo "make exercises  regenerate exercises/ from solutions/"
	@echo "make doctor     print versions and check the set-up"
	@echo "make bench      NumPy engine vs Keras throughput"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# --sys-prefix: the kernel lives inside .venv, nothing is written to the user's home.
# The kernel "Python 3 (course)" carries the chapters' environment (TensorFlow quiet, oneDNN off);
# JupyterLab's news prompt is switched off. IPYTHONDIR: IPython would create ~/.ipython.
$(KERNEL_SPEC): $(STAMP)
	IPYTHONDIR=$(VENV)/etc/ipython $(BIN)/python -c "from course_lib.lab import \
		install_course_kernel, write_lab_settings; print(install_course_kernel()); write_lab_settings()"

setup: $(STAMP) $(KERNEL_SPEC)

run: setup
	$(BIN)/course run

smoke: setup
	$(BIN)/course run --smoke --output-dir build/smoke

lint: setup
	$(BIN)/ruff check .

# pytest exits 5 when it collects nothing: not a failure while a part is still empty.
unit: setup
	$(BIN)/pytest -q || [ $$? -eq 5 ]

nbval: setup
	@if ls notebooks/[0-9][0-9]_*.ipynb >/dev/null 2>&1; then \
		$(BIN)/pytest -q $(NBVAL) -n 2 --dist loadfile notebooks/[0-9][0-9]_*.ipynb; \
	else echo "No notebooks yet: nbval has nothing to check."; fi

test: lint unit nbval

# The stored outputs must hold on learners' machines too, whose arithmetic differs in the last
# bits. Emulate an older x86-64 CPU (needs AVX): OpenBLAS's Sandybridge kernels, NumPy without its
# AVX2 and AVX-512 loops. Names that do not apply to a machine are ignored by both libraries.
nbval-other-cpu: setup
	OPENBLAS_CORETYPE=Sandybridge NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL AVX512_SPR" \
		$(BIN)/pytest -q $(NBVAL) -n 2 --dist loadfile notebooks/[0-9][0-9]_*.ipynb

# Every chapter at the parameter sets its metadata lists (course.claims_runs), two at a time.
claims: setup
	$(BIN)/course claims --jobs 2 --output-dir build/claims

# Your own copies in work/ (never overwritten; `course reset CHAPTER` for a fresh one); Jupyter's
# files inside .venv; --allow-root where needed. Extra JupyterLab options: make lab LAB_ARGS=...
LAB_ARGS ?=
lab: setup
	$(BIN)/course lab $(if $(LAB_ARGS),-- $(LAB_ARGS))

# The course as a website, from the stored outputs (never executed), warnings as errors; then the
# static checks (alt text on every image, nothing loaded from another machine, math typeset).
site: site-build
	$(BIN)/python -m tests.browser.check_site build/site

site-build: setup
	rm -rf build/site
	$(BIN)/sphinx-build -W --keep-going -q -c docs . build/site

# Debian's chromium, installed as root when missing (Playwright's own download needs the network).
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else echo "Install Chromium (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM=/path"; exit 1; fi

# It checks the site in the browser too (alt text included), so it needs only the build.
browser-test: setup chromium site-build
	$(BIN)/python -m tests.browser.run_browser

# The lowest and the highest supported Python, each in its own venv (.venv-pyX.Y); the one that
# .venv already runs is skipped (make test covers it). An interpreter is found on PATH or in pyenv.
PYTHONS_CI ?= 3.11 3.13
test-pythons:
	@set -e; current=$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true); \
	for v in $(PYTHONS_CI); do \
		if [ "$$v" = "$$current" ]; then echo "Python $$v: covered by make test ($(VENV))"; continue; fi; \
		py=""; for c in python$$v $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$v*/bin/python$$v; do \
			if $$c -c 'import sys' >/dev/null 2>&1; then py=$$c; break; fi; done; \
		if [ -z "$$py" ]; then echo "Python $$v not found (PATH, pyenv)"; exit 1; fi; \
		echo "Python $$v: $$py"; \
		$(MAKE) --no-print-directory unit nbval VENV=.venv-py$$v PYTHON=$$py; \
	done

outputs: setup
	$(BIN)/course outputs

exercises: setup
	$(BIN)/course exercises

doctor: setup
	$(BIN)/course doctor

bench: setup
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf build .pytest_cache
