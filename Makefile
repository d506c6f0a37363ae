# SEEC Platform — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
GATEWAY_PORT ?= 8025
STAMP := $(VENV)/.installed

.PHONY: run test bench lint format messages setup db clean browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Migrate and load the whole demo region (seed_demo only creates what is missing).
db: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

# The web server and the task worker run in one process group: Ctrl-C stops both. The server
# starts as soon as the database is migrated and the demo users exist; the demo's records load
# in the background meanwhile (progress on the dashboard; a stopped load resumes next time).
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --region-only
	@echo ""
	@echo "  SEEC Platform: http://127.0.0.1:$(PORT)/  (sign in as operator.gr / seec-demo; see README.md)"
	@echo "  The demo region loads in the background (progress on the dashboard; var/demo-loading.log)."
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	export SEEC_PUBLIC_URL=http://127.0.0.1:$(PORT); \
	$(BIN)/python manage.py seed_demo --verbosity 0 >var/demo-loading.log 2>&1 & \
	$(BIN)/python manage.py db_worker --interval 1 & \
	$(BIN)/python manage.py protection_daily --every 3600 >/dev/null & \
	$(BIN)/python manage.py fake_gateways --port $(GATEWAY_PORT) & \
	SEEC_EMAIL_GATEWAY_URL=http://127.0.0.1:$(GATEWAY_PORT) \
	SEEC_SMS_GATEWAY_URL=http://127.0.0.1:$(GATEWAY_PORT) \
	  $(BIN)/python manage.py deliver_alerts --verbosity 0 & \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Browser tests drive the system's Chromium; install it where this machine can.
browser:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null); } || \
	  echo "warning: /usr/bin/chromium is missing; browser tests will fail" >&2

test: $(STAMP) browser
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run.py $(NAME) $(if $(ENGINE),--engine $(ENGINE),)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the message catalogues after changing user-facing strings (needs GNU gettext).
messages: $(STAMP)
	cd seec && ../$(BIN)/python ../manage.py makemessages --all --no-obsolete --ignore 'tests/*'
	cd seec && ../$(BIN)/python ../manage.py compilemessages

clean:
	rm -rf $(VENV) var
