"""The analyst's reads: filters pushed into SQL give the rows of the whole view, read through the indexes."""
import itertools

import pandas as pd
import pytest
from sqlalchemy import text

from parksum.store import Store, queries
from parksum.store.views import over_mentions

FILTERS = {"indicators": [None, ["规上工业总产值"], ["税收", "数字化车间", "新建标准厂房"], []],
           "park": [None, "高新工业园", "没有的园区"], "period_year": [None, 2022, 2023], "status": [None, "actual"]}


def _same(filtered: pd.DataFrame, whole: pd.DataFrame) -> None:
    """Equal rows; a column that is null throughout may read None where the whole view's reads NaN."""
    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.reset_index(drop=True).astype(object).pipe(lambda f: f.where(f.notna(), None))

    pd.testing.assert_frame_equal(rows(filtered), rows(whole))


def test_filtered_facts_are_the_rows_of_the_whole_view(facts_db):
    store = Store(facts_db)
    every = queries.facts(store)
    ids = queries.fact_mention_ids(store)
    assert len(every) == 10
    for values in itertools.product(*FILTERS.values()):
        where = dict(zip(FILTERS, values, strict=True))
        kept = pd.Series(True, index=every.index)
        for column, value in (("indicator", where["indicators"]), ("park", where["park"]),
                              ("period_year", where["period_year"]), ("status", where["status"])):
            if value is not None:
                kept &= every[column].isin(value if isinstance(value, list) else [value])
        _same(queries.facts(store, **where), every[kept])
        _same(queries.fact_mention_ids(store, **where), ids[ids["fact_key"].isin(every.loc[kept, "fact_key"])])


def test_filtered_mentions_by_period_as_written_and_by_year(facts_db):
    store = Store(facts_db)
    every = queries.mentions(store)
    _same(queries.mentions(store, period="1-8月"), every[every["period"] == "1-8月"])
    _same(queries.mentions(store, period_year=2023, status="target"),
          every[(every["period_year"] == 2023) & (every["status"] == "target")])
    _same(queries.mentions(store, indicators=["实缴税金"]), every[every["indicator"] == "实缴税金"])


def test_an_indicator_is_named_as_metric_mentions_spells_it(facts_db):
    """By its canonical name where a figure has one (标准厂房面积, not 新建标准厂房), else by its phrase."""
    store = Store(facts_db)
    named = queries.indicator_phrases(store)
    assert {"标准厂房面积", "税收", "数字化车间"} <= named and not {"新建标准厂房", "全口径税收"} & named
    assert all(queries.names_an_indicator(store, name) for name in named)
    assert not any(queries.names_an_indicator(store, name) for name in ("新建标准厂房", "全口径税收", "不存在的指标"))


def test_a_figure_is_found_through_an_index(facts_db, backend):
    """SQLite's plan for one indicator, one park or one year searches the metrics by an index, never scans them."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL plans a scan of tables this small whatever its indexes")
    store = Store(facts_db)
    for where in ("coalesce(i.name_zh, m.indicator) IN ('税收') AND (m.indicator IN ('税收') OR m.indicator_id IN "
                  "(SELECT id FROM indicators WHERE name_zh IN ('税收')))", "p.name = '高新工业园'",
                  "m.period_year = 2022"):
        with store.engine.connect() as conn:
            plan = [row[-1] for row in conn.execute(text(f"EXPLAIN QUERY PLAN {over_mentions(where)} "
                                                         "SELECT * FROM facts"))]
        assert not any(step.split()[:2] == ["SCAN", "m"] for step in plan), plan  # the metrics table
        assert any(step.startswith("SEARCH m USING INDEX") for step in plan), plan
