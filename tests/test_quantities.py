"""The quantity rules on the cases of tests/data/quantity_cases.jsonl, run by one test.

A case gives a sentence, optionally the document year and the kind of section it sits
in, and the quantities expected in order; only the fields a case gives are checked.
A case with `known_gap` states a rule the extractor does not have yet: it runs as a
strict xfail, so it is reported, and fails the day the rule is added until the mark goes.
"""
import json

import pytest

from parksum.process.runner import Pipeline
from parksum.text.doc import Document
from tests.conftest import DATA

CASES = [json.loads(line) for line in (DATA / "quantity_cases.jsonl").read_text(encoding="utf-8").splitlines()]
PARAMS = [pytest.param(c, id=c["id"], marks=[pytest.mark.xfail(reason=c["known_gap"], strict=True)]
                       if "known_gap" in c else []) for c in CASES]
KIND_HEADINGS = {"plans": "一、2099年工作计划\n", "problems": "一、存在问题\n", "achievements": "一、主要工作成效\n"}


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline(["outline", "quantities", "placeholders"])


def extract(pipeline, case):
    """Quantities of the case's sentence, placed under a heading of the case's section kind."""
    heading = KIND_HEADINGS.get(case.get("kind"), "")
    doc = pipeline(Document(text=heading + case["text"], name="case.txt", year=case.get("year")))
    return [q for q in doc.quantities if q.start >= len(heading)]


def same_indicator(expected, got):
    """As the gold scorer: one phrase contains the other."""
    if not expected or not got:
        return expected == got
    return expected in got or got in expected


@pytest.mark.parametrize("case", PARAMS)
def test_quantity_case(pipeline, case):
    got = extract(pipeline, case)
    texts = [q.text for q in got]
    for absent in case.get("absent", []):
        assert absent not in texts, f"{absent!r} is not a quantity"
    if case.get("exhaustive"):
        assert texts == [e["text"] for e in case["expect"]]
    remaining = list(got)
    for expected in case["expect"]:
        match = next((q for q in remaining if q.text == expected["text"]), None)
        assert match is not None, f"{expected['text']!r} not found in {texts}"
        remaining = remaining[remaining.index(match) + 1:]
        for field, value in expected.items():
            if field == "text":
                continue
            actual = getattr(match, field)
            if field == "indicator":
                assert same_indicator(value, actual), f"{expected['text']}: indicator {actual!r}, expected {value!r}"
            elif field == "value" and value is not None and actual is not None:
                assert actual == pytest.approx(value), f"{expected['text']}: value"
            else:
                assert actual == value, f"{expected['text']}: {field} {actual!r}, expected {value!r}"
