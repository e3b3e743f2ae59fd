# Everything a colleague needs, from nothing: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := run

# Django 6.1 needs Python >= 3.12; the machine's default python3 may be older.
PYTHON ?= $(shell for p in python3.13 $$HOME/.pyenv/versions/3.13*/bin/python3 python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; break; fi; done)
# The Makefile is the developer's tool: its commands run in development (docs/operations.md says how
# production is configured instead). Settings refuse to start when nothing says which.
export DJANGO_ENV ?= development
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
# The suite runs in parallel, one worker per core (pytest-xdist); PYTEST_ARGS="-p no:xdist tests/x.py" for one file.
PYTEST_ARGS ?= -n auto
PORT ?= 8000

.PHONY: run test test-clocks mutation mutation-check venv assets messages migrate demo lint format audit loadtest bench clean check-python install-check restore-drill faults screenshots

check-python:
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found. Install one (e.g. pyenv install 3.12) or set PYTHON=/path/to/python3.12."; exit 1; }

# The virtualenv is rebuilt only when the lock files change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

# Front-end assets come from the npm registry (package-lock.json) and are served by the app.
static/vendor/.built: package.json package-lock.json scripts/build_assets.py | $(VENV)/.installed
	npm ci --silent --no-audit --no-fund
	$(PY) scripts/build_assets.py
	@touch $@

assets: static/vendor/.built

# Compiled catalogues are a build product, never committed.
messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "GNU gettext is missing: installing it"; apt-get install -y -qq gettext >/dev/null || { echo "Install GNU gettext (msgfmt)"; exit 1; }; }
	@$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

migrate: $(VENV)/.installed
	$(MANAGE) migrate --noinput -v 0

demo: migrate
	$(MANAGE) load_demo --if-empty

# As in production (docs/jobs-and-mail.md): the mail worker (mail appears on the console) and the
# shipped schedule of periodic jobs run beside the development server and stop with it.
run: venv assets messages demo
	@echo "Open http://$(HOST):$(PORT)/ (accounts and password in README.md)"
	$(MANAGE) mail_worker & worker=$$!; $(MANAGE) run_schedule & schedule=$$!; \
	trap 'kill $$worker $$schedule 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

test: venv assets messages
	@command -v chromium >/dev/null || { echo "Chromium (browser tests) is missing: installing it"; apt-get install -y -qq chromium >/dev/null || { echo "Install Chromium (apt-get install chromium)"; exit 1; }; }
	@command -v systemd-analyze >/dev/null || { echo "systemd-analyze (checks the shipped units) is missing: installing it"; apt-get install -y -qq systemd >/dev/null || { echo "Install systemd (apt-get install systemd)"; exit 1; }; }
	@scripts/ensure_redis.sh
	$(PY) -m pytest $(PYTEST_ARGS)

# The whole suite once at each awkward instant (a Friday 23:30, a Sunday, 31 December, both summer-time
# change days): TEST_NOW sets the clock of every test (docs/testing.md). About five times `make test`.
test-clocks: venv assets messages
	@scripts/ensure_redis.sh
	scripts/test_clocks.sh

# Mutation testing of the rules modules (mutmut), one module at a time, nice'd; writes
# docs/mutation-report.md. MUTATION_MODULES="advice.workdays" for some; see docs/testing.md.
mutation: venv assets messages
	$(PY) scripts/mutation.py $(MUTATION_MODULES)

# What CI runs: one small rules module, failing below 90% killed.
mutation-check: venv assets messages
	$(PY) scripts/mutation.py --check --min-score 90 advice.workdays

# A screenshot of every screen of every role at 390 and 1366 px, from the list the browser tests walk
# (tests/browser/screens.py), into var/screenshots/<width>/<role>/<screen>.png (git-ignored).
screenshots: venv assets messages
	rm -rf var/screenshots
	SCREENSHOTS_DIR=$(CURDIR)/var/screenshots $(PY) -m pytest $(PYTEST_ARGS) -q tests/browser/test_screens_browser.py -k test_screenshots
	@echo "Screenshots: var/screenshots/ ($$(find var/screenshots -name '*.png' | wc -l) files)"

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --check
	$(VENV)/bin/djlint templates --lint

# Formats Python and templates in place (run before committing).
format: venv
	$(VENV)/bin/ruff check --fix -q .
	$(VENV)/bin/ruff format -q .
	$(VENV)/bin/djlint templates --reformat --quiet

# A minute of concurrent acknowledging and asking against gunicorn on PostgreSQL (127.0.0.1:5432).
loadtest: venv assets messages
	$(PY) scripts/load_test.py $(LOADTEST_ARGS)

# The production install of docs/operations.md into a clean folder, used through nginx (CI runs it).
install-check:
	scripts/production_install_check.sh

# Back up, drop, restore as the app's role on a private PostgreSQL cluster, and compare (docs/operations.md).
restore-drill: venv assets messages
	$(PY) scripts/restore_drill.py $(DRILL_ARGS)

# Faults under load on loopback: private PostgreSQL and Redis stopped, workers killed (docs/operations.md).
faults: venv assets messages
	$(PY) scripts/faults.py $(FAULTS_ARGS)

# Needs an advisory service (PyPI's JSON API or OSV); fails when none answers.
audit: venv
	AUDIT_REQUIRED=1 scripts/audit_dependencies.sh

bench: venv assets messages
	@command -v wrk >/dev/null || { echo "wrk (the load generator) is missing: installing it"; apt-get install -y -qq wrk >/dev/null || { echo "Install wrk"; exit 1; }; }
	@scripts/ensure_redis.sh
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var
