# sealreg: `make run` (one full refresh on the bundled samples) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export AIRFLOW_HOME ?= $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER ?= $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES ?= False
export GX_ANALYTICS_ENABLED ?= false
export DBT_SEND_ANONYMOUS_USAGE_STATS ?= false

.PHONY: install run test test-fast airflow-test bench site-screenshots lint clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## One full refresh on the bundled sample disclosures; prints where the release is.
run: install
	$(BIN)/sealreg refresh $(ARGS)

## System packages the browser and deployment tests need, then the whole test suite.
test: install
	bash scripts/install-chromium.sh
	bash scripts/install-postgres.sh
	bash scripts/install-redis.sh
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)

## The suite without the slow tests (Postgres/Airflow topology smoke test, 10,000-input fuzz run).
test-fast: install
	$(BIN)/pytest -m "not slow" $(PYTEST_ARGS)

## The nightly DAG once, in-process, with a project-local AIRFLOW_HOME (.airflow/).
airflow-test: install
	$(BIN)/airflow db migrate
	$(BIN)/airflow dags test sealreg_nightly

bench: install
	$(BIN)/python -m bench $(ARGS)

site-screenshots: install
	bash scripts/install-chromium.sh
	$(BIN)/python scripts/site_screenshots.py $(or $(RELEASE),registry_home/current) $(ARGS)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf registry_home .airflow site-screenshots
