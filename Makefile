# The two ways in: `make run` (the whole system, embedded default) and `make test` (the suite).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

# make test runs on the local PostgreSQL and Redis unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mcof
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test setup setup-dev migrate lint types bench messages clean

$(VENV)/.created:
	"$$(scripts/find-python)" -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	touch $@

$(VENV)/.runtime: $(VENV)/.created requirements.txt
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

var/secret_key:
	mkdir -p var
	$(PY) -c 'import secrets; print(secrets.token_urlsafe(64))' > $@
	chmod 600 $@

# The embedded default: SQLite and a filesystem broker in var/, production-like settings on plain HTTP.
run: export DEBUG ?= 0
run: export HTTPS ?= 0
run: export MCOF_DEMO ?= 1
run: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
run: setup var/secret_key
	@export SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}"; \
	set -e; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py seed_demo; \
	$(PY) manage.py compilemessages --ignore=.venv -v0; \
	$(PY) manage.py collectstatic --noinput -v0; \
	exec scripts/run.sh

test: export DATABASE_URL ?= $(TEST_DATABASE_URL)
test: export REDIS_URL ?= $(TEST_REDIS_URL)
test: setup-dev
	scripts/ensure-test-packages
	DJANGO_SETTINGS_MODULE=mcof_site.settings_test $(PY) manage.py compilemessages --ignore=.venv -v0
	$(VENV)/bin/pytest --create-db $(PYTEST_ARGS)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# The typed boundaries (pyproject.toml [tool.mypy]): every services.py, selectors.py and state machine
# (workflow.py, core/machine.py) of these apps, and the caseload's other services (duplicates, access log).
TYPED_APPS := accounts partners crises outbox sectors caseload movements displacement sitreps reports core
TYPED := $(shell find $(TYPED_APPS) \( -name services.py -o -name selectors.py -o -name workflow.py -o -name machine.py \) \
	-not -path '*/tests/*' | sort) caseload/dedup.py caseload/access_log.py

types: setup-dev
	$(VENV)/bin/mypy $(TYPED)

messages: setup-dev
	$(PY) scripts/i18n.py update
	$(PY) scripts/i18n.py check

# The benchmark at a million migrants (bench/RESULTS.md), on its own database.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mcof_bench
bench: export DATABASE_URL ?= $(BENCH_DATABASE_URL)
bench: setup-dev
	scripts/ensure-wrk
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf var/static var/cache var/broker
