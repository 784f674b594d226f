PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv system web demo test lint typecheck pytest bench clean

venv: $(STAMP)

# Debian packages the browser and GIS tests use; installed only where absent (needs root).
system:
	@command -v chromium >/dev/null && command -v ogrinfo >/dev/null || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gdal-bin; }

# Front-end libraries from the npm registry (served from node_modules, never committed).
# --ignore-scripts: no package may run install scripts (one would send usage data).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund

web: node_modules/.package-lock.json

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: venv web
	$(BIN)/tripp demo

lint: venv
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/lint-imports

typecheck: venv
	$(BIN)/mypy

pytest: venv system web
	$(BIN)/python -m pytest

test: lint typecheck pytest

# Benchmarks (not part of make test); wrk is the load tool for the API benchmark.
bench: venv web
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(BIN)/python benchmarks/routing.py
	$(BIN)/python benchmarks/energy.py
	$(BIN)/python benchmarks/appraisal.py
	$(BIN)/python benchmarks/resilience.py
	$(BIN)/python benchmarks/choice_scale.py --quick
	$(BIN)/python benchmarks/api_load.py --workers 1
	@echo "assignment against AequilibraE: bash benchmarks/assignment_env.sh && benchmarks/.env-aequilibrae/bin/python benchmarks/assignment.py"

clean:
	rm -rf $(VENV) build *.egg-info
