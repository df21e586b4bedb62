# The README's commands. `make run` starts the app; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast test-plain system lint translations static screenshots clean

$(BIN)/.installed: install.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r install.txt
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed requirements-test.txt
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $@

# The tests' own Node tools (axe-core for the browser tests, Fedify for tests/fedify/), at the
# versions package-lock.json pins. The app needs no Node: only the tests do.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

translations: $(BIN)/.installed
	$(BIN)/pybabel --quiet compile -d app/translations

# Fingerprinted, compressed copies of app/static and Bootstrap's files (in app/static-build/).
static: $(BIN)/.installed
	$(BIN)/flask static build

run: translations static
	$(BIN)/flask --debug db upgrade
	$(BIN)/flask --debug run

# --dist loadgroup keeps each xdist_group (the system tests' stacks) in one worker. Then the
# pages and their lists again on the plain app (SPEEDUPS off), which must serve the same.
test: $(BIN)/.installed-test node_modules/.package-lock.json translations static
	$(BIN)/python -m pytest -n auto --dist loadgroup --cov --cov-report=term
	MICROBLOG_TEST_SPEEDUPS=off $(BIN)/python -m pytest -n auto -q \
		tests/main tests/models tests/search tests/messages tests/test_speedups.py

# The whole suite on the plain app: every speed-up off, the tests of one skipped.
test-plain: $(BIN)/.installed-test node_modules/.package-lock.json translations static
	MICROBLOG_TEST_SPEEDUPS=off $(BIN)/python -m pytest -n auto --dist loadgroup

# The inner loop: everything but the browser and system tests (make test runs them all).
test-fast: $(BIN)/.installed-test translations static
	$(BIN)/python -m pytest -n auto --dist loadgroup -m "not e2e and not system" \
		--ignore=tests/e2e --ignore=tests/system

# PostgreSQL, Redis, two gunicorn instances and nginx of their own (nginx is installed when
# missing): load, shared state, faults, fuzzing. The long run: .venv/bin/python benchmarks/system.py
system: $(BIN)/.installed-test translations static
	$(BIN)/python -m pytest tests/system -p no:xdist -s

# docs/screenshots/: every page at a desktop's and a phone's size in every language, taken
# by the accessibility walk (tests/e2e/test_accessibility.py) as it checks them.
# Chinese glyphs need a CJK font: installed with apt-get when missing (as root; else it says so).
screenshots: $(BIN)/.installed-test node_modules/.package-lock.json translations static
	@fc-list :lang=zh | grep -q . || { [ "$$(id -u)" = 0 ] && apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-wqy-microhei; } || \
	  { echo "No CJK font: run 'apt-get install fonts-wqy-microhei' as root first." >&2; exit 1; }
	$(BIN)/python -m pytest tests/e2e/test_accessibility.py -k every_page -n 2 --screenshots -q

lint: $(BIN)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .coverage htmlcov app/static-build node_modules
