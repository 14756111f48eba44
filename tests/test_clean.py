"""The cleaned view on the cases of tests/data/cleaning_cases.jsonl: what is left out, and that every
character of the view maps back to the same character of the text."""
import json

import pytest

from parksum.text.clean import clean, traditional_to_simplified
from parksum.text.doc import Document
from parksum.text.normalize import normalize
from tests.conftest import DATA

CASES = [json.loads(line) for line in (DATA / "cleaning_cases.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_view_and_boilerplate(case):
    cleaned = clean(case["text"])
    assert cleaned.norm == normalize(case["view"])
    assert [case["text"][s:e] for s, e in cleaned.boilerplate] == case["boilerplate"]
    origin = cleaned.origin or range(len(case["text"]) + 1)
    fold = traditional_to_simplified()
    assert all(ch in (normalize(case["text"][origin[i]]), normalize(case["text"][origin[i]]).translate(fold))
               for i, ch in enumerate(cleaned.norm))
    assert origin[len(cleaned.norm)] == len(case["text"])


def test_spans_found_in_the_view_are_spans_of_the_text():
    doc = Document(text="实现工业总产值 53.93 亿元。", name="t.txt")
    start = doc.norm.index("53.93亿元")
    assert doc.text[slice(*doc.text_span(start, start + 7))] == "53.93 亿元"
    assert doc.norm_offset(doc.text_offset(start)) == start
