# One command per task. `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SCALE  ?= national
SEED   ?= 2026
SAMPLE := data/sample/$(SCALE)

.PHONY: setup run test test-pg test-browser lint format typecheck sample clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,dev]"
	touch $(STAMP)

setup: $(STAMP)  ## the virtual environment alone (idempotent)

run: setup  ## build the national sample warehouse if there is none, then serve the dashboard
	$(PY) -m etl init --scale $(SCALE) --seed $(SEED)
	$(PY) app.py

sample: setup  ## write the sample input files to data/sample/<scale>
	$(PY) -m etl sample --scale $(SCALE) --seed $(SEED) --out $(SAMPLE)

test: setup  ## the whole suite on SQLite (browser tests included when Chromium is installed)
	$(PY) -m pytest -n 2 --dist loadfile

test-pg: setup  ## the whole suite again on a throwaway PostgreSQL server
	scripts/with-postgres.sh $(PY) -m pytest -n 2 --dist loadfile

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: setup
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) data/warehouse.db* data/sample data/archivo
