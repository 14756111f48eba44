"""Mask runs and their kinds on the cases of tests/data/placeholder_cases.jsonl."""
import json

import pytest

from parksum.extractors.placeholders import masked_view
from parksum.process.runner import Pipeline
from parksum.text.doc import Document
from tests.conftest import DATA

CASES = [json.loads(line) for line in (DATA / "placeholder_cases.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline(["outline", "quantities", "placeholders"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_mask_runs_and_kinds(pipeline, case):
    doc = pipeline(Document(text=case["text"], name="case.txt"))
    assert [[p.text, p.kind] for p in doc.placeholders] == case["runs"]
    for p in doc.placeholders:
        assert case["text"][p.start:p.end] == p.text


def test_a_mask_is_never_read_as_a_number(pipeline):
    doc = pipeline(Document(text="实现规上工业总产值***亿元，增长**，新增企业1*家。", name="x.txt"))
    assert [(q.text, q.masked, q.value, q.base_value) for q in doc.quantities] == [
        ("***亿元", True, None, None), ("**", True, None, None), ("1*家", True, None, None)]


def test_masked_view_keeps_length():
    assert masked_view("ab XX cd", [(3, 5)]) == "ab ** cd"
