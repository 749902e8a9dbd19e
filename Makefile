# The two commands of the README's Quickstart: `make demo` and `make test`.
# Both create .venv on first use and install the project (editable) with its test tools.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint bench eval-extract bench-serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kg report backers --include-ended

test: $(STAMP) lint
	bash .ci/install-chromium
	bash .ci/install-virtuoso
	$(BIN)/pytest -n auto

# Every store side by side with the rdflib baseline at 10k, 100k and 1M triples, with
# Virtuoso and Jena as peers, and where ../shared/data has them the imports of UCDP ESD and
# ATOP beside `kg load` of the same triples (about an hour on 2 cores, most of it rdflib
# at 1M; `bench/stores.py --imports-only` runs the import rows alone, in about 8 minutes;
# BENCHMARKS.md keeps the figures).
bench: $(STAMP)
	bash .ci/install-virtuoso
	bash .ci/install-jena
	$(BIN)/python bench/stores.py $(if $(wildcard ../shared/data/ucdp-esd),--esd) $(BENCH_ARGS)

# How well and how fast `kg extract` reads news (issue 17): precision, recall and F1 per
# kind of claim on each gold set (the two bundled articles need ../shared/seeds), and
# sentences a second on one core (BENCHMARKS.md keeps the figures).
eval-extract: $(STAMP)
	$(BIN)/python bench/extract.py $(EVAL_ARGS)

# `kg serve` under load (issue 18): 20 clients at once for 30 s against one client, per kind
# of request, on a 1M-triple store (bench/serve.py --help says how to make it; another with
# SERVE_ARGS="--store DIR"); p50/p90/p99, errors, throughput, the server's memory and CPU.
bench-serve: $(STAMP)
	$(BIN)/python bench/serve.py $(SERVE_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check kg tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
