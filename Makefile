# versus: `make run` serves the API, `make test` runs the suite. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
PYTEST_ARGS ?=
BENCH_ARGS ?=
CLIENTS_ARGS ?=

.PHONY: help install dev run test lint fmt lock clean bench-seed bench clients

help:
	@echo "make run     create .venv, install, migrate, seed if empty, serve on http://127.0.0.1:8000"
	@echo "make test    install the dev tools and run the test suite"
	@echo "make lint    ruff and mypy --strict"
	@echo "make fmt     format the code"
	@echo "make bench-seed  time the bundled import and a generated 100,000-row CSV"
	@echo "make bench   HTTP load test: versus vs raw ASGI, naive FastAPI, Datasette (BENCH_ARGS=--help)"
	@echo "make clients  type-check a generated TypeScript client, build a generated Python one (CLIENTS_ARGS=doc.json)"
	@echo "make lock    regenerate constraints.txt from the newest allowed releases"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "versus needs Python 3.11 or newer; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

run: install
	$(BIN)/versus db upgrade
	$(BIN)/versus seed --if-empty
	$(BIN)/versus serve

test: dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench-seed: install
	$(BIN)/python -m bench.seed_load

# Needs wrk: installed with apt-get when missing and running as root, else it says how.
bench: install
	$(BIN)/python -m bench.http $(BENCH_ARGS)

# Needs node >= 18.17 and npm: fails, never skips, without them. CLIENTS_ARGS=doc.json checks that
# document instead of the app's. See clients/README.md.
clients: install
	PYTHON="$(PYTHON)" clients/check.sh $(CLIENTS_ARGS)

lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet '.[dev]'
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^versus' > constraints.txt
	rm -rf .venv-lock build

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
