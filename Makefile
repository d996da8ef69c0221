# Two commands on a fresh machine with python3 (3.11+) and make:
#   make reproduce   fetch and prepare the data, run every notebook, render reports/
#   make test        the test suite (on the real data; includes `wechat-study verify`)
# Each builds .venv from uv.lock first (uv itself is pinned below and installed with pip).
# `make test` also installs Debian's chromium for the browser test where it can (as root).
# `make lab` opens JupyterLab on the same environment.

PYTHON     ?= python3
UV_VERSION := 0.13.8
TOOLS      := .tools
UV         := $(TOOLS)/bin/uv
VENV       := .venv
SYNCED     := $(VENV)/.synced-$(UV_VERSION)

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: reproduce test bench lab browser lock env clean

reproduce: $(SYNCED)
	$(VENV)/bin/wechat-study reproduce

test: $(SYNCED) browser
	$(VENV)/bin/python -m pytest

lab: $(SYNCED)
	$(VENV)/bin/jupyter lab --notebook-dir=investigations

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "WARNING: chromium is missing and cannot be installed here (needs root and apt-get); the browser test will be skipped"; \
	  fi; }

bench: $(SYNCED)
	$(VENV)/bin/python benchmarks/bench_prepare.py
	$(VENV)/bin/python benchmarks/bench_metrics.py
	$(VENV)/bin/python benchmarks/bench_reproduce.py

env: $(SYNCED)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(SYNCED): $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

# After editing dependencies in pyproject.toml: re-lock and regenerate environment.yml.
lock: $(UV)
	$(UV) lock --python $(PYTHON)
	$(MAKE) environment.yml

environment.yml: uv.lock
	{ printf '%s\n' '# Generated from uv.lock by `make environment.yml`; tests/test_environment.py checks they agree.' \
	    'name: wechat_study' 'channels:' '  - conda-forge' 'dependencies:' '  - python=3.11' '  - pip' '  - pip:'; \
	  $(UV) export --frozen --no-hashes --no-dev --no-emit-project --no-header --no-annotate --format requirements-txt \
	    | sed -e '/^#/d' -e '/^$$/d' -e 's/.*/      - "&"/'; \
	  printf '%s\n' '      - "-e ."'; } > $@.tmp && mv $@.tmp $@

clean:
	rm -rf $(VENV) $(TOOLS) data/processed/*/
