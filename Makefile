# The README's two commands: `make demo` and `make test`. Everything they need
# is built here from pyproject.toml, requirements.lock and package-lock.json.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := src/villageaid/static/vendor/.built

.PHONY: demo test lint check venv assets clean require-demo require-test

demo: require-demo venv assets
	$(BIN)/villageaid demo $(DEMO_ARGS)

# Chromium and Pango are checked before the build, so a missing one costs seconds, not minutes.
test: require-test venv assets
	bash scripts/test.sh

require-demo require-test:
	@bash scripts/require.sh $(@:require-%=%)

lint: venv
	$(BIN)/ruff check conftest.py src tests benchmarks scripts
	$(BIN)/ruff format --check conftest.py src tests benchmarks scripts
	VILLAGEAID_TESTING=1 $(BIN)/mypy
	VILLAGEAID_TESTING=1 $(BIN)/villageaid makemigrations --check --dry-run

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

assets: $(ASSETS)

$(ASSETS): package-lock.json scripts/build_assets.py $(STAMP) $(wildcard src/villageaid/locale/*/LC_MESSAGES/*.po)
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/build_assets.py
	touch $(ASSETS)

clean:
	rm -rf $(VENV) node_modules src/villageaid/static/vendor var
