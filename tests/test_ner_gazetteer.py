import json

import pytest

from parksum.extractors.ner.gazetteer import RuleNer
from tests.conftest import DATA

CASES = [json.loads(line) for line in (DATA / "ner_rule_cases.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def rules():
    return RuleNer()


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:12] for c in CASES])
def test_rules_find_exactly_the_listed_names(rules, case):
    found = [(s.text, s.label) for s in rules(case["text"])]
    assert found == [tuple(e) for e in case["entities"]]


def test_spans_point_into_the_text_and_masks_are_flagged(rules):
    text = "**铝业与宏达铝业签约。"
    spans = rules(text)
    assert [(text[s.start:s.end], s.masked) for s in spans] == [("**铝业", True), ("宏达铝业", False)]


def test_a_generic_project_is_not_a_name(rules):
    assert [s for s in rules("今年共实施重点项目**个。") if s.label == "PROJECT"] == []
