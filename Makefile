# The two commands: `make demo` (run the app with demo data) and `make test` (run every test).
# Both work on a fresh machine with only Python 3.11+; they create .venv/ on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint bench run worker clean e2e

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

demo: $(VENV)/.installed-runtime
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py demo_load
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/run.py

worker: $(VENV)/.installed-runtime
	$(BIN)/celery -A finemanwest worker --loglevel=INFO

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache

$(VENV)/.installed-browser: requirements-browser.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-browser.txt
	touch $@

e2e: $(VENV)/.installed-dev $(VENV)/.installed-browser
	.ci/install-browser
	$(BIN)/python -m pytest e2e

$(VENV)/.installed-fuzz: requirements-fuzz.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-fuzz.txt
	touch $@
