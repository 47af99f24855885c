# Two commands matter: `make run` (demo site on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT  # settings: SITE_URL follows it in development (links in emails)
# Keep compiled modules (and pytest's rewritten tests) in __pycache__/: on a machine that sets
# PYTHONDONTWRITEBYTECODE every run would compile them all again (4 s of each test run here).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test quick install dev lint format migrate clean screenshots mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

# The dev server and the task worker (emails, image renditions) together; Ctrl-C stops both.
run: migrate
	$(BIN)/python manage.py load_demo --if-empty
	$(BIN)/python manage.py create_demo_editor
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'pkill -P $$worker; kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

VNU_JAR := .cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar

# The Nu HTML Checker for the HTML validity tests; optional: without npm they are skipped.
$(VNU_JAR):
	-command -v npm >/dev/null && npm install --silent --no-audit --no-fund --prefix .cache/vnu vnu-jar

test: dev $(VNU_JAR)
	$(BIN)/pytest

# The fast loop while working: everything but the browser and live-server tests, on two
# workers (under a minute here; `make test` runs the whole suite, and CI does). How tests are
# shared between the workers: tests/conftest.py.
quick: dev $(VNU_JAR)
	$(BIN)/pytest -n 2 -p no:playwright -m "not slow and not screenshots" --ignore=tests/browser

# PNGs of the key pages (desktop and phone) into docs/screenshots/; needs Chromium.
screenshots: dev
	$(BIN)/pytest tests/browser/test_screenshots.py -m screenshots -q

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports --no-logo --cache-dir .cache/import-linter  # comments → articles → core

# Mutation testing of the modules that hold the privacy rules ([tool.mutmut] in pyproject.toml,
# docs/mutation.md): mutmut edits a copy under mutants/, never the source. CPU heavy; resumable.
mutation: dev
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

format: dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .cache
