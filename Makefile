# Hazari. Two commands matter: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
DEMO_ENV := DEBUG=true SMS_BACKEND=hazari.lib.sms.FileBackend

export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test venv system-deps lint typecheck pytest messages clean

# The virtual environment, with every package at the version pinned in requirements.lock.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $@

venv: $(STAMP)

# What the tests need from the operating system: gettext (makemessages, to check that the
# Hindi catalogue is complete) and Debian's Chromium (the browser tests). Installed with apt
# when missing; a machine without root must install them by hand.
system-deps:
	@missing=""; \
	command -v xgettext >/dev/null || missing="$$missing gettext"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing with apt-get"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

demo: $(STAMP)
	@mkdir -p var/static
	$(DEMO_ENV) $(MANAGE) migrate --noinput -v 0
	$(DEMO_ENV) $(MANAGE) build_demo_state --scale demo --seed 1 --if-empty
	@# Made-up attendance for the days up to now that have none (so the dashboards have a year
	@# to show), then the dashboards' figures.
	$(DEMO_ENV) $(MANAGE) generate_attendance --seed 1
	$(DEMO_ENV) $(MANAGE) refresh_dashboards
	$(DEMO_ENV) $(MANAGE) refresh_absence
	@echo "Hazari is at http://127.0.0.1:8000 (SMS codes are written to var/sms/outbox.jsonl)"
	@# The worker runs imports, the refresher keeps the dashboards up to date; both stop with
	@# the server.
	$(DEMO_ENV) $(MANAGE) db_worker --interval 1 & worker=$$!; \
	$(DEMO_ENV) $(MANAGE) refresh_dashboards --loop --every 5 > var/refresh.log & refresher=$$!; \
	$(DEMO_ENV) $(MANAGE) refresh_absence --loop --every 30 > var/absence.log & absence=$$!; \
	trap 'kill $$worker $$refresher $$absence 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy hazari

pytest: $(STAMP) system-deps
	$(BIN)/pytest -n 2 --dist loadfile -q

test: lint typecheck pytest

# Refresh the Hindi catalogue after adding strings, then translate the new entries.
messages: $(STAMP)
	$(MANAGE) makemessages -l hi --no-location --ignore=.venv --ignore=var --ignore=bench
	$(BIN)/python -m hazari.lib.compile_messages

clean:
	rm -rf $(VENV) var
