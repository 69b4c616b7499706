# Developer and CI entry points (GNU make). `make help` lists them.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Reinstall when the pins, the dev requirements or any package's metadata change.
PYPROJECTS := $(wildcard pyproject.toml */pyproject.toml */*/pyproject.toml)
# mypy runs once per project: test directories on mypy_path each have a conftest.py, which
# would clash in one run. It refuses a directory without Python files, so those are skipped.
TYPED_DIRS = $(shell for d in libs/* contracts services/* tests bench; do \
	[ -n "$$(find $$d -name '*.py' -print -quit 2>/dev/null)" ] && echo $$d; done)

PYTEST_ARGS ?=
RUN_ARGS ?=
BROKER_ARGS ?=
BENCH_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install run run-durable test test-full lint fmt generate bench broker topics clean distclean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' \
		$(MAKEFILE_LIST)
	@echo "  Variables: PYTEST_ARGS (test), RUN_ARGS (run), BROKER_ARGS (broker), PYTHON"

$(VPY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): constraints.txt requirements-dev.txt $(PYPROJECTS) | $(VPY)
	$(VPY) -m pip install --upgrade pip
	$(VPY) -m pip install -c constraints.txt -r requirements-dev.txt
	touch $@

install: $(STAMP) ## Create .venv and install everything pinned (only when inputs changed)

# The reporting dashboard's test renders the page in a real headless browser; without chromium
# `make test` skips that test and says why.
browser: ## Install Debian's chromium (for the dashboard's browser test) when it is missing
	@if command -v chromium >/dev/null 2>&1; then \
		echo "chromium is installed: $$(command -v chromium)"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "no apt-get here: install chromium yourself, or the dashboard test is skipped"; \
	else \
		SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium; \
	fi

run: install ## Start the whole system embedded: PostgreSQL, Tansu, the four services
	$(VPY) -m servicekit.embedded run $(RUN_ARGS)

run-durable: install ## As run, with broker data kept on disk under .run/data
	$(VPY) -m servicekit.embedded run --durable $(RUN_ARGS)

test: install ## Run the tests (pass options in PYTEST_ARGS="-k outbox -x")
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-full: install ## The fault, scale, hostile-input and access tests at full size (slow)
	SWS_FULL=1 $(VENV)/bin/pytest -m "scale or faults or hostile or access" -s $(PYTEST_ARGS)

lint: install ## ruff check, ruff format --check, mypy (strict)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@status=0; for d in $(TYPED_DIRS); do \
		echo "mypy $$d"; $(VENV)/bin/mypy $$d || status=1; done; exit $$status

fmt: install ## Format the code and apply ruff's safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

generate: install ## Regenerate the committed JSON Schema and AsyncAPI files
	$(VPY) -m contracts generate

bench: install ## Benchmarks: the system's figures beside the machine's raw limits (BENCH_ARGS="--quick")
	$(VPY) -m bench $(BENCH_ARGS)

broker: install ## Only a Tansu broker on 9092 with every topic (BROKER_ARGS="--durable")
	$(VPY) -m servicekit.embedded broker $(BROKER_ARGS)

topics: install ## Create every topic on KAFKA_BOOTSTRAP_SERVERS
	$(VPY) -m servicekit.embedded topics

clean: ## Remove run data, logs and tool caches (keeps .venv)
	rm -rf .run .mypy_cache .ruff_cache .pytest_cache .hypothesis
	find . -path ./.venv -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean ## clean, and remove .venv too
	rm -rf $(VENV)
