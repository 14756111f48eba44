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
        ("金属智造园", "规上工业总产值", "value", 2, 0, "different values"),
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
