# Two commands for a fresh machine with Python 3.11+:  `make run` starts the bot, `make test` runs
# every test. Both create .venv from the locked requirements on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-dev

.PHONY: run test lint check migrate lock clean

$(STAMP): requirements/dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock
	@touch $@

run: $(STAMP)  ## start the bot (reads .env and the environment)
	$(PY) -m bot run

test: $(STAMP)  ## lint, then the whole test suite
	$(PY) -m ruff check bot migrations tests bench
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check bot migrations tests bench
	$(PY) -m mypy

migrate: $(STAMP)
	$(PY) -m bot migrate

lock:  ## re-pin requirements/*.lock from pyproject.toml (needs network)
	$(PYTHON) -m pip install --quiet --upgrade uv
	$(PYTHON) -m uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.11 -q -o requirements/base.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.11 -q -o requirements/dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
