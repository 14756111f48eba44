"""SQL views that turn the metrics table into facts an analyst can read without the code.

The views are plain SQL that SQLite and PostgreSQL both run (window functions, no
group_concat), and are recreated on every open so that a new release's definitions apply
to an existing database.

Vocabulary:
- a *mention* is one metrics row, with its park, document, section and canonical name;
- a *fact* is what the mentions of one park, indicator, period_year and status report;
  its value comes from the mentions whose role is value or count, its growth from the
  growth mentions; share, multiple, rank, completion and threshold mentions (a class bound such as
  the 500万元 of 税收500万元以上企业) stay in metric_mentions, and so does a value whose unit is of
  another dimension than its canonical indicator (4家 under 产值: measure `other dimension`;
  data/facts.json says which unit dimensions each indicator dimension accepts), and a growth
  figure that is no ratio (36亿元 read as growth);
- the *choice rule* picks one mention per fact and measure: an unmasked figure over a
  masked one, then the document reporting on the later year, then the later-ingested
  document, then the first mention in the text;
- a *conflict* is a fact whose mentions give different figures (compared in the base unit),
  or give the figure in one place and mask it in another, with the likeliest reason: units that
  do not convert, different parts of the year, rounding (within 1 %), an approximate figure (约,
  超: within 10 %), different documents, or two figures in one document. Conflicts are listed,
  never resolved away.
"""
from __future__ import annotations

from functools import cache

from sqlalchemy.engine import Connection
from sqlalchemy.sql import text

from parksum.extractors.units import unit_table
from parksum.text.resources import load_json


def _values(rows: list[tuple[str, ...]]) -> str:
    """A VALUES list of string literals (the rows come from the package's data files, not from users)."""
    return ",\n".join("(" + ", ".join("'" + v.replace("'", "''") + "'" for v in row) + ")" for row in rows)


@cache
def _unit_dimensions() -> str:
    return _values(sorted({(u.base, u.dimension) for u in unit_table().values() if u.base}))


@cache
def _fact_dimensions() -> str:
    accepted = load_json("parksum.store", "facts.json")["dimensions"]
    return _values([(indicator, unit) for indicator, units in accepted.items() for unit in units])


@cache
def _part_of_year() -> str:
    """A SQL test of m.period: true when it covers part of its year (1-10月, 上半年)."""
    marks = load_json("parksum.store", "facts.json")["part_of_year"]
    return "(" + " OR ".join(f"m.period LIKE '%{mark}%'" for mark in marks) + ")"


VIEWS: dict[str, str] = {
    "unit_dimensions": f"SELECT column1 AS base_unit, column2 AS dimension FROM (VALUES {_unit_dimensions()}) AS v",
    "fact_dimensions": "SELECT column1 AS indicator_dimension, column2 AS unit_dimension "
                       f"FROM (VALUES {_fact_dimensions()}) AS v",
    "metric_mentions": """
SELECT m.id AS metric_id, d.park_id, p.name AS park,
       m.indicator_id, coalesce(i.name_zh, m.indicator) AS indicator, m.indicator AS phrase,
       CASE WHEN m.threshold THEN 'threshold'
            WHEN m.role IN ('value', 'count') AND i.id IS NOT NULL AND fd.unit_dimension IS NULL
                THEN 'other dimension'
            WHEN m.role = 'growth' AND m.unit IS NOT NULL AND coalesce(ud.dimension, '') <> 'ratio'
                THEN 'other dimension'
            WHEN m.role IN ('value', 'count') THEN 'value' ELSE m.role END AS measure,
       i.dimension AS indicator_dimension, ud.dimension AS unit_dimension,
       CASE WHEN """ + _part_of_year() + """ THEN 1 ELSE 0 END AS part_of_year,
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
LEFT JOIN sections s ON s.id = m.section_id
LEFT JOIN unit_dimensions ud ON ud.base_unit = coalesce(m.base_unit, m.unit)
LEFT JOIN fact_dimensions fd ON fd.indicator_dimension = i.dimension AND fd.unit_dimension = ud.dimension""",
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
       CASE WHEN count(DISTINCT coalesce(base_value, value)) <= 1 THEN 'masked and unmasked'
            WHEN count(DISTINCT base_unit) > 1 THEN 'units that do not convert'
            WHEN count(DISTINCT coalesce(period, '')) > 1 AND sum(part_of_year) > 0
                THEN 'different parts of the year'
            WHEN max(coalesce(base_value, value)) <= 1.01 * min(coalesce(base_value, value)) THEN 'rounded'
            WHEN max(coalesce(base_value, value)) <= 1.1 * min(coalesce(base_value, value))
                 AND count(qualifier) > 0 THEN 'approximate (约, 超, 近 …)'
            WHEN count(DISTINCT document_id) > 1 THEN 'different documents'
            ELSE 'different values in one document' END AS conflict
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
    "target_outcomes": """
WITH planned AS MATERIALIZED (  -- the facts view once, not once per target
    SELECT * FROM facts WHERE status IN ('target', 'actual') AND indicator_id IS NOT NULL AND park IS NOT NULL)
SELECT t.park, t.indicator_id, t.indicator, t.period_year AS year,
       t.value_text AS target_text, t.value AS target_value, t.unit AS target_unit, t.masked AS target_masked,
       t.growth AS target_growth, t.growth_masked AS target_growth_masked,
       a.value_text AS actual_text, a.value AS actual_value, a.unit AS actual_unit, a.masked AS actual_masked,
       a.growth AS actual_growth, a.growth_masked AS actual_growth_masked,
       CASE WHEN t.masked = 0 AND a.masked = 0 AND t.base_unit = a.base_unit AND t.base_value > 0
            THEN round(100.0 * a.base_value / t.base_value, 1) END AS achieved_pct,
       CASE WHEN a.fact_key IS NULL THEN 'no actual reported'
            WHEN t.value_text IS NOT NULL THEN
                CASE WHEN t.masked = 1 OR a.masked = 1 THEN 'masked'
                     WHEN t.base_value IS NULL OR a.base_value IS NULL OR t.base_unit <> a.base_unit
                         THEN 'not comparable'
                     WHEN a.base_value >= t.base_value THEN 'met' ELSE 'missed' END
            ELSE
                CASE WHEN t.growth_masked = 1 OR a.growth_masked = 1 THEN 'masked'
                     WHEN a.growth IS NULL OR t.growth IS NULL THEN 'not comparable'
                     WHEN a.growth >= t.growth THEN 'met' ELSE 'missed' END
       END AS outcome,
       t.document AS target_document, t.sentence AS target_sentence,
       a.document AS actual_document, a.sentence AS actual_sentence
FROM planned t
LEFT JOIN planned a ON a.park = t.park AND a.indicator = t.indicator AND a.period_year = t.period_year
                   AND a.status = 'actual'
WHERE t.status = 'target'""",
    "masked_values": """
SELECT metric_id, park, document, section_path, indicator, role, text, period, status, sentence
FROM metric_mentions WHERE masked = 1""",
}

DESCRIPTIONS: dict[str, str] = {
    "unit_dimensions": "The dimension (money, count, area, ratio …) of each base unit (extractors/data/units.csv).",
    "fact_dimensions": "Which unit dimensions a figure may have to be the value of an indicator of each dimension.",
    "metric_mentions": "Every reported figure (a metrics row) with its park, document, section and canonical "
                       "indicator name; masked is 1 when the number is masked or deleted; measure 'other "
                       "dimension' when its unit cannot measure its indicator (such a figure makes no fact).",
    "fact_mentions": "The mentions of facts (value, count and growth figures), with fact_key and choice: "
                     "choice 1 is the mention the fact takes its figure from.",
    "fact_conflicts": "Facts whose mentions disagree, compared in the base unit, with the likeliest reason "
                      "(conflict): masked and unmasked, units that do not convert, different parts of the "
                      "year, rounded (within 1 %), approximate (a qualifier, within 10 %), different documents, "
                      "different values in one document. Listed, never resolved away.",
    "facts": "One row per park, indicator, period_year and status: the chosen value (written unit and base "
             "unit), growth, masked flags, how many mentions and documents report it, and its source sentence.",
    "target_outcomes": "Plans against outcomes: each park's target for an indicator and year (status target, "
                       "e.g. 2023年力争规上工业总产值达到150亿元) beside the actual figure reported for that year, "
                       "achieved_pct and outcome (met, missed, masked, not comparable, no actual reported). A value "
                       "target is judged on the value, a growth target (增长10%) on the growth; masked on either "
                       "side stays masked.",
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
