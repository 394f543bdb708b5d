# Bridgecast — the two commands a newcomer needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
STAMP := $(VENV)/.installed
VENDOR := static/vendor/.installed
PYTEST_ARGS ?=

.PHONY: run test setup bench bench-quick bench-obs bench-relay bench-national bench-national-quick bench-restart lint clean gunicorn

run: setup ## Serve on http://127.0.0.1:5000 (PORT to change) with the demo congress
	$(PYTHON) -m server

test: setup ## Run every test (unit, integration, end-to-end with real OBS, Chromium, PostgreSQL, Redis)
	$(PYTHON) -m pytest $(PYTEST_ARGS)

setup: $(STAMP) $(VENDOR)

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PY) >/dev/null || { echo "Python 3.11+ is needed: apt-get install python3 python3-venv"; exit 1; }
	@test -x $(PYTHON) || $(PY) -m venv $(VENV) || { echo "Install venv support: apt-get install python3-venv"; exit 1; }
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PYTHON) -c "from server.i18n import compile_catalogs; compile_catalogs(force=True)"
	@touch $@

$(VENDOR): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the front-end libraries: apt-get install npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js node_modules/socket.io-client/dist/socket.io.esm.min.js.map static/vendor/
	@touch $@

gunicorn: setup ## Serve with gunicorn's gevent worker, as in production (eventlet: -k eventlet, BRIDGECAST_ASYNC_MODE=eventlet)
	$(BIN)/gunicorn -k gevent -w 1 --worker-connections 10000 -b 127.0.0.1:$${PORT:-5000} server.wsgi:app

bench: setup ## The full load benchmark (targets in docs/design.md) (writes bench/results/latest.json), then the OBS round trip and the relay cost
	$(PYTHON) -m bench
	$(PYTHON) bench/obs_roundtrip.py
	$(PYTHON) bench/relay.py

bench-relay: setup ## Restream relay cost: CPU per fan page, added latency, nothing re-encoded (bench/results/relay.json)
	$(PYTHON) bench/relay.py

bench-obs: setup ## Panel -> real OBS -> panel round trip vs a bare obsws-python call (bench/results/obs_roundtrip.json)
	$(PYTHON) bench/obs_roundtrip.py

bench-quick: setup ## The same scenario at a smaller scale, under 2 minutes
	$(PYTHON) -m bench --quick

bench-national: setup ## One server at national scale, restart included, the capacity model calibrated on PostgreSQL + Redis and checked on two processes (bench/results/national.json)
	$(PYTHON) -m bench --national

bench-restart: setup ## The national restart alone: 3,355 sites, kill, every site back, no false offline (bench/results/restart.json)
	$(PYTHON) -m bench --restart

bench-national-quick: setup ## The national run at 400 sites, its PostgreSQL calibration and two-process check (about 4 minutes)
	$(PYTHON) -m bench --national-quick

lint: setup ## ruff: the lint rules of ruff.toml and the formatter's check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
