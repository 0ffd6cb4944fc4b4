# Set-up and entry points. Everything installs into a local .venv; nothing relies on a hand install.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test fuzz lint bench browser-deps postgres-deps clean

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || { echo "Python 3.11 is required ($(PY) not found)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/mscare build
	$(BIN)/mscare serve

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser-deps:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian chromium for the browser tests..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; }

# Debian's PostgreSQL server binaries (initdb, pg_ctl) for the diary tests, which start their own server.
postgres-deps:
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "Installing Debian postgresql for the diary tests..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }

test: $(STAMP) browser-deps postgres-deps
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src/mscare
	$(BIN)/mscare check
	$(BIN)/pytest

# The long fuzz run: schemathesis over the OpenAPI schema (all phases), 20,000 random route requests and every
# CLI bad-input case, seeded (MSCARE_FUZZ_SEED=N for another seed). `make test` runs a short version of each.
fuzz: $(STAMP)
	MSCARE_FUZZ=long $(BIN)/pytest -q -s tests/fuzz

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) test-output
