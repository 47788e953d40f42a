# Two entry points for a fresh Debian machine with Python 3.11 and make:
#   make demo   installs everything into .venv and runs the pipeline on built-in demo data
#   make test   installs everything (Chromium and Java included) and runs lint and the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint install browser java bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Headless Chromium and its driver from Debian, for the report-rendering tests.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; }

# A Java runtime from Debian for the Spark tests (pyspark 4 needs Java 17 or later).
java:
	@command -v java >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless; }

demo: $(STAMP)
	$(BIN)/lrreport demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/sqlfluff lint queries/models queries/tests queries/analyses --processes 2
	$(BIN)/sqlfluff lint --config .sqlfluff-plain queries/reports queries/load queries/extract queries/setup \
	  queries/schedules queries/sim --processes 2

test: $(STAMP) browser java lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup --no-loadscope-reorder -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) reports demo .pytest_cache .ruff_cache
