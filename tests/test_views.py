"""The views are the interface analysts query in SQL: check them with plain SQL."""
from sqlalchemy import inspect, text

from parksum.store.database import Store


def _rows(db, sql):
    with Store(db).engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_one_fact_per_park_indicator_year_and_status(facts_db):
    rows = _rows(facts_db, "SELECT park, status, value, growth, mentions, documents FROM facts "
                           "WHERE indicator_id = 'industrial_output_above_scale' ORDER BY park, status")
    assert rows == [("有色金属工业园", "actual", None, None, 2, 1),
                    ("金属智造园", "actual", 125.0, 12.5, 3, 2),
                    ("金属智造园", "forecast", 118.0, None, 1, 1),
                    ("金属智造园", "target", 150.0, None, 1, 1),
                    ("高新工业园", "actual", 356.8, 8.2, 3, 2)]


def test_choice_prefers_unmasked_then_later_document(facts_db):
    chosen = _rows(facts_db, "SELECT park, document, text FROM fact_mentions WHERE choice = 1 AND measure = 'value' "
                             "AND indicator = '规上工业总产值' AND status = 'actual' ORDER BY park")
    assert chosen == [("有色金属工业园", "youse_2022_zongjie.txt", "*亿元"),
                      ("金属智造园", "jinshu_2022_jianghua.txt", "125亿元"),
                      ("高新工业园", "gaoxin_2022_zongjie.txt", "356.8亿元")]


def test_conflicts_are_listed_not_resolved(facts_db):
    assert _rows(facts_db, "SELECT park, indicator, measure, distinct_values, masked_mentions, conflict "
                           "FROM fact_conflicts ORDER BY park") == [
        ("金属智造园", "规上工业总产值", "value", 2, 0, "different documents"),
        ("高新工业园", "规上工业总产值", "value", 1, 1, "masked and unmasked")]
    assert _rows(facts_db, "SELECT count(*) FROM facts WHERE in_conflict = 1") == [(2,)]


def test_masked_values_and_mentions_keep_provenance(facts_db):
    masked = _rows(facts_db, "SELECT park, text, section_path FROM masked_values ORDER BY metric_id")
    assert ("高新工业园", "***亿元", "一") in masked and len(masked) == 5
    spans = _rows(facts_db, "SELECT d.text, m.start, m.\"end\", m.text FROM metric_mentions m "
                            "JOIN documents d ON d.id = m.document_id")
    assert all(body[start:end] == figure for body, start, end, figure in spans)


def test_views_are_recreated_when_the_store_is_written_not_when_it_is_read(facts_db):
    with Store(facts_db, write=True).engine.begin() as conn:
        conn.execute(text("DROP VIEW facts"))
    assert "facts" not in inspect(Store(facts_db).engine).get_view_names()  # opening to read changes nothing
    Store(facts_db, write=True)
    assert _rows(facts_db, "SELECT count(*) FROM facts") == [(10,)]


def test_a_threshold_is_a_mention_never_a_fact(facts_db):
    """税收500万元以上企业: the 500万元 bounds a class; even mapped to an indicator it makes no fact."""
    before = _rows(facts_db, "SELECT fact_key, value, growth, mentions FROM facts ORDER BY fact_key")
    columns = ('document_id, section_id, start, "end", text, indicator, indicator_id, masked, deleted, value, '
               'unit, base_unit, base_value, qualifier, status, period, period_year, sentence, sentence_start')
    with Store(facts_db, write=True).engine.begin() as conn:
        conn.execute(text(f"INSERT INTO metrics ({columns}, role, threshold) SELECT {columns}, 'value', TRUE "
                          "FROM metrics WHERE role = 'value' AND indicator_id = 'industrial_output_above_scale'"))
    assert _rows(facts_db, "SELECT count(*) FROM metric_mentions WHERE measure = 'threshold'")[0][0] > 0
    assert _rows(facts_db, "SELECT count(*) FROM fact_mentions WHERE threshold = 1") == [(0,)]
    assert _rows(facts_db, "SELECT fact_key, value, growth, mentions FROM facts ORDER BY fact_key") == before


def _copy_metric(db, where: str, **changes) -> None:
    """Insert a copy of the metrics row matching `where`, with some columns changed (as literals)."""
    columns = ['document_id', 'section_id', 'start', '"end"', 'text', 'indicator', 'indicator_id', 'role', 'masked',
               'deleted', 'threshold', 'value', 'unit', 'base_unit', 'base_value', 'qualifier', 'status', 'period',
               'period_year', 'sentence', 'sentence_start']
    chosen = [changes.get(c.strip('"'), c) for c in columns]
    with Store(db, write=True).engine.begin() as conn:
        conn.execute(text(f"INSERT INTO metrics ({', '.join(columns)}) SELECT {', '.join(map(str, chosen))} "
                          f"FROM metrics WHERE {where}"))


def test_a_figure_of_another_dimension_makes_no_fact(facts_db):
    """4家 read under 规上工业总产值 (money) is a mention of another dimension, never its value or a conflict."""
    before = _rows(facts_db, "SELECT fact_key, value, mentions FROM facts ORDER BY fact_key")
    _copy_metric(facts_db, "text = '356.8亿元'", text="'4家'", value=4, unit="'家'", base_unit="'家'", base_value=4)
    assert _rows(facts_db, "SELECT measure, indicator_dimension, unit_dimension FROM metric_mentions "
                           "WHERE text = '4家'") == [("other dimension", "money", "count")]
    _copy_metric(facts_db, "text = '8.2%'", text="'36亿元'", value=36, unit="'亿元'", base_unit="'元'")  # no growth
    assert _rows(facts_db, "SELECT measure FROM metric_mentions WHERE text = '36亿元'") == [("other dimension",)]
    assert _rows(facts_db, "SELECT fact_key, value, mentions FROM facts ORDER BY fact_key") == before
    assert _rows(facts_db, "SELECT count(*) FROM facts f JOIN indicators i ON i.id = f.indicator_id "
                           "JOIN unit_dimensions u ON u.base_unit = f.base_unit "
                           "WHERE u.dimension <> i.dimension") == [(0,)]


def test_conflicts_say_why_the_figures_disagree(facts_db):
    _copy_metric(facts_db, "text = '356.8亿元'", text="'357亿元'", value=357, base_value=3.57e10)
    _copy_metric(facts_db, "text = '35000万元'", text="'3.1亿元'", value=3.1, unit="'亿元'", base_value=3.1e8,
                 period="'1-10月'")
    reasons = dict(_rows(facts_db, "SELECT park || ' ' || indicator, conflict FROM fact_conflicts"))
    assert reasons == {"高新工业园 规上工业总产值": "rounded", "高新工业园 税收": "different parts of the year",
                       "金属智造园 规上工业总产值": "different documents"}


def test_targets_meet_the_actuals_reported_for_their_year(facts_db):
    """2023年力争规上工业总产值达到150亿元 (2022 summary) against the 2023 actual of a later summary."""
    target = "text = '150亿元'"
    assert _rows(facts_db, "SELECT park, indicator, year, target_text, outcome FROM target_outcomes") == [
        ("金属智造园", "规上工业总产值", 2023, "150亿元", "no actual reported")]
    _copy_metric(facts_db, target, text="'162亿元'", value=162, base_value=1.62e10, status="'actual'")
    assert _rows(facts_db, "SELECT actual_text, achieved_pct, outcome FROM target_outcomes") == [
        ("162亿元", 108.0, "met")]
    _copy_metric(facts_db, "text = '***亿元'", period_year=2023, status="'target'")  # a masked target of 高新
    _copy_metric(facts_db, "text = '356.8亿元'", period_year=2023)  # and its actual
    assert _rows(facts_db, "SELECT target_text, actual_text, achieved_pct, outcome FROM target_outcomes "
                           "WHERE park = '高新工业园'") == [("***亿元", "356.8亿元", None, "masked")]
