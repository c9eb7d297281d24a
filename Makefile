# The two commands: `make run` (Loa with the demo scenario on SQLite) and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test lint setup venv messages demo worker lock vendor bench load clean

run: setup
	$(BIN)/python manage.py demo --if-empty
	@$(BIN)/python manage.py demo --print-logins
	@./scripts/dev-server.sh

test: setup node_modules/.installed lint
	./scripts/system-deps.sh test
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

setup: $(VENV)/.installed .env messages
	./scripts/system-deps.sh run
	$(BIN)/python manage.py migrate --noinput

$(VENV)/.installed: requirements.lock
	@command -v $(PY) >/dev/null || { echo "Python 3.11 is needed ($(PY))"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	touch $@

# The code's shape: ruff's lint rules (pyproject.toml) and its formatting, over the whole tree but
# Django's generated migrations; then mypy's type check of the services, selectors, API and core
# (pyproject.toml [tool.mypy]). `make test` runs it first, so CI and a developer check the same.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# axe-core for the accessibility check of the page crawl (package-lock.json pins it).
node_modules/.installed: package-lock.json
	./scripts/system-deps.sh test
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# A development .env: DEBUG on and a random secret. Production sets real environment variables.
.env:
	printf 'DEBUG=true\nSECRET_KEY=dev-%s\n# Development: e-mails are printed by send_outbox instead of sent.\nEMAIL_BACKEND=django.core.mail.backends.console.EmailBackend\n' "$$($(PY) -c 'import secrets; print(secrets.token_hex(24))')" > .env

messages: $(VENV)/.installed
	./scripts/system-deps.sh run
	cd loa && ../$(BIN)/python ../manage.py compilemessages -l vi -v 0

lock:
	$(BIN)/pip install -q -r requirements.in
	$(BIN)/pip freeze | grep -viE '^(django-import-export|tablib|diff-match-patch)==' > requirements.lock

vendor:
	npm install --no-save --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

bench: setup
	$(BIN)/pip install -q -r requirements-bench.txt
	$(BIN)/python bench/run.py

# The load test on the production stack on loopback (bench/load.py; docs/performance.md, "Under
# load"): about 30 minutes. Short runs: make load LOAD_ARGS="--steady --minutes 1 --users 20".
LOAD_DB ?= postgres://postgres@127.0.0.1:5432/loa_load
LOAD_ARGS ?= --all
load: setup
	$(BIN)/pip install -q -r requirements-bench.txt
	DATABASE_URL=$(LOAD_DB) $(BIN)/python bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var
