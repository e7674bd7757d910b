# Two commands for a fresh machine with Python 3.11+:  `make run` starts the bot, `make test` runs
# every test. Both create .venv from the locked requirements on first use. While working,
# `make test-fast` runs ruff and the unit, service and handler tests that are not slow and need no
# PostgreSQL or child process (under a minute).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-dev

POT    := locales/bot.pot
BABEL  := PYTHONPATH=. $(VENV)/bin/pybabel

.PHONY: run test test-fast lint check migrate lock clean extract update-catalogs check-catalogs \
	demo audit

$(STAMP): requirements/dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock
	@touch $@

run: $(STAMP)  ## start the bot (reads .env and the environment)
	$(PY) -m bot run

demo: $(STAMP)  ## try the bot in this terminal, against a local fake Telegram (STAFF=1: as staff)
	$(PY) -m bot demo $(if $(LANG_CODE),--lang $(LANG_CODE),) $(if $(STAFF),--staff,)

test: $(STAMP) check-catalogs  ## lint and type-check, then the whole test suite
	$(PY) -m ruff check bot fake_telegram migrations tests bench
	$(PY) -m mypy
	$(PY) -m pytest

# The tiers are markers (tests/conftest.py gives them by rule; pyproject.toml declares them).
test-fast: $(STAMP)  ## ruff, then the unit, service and handler tests not slow, postgres or processes
	$(PY) -m ruff check bot fake_telegram migrations tests bench
	$(PY) -m pytest -q tests/unit tests/service tests/handlers \
		-m "not slow and not postgres and not processes"

# Translations: English source texts in the code and the rules file -> locales/bot.pot ->
# locales/<ll>/LC_MESSAGES/messages.po (committed), read and compiled in memory by the bot.
extract: $(STAMP)  ## refresh the template from the code and the rules file
	$(BABEL) -q extract -F locales/babel.cfg --no-location --no-wrap --sort-output --omit-header \
		-k N_ -o $(POT) .

# A changed English text keeps its old translation as a hint: marked fuzzy, with the old English
# as `#| msgid`, so the translator sees what changed. The bot never shows a fuzzy translation
# (bot/i18n.py compiles with use_fuzzy=False) and `make check-catalogs` refuses one, so nothing
# half-translated ships. Texts no longer in the code are dropped, not kept as `#~`: Babel never
# matches against those, so they would only pile up (git keeps them). A run that finds nothing
# new leaves every file as it was (no POT-Creation-Date churn).
update-catalogs: extract  ## merge the template into every language's catalog
	$(BABEL) -q update -i $(POT) -d locales --no-wrap --previous --ignore-obsolete \
		--ignore-pot-creation-date

check-catalogs: $(STAMP)  ## fail when the template is stale or a catalog fails the gate
	@$(BABEL) -q extract -F locales/babel.cfg --no-location --no-wrap --sort-output --omit-header \
		-k N_ -o .pot-check .
	@cmp -s .pot-check $(POT) || { rm -f .pot-check; \
		echo "locales/bot.pot is out of date: run 'make update-catalogs' and commit"; exit 1; }
	@rm -f .pot-check
	@PYTHONPATH=. $(PY) -m bot.i18n_gate > .gate-check || { cat .gate-check; rm -f .gate-check; exit 1; }
	@rm -f .gate-check

# Known vulnerabilities in the runtime pins (requirements/base.lock: what the Docker image
# installs). Every line is pinned with hashes, so pip-audit reads the file as it is, without pip
# and without resolving anything, and asks its vulnerability service about each exact version.
# A maintainer's command: CI does not run it. --strict: a package that could not be checked
# fails the audit like a vulnerability, so an unreachable service never passes for clean.
# A finding is fixed by raising that pin (the `uv pip compile` lines of `lock`, with
# `--upgrade-package NAME`); one that cannot be fixed yet is listed here as `--ignore-vuln ID`,
# with a comment giving the reason.
AUDIT_IGNORE :=
audit: $(STAMP)  ## fail on a known vulnerability in requirements/base.lock (asks PyPI)
	@$(PY) -m pip_audit --requirement requirements/base.lock --require-hashes --disable-pip \
		--strict --vulnerability-service pypi --progress-spinner off --desc on --aliases on \
		$(AUDIT_IGNORE) \
	|| { echo "make audit FAILED (see above): known vulnerabilities in requirements/base.lock" \
		"(raise those pins), or a package that could not be checked because PyPI's" \
		"vulnerability data did not answer (nothing is proven until it does)." >&2; exit 1; }

lint: $(STAMP)
	$(PY) -m ruff check bot fake_telegram migrations tests bench
	$(PY) -m mypy

migrate: $(STAMP)
	$(PY) -m bot migrate

lock:  ## re-pin requirements/*.lock from pyproject.toml (needs network)
	$(PYTHON) -m pip install --quiet --upgrade uv
	$(PYTHON) -m uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.11 -q -o requirements/base.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.11 -q -o requirements/dev.lock
	$(PYTHON) -m uv pip compile requirements/build.in --generate-hashes --universal --python-version 3.11 -q -o requirements/build.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
