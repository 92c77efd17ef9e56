# Manyi — the two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run dev test lint bench install install-dev browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(PIP) install -e . 2>&1 | { grep -v '^WARNING: Location' || true; }
	touch $@

$(DEVSTAMP): pyproject.toml $(STAMP)
	$(PIP) install -e '.[dev]' 2>&1 | { grep -v '^WARNING: Location' || true; }
	touch $@

install: $(STAMP)
install-dev: $(DEVSTAMP)

## make run: install, migrate var/manyi.sqlite3, load demo data if empty, serve web + worker + scheduler
## the way production does: DEBUG off (designed error pages), static files served by WhiteNoise
## make dev: the same with DEBUG on (Django's technical error pages)
define SERVE
	mkdir -p var
	DEBUG=$(1) $(BIN)/manyi migrate --noinput
	DEBUG=$(1) $(BIN)/manyi compilemessages_if_needed
	DEBUG=$(1) $(BIN)/manyi demo --if-empty
	DEBUG=$(1) $(BIN)/manyi serve --host 127.0.0.1 --port 8000
endef

run: $(STAMP)
	$(call SERVE,0)

dev: $(STAMP)
	$(call SERVE,1)

## make test: lint, types, architecture contract, the whole suite (browser test included)
test: $(DEVSTAMP) browser
	$(BIN)/ruff check manyi tests
	$(BIN)/mypy manyi
	$(BIN)/lint-imports
	$(BIN)/manyi compilemessages_if_needed
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

## Headless Chromium and Chinese fonts from Debian for the browser tests (Playwright drives
## Debian's chromium via executable_path; no browser download)
browser:
	@need=""; command -v chromium >/dev/null 2>&1 || need="chromium"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || need="$$need fonts-noto-cjk"; \
	if [ -n "$$need" ]; then \
	  echo "Installing Debian packages for the browser tests:$$need"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$need >/dev/null; \
	fi

bench: $(DEVSTAMP)
	$(PIP) install -e '.[bench]' 2>&1 | { grep -v '^WARNING: Location' || true; }
	$(BIN)/python -m manyi.bench

clean:
	rm -rf $(VENV) var/*.sqlite3 var/media
