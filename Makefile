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

.PHONY: help setup run smoke test unit nbval nbval-other-cpu claims lint lab outputs exercises doctor bench clean

help:
	@echo "make run        set up, then run every chapter through papermill into build/"
	@echo "make test       set up, then ruff, the unit tests and nbval on the stored notebooks"
	@echo "make smoke      run every chapter in its quick configuration into build/smoke/"
	@echo "make nbval-other-cpu  nbval as on an older CPU (other BLAS and NumPy kernels; x86-64)"
	@echo "make claims     run every chapter at other seeds and parameters; fail on any claim"
	@echo "make lab        open JupyterLab on the course with the course kernel"
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
$(KERNEL_SPEC): $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python 3 (course)"

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

lab: setup
	$(BIN)/jupyter lab --notebook-dir=. notebooks/

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
