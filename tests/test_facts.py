import json

import pytest

from parksum.analyst.facts import conflicts, coverage, facts, masked_values, resolve_indicators, targets
from parksum.interfaces.cli import EXIT_OK, EXIT_SOME_FAILED, main


def test_facts_carry_their_mentions_and_filter(facts_db):
    frame = facts(facts_db, indicators=["规上工业总产值"], park="高新工业园")
    assert len(frame) == 1
    fact = frame.iloc[0]
    assert (fact["value"], fact["unit"], fact["base_value"], fact["growth"]) == (356.8, "亿元", 3.568e10, 8.2)
    assert fact["mention_ids"].count(",") == 2 and bool(fact["in_conflict"])
    assert fact["sentence"].startswith("全年实现规模以上工业总产值356.8亿元")
    assert set(facts(facts_db, status="forecast")["value"]) == {118.0}


def test_conflicts_list_every_mention_and_the_chosen_one(facts_db):
    frame = conflicts(facts_db)
    jinshu = frame[frame["park"] == "金属智造园"]
    assert sorted(jinshu["value"]) == [120.0, 125.0]
    assert jinshu.loc[jinshu["chosen"].astype(bool), "document"].tolist() == ["jinshu_2022_jianghua.txt"]
    assert set(frame["conflict"]) == {"different documents", "masked and unmasked"}


def test_masked_values_never_have_a_value(facts_db):
    frame = masked_values(facts_db)
    assert len(frame) == 5 and set(frame["park"]) == {"金属智造园", "高新工业园", "有色金属工业园"}


def test_coverage_counts_masked_facts(facts_db):
    matrix = coverage(facts_db)
    assert matrix.loc["有色金属工业园", "规上工业总产值"] == "1 (1 masked)"
    assert matrix.loc["金属智造园", "税收"] == "1 (1 masked)"
    assert matrix.loc["高新工业园", "数字化车间"] == ""
    assert matrix.columns[0] == "规上工业总产值"  # reported by most parks


def test_indicators_resolve_by_id_name_alias_or_phrase(facts_db):
    assert resolve_indicators(["tax_revenue", "实缴税金", "规模以上工业总产值", "规上工业总产值"], facts_db) == [
        "税收", "规上工业总产值"]
    assert resolve_indicators(["数字化车间"], facts_db) == ["数字化车间"]
    with pytest.raises(LookupError, match="did you mean"):
        resolve_indicators(["规上工业"], facts_db)


def test_targets_and_the_targets_command(facts_db, capsys):
    frame = targets(facts_db, park="金属智造园", indicators=["industrial_output_above_scale"])
    assert frame[["year", "target_value", "target_unit", "outcome"]].values.tolist() == [
        [2023, 150.0, "亿元", "no actual reported"]]
    assert frame["target_sentence"].tolist() == ["2023年力争规上工业总产值达到150亿元。"]
    assert main(["targets", "--db", facts_db, "--format", "json"]) == EXIT_OK
    assert [r["target_text"] for r in json.loads(capsys.readouterr().out)] == ["150亿元"]
    assert main(["targets", "--db", facts_db, "--park", "高新工业园"]) == EXIT_SOME_FAILED
