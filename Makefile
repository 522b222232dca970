# Two commands for a fresh machine (python3 + make): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: demo test lint env bench clean

$(VENV)/.synced: pyproject.toml uv.lock
	test -x $(UV) || ($(PYTHON) -m venv $(VENV) && $(VENV)/bin/pip install --quiet uv)
	$(UV) sync --frozen --inexact
	touch $@

env: $(VENV)/.synced

demo: env
	$(VENV)/bin/leadpipe demo

test: env
	$(VENV)/bin/python -m pytest

lint: env
	$(VENV)/bin/ruff check .

bench: env
	$(VENV)/bin/python -m bench.pipeline

clean:
	rm -rf $(VENV) .prefect data
