# Every target bootstraps .venv itself, so each works on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip

.PHONY: run test lint bench docs fuzz install install-test browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Dependencies are installed once per change of pyproject.toml (stamp files);
# the package itself is reinstalled (not editable) every time, so the tests
# always exercise the installed wheel, data files included.
$(VENV)/.stamp-deps: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet .
	touch $@

$(VENV)/.stamp-test-deps: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet '.[test]'
	touch $@

install: $(VENV)/.stamp-deps
	$(PIP) install --quiet --no-deps --force-reinstall .

install-test: $(VENV)/.stamp-test-deps
	$(PIP) install --quiet --no-deps --force-reinstall .

run: install
	$(BIN)/stratagem run
	$(BIN)/stratagem report --out out/iraq-2020

# Browser tests drive Debian's chromium (no browser download); install it where missing.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  ( (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	    || echo "warning: could not install chromium; browser tests will be skipped outside CI" )

lint: install-test
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/mypy

test: lint browser
	$(BIN)/python -m pytest -q

# A longer hunt than CI's: the readers' Hypothesis fuzzing with 20,000 examples per target
# (several minutes); not part of `make test`.
fuzz: install-test
	STRATAGEM_FUZZ_EXAMPLES=20000 $(BIN)/python -m pytest -q tests/fuzz -k "mutated or random"

bench: install-test
	$(BIN)/python benchmarks/run.py

# The documentation site (mkdocs-material), built in strict mode: a broken link, a missing
# page or a docstring the API reference cannot read fails the build.
docs: install-test
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) build dist out site .pytest_cache .mypy_cache .ruff_cache .hypothesis
