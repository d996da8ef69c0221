# Two commands on a fresh machine with python3 (3.11+) and make:
#   make reproduce   fetch and prepare the data, run every notebook, render reports/
#   make test        lint (ruff), then the whole test suite on the real data, on every core (pytest-xdist),
#                    `wechat-study verify` and the browser tests included
# While working: `make check` runs the fast tier (no notebooks, no browser, no verify, nothing marked slow;
# fewer hypothesis examples) in about a minute. `make test TESTS=tests/test_x.py` runs one file.
# Each builds .venv from uv.lock first (uv itself is pinned below and installed with pip).
# The browser test needs chromium; without it that test is skipped with a loud reason (.ci/run installs it).
# `make lab` opens JupyterLab on the same environment and prints the URL to open (LAB_PORT, default 8888).
# `make docs` builds the documentation into docs/_build/.

PYTHON     ?= python3
UV_VERSION := 0.13.8
TOOLS      := .tools
UV         := $(TOOLS)/bin/uv
VENV       := .venv
SYNCED     := $(VENV)/.synced-$(UV_VERSION)

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

LAB_PORT   ?= 8888

.PHONY: reproduce test check lint bench lab lock env clean docs

# Test files are shared out whole (--dist loadfile), so a module's fixtures are built once.
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
TESTS      ?=
PYTEST     := $(VENV)/bin/python -m pytest -n $(JOBS) --dist loadfile

reproduce: $(SYNCED)
	$(VENV)/bin/wechat-study reproduce

# pytest's exit status 5 means it collected no tests: that fails too, with a word of why.
test: lint
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  echo "WARNING: chromium is missing, so the browser test will be SKIPPED (install it: apt-get install chromium)"
	@$(PYTEST) $(PYTEST_ARGS) $(TESTS) || { rc=$$?; \
	  if [ $$rc = 5 ]; then echo "make test: pytest collected no tests" >&2; fi; exit $$rc; }

check: lint
	@HYPOTHESIS_PROFILE=check $(PYTEST) -q -m "not slow and not notebooks and not browser and not verify" \
	  --durations=5 $(PYTEST_ARGS) $(TESTS) || { rc=$$?; \
	  if [ $$rc = 5 ]; then echo "make check: pytest collected no tests" >&2; fi; exit $$rc; }

lint: $(SYNCED)
	$(VENV)/bin/ruff check .

# As root, Jupyter refuses to start without --allow-root. The token is made here so that the URL can be printed.
lab: $(SYNCED)
	@$(VENV)/bin/python -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", $(LAB_PORT)))' 2>/dev/null || \
	  { echo "make lab: port $(LAB_PORT) is in use; choose another: make lab LAB_PORT=8890" >&2; exit 1; }
	@token=$$($(VENV)/bin/python -c 'import secrets; print(secrets.token_hex(24))') || exit 1; \
	root=$$([ "$$(id -u)" = 0 ] && echo --allow-root); \
	echo ""; echo "JupyterLab: open http://127.0.0.1:$(LAB_PORT)/lab?token=$$token"; echo ""; \
	JUPYTER_TOKEN=$$token exec $(VENV)/bin/jupyter lab --notebook-dir=investigations --ip=127.0.0.1 \
	  --ServerApp.port=$(LAB_PORT) --ServerApp.port_retries=0 $$root

# The documentation (mkdocs-material; the API reference from the docstrings) into docs/_build/.
docs: $(SYNCED)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet
	@echo "docs: open docs/_build/index.html"

bench: $(SYNCED)
	$(VENV)/bin/python benchmarks/bench_prepare.py
	$(VENV)/bin/python benchmarks/bench_metrics.py
	$(VENV)/bin/python benchmarks/bench_reproduce.py
	$(VENV)/bin/python benchmarks/bench_cli.py

env: $(SYNCED)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set, every process (each notebook's
# kernel, each command) would otherwise compile pandas and altair from source again, seconds each time.
$(SYNCED): $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --all-extras --compile-bytecode --python $(PYTHON)
	@touch $@

# After editing dependencies in pyproject.toml: re-lock and regenerate environment.yml.
lock: $(UV)
	$(UV) lock --python $(PYTHON)
	$(MAKE) environment.yml

environment.yml: uv.lock
	{ printf '%s\n' '# Generated from uv.lock by `make environment.yml`; tests/test_environment.py checks they agree.' \
	    'name: wechat_study' 'channels:' '  - conda-forge' 'dependencies:' '  - python=3.11' '  - pip' '  - pip:'; \
	  $(UV) export --frozen --all-extras --no-hashes --no-dev --no-emit-project --no-header --no-annotate --format requirements-txt \
	    | sed -e '/^#/d' -e '/^$$/d' -e 's/.*/      - "&"/'; \
	  printf '%s\n' '      - "-e ."'; } > $@.tmp && mv $@.tmp $@

clean:
	rm -rf $(VENV) $(TOOLS) data/processed/*/
