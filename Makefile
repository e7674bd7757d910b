# Two commands for a fresh machine with Python 3.11+:  `make run` starts the bot, `make test` runs
# every test. Both create .venv from the locked requirements on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-dev

POT    := locales/bot.pot
BABEL  := PYTHONPATH=. $(VENV)/bin/pybabel

.PHONY: run test lint check migrate lock clean extract update-catalogs check-catalogs demo \
	audit

$(STAMP): requirements/dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock
	@touch $@

run: $(STAMP)  ## start the bot (reads .env and the environment)
	$(PY) -m bot run

demo: $(STAMP)  ## try the bot in this terminal, against a local fake Telegram
	$(PY) -m bot demo $(if $(LANG_CODE),--lang $(LANG_CODE),)

test: $(STAMP) check-catalogs  ## lint and type-check, then the whole test suite
	$(PY) -m ruff check bot fake_telegram migrations tests bench
	$(PY) -m mypy
	$(PY) -m pytest

# Translations: English source texts in the code and the rules file -> locales/bot.pot ->
# locales/<ll>/LC_MESSAGES/messages.po (committed), read and compiled in memory by the bot.
extract: $(STAMP)  ## refresh the template from the code and the rules file
	$(BABEL) -q extract -F locales/babel.cfg --no-location --no-wrap --sort-output --omit-header \
		-k N_ -o $(POT) .

update-catalogs: extract  ## merge the template into every language's catalog
	$(BABEL) -q update -i $(POT) -d locales --no-wrap --no-fuzzy-matching --ignore-obsolete

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
