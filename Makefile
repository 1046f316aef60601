# The two commands: `make demo` and `make test` (see README.md).
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_HOUSEHOLDS ?= 50000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install demo test test-deps lint audit loadtest mutation mutation-changed clean

$(VENV)/.installed: pyproject.toml
	@PY=$$(scripts/find-python) && echo "Using $$PY" && $$PY -m venv $(VENV)
	$(BIN)/pip install -q -e ".[test,load,bench]"
	@touch $@

install: $(VENV)/.installed

demo: install
	DEBUG=1 $(BIN)/mutakhir demo --households $(DEMO_HOUSEHOLDS)
	DEBUG=1 $(BIN)/mutakhir serve --port $(PORT)

# Debian packages the tests need: Chromium for the browser tests (driven by Playwright, never a
# downloaded browser) and Java for Spark (Java ships with this kind of machine; chromium does not).
test-deps:
	@command -v chromium >/dev/null 2>&1 && command -v java >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core \
		openjdk-17-jre-headless >/dev/null; }

lint: install
	$(BIN)/ruff check src tests bench

# Known vulnerabilities in the installed packages (pip-audit on PyPI's advisory data, so it needs the
# network; --strict fails when a package cannot be looked up). AUDIT_ARGS=--if-available (CI) only reports
# a machine that cannot reach the advisory data instead of failing: docs/security.md, "Supply chain".
audit: install
	$(BIN)/python scripts/audit $(AUDIT_ARGS)

test: install test-deps lint
	$(BIN)/pytest $(PYTEST_ARGS)

# 50 clients on PostgreSQL with 1,000,000 households (bench/load.py; ~5 min, plus ~5 min the first time).
loadtest: install
	$(BIN)/python bench/load.py

# Mutation testing (bench/mutation.py, mutmut): every listed module against its own tests (over 30 min on two
# cores), results in bench/mutation_results.txt; fails when a module falls below bench/mutation_floor.toml.
mutation: install
	$(BIN)/python bench/mutation.py

# The CI run: only the modules whose code or own tests changed since MUTATION_SINCE, against their floors.
MUTATION_SINCE ?= HEAD~1
mutation-changed: install
	$(BIN)/python bench/mutation.py --since $(MUTATION_SINCE)

clean:
	rm -rf $(VENV) var .pytest_cache
