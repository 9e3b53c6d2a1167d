# One entry point for quality: `make check` = lint, types, contracts, Django checks, tests.
PY := .venv/bin/python
export NATCERT_DATA_DIR ?= $(CURDIR)/var/check

.PHONY: check lint types contracts django-checks test format

check: lint types contracts django-checks test

lint:
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench

format:
	.venv/bin/ruff format src tests bench
	.venv/bin/ruff check --fix src tests bench

types:
	.venv/bin/mypy

contracts:
	.venv/bin/lint-imports

django-checks:
	.venv/bin/natcert check --fail-level WARNING
	.venv/bin/natcert makemigrations --check --dry-run

test:
	$(PY) -m natcert.devtools.testrun
