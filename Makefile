# Set-up and everyday commands; see README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DB ?= parks.db

.PHONY: install demo test lint bench bench-ner bench-report bench-web bench-long bench-scale stress clean model segmenter eval-ner data

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

## bench: `parksum extract` with and without the NER model against a jieba POS pass and JioNLP's money extractor, whole processes over the national reports (speed, not a test)
bench: install
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python tests/bench_pipeline.py

## bench-ner: NER speed, rules alone and the model, on 200,000 characters of the national reports
bench-ner: install
	$(BIN)/python tests/bench_ner.py

## bench-report: build time and size of the report on the 72 national reports (VARIANTS=13: 1,008 documents)
bench-report: install
	$(BIN)/python -m tests.bench_report --variants $(or $(VARIANTS),0)

## bench-web: load test of parksum serve: 20 clients upload 500 files at once, a restart mid-queue (about 15 minutes)
bench-web: install
	$(BIN)/python tests/bench_web.py

## bench-long: one 50 MB text through the pipeline (limits lifted), each stage's time and peak memory
bench-long: install
	$(BIN)/python tests/bench_long_text.py $(or $(MB),50)

## bench-scale: stores of 1x, 4x and 16x the national reports: ingest time, size, and compare/metrics/search/report latency
bench-scale: install
	$(BIN)/python tests/bench_scale.py

## stress: 12 trials of 3 ingests at once on one store (SQLite; PostgreSQL too where $$PARKSUM_TEST_POSTGRES is set)
stress: install
	$(BIN)/python tests/stress_concurrent_ingest.py

## model: rebuild the NER models in models/ner from scratch (about 15 minutes; the two members train side by side on two cores)
model: install
	$(BIN)/parksum train-ner

## data: rebuild the derived data files (the place list and jieba's user dictionary) after editing a lexicon
data: install
	$(BIN)/pip install --quiet -e ".[gazetteer]"
	$(BIN)/python -m parksum.extractors.training.dictionary

## segmenter: retrain the pkuseg model in models/pkuseg (about a minute)
segmenter: install
	$(BIN)/python -c "from parksum.extractors.training.segment_eval import train_pkuseg; train_pkuseg()"

## eval-ner: NER scores (rules, model, merged) on corpus/ner/heldout.jsonl; segmenter scores on corpus/seg
eval-ner: install
	$(BIN)/parksum evaluate-ner
	$(BIN)/parksum compare-segmenters

clean:
	rm -rf $(VENV) $(DB) .pytest_cache .ruff_cache
