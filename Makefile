# The two commands of the README's Quickstart: `make demo` and `make test`.
# Both create .venv on first use and install the project (editable) with its test tools.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kg report backers --include-ended

test: $(STAMP) lint
	bash .ci/install-chromium
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check kg tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
