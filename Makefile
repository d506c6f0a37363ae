# SEEC Platform — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
GATEWAY_PORT ?= 8025
STAMP := $(VENV)/.installed
# Every process of `make run` (the web server, the task worker that sends subscription codes,
# the delivery worker, seed_demo's webhook subscribers) reaches the local fake gateways here.
export SEEC_EMAIL_GATEWAY_URL ?= http://127.0.0.1:$(GATEWAY_PORT)
export SEEC_SMS_GATEWAY_URL ?= http://127.0.0.1:$(GATEWAY_PORT)

.PHONY: run test bench lint format messages setup db clean browser nodes

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

# The web server (uvicorn: HTTP and the contact centre's WebSockets) and the task worker run in
# one process group: Ctrl-C stops both. The server starts as soon as the database is migrated and
# the demo users exist; the demo's records load in the background meanwhile (progress on the
# dashboard; a stopped load resumes next time).
# The background processes of `make run` start at a lower priority: six Django processes
# starting at once took the web server's CPU, and a second `make run` answered after 20 s.
LOW := nice -n 10
run: $(STAMP)
	$(BIN)/python manage.py seed_demo --migrate --region-only
	@echo ""
	@echo "  SEEC Platform: http://127.0.0.1:$(PORT)/  (sign in as operator.gr / seec-demo; see README.md)"
	@echo "  The demo region loads in the background (progress on the dashboard; var/demo-loading.log)."
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	export SEEC_PUBLIC_URL=http://127.0.0.1:$(PORT); \
	export SEEC_EMAIL_GATEWAY_URL=http://127.0.0.1:$(GATEWAY_PORT); \
	export SEEC_SMS_GATEWAY_URL=http://127.0.0.1:$(GATEWAY_PORT); \
	$(LOW) $(BIN)/python manage.py seed_demo --verbosity 0 >var/demo-loading.log 2>&1 & \
	$(LOW) $(BIN)/python manage.py db_worker --interval 1 & \
	$(LOW) $(BIN)/python manage.py protection_daily --every 3600 >/dev/null & \
	$(LOW) $(BIN)/python manage.py fake_gateways --port $(GATEWAY_PORT) & \
	$(LOW) $(BIN)/python manage.py deliver_alerts --verbosity 0 & \
	$(LOW) $(BIN)/python manage.py exchange_deliver & \
	$(BIN)/uvicorn seec.asgi:application --host 127.0.0.1 --port $(PORT) --lifespan off \
	  --ws websockets-sansio --reload --reload-dir seec

# Two demo nodes (Greece, Serbia) that trust each other, with databases of their own under
# var/nodes/ and a referral and a request for cooperation waiting in Serbia (docs/exchange.md).
NODE_GR_PORT ?= 8141
NODE_RS_PORT ?= 8142
nodes: $(STAMP)
	$(BIN)/python -m seec.exchange.demo_nodes --gr-port $(NODE_GR_PORT) --rs-port $(NODE_RS_PORT)

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
# Every folder of seec/locale/ is a language but the glossary's.
LOCALES := $(filter-out glossary,$(notdir $(wildcard seec/locale/*)))
messages: $(STAMP)
	cd seec && ../$(BIN)/python ../manage.py makemessages $(foreach l,$(LOCALES),-l $(l)) \
	  --no-obsolete --ignore 'tests/*'
	cd seec && ../$(BIN)/python ../manage.py compilemessages $(foreach l,$(LOCALES),-l $(l))

clean:
	rm -rf $(VENV) var
