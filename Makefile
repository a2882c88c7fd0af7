# One command per task. `make run` and `make test` do all the set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SCALE  ?= national
SEED   ?= 2026
SAMPLE := data/sample/$(SCALE)

.PHONY: setup run serve test test-pg lint format typecheck sample bench soak clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,dev]"
	touch $(STAMP)

setup: $(STAMP)  ## the virtual environment alone (idempotent)

run: setup  ## build the national sample warehouse if there is none, then serve the dashboard
	$(PY) -m etl init --scale $(SCALE) --seed $(SEED)
	$(PY) app.py

serve: setup  ## production-style serving: gunicorn, several workers (see README)
	$(PY) -m etl init --scale $(SCALE) --seed $(SEED)
	$(VENV)/bin/gunicorn --config deploy/gunicorn.conf.py "app:server"

bench: setup  ## measure load, callbacks, scaling, browser and memory -> benchmarks/results.json
	$(PY) -m benchmarks

soak: setup  ## the long fuzz and load runs (minutes); short versions are part of `make test`
	$(PY) -m pytest -m soak tests/soak

sample: setup  ## write the sample input files to data/sample/<scale>
	$(PY) -m etl sample --scale $(SCALE) --seed $(SEED) --out $(SAMPLE)

test: setup  ## the whole suite on SQLite (browser tests included when Chromium is installed)
	$(PY) -m pytest -n 2 --dist loadfile -m "not soak"

test-pg: setup  ## the whole suite again on a throwaway PostgreSQL server
	scripts/with-postgres.sh $(PY) -m pytest -n 2 --dist loadfile -m "not soak"

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
