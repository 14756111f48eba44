"""The pipeline's work grows linearly with the text: a document twice as long, and single long lines of
hostile input, cost twice the work (counted as function calls, tests/work.py), not more."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from parksum.process.runner import Pipeline
from parksum.text.clean import traditional_to_simplified
from parksum.text.doc import Document
from tests import fuzz
from tests.conftest import DATA, ROOT
from tests.work import calls, growth

LONG_LINES = json.loads((DATA / "long_lines.json").read_text(encoding="utf-8"))["cases"]
# Twice the text may cost a little more than twice the work: a fixed cost per document is
# part of both counts, and a few steps are n log n (sorting, binary search).
LINEAR = 2.3


FUZZ_PIPELINE = Pipeline(ner=False)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return FUZZ_PIPELINE


def run(pipeline: Pipeline):
    return lambda text: pipeline(Document(text=text, name="t.txt"))


def test_a_document_twice_over_costs_twice_the_work(pipeline):
    text = (ROOT / "corpus" / "002_8f1f4c12a115cc13.txt").read_text(encoding="utf-8")
    assert growth(run(pipeline), lambda n: text * n, 2) <= LINEAR


def test_a_text_in_traditional_characters_costs_what_its_simplified_text_costs(pipeline):
    simplified = (ROOT / "corpus" / "002_8f1f4c12a115cc13.txt").read_text(encoding="utf-8")
    to_traditional: dict[int, str] = {}
    for traditional, simple in traditional_to_simplified().items():
        to_traditional.setdefault(ord(simple), chr(traditional))
    traditional = simplified.translate(to_traditional)
    assert traditional != simplified
    for text in simplified, traditional:  # lazy loads, once
        run(pipeline)(text)
    assert calls(run(pipeline), traditional) <= 1.05 * calls(run(pipeline), simplified)


@pytest.mark.parametrize("case", sorted(LONG_LINES))
def test_a_long_line_costs_work_in_proportion_to_its_length(pipeline, case):
    prefix, unit, suffix = LONG_LINES[case]
    assert growth(run(pipeline), lambda n: prefix + unit * n + suffix, 2000) <= LINEAR


# Fuzzing: 10,000 documents in all (8,000 + 2,000); tests/fuzz_extractors.py runs longer.
@pytest.mark.slow
@settings(max_examples=8_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=fuzz.documents)
def test_fuzzed_documents_are_processed_and_every_span_points_at_its_text(text):
    fuzz.spans_point_at_their_text(FUZZ_PIPELINE(Document(text=text, name="fuzz.txt")))


# A document costs a fixed start plus a bounded cost per character: the corpus's documents cost about
# 200 calls a character, jieba's tagger included, and a text of characters that tagger never saw about
# 1,000 (all its 256 states tried on each such character cost 65,000 until segment.py bounded them).
CALLS_AT_MOST = (20_000, 2_000)


@pytest.mark.slow
@settings(max_examples=2_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=fuzz.documents)
def test_fuzzed_documents_cost_work_in_proportion_to_their_length(text):
    fixed, per_character = CALLS_AT_MOST
    FUZZ_PIPELINE(Document(text=text, name="fuzz.txt"))  # lazy loads (jieba's dictionary) are not the text's work
    work = calls(FUZZ_PIPELINE, Document(text=text, name="fuzz.txt"))
    assert work <= fixed + per_character * len(text)
