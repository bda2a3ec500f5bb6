# Local Leaders: the habits of this repository. `make run` and `make test` need nothing else.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OBV := .venv-openbadges
HOST ?= 127.0.0.1
PORT ?= 8000
HTMX := static/js/vendor/htmx.min.js
POT := /tmp/localleaders-messages.pot
export LOCALLEADERS_DATABASE_URL ?= sqlite:///localleaders.db

.PHONY: bench bench-matrix bench-boards screenshots run test test-sqlite test-postgres lint format typecheck i18n lock clean system-deps help

help:
	@echo "make run    - set up (first time), migrate, load courses and demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - lint, then the whole suite on SQLite and on a throwaway PostgreSQL"
	@echo "make lint   - ruff check and ruff format --check"
	@echo "make format - ruff format and fix"

$(BIN)/.installed: pyproject.toml requirements.lock requirements-dev.lock
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# The official Open Badges validator, for tests only, in a venv of its own: its pins clash with
# the app's. --no-deps: the file pins every dependency (see the reasons there).
$(OBV)/.installed: tests/openbadges/requirements.txt
	test -x $(OBV)/bin/python || $(PYTHON) -m venv $(OBV)
	$(OBV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r tests/openbadges/requirements.txt
	touch $@

$(HTMX): package.json package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq npm >/dev/null; } \
		|| { echo "npm is needed once to fetch htmx from the npm registry: sudo apt-get install npm"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $@)
	cp node_modules/htmx.org/dist/htmx.min.js $@

setup: $(BIN)/.installed $(HTMX)

run: setup
	$(BIN)/localleaders db upgrade
	$(BIN)/localleaders courses sync
	$(BIN)/localleaders demo
	HOST=$(HOST) PORT=$(PORT) $(BIN)/localleaders serve

system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || missing="$$missing postgresql"; \
	command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "Please install:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi

lint: $(BIN)/.installed
	$(BIN)/ruff check platform tests
	$(BIN)/ruff format --check platform tests

format: $(BIN)/.installed
	$(BIN)/ruff check --fix platform tests
	$(BIN)/ruff format platform tests

typecheck: $(BIN)/.installed
	$(BIN)/mypy

test: setup system-deps lint typecheck test-sqlite test-postgres
	$(BIN)/hadolint Dockerfile
	@echo "All tests passed on SQLite and PostgreSQL."

test-sqlite: setup $(OBV)/.installed
	LOCALLEADERS_TEST_DATABASE_URL= $(BIN)/pytest -q -p no:cacheprovider

test-postgres: setup system-deps $(OBV)/.installed
	$(BIN)/python tests/pgserver.py -- $(BIN)/pytest -q -p no:cacheprovider -m 'not ui'

i18n: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -o $(POT) --no-location --omit-header --sort-output .
	for lang in be ru en; do \
		if [ -f platform/localleaders/locales/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update -i $(POT) -d platform/localleaders/locales -l $$lang --no-fuzzy-matching --ignore-obsolete; \
		else $(BIN)/pybabel init -i $(POT) -d platform/localleaders/locales -l $$lang; fi; \
	done

lock:
	rm -rf /tmp/localleaders-lock && $(PYTHON) -m venv /tmp/localleaders-lock
	/tmp/localleaders-lock/bin/pip install --quiet . && /tmp/localleaders-lock/bin/pip freeze --exclude localleaders > requirements.lock
	/tmp/localleaders-lock/bin/pip install --quiet '.[test]' && /tmp/localleaders-lock/bin/pip freeze --exclude localleaders | grep -vxFf requirements.lock > requirements-dev.lock

clean:
	rm -rf $(VENV) $(OBV) node_modules static/js/vendor dist build .pytest_cache .ruff_cache .mypy_cache

screenshots: setup system-deps
	LOCALLEADERS_SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -q -p no:cacheprovider tests/browser/test_screenshots.py tests/browser/test_cohort_journey.py tests/browser/test_action_journey.py tests/browser/test_challenge_pages.py::test_challenge_pages_are_light_and_fit_a_phone

# The load benchmark (docs/performance.md): the app as in production under wrk, beside a bare
# FastAPI "hello". Not part of `make test`; installs wrk (Debian) when it is missing.
bench: setup
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } \
		|| { command -v sudo >/dev/null && sudo apt-get install -y -qq wrk; } || { echo "wrk is needed: sudo apt-get install wrk"; exit 1; }
	$(BIN)/python benchmarks/load.py

# The progress matrix of a 300-learner cohort (docs/benchmarks.md). Not part of `make test`.
bench-matrix: setup
	$(BIN)/python benchmarks/progress_matrix.py

# One leaderboard with a million learners, on SQLite then on a throwaway PostgreSQL
# (docs/performance.md). Not part of `make test`; takes a few minutes.
bench-boards: setup system-deps
	$(BIN)/python benchmarks/leaderboard.py
	$(BIN)/python tests/pgserver.py -- $(BIN)/python benchmarks/leaderboard.py --postgres
