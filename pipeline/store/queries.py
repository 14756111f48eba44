"""The analyst layer's reads: each a query over the tables and views (parksum.store.views), answered
as a DataFrame. Datasette's canned queries are here too, so that every SQL string lives in the store."""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import String, bindparam, text

from parksum.store.database import Store
from parksum.store.views import over_mentions


def facts(store: Store, **where: object) -> pd.DataFrame:
    """The facts; `where` as `_read_mentions` takes it."""
    return _read_mentions(store, "SELECT * FROM facts ORDER BY indicator, park, period_year, status", **where)


def fact_mention_ids(store: Store, **where: object) -> pd.DataFrame:
    return _read_mentions(store, "SELECT fact_key, metric_id FROM fact_mentions ORDER BY metric_id", **where)


def _read_mentions(store: Store, sql: str, *, indicators: Iterable[str] | None = None, park: str | None = None,
                   period_year: int | None = None, period: str | None = None,
                   status: str | None = None) -> pd.DataFrame:
    """`sql` over the views of the figures of `indicators` (names as metric_mentions spells them), `park`,
    `period_year`, `period` (as written) and `status`; None keeps every value. The conditions select the
    metrics rows through their indexes (indicator phrase or id, period_year, the park's documents)."""
    conditions, params = [], {}
    if indicators is not None:
        conditions.append("coalesce(i.name_zh, m.indicator) IN :indicators AND (m.indicator IN :indicators OR "
                          "m.indicator_id IN (SELECT id FROM indicators WHERE name_zh IN :indicators))")
        params["indicators"] = list(indicators)
    for column, value in (("p.name", park), ("m.period_year", period_year), ("m.period", period),
                          ("m.status", status)):
        if value is not None:
            name = column.split(".")[1]
            conditions.append(f"{column} = :{name}")
            params[name] = value
    if not conditions:
        return store.read(sql)
    query = text(over_mentions(" AND ".join(conditions)) + sql)
    if indicators is not None:
        query = query.bindparams(bindparam("indicators", expanding=True, type_=String))
    return store.read(query, **params)


def conflicts(store: Store) -> pd.DataFrame:
    return store.read("""
        SELECT c.park, c.indicator, c.period_year, c.status, c.measure, c.conflict,
               m.document, m.doc_type, m.document_year, m.section_path, m.text, m.value, m.unit, m.base_value,
               m.masked, m.choice = 1 AS chosen, m.sentence, m.metric_id, c.fact_key
        FROM fact_conflicts c
        JOIN fact_mentions m ON m.fact_key = c.fact_key AND m.measure = c.measure
        ORDER BY c.indicator, c.park, c.period_year, c.status, c.measure, m.choice""")


def masked_values(store: Store) -> pd.DataFrame:
    return store.read("SELECT * FROM masked_values ORDER BY park, document, metric_id")


def mentions(store: Store, **where: object) -> pd.DataFrame:
    """Every figure with its provenance; `where` as `_read_mentions` takes it."""
    return _read_mentions(store, "SELECT * FROM metric_mentions ORDER BY park, document, start", **where)


def park_names(store: Store) -> list[str]:
    return store.read("SELECT name FROM parks ORDER BY name")["name"].tolist()


def indicator_phrases(store: Store) -> set[str]:
    """Indicator names as written or canonical, as the metric_mentions view spells them (reads every figure)."""
    return set(store.read("SELECT DISTINCT indicator FROM metric_mentions WHERE indicator IS NOT NULL")["indicator"])


def names_an_indicator(store: Store, name: str) -> bool:
    """Whether `name` is one of `indicator_phrases` (found through the indexes)."""
    return not _read_mentions(store, "SELECT 1 AS found FROM metric_mentions LIMIT 1", indicators=[name]).empty


def unmapped_phrases(store: Store) -> pd.DataFrame:
    return store.read("SELECT phrase, count(*) AS mentions FROM metric_mentions "
                      "WHERE indicator_id IS NULL AND phrase IS NOT NULL GROUP BY phrase "
                      "ORDER BY mentions DESC, phrase")


def counts(store: Store) -> pd.Series:
    """parks, documents, figures and masked figures in the store."""
    return store.read("SELECT (SELECT count(*) FROM parks) AS parks, (SELECT count(*) FROM documents) AS documents, "
                      "(SELECT count(*) FROM metrics) AS figures, "
                      "(SELECT count(*) FROM masked_values) AS masked").iloc[0]


def headings(store: Store) -> pd.DataFrame:
    """Every heading with its park, document, kind, depth, marker and title, in document order."""
    return store.read("SELECT coalesce(p.name, '(no park)') AS park, d.source_name AS document, s.kind, s.depth, "
                      "s.marker, s.title FROM sections s JOIN documents d ON d.id = s.document_id "
                      "LEFT JOIN parks p ON p.id = d.park_id WHERE s.depth > 0 ORDER BY p.name, d.id, s.seq")


# Datasette's canned queries (parksum browse).
CANNED = {
    "facts_by_indicator": {
        "title": "Facts by indicator",
        "description": "Parks' figures for an indicator (a canonical name such as 规上工业总产值 or part of one).",
        "sql": "SELECT park, indicator, period_year, status, value_text, value, unit, base_value, base_unit, "
               "growth, masked, mentions, in_conflict, document, sentence FROM facts "
               "WHERE indicator LIKE '%' || :indicator || '%' ORDER BY indicator, park, period_year, status",
    },
    "masked_values_by_park": {
        "title": "Masked values by park",
        "description": "Every masked figure of a park, with its document, section and sentence.",
        "sql": "SELECT park, document, section_path, indicator, role, text, period, status, sentence "
               "FROM masked_values WHERE park LIKE '%' || :park || '%' ORDER BY document, metric_id",
    },
    "conflicts": {
        "title": "Conflicting figures",
        "description": "Each mention of a fact whose documents disagree; choice 1 is the figure facts show.",
        "sql": "SELECT c.park, c.indicator, c.period_year, c.status, c.measure, c.conflict, m.document, m.doc_type, "
               "m.text, m.masked, m.choice, m.sentence FROM fact_conflicts c JOIN fact_mentions m "
               "ON m.fact_key = c.fact_key AND m.measure = c.measure ORDER BY c.indicator, c.park, m.choice",
    },
    "search_sections": {
        "title": "Search sections (any length, 厂房 too)",
        "description": "Sections whose text holds :q as written, with a snippet. LIKE over the trigram index: "
                       "the index answers terms of 3+ characters, shorter ones (厂房) are scanned, so unlike "
                       "the search box of the sections table (FTS5 MATCH: 3+ characters) every term is found.",
        "sql": "SELECT s.id AS section_id, p.name AS park, d.source_name AS document, s.path, s.title AS heading, "
               "s.kind, substr(s.text, max(1, instr(s.text, :q) - 30), 90) AS snippet "
               "FROM sections_fts f JOIN sections s ON s.id = f.rowid JOIN documents d ON d.id = s.document_id "
               "LEFT JOIN parks p ON p.id = d.park_id "
               "WHERE f.text LIKE '%' || replace(replace(replace(:q, '\\', '\\\\'), '%', '\\%'), '_', '\\_') "
               "|| '%' ESCAPE '\\' ORDER BY p.name, d.id, s.seq LIMIT 500",
    },
}


def target_outcomes(store: Store) -> pd.DataFrame:
    """Each park's targets beside the actuals reported for their year (the target_outcomes view)."""
    return store.read("SELECT * FROM target_outcomes ORDER BY park, indicator, year")


def canonical_facts(store: Store) -> pd.DataFrame:
    """The facts of canonical indicators with the indicator's dimension, without the mention ids: one query for
    the whole report."""
    return store.read("SELECT f.*, i.dimension FROM facts f JOIN indicators i ON i.id = f.indicator_id "
                      "ORDER BY f.indicator, f.park, f.period_year, f.status")
