# Set-up and everyday commands; see README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DB ?= parks.db

.PHONY: install demo test lint bench bench-ner clean model segmenter eval-ner data

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
