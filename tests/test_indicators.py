"""The lexicon, and the phrase shapes of tests/data/indicator_cases.jsonl run by one test: a phrase (and
the unit of its figure) with the indicator id it must map to, or null when it must map to none."""
import json

import pytest

from parksum.extractors.indicators import lexicon
from tests.conftest import DATA

CASES = [json.loads(line) for line in (DATA / "indicator_cases.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_indicator_case(case):
    found = lexicon().lookup(case["phrase"], case.get("unit"))
    assert (found.id if found else None) == case["expect"]


@pytest.mark.parametrize(("phrase", "indicator_id"), [
    ("实现规上工业总产值", "industrial_output_above_scale"),
    ("规模以上工业总产值", "industrial_output_above_scale"),
    ("全年实现工业总产值", "industrial_output"),
    ("全社会固定资产投资总额", "total_fixed_asset_investment"),
    ("完成固定资产投资", "fixed_asset_investment"),
    ("工业固定资产投资", "industrial_fixed_asset_investment"),
])
def test_longest_alias_wins(phrase, indicator_id):
    assert lexicon().lookup(phrase).id == indicator_id


def test_unmapped_phrase_keeps_no_id():
    assert lexicon().lookup("已过会并挂网") is None
    assert lexicon().lookup(None) is None


def test_resolve_by_id_name_or_alias():
    lex = lexicon()
    above_scale = lex.resolve("industrial_output_above_scale")
    assert lex.resolve("规上工业总产值") == above_scale == lex.resolve("规模以上工业总产值")
    assert lex.resolve("no such thing") is None
