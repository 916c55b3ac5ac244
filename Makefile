# Two commands for a new user: `make run` (the application with demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in notifications (SITE_URL) point where `make run` serves; a server listening on every address
# (0.0.0.0 or ::) is linked as 127.0.0.1: set SITE_URL to the address others reach it at.
LINK_HOST = $(if $(filter 0.0.0.0 :: [::],$(HOST)),127.0.0.1,$(HOST))
STAMP := $(VENV)/.installed

.PHONY: run test lint install messages clean api-operations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## run: the embedded default (SQLite under var/, Celery on the filesystem broker) with demo data.
run: export DEBUG ?= true
run: export SITE_URL ?= http://$(LINK_HOST):$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Enforcement service center: $(SITE_URL)/   (API docs: $(SITE_URL)/api/docs/)"
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho -f Procfile start

## test: the whole suite; what this machine cannot run (PostgreSQL, Redis, a browser) is listed as skipped.
## `make test TEST_TODAY=2026-12-31` runs it with the clock set to that day, 10:00 in Beijing (or to a time:
## TEST_TODAY=2026-12-31T23:50:00+08:00); without TEST_TODAY the clock is the real one (tests/conftest.py).
test: install
	TEST_TODAY="$(TEST_TODAY)" $(BIN)/python -m pytest $(PYTEST_ARGS)

# The days CI also runs the date-sensitive tests at: a Wednesday (three-day limits end on a weekend), the
# last working day before National Day (also a Wednesday), 31 December, and a day of a year whose State
# Council holiday notice is not loaded (2027-02-08, the third day of that year's Spring Festival).
TEST_DATES ?= 2026-12-02 2026-09-30 2026-12-31 2027-02-08
# The tests whose outcome can depend on the day: deadlines and the calendar, the scan, the queue and
# assignment, payments, custody, the pages and the browser journeys, the parties' progress and the demo.
DATE_TESTS ?= tests/enforcement/test_dates.py tests/enforcement/test_deadlines.py \
	tests/enforcement/test_calendar.py tests/enforcement/test_scan.py \
	tests/custody/test_duedates_custody.py tests/custody/test_deadlines.py \
	tests/payments/test_deadlines.py tests/assignment/test_assignment.py tests/assignment/test_api.py \
	tests/assignment/test_pages.py tests/payments/test_services.py tests/payments/test_pages.py \
	tests/payments/test_api.py tests/payments/test_reconciliation.py tests/payments/test_statements.py \
	tests/custody/test_services.py tests/custody/test_pages.py tests/custody/test_api.py \
	tests/enforcement/test_alert_pages.py tests/intake/test_pages.py tests/portal/test_appointments.py \
	tests/portal/test_progress.py tests/portal/test_progress_api.py tests/demo/test_seed_demo.py \
	tests/demo/test_clock.py tests/portal/test_lobby.py tests/portal/test_lobby_browser.py \
	tests/enforcement/test_digest.py tests/custody/test_ladder.py \
	tests/enforcement/test_bulk_acknowledge.py \
	tests/assignment/test_browser.py tests/custody/test_browser.py tests/payments/test_browser.py \
	tests/enforcement/test_browser.py tests/enforcement/test_case_urgency.py \
	tests/enforcement/test_workbench_queries.py tests/enforcement/test_indicators.py \
	tests/enforcement/test_indicator_pages.py tests/payments/test_indicators.py \
	tests/enforcement/test_indicators_browser.py \
	tests/assignment/test_workload.py tests/assignment/test_forecast.py tests/payments/test_ageing.py \
	tests/assignment/test_supervision_browser.py

.PHONY: test-dates
## test-dates: the date-sensitive tests at each of TEST_DATES (`make -k -j2 -O test-dates`: two at a time).
test-dates: $(addprefix test-at-,$(TEST_DATES))

## test-at-DAY: the date-sensitive tests with the clock at DAY, e.g. `make test-at-2026-12-31`. Each day has
## its own files under var/ and, on PostgreSQL, its own database (DATABASE_URL's name + _DAY), so days can
## run at the same time.
test-at-%: install
	@echo "== the date-sensitive tests at $* =="
	TEST_TODAY=$* VAR_DIR="$(CURDIR)/var/test-at-$*" \
	$(if $(DATABASE_URL),DATABASE_URL="$(DATABASE_URL)_$(subst -,,$*)") \
	$(BIN)/python -m pytest -q $(DATE_TESTS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

## api-operations: rewrite docs/api-operations.txt from the schema (a change to the API is made on purpose).
api-operations: install
	$(BIN)/python -m tests.enforcement.test_api_operations > docs/api-operations.txt

messages: install
	DEBUG=true $(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var
	DEBUG=true $(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) var
