# The commands of OCMS. `make up` starts the whole stack on this machine, `make test`
# runs every test (CI: .ci/run), `make lint` checks style and types.
# Everything runs from the repository root with the project's own .venv.

SHELL := /bin/bash
PYTHON := .venv/bin/python
# Test dirs that exist (pytest refuses a missing path); tests/ always exists.
TEST_PATHS = $(wildcard libs/*/tests services/*/tests gateway/tests) tests
SRC_DIRS = $(wildcard libs/*/src services/*/src gateway/src)
TEST_DIRS = $(wildcard libs/*/tests services/*/tests gateway/tests)

.PHONY: up down status test lint infra

## up: install what is missing, start PostgreSQL/RabbitMQ/Redis, SeaweedFS, the SMTP sink,
##     migrate, start every service and worker, seed the demo agency, print the address
up: infra
	$(PYTHON) -m scripts.stack up dev

## down: stop what `make up` started (data is kept)
down:
	@if [ -x $(PYTHON) ]; then $(PYTHON) -m scripts.stack down dev; fi

status:
	$(PYTHON) -m scripts.stack status dev

## test: every test; end-to-end tests start their own stack (test profile, ports 18000+)
test:
	bash scripts/ensure_infra.sh --with-tools
	$(PYTHON) -m pytest $(TEST_PATHS)

## lint: ruff (each file by its nearest configuration) and mypy (root configuration)
lint:
	.venv/bin/ruff check .
	.venv/bin/mypy $(SRC_DIRS) scripts tests bench
	@# Separately: each tests/ dir has its own conftest module, which one run would see twice.
	.venv/bin/mypy $(TEST_DIRS)

infra:
	bash scripts/ensure_infra.sh
