# Scored — two commands set everything up on a fresh machine:
#   make lab    create .venv, install the course, open it in JupyterLab
#   make test   create/update .venv, install, run the whole test suite
# Also: make bench (benchmarks), make data (regenerate datasets/), make site (the course as a
# static web site in _build/site/), make clean.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
# JupyterLab refuses to run as root (as in containers) without --allow-root
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PIP    := $(BIN)/python -m pip --disable-pip-version-check
# The notebook make lab opens first
LAB_OPEN ?= lessons/00-welcome-cashless-china.ipynb

.PHONY: lab test bench data venv clean site hub hub-stop

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Scored needs Python 3.11 or newer; set PYTHON=python3.11"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test,bench]'
	@touch $@

# The course's environment comes first on PATH, so that `course` works in JupyterLab's terminal.
lab: venv
	@echo "Opening the course in JupyterLab on http://127.0.0.1:$(PORT)/ — copy the URL with the token below into your browser. Stop with Ctrl-C."
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab --no-browser --ip=127.0.0.1 --port=$(PORT) $(ROOT_FLAG) \
		--ServerApp.root_dir="$(CURDIR)" $(LAB_OPEN)

# Two workers (one per core); each test file stays on one worker; the 15 slowest tests are
# listed at the end. Override with PYTEST_ARGS=.
PYTEST_ARGS ?= -n 2 --dist loadfile --durations=15

test: venv node_modules
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: venv
	$(BIN)/python -m tests.benchmarks $(BENCH_ARGS)

data: venv
	$(BIN)/course data

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info

# npm tools for the site and the browser tests (axe-core, MathJax), as package-lock.json pins
# them. Without npm, the accessibility check is skipped (and says why) and the site loads
# MathJax from its CDN.
node_modules: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch node_modules; \
	else \
		echo "npm not found: install Debian's npm to run the accessibility check"; \
	fi

# The course as a static web site, lessons run with their outputs: _build/site/index.html
site: venv node_modules
	$(BIN)/python docs/website/build.py $(SITE_ARGS)

# The class server (docs/deploy.md): JupyterHub on http://127.0.0.1:$(HUB_PORT)/ with one Unix
# user per student of the roster (or HUB_STUDENTS=a,b,c), nbgrader's exchange, as root on Linux.
HUB_PORT ?= 8000
HUB_STUDENTS ?=
hub: venv node_modules
	$(BIN)/course hub start --port $(HUB_PORT) $(if $(HUB_STUDENTS),--students $(HUB_STUDENTS),)

hub-stop:
	$(BIN)/course hub stop
