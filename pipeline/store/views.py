"""SQL views that turn the metrics table into facts an analyst can read without the code.

The views are plain SQL that SQLite and PostgreSQL both run (window functions, no
group_concat), and are recreated on every open so that a new release's definitions apply
to an existing database.

Vocabulary:
- a *mention* is one metrics row, with its park, document, section and canonical name;
- a *fact* is what the mentions of one park, indicator, period_year and status report;
  its value comes from the mentions whose role is value or count, its growth from the
  growth mentions; share, multiple, rank, completion and threshold mentions (a class bound such as
  the 500万元 of 税收500万元以上企业) stay in metric_mentions;
- the *choice rule* picks one mention per fact and measure: an unmasked figure over a
  masked one, then the document reporting on the later year, then the later-ingested
  document, then the first mention in the text;
- a *conflict* is a fact whose mentions give different figures, or give the figure in
  one place and mask it in another. Conflicts are listed, never resolved away.
"""
from __future__ import annotations

from sqlalchemy.engine import Connection
from sqlalchemy.sql import text

VIEWS: dict[str, str] = {
    "metric_mentions": """
SELECT m.id AS metric_id, d.park_id, p.name AS park,
       m.indicator_id, coalesce(i.name_zh, m.indicator) AS indicator, m.indicator AS phrase,
       CASE WHEN m.threshold THEN 'threshold' WHEN m.role IN ('value', 'count') THEN 'value' ELSE m.role END
           AS measure,
       m.role, CASE WHEN m.threshold THEN 1 ELSE 0 END AS threshold, m.status, m.period, m.period_year,
       CASE WHEN m.masked OR m.deleted THEN 1 ELSE 0 END AS masked,
       m.text, m.value, m.value_low, m.value_high, m.unit, m.base_value, m.base_unit, m.qualifier,
       m.sentence, d.id AS document_id, d.source_name AS document, d.title AS document_title,
       d.doc_type, d.year AS document_year, s.path AS section_path, s.kind AS section_kind,
       m.start, m."end"
FROM metrics m
JOIN documents d ON d.id = m.document_id
LEFT JOIN parks p ON p.id = d.park_id
LEFT JOIN indicators i ON i.id = m.indicator_id
LEFT JOIN sections s ON s.id = m.section_id""",
    "fact_mentions": """
SELECT mm.*,
       coalesce(CAST(park_id AS TEXT), '-') || '|' || indicator || '|'
           || coalesce(CAST(period_year AS TEXT), '-') || '|' || status AS fact_key,
       ROW_NUMBER() OVER (PARTITION BY park_id, indicator, period_year, status, measure
                          ORDER BY masked, coalesce(document_year, 0) DESC, document_id DESC, start) AS choice
FROM metric_mentions mm
WHERE indicator IS NOT NULL AND measure IN ('value', 'growth')""",
    "fact_conflicts": """
SELECT fact_key, min(park) AS park, min(indicator_id) AS indicator_id, min(indicator) AS indicator,
       min(period_year) AS period_year, min(status) AS status, measure,
       count(*) AS mentions, count(DISTINCT document_id) AS documents,
       count(DISTINCT coalesce(base_value, value)) AS distinct_values, sum(masked) AS masked_mentions,
       CASE WHEN count(DISTINCT coalesce(base_value, value)) > 1 THEN 'different values'
            ELSE 'masked and unmasked' END AS conflict
FROM fact_mentions
GROUP BY fact_key, measure
HAVING count(DISTINCT coalesce(base_value, value)) > 1 OR (sum(masked) > 0 AND sum(masked) < count(*))""",
    "facts": """
SELECT k.fact_key, k.park, k.indicator_id, k.indicator, k.period_year, k.status,
       v.text AS value_text, v.value, v.value_low, v.value_high, v.unit, v.base_value, v.base_unit,
       v.qualifier, v.masked, g.value AS growth, g.masked AS growth_masked,
       k.mentions, k.documents,
       CASE WHEN k.fact_key IN (SELECT fact_key FROM fact_conflicts) THEN 1 ELSE 0 END AS in_conflict,
       v.metric_id AS value_metric_id, g.metric_id AS growth_metric_id,
       coalesce(v.document, g.document) AS document, coalesce(v.section_path, g.section_path) AS section_path,
       coalesce(v.sentence, g.sentence) AS sentence
FROM (SELECT fact_key, min(park) AS park, min(indicator_id) AS indicator_id, min(indicator) AS indicator,
             min(period_year) AS period_year, min(status) AS status,
             count(*) AS mentions, count(DISTINCT document_id) AS documents
      FROM fact_mentions GROUP BY fact_key) k
LEFT JOIN fact_mentions v ON v.fact_key = k.fact_key AND v.measure = 'value' AND v.choice = 1
LEFT JOIN fact_mentions g ON g.fact_key = k.fact_key AND g.measure = 'growth' AND g.choice = 1""",
    "masked_values": """
SELECT metric_id, park, document, section_path, indicator, role, text, period, status, sentence
FROM metric_mentions WHERE masked = 1""",
}

DESCRIPTIONS: dict[str, str] = {
    "metric_mentions": "Every reported figure (a metrics row) with its park, document, section and canonical "
                       "indicator name; masked is 1 when the number is masked or deleted.",
    "fact_mentions": "The mentions of facts (value, count and growth figures), with fact_key and choice: "
                     "choice 1 is the mention the fact takes its figure from.",
    "fact_conflicts": "Facts whose mentions disagree: different values, or masked in one place and given in "
                      "another. Listed, never resolved away.",
    "facts": "One row per park, indicator, period_year and status: the chosen value (written unit and base "
             "unit), growth, masked flags, how many mentions and documents report it, and its source sentence.",
    "masked_values": "Every masked or deleted figure, with the sentence it sits in.",
}


def over_mentions(where: str) -> str:
    """A WITH clause defining every view over the metrics rows that `where` keeps: a condition on the tables
    of metric_mentions (m metrics, d documents, p parks, i indicators, s sections). A query after it reads
    the views of those rows alone; where the condition keeps or drops all mentions of a fact together (one
    on park, indicator, period_year or status: the keys of a fact) those are the views' own rows, read
    through the indexes instead of over the whole store."""
    bodies = VIEWS | {"metric_mentions": f"{VIEWS['metric_mentions']}\nWHERE {where}"}
    return "WITH " + ",\n".join(f"{name} AS ({body})" for name, body in bodies.items()) + "\n"


def refresh_views(conn: Connection) -> None:
    """Drop and recreate the views, dependants first, so that their definitions are always current."""
    for name in reversed(VIEWS):
        conn.execute(text(f"DROP VIEW IF EXISTS {name}"))
    for name, body in VIEWS.items():
        conn.execute(text(f"CREATE VIEW {name} AS {body}"))
