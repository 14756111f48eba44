"""The park a document reports on, on the cases of tests/data/park_cases.jsonl (invented texts)."""
import json

import pytest

from parksum.extractors.park import ParkReader
from parksum.process.runner import Pipeline
from parksum.text.doc import Document
from tests.conftest import DATA

CASES = [json.loads(line) for line in (DATA / "park_cases.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline(["metadata", "outline", "park"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_park_read_from_the_document(pipeline, case):
    doc = pipeline(Document(text=case["text"], name="t.txt"))
    assert (doc.park_in_text, doc.park) == (case["park"], case["park"])


def test_the_uploaders_tag_wins_and_the_documents_park_is_kept(pipeline):
    doc = pipeline(Document(text="2024年，扬州经开区新签约项目45个。\n", name="t.txt", park="扬州经济技术开发区"))
    assert (doc.park, doc.park_in_text) == ("扬州经济技术开发区", "扬州经开区")
    assert ParkReader.choose([]) is None
