# Allied: two commands for a newcomer, `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/1
# Work stealing: a worker that runs out takes tests queued behind another's long browser test.
XDIST ?= -n 2 --dist worksteal
# Python may keep compiled modules: every test process would otherwise compile them again.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-deep lint format bench services assets install chromium clean

$(BIN)/allied: pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "Allied needs Python 3.11 ($(PYTHON) was not found)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(BIN)/allied

install: $(BIN)/allied

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

allied/web/static/vendor/.built: node_modules/.package-lock.json scripts/build_assets.py
	$(BIN)/python scripts/build_assets.py
	touch $@

assets: install allied/web/static/vendor/.built

run: install assets
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py demo
	@echo "Allied is starting on http://127.0.0.1:8000 (press Ctrl+C to stop)."
	@echo "Reminder emails are checked every 5 minutes and printed here (docs/scheduled-work.md)."
	@$(BIN)/allied tick --every 300 & tick=$$!; \
	  trap 'kill $$tick 2>/dev/null; wait $$tick 2>/dev/null' EXIT; \
	  $(BIN)/allied serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/check_paths.py
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

chromium:
	@scripts/ensure_chromium.sh

services:
	@scripts/services.sh

# SQLite: the whole suite but the browser and fuzz suites, which run once, on PostgreSQL
# when it is reachable (always in CI), else on SQLite. The access matrix (`once`) runs once,
# here (decision 0033). Tests that serve their own SQLite database whatever DATABASE_URL says
# (`own_database`) run in the SQLite pass only (and tests about SQLite itself, `sqlite`, are
# left out over PostgreSQL by tests/conftest.py); tests that touch no database ran there and
# are not run again on PostgreSQL (ALLIED_DATABASE_TESTS_ONLY, tests/conftest.py).
test: install assets lint chromium
	$(BIN)/pytest $(XDIST) -m "not browser and not fuzz and not postgres and not redis" -p no:cacheprovider
	@if scripts/services.sh; then \
	  echo "== PostgreSQL and Redis suite, with the browser tests (Chromium) =="; \
	  DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) ALLIED_REQUIRE_SERVICES=1 \
	  ALLIED_DATABASE_TESTS_ONLY=1 \
	    $(BIN)/pytest $(XDIST) -m "not own_database and not once" -p no:cacheprovider; \
	elif [ "$$CI" = "true" ]; then \
	  echo "CI=true: PostgreSQL and Redis must be reachable, and they are not."; exit 1; \
	else \
	  echo "PostgreSQL or Redis could not be started: running the browser and fuzz suites on SQLite only."; \
	  $(BIN)/pytest $(XDIST) -m "fuzz or browser" -p no:cacheprovider; \
	fi

# Before a release: the whole suite with hypothesis's heavy profile (many more examples and
# longer stateful sequences), on SQLite and on PostgreSQL with Redis.
test-deep: install assets lint
	HYPOTHESIS_PROFILE=deep $(BIN)/pytest $(XDIST) -m "not browser and not postgres and not redis" -p no:cacheprovider
	scripts/services.sh
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) ALLIED_REQUIRE_SERVICES=1 ALLIED_DATABASE_TESTS_ONLY=1 \
	  HYPOTHESIS_PROFILE=deep $(BIN)/pytest $(XDIST) -m "not browser and not own_database" -p no:cacheprovider

bench: install
	@set -e; for script in bench/bench_*.py; do echo "== $$script =="; $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) node_modules allied/web/static/vendor var .pytest_cache .ruff_cache .hypothesis
