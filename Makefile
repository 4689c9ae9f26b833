# aiexports — the commands a newcomer needs. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEV_ENV := DJANGO_DEBUG=true
export PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: help install dev serve demo test test-fast lint format messages bench fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed ## create .venv and install Python and front-end dependencies

demo: install ## migrate the SQLite database and load demo data (idempotent)
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_demo_data

dev: demo ## install, migrate, load demo data and serve on http://127.0.0.1:$(PORT)
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install ## run the whole test suite (SQLite unless DATABASE_URL/REDIS_URL are set)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install ## ruff check, ruff format --check, mypy, manage.py check, makemigrations --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(DEV_ENV) $(PY) manage.py check
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

format: install ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install ## extract and compile translations (en, ja, es, fr); each file's strings go to the nearest app's locale/
	$(DEV_ENV) $(PY) manage.py makemessages -l ja -l es -l fr --no-location --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'staticfiles/*' --ignore 'var/*'
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

bench: install ## run every bench/bench_*.py and write docs/benchmarks.md (needs DATABASE_URL, REDIS_URL; ~35 min)
	$(PY) bench/run.py $(BENCH_ARGS)

fuzz: install ## long schemathesis run, all phases, on a throwaway server (FUZZ_EXAMPLES, FUZZ_SEED; CI runs tests/hardening/test_fuzz.py)
	bash scripts/fuzz.sh

clean: ## remove the virtual environment, node_modules and the SQLite database
	rm -rf $(VENV) node_modules db.sqlite3 var staticfiles
