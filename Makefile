# Two commands for a fresh machine (python3 + make): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false

# The many-writer warehouse ([warehouse] backend = "ducklake") needs DuckDB's ducklake and
# postgres extensions, which PyPI ships only for DuckDB $(LAKE_DUCKDB): a second environment,
# the locked set with that one pin changed.
LAKE_VENV := .venv-lake
LAKE_DUCKDB := 1.5.5

.PHONY: demo test lint env env-lake bench clean

# Bytecode is compiled at install: where the environment says not to write it
# (PYTHONDONTWRITEBYTECODE), every process would compile each module it imports again
# (a website worker's imports: 2.2 s of CPU without, 0.9 s with).
$(VENV)/.synced: pyproject.toml uv.lock
	test -x $(UV) || ($(PYTHON) -m venv $(VENV) && $(VENV)/bin/pip install --quiet uv)
	$(UV) sync --frozen --inexact --compile-bytecode
	touch $@

env: $(VENV)/.synced

$(LAKE_VENV)/.synced: pyproject.toml uv.lock $(VENV)/.synced
	test -x $(LAKE_VENV)/bin/python || $(PYTHON) -m venv $(LAKE_VENV)
	$(UV) export --frozen --no-hashes --no-emit-project --quiet \
	  | sed 's/^duckdb==.*/duckdb==$(LAKE_DUCKDB)/' > $(LAKE_VENV)/requirements.txt
	echo "duckdb-extension-ducklake==$(LAKE_DUCKDB)" >> $(LAKE_VENV)/requirements.txt
	echo "duckdb-extension-postgres==$(LAKE_DUCKDB)" >> $(LAKE_VENV)/requirements.txt
	$(UV) pip install --quiet --compile-bytecode --python $(LAKE_VENV)/bin/python \
	  -r $(LAKE_VENV)/requirements.txt
	$(UV) pip install --quiet --python $(LAKE_VENV)/bin/python --no-deps -e .
	touch $@

env-lake: $(LAKE_VENV)/.synced

demo: env
	$(VENV)/bin/leadpipe demo

# The lake tests run again in the lake environment (in .venv they skip: no extensions there).
LAKE_TESTS := tests/test_lake_warehouse.py

test: env env-lake
	$(VENV)/bin/python -m pytest
	$(LAKE_VENV)/bin/python -m pytest $(LAKE_TESTS)

lint: env
	$(VENV)/bin/ruff check .

bench: env
	$(VENV)/bin/python -m bench.pipeline

clean:
	rm -rf $(VENV) $(LAKE_VENV) .prefect data
