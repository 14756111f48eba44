# Set-up and everyday commands; see README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DB ?= parks.db

.PHONY: install demo test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

## demo: build the environment, ingest the sample corpus into $(DB) and summarise it
demo: install
	$(BIN)/parksum ingest corpus/ --db $(DB)

## test: lint and run the test suite
test: install lint
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .

## bench: the rule pipeline against JioNLP's money extractor on the national reports (speed, not a test)
bench: install
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python tests/bench_rules.py

clean:
	rm -rf $(VENV) $(DB) .pytest_cache .ruff_cache
